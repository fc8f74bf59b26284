"""cjk-mojibake: UTF-8 shown as GBK/Big5/Shift-JIS, GBK/Big5 shown as Latin-1,
double encodings, lossy UTF-8-as-GBK; clean text untouched."""

from __future__ import annotations

import pytest

import corpora
from textfix import Config, fix, fix_text
from textfix.passes.cjk_mojibake import PASS

ONLY = Config(enable=("mojibake", "cjk-mojibake", "lossy-bytes"))
SENTENCE = "长江是中华民族的母亲河，也是中华民族发展的重要支撑。"
TRAD = "長江是中華民族的母親河，也是中華民族發展的重要支撐。"


def kinds(result):
    return [f.kind for f in result.findings]


HELLO = "你好，世界！这是一个测试。"


@pytest.mark.parametrize(
    "written,displayed,text",
    [
        ("utf-8", "gb18030", "你好，世界！"),
        ("utf-8", "gbk", "你好，世界！"),
        ("gbk", "latin-1", SENTENCE),
        ("gbk", "cp1252", SENTENCE),
        ("big5", "latin-1", TRAD),
    ],
)
def test_lossless_chains_restored(written, displayed, text):
    damaged = text.encode(written).decode(displayed)
    assert damaged != text
    result = fix(damaged, ONLY)
    assert result.text == text
    f = next(f for f in result.findings if f.kind == "cjk-mojibake")
    assert f.confidence >= 0.9 and f.applied


def test_utf8_as_shift_jis_mostly_restored():
    text = "今日は良い天気ですね。明日も晴れるでしょう。"
    damaged = text.encode("utf-8").decode("cp932", "replace")
    result = fix(damaged, ONLY)
    assert result.text.startswith("今日は") and "天気" in result.text and "晴れる" in result.text
    assert "cjk-mojibake" in kinds(result)


def test_classic_examples():
    assert fix_text("浣犲ソ锛屼笘鐣岋紒") == "你好，世界！"
    assert fix_text("ÄãºÃ£¬ÊÀ½ç£¡") == "你好，世界！"


def test_lossy_utf8_as_gbk_infers_the_lost_byte():
    # From the issue: 加速度 lost its middle byte (0x80) to the GBK decoder.
    damaged = "鍚屾牱锛屾柦鍔涚殑澶у皬涓嶅悓锛屽紩璧风殑鍔犻�熷害"
    result = fix(damaged, ONLY)
    assert result.text == "同样，施力的大小不同，引起的加速度"
    assert "inferred" in next(f.message for f in result.findings if f.kind == "cjk-mojibake")


def test_mixed_document_repairs_only_the_damaged_part():
    text = "He said 浣犲ソ to me.\n正常的中文句子，没有问题。\nplain English line"
    assert fix_text(text, ONLY) == "He said 你好 to me.\n正常的中文句子，没有问题。\nplain English line"


def test_short_runs_follow_the_documents_chain():
    # "ÔÂ" (月) between digits is too short to judge alone.
    text = "今天（9月24日）国家统计局发布数据，经济运行总体平稳，就业形势基本稳定。"
    damaged = text.encode("gbk").decode("latin-1")
    assert fix_text(damaged, ONLY) == text


def test_double_encoding():
    # UTF-8 shown as GBK, and that saved as GBK and shown as Latin-1.
    once = "你好，世界！".encode("utf-8").decode("gbk")
    twice = once.encode("gbk").decode("latin-1")
    assert fix_text(twice, ONLY) == "你好，世界！"


def test_idempotent_and_clean_text_untouched():
    for text in (SENTENCE, TRAD, "café naïve Ärger", "浣犲ソ锛屼笘鐣岋紒", "ÄãºÃ£¬ÊÀ½ç£¡"):
        once = fix_text(text)
        assert fix_text(once) == once
    assert not PASS.gate("The quick brown fox.", None)


def test_clean_corpora_sample_unchanged(shared):
    """A fixed sample (60 documents per Chinese folder, 40 per English one);
    scripts/eval_mojibake.py checks every clean document."""
    docs = []
    for group, n in (("zh-hans", 60), ("zh-hant", 60), ("en", 40)):
        docs += corpora.clean_group(group, n)
    assert len(docs) > 200
    changed = [name for name, text in docs if PASS.gate(text, None) and any(
        f.after is not None for f in PASS.detect(text, None, ONLY))]
    assert changed == []


def test_mojibake_set_from_clean_corpora(shared):
    """Lossless chains on a sample of clean paragraphs: ≥ 95 % restored
    exactly; lossy UTF-8→GBK: every damaged paragraph repaired or flagged."""
    paras = [p for _n, t in corpora.clean_group("zh-hans", 8) for p in t.split("\n\n") if p.strip()][:60]
    for written, shown in (("gbk", "latin-1"), ("gbk", "cp1252")):
        ok = sum(fix_text(p.encode(written).decode(shown), ONLY) == p for p in paras)
        assert ok / len(paras) >= 0.95, (written, shown, ok, len(paras))
    lossy = [p.encode("utf-8").decode("gbk", "replace") for p in paras[:20]]
    for damaged in lossy:
        r = fix(damaged, ONLY)
        assert r.text != damaged or any(f.kind in ("cjk-mojibake", "lossy-bytes") for f in r.findings)
