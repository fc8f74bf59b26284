"""cjk-mojibake's shortcuts give what their definitions give: the dense
pattern written to start with its class, and the chains _repair_run skips
(bytes with no two wide UTF-8 sequences, bytes that do not decode, bytes a
chain before it read the same way)."""

from __future__ import annotations

import random
import re

import corpora
from textfix.passes import cjk_mojibake as cm
from textfix.passes.cjk_mojibake import PASS

SAMPLES = (
    "长江是中华民族的母亲河，也是中华民族发展的重要支撑。",
    "長江是中華民族的母親河（1949年），“世界”！",
    "今日は良い天気ですね。明日も晴れるでしょう。",
    "한국어 텍스트와 漢字가 섞인 문장입니다.",
)


def _damaged(text: str, rng: random.Random) -> str:
    """``text`` as one of the chains cjk-mojibake repairs displays it."""
    written, shown = rng.choice(
        [("utf-8", "gbk"), ("utf-8", "gb18030"), ("utf-8", "big5"), ("utf-8", "cp932"), ("utf-8", "cp949"),
         ("gbk", "latin-1"), ("gbk", "cp1252"), ("big5", "latin-1")]
    )
    return text.encode(written, "replace").decode(shown, "replace")


def _runs(rng: random.Random, count: int) -> list[str]:
    """Runs as detect hands them to _repair_run: stretches of damaged and
    clean text, and random mixes of suspects of every family."""
    alphabet = list(cm._suspects("gbk")[:120] + cm._suspects("big5")[:60] + cm._suspects("cp932")[:60])
    alphabet += list(cm._suspects("cp949")[:60]) + list("ÄãºÃ£¬Ê中文，。@~") + ["\ufffd", "\ue001"]
    runs = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.5:
            text = _damaged(rng.choice(SAMPLES), rng)
        elif kind < 0.7:
            text = rng.choice(SAMPLES)
        else:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 30)))
        i = rng.randrange(len(text))
        runs.append(text[i : i + rng.randint(2, 40)])
    return runs


def _findings(runs: list[str]) -> list:
    chain_sets = [cm._UTF8_CHAINS, cm._LATIN_CHAINS, *cm._FAMILY.values()]
    out = []
    for run in runs:
        for chains in chain_sets:
            for relaxed in (False, True):
                found = PASS._repair_run(run, 0, run, chains, relaxed=relaxed, scripts=frozenset({"Han", "Kana"}))
                out.append([(f.start, f.end, f.after, f.confidence, f.message, f.detail) for f in found])
    return out


def test_repair_shortcuts_skip_only_chains_without_repairs(monkeypatch):
    """_repair_run finds the same repairs, messages and confidences with
    its shortcuts as without them."""
    runs = _runs(random.Random(5), 1500)
    got = _findings(runs)
    assert sum(1 for f in got if f) > 300  # the runs hold repairs to find
    monkeypatch.setattr(cm, "_two_wide_re", lambda: re.compile(b""))
    monkeypatch.setattr(cm, "_read_before", lambda *args: False)
    assert _findings(runs) == got


def test_dense_pattern_matches_its_definition(shared):
    """_dense_re (class first) finds what ``(?:cls r?){2,} cls`` finds."""
    rng = random.Random(7)
    docs = [doc for _n, doc in corpora.clean_group("zh-hans", 20) + corpora.clean_group("zh-hant", 20)]
    docs += [doc.encode("utf-8").decode("gbk", "replace") for doc in docs[:10]]
    for codec in cm._FAMILY:
        cls = cm._class(cm._suspects(codec))
        definition = re.compile(f"(?:{cls}[^\\x00-\\x3f]?){{2,}}{cls}")
        alphabet = list(cm._suspects(codec)[:30]) + list("中文a1 ,") + ["\ue001"]
        texts = docs + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(5000)]
        for text in texts:
            got = [m.span() for m in cm._dense_re(codec).finditer(text)]
            assert got == [m.span() for m in definition.finditer(text)], (codec, text)
