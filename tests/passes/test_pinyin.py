"""pinyin-annotation: injected readings removed, genuine glosses kept."""

from __future__ import annotations

import unicodedata

import pytest
import regex

import corpora
import eval_pinyin as E
from textfix import Config, analyze, fix, fix_text
from textfix.passes import pinyin
from textfix.pipeline import run

MINE = Config(enable=("pinyin-annotation", "lossy-bytes"), strict=True)
ONLY = Config(enable=("pinyin-annotation",), strict=True)
TONED_PAREN = regex.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]")

# A Traditional paragraph with injected readings (the farms' shape, not a fixture line).
INJECTED = (
    "這項研究(jiū)由大學(xué)團(tuán)隊(duì)完成,他們發(fā)現(xiàn)新的方法。"
    "研究人員說(shuō),這個(gè)方法還沒(méi)有在其他國(guó)家使用。"
    "團(tuán)隊(duì)希望明年開(kāi)始推廣。"
)
INJECTED_CLEAN = (
    "這項研究由大學團隊完成,他們發現新的方法。"
    "研究人員說,這個方法還沒有在其他國家使用。"
    "團隊希望明年開始推廣。"
)


def mine(text: str) -> str:
    return run(text, MINE).text


def test_injected_paragraph_restored_exactly():
    # 究 is shared by both variants and carries its default reading: in an
    # injected document it goes too
    assert mine(INJECTED) == INJECTED_CLEAN


def test_findings_carry_rule_and_kind():
    res = fix(INJECTED, ONLY)
    removed = [f for f in res.findings if f.applied]
    assert removed and all(f.kind == "pinyin-annotation" and f.after == "" for f in removed)
    assert {f.rule for f in removed} <= {"injected-default-reading", "injected-heteronym"}
    assert all(f.before.startswith("(") and f.before.endswith(")") for f in removed)
    assert min(f.confidence for f in removed) >= 0.8


@pytest.mark.parametrize(
    "text",
    [
        "銀行的「行」字有兩個讀音，這裡讀行(háng)。",  # textbook: a lone ASCII gloss, non-default reading
        "他學會了一個新字：蠹(dù)，就是蛀蟲。",  # a lone rare character with its default reading
        "課文標題是窃(qiè)读记，作者是林海音。",
        "這裡的行（háng）是行列的意思。",  # fullwidth gloss
        "匈奴的首領稱為單于（chán yú）。",  # multi-syllable gloss
        "使用函數 f(x) 與 g(é) 的寫法。",  # not a reading
    ],
)
def test_genuine_annotation_kept(text):
    assert fix_text(text, ONLY) == text


def test_lone_annotation_flagged_not_removed():
    text = "銀行的「行」字有兩個讀音，這裡讀行(háng)。"
    res = analyze(text, ONLY)
    flags = [f for f in res.findings if f.kind == "pinyin-annotation"]
    assert len(flags) == 1
    assert flags[0].after is None and flags[0].rule == "lone-annotation" and flags[0].before == "(háng)"
    assert 0.5 <= flags[0].confidence < 0.8


def test_textbook_glosses_first_occurrence_only_kept():
    # three glosses with default readings, but each character also appears
    # unglossed later: a textbook, not a content farm
    text = (
        "課文裡的鯨(jīng)是哺乳動物，鰓(sāi)是魚的呼吸器官，鱗(lín)長在魚身上。"
        "鯨不用鰓呼吸。鯨沒有鱗，魚有鱗和鰓。"
    )
    assert fix_text(text, ONLY) == text


def test_orphan_inside_latin_token_removed():
    # 于|A straddle to 贏 (yíng) in GBK
    text = INJECTED + "不管是處于A(yíng)I圈的還是非AI圈。"
    out = mine(text)
    assert "處于AI圈" in out and "(yíng)" not in out
    res = fix(text, ONLY)
    orphan = [f for f in res.findings if f.detail == "orphan"]
    assert orphan and orphan[0].rule == "orphan-gbk-straddle" and orphan[0].applied


def test_orphan_without_injection_needs_the_straddle():
    # no GBK straddle explains (kāi) after "I", and the document shows no
    # injection: kept
    text = "他們說OpenAI(kāi)很有名。"
    assert fix_text(text, ONLY) == text


def test_toneless_injection_dense_removed_sparse_kept():
    dense = "当(dang)时的乱(luan)码问(wen)题很多，这(zhe)个问(wen)题让(rang)人头(tou)疼。"
    assert fix_text(dense, ONLY) == "当时的乱码问题很多，这个问题让人头疼。"
    sparse = "他们(men)说这个词读作们(men)。"
    assert fix_text(sparse, ONLY) == sparse


def test_decomposed_tone_marks():
    text = unicodedata.normalize("NFD", INJECTED)
    assert mine(text) == unicodedata.normalize("NFD", INJECTED_CLEAN)


def test_idempotent_on_damaged_text():
    once = fix_text(INJECTED + "處于A(yíng)I")
    assert fix_text(once) == once


def test_seed_001_every_annotation_gone():
    seed = corpora.seed("001")
    out = mine(seed)
    assert not TONED_PAREN.search(out), TONED_PAREN.findall(out)[:5]
    # what is left differs from the gold only in what other passes handle:
    # punctuation width, comma runs, Simplified residue, the attribution line
    expected = corpora.expected("001")

    def norm(s: str) -> list[str]:
        from textfix.resources import opencc

        s = unicodedata.normalize("NFKC", s)
        s = regex.sub(r",+(?=[,。、?])|,+(?=,)", "", s)
        s = opencc("t2s").convert(s)
        return [line for line in s.splitlines() if line.strip()]

    got, want = norm(out), norm(expected)
    missing = [line for line in got if line not in want]
    assert len(missing) <= 1 and all(line.startswith("文章出") for line in missing), missing


def test_char_level_injection_sample_restored(shared):
    # the eval script's damage on a fixed sample of the clean corpora
    docs = corpora.clean_group("zh-hant", 12) + corpora.clean_group("zh-hans", 12)
    hant = E.frequent_variant_chars([t for n, t in docs if "hant" in n], "hant")
    hans = E.frequent_variant_chars([t for n, t in docs if "hant" not in n], "hans")
    damaged = exact = 0
    for seed in (0, 1):
        for name, clean in docs:
            chars = E.char_list(hant if "hant" in name else hans, seed)
            bad = E.inject_chars(clean, chars)
            if bad == clean:
                continue
            damaged += 1
            exact += mine(bad) == clean
    assert damaged >= 40
    assert exact / damaged >= 0.98, (exact, damaged)


def test_clean_chinese_and_english_unchanged(shared):
    # the gate is the whole cost on clean text; where it opens, nothing may change
    changed = total = 0
    for group in ("zh-hans", "zh-hant", "en"):
        for _name, text in corpora.clean_group(group):
            total += 1
            if pinyin.PASS.gate(text, None) and mine(text) != text:
                changed += 1
    assert total > 1000
    assert changed <= total // 200


def test_gate_closed_on_ascii_and_plain_chinese():
    assert not pinyin.PASS.gate("The quick (brown) fox.", None)
    assert not pinyin.PASS.gate("他們（OpenAI）說，這是(2016年)的事。", None)
    assert pinyin.PASS.gate("高級(jí)總監", None)


def test_verdict_memo_gives_the_fresh_verdict():
    from textfix.passes import pinyin

    text = "特斯拉前AI高級(jí)總監(jiān)，他在推特賬號(hào)上稱(chēng)：處于A(yíng)I，行(háng)字（chán yú）當(dang)"
    first = pinyin._classify(text)
    pinyin._VERDICTS.clear()
    fresh = pinyin._classify(text)
    again = pinyin._classify(text)
    assert first == fresh == again
    assert {a.kind for a in fresh} >= {"aligned", "orphan"}
