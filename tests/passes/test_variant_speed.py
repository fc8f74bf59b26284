"""variant-residue: the exact early exit before any OpenCC call.

Clean Traditional text must not pay for OpenCC conversion, and skipping it
must never change a finding: the exit only fires when the full analysis
would return nothing too.
"""

from __future__ import annotations

import random

import pytest

import corpora
from textfix import Config
from textfix.passes import variant
from textfix.passes.variant import PASS
from textfix.profile import build_profile

# Clean Taiwan-standard prose that holds regional and word-tier candidates
# (台, 群, 峰, 里 in 公里, 占 in 占領) but no residue (written for this test).
CLEAN_TW = (
    "台北市位於台灣北部，人口超過兩百萬。從市中心往北走十五公里就到了陽明山，"
    "山上的群峰在冬天常常被雲霧籠罩。日本曾經占領台灣五十年，留下了許多建築。"
    "許多遊客喜歡在週末到山上泡溫泉，欣賞台北盆地的夜景。"
)


@pytest.fixture
def opencc_calls(record_calls):
    """Count OpenCC converter look-ups made by the pass after its tables are built."""
    variant._to_traditional()
    variant._to_simplified()
    return record_calls(variant, "opencc")


def _detect(text):
    profile = build_profile(text)
    assert PASS.gate(text, profile)
    return PASS.detect(text, profile, Config())


def test_clean_traditional_paragraph_exits_without_opencc(opencc_calls):
    assert _detect(CLEAN_TW) == []
    assert opencc_calls == []


def test_damaged_paragraph_still_converts(opencc_calls):
    damaged = CLEAN_TW + "他們并没有想到，一年多后這里會變成这樣。"
    findings = _detect(damaged)
    assert opencc_calls, "residue must reach OpenCC"
    assert {f.before for f in findings if f.confidence >= 0.8} >= {"并", "没", "后", "这"}


def test_one_hard_character_alone_does_not_pass():
    # a single hard character, repeated (a quoted name), is not damage
    text = CLEAN_TW + "梁颂恒說：「梁颂恒在這裡。」"
    assert variant._may_show_damage(text, [i for i, c in enumerate(text) if c == "颂"], variant._to_traditional()) is None


def _force_open(monkeypatch):
    real = variant._may_show_damage

    def never_exit(text, positions, side):
        return sum(map(len, variant._HAN_RUN.findall(text, 0, variant._SAMPLE)))

    monkeypatch.setattr(variant, "_may_show_damage", never_exit)
    monkeypatch.setattr(variant, "_profile_rules_out", lambda text, profile, side: False)
    return real


@pytest.mark.parametrize("side", [variant._to_traditional, variant._to_simplified])
def test_possible_residue_is_profile_evidence(side):
    """The profile exit counts ``side.word`` evidence in place of the
    characters that can be sure residue: those must all be evidence."""
    from textfix.resources import han_tables

    plane = "".join(map(chr, range(0x10000)))
    evidence = dict(zip(("simplified", "traditional"), han_tables()))[side().word]
    possible = set(side().possible.findall(plane))
    assert possible and possible <= set(evidence)


def test_phrase_exit_folds_only_around_the_position():
    """_in_some_phrase folds a window; _phrase looks in the folded text: the
    same phrases cover every position of a damaged paragraph."""
    side = variant._to_traditional()
    text = CLEAN_TW + "由于之后他們并没有想到，一年多后這里會變成这樣。於是"
    ctx = text.translate(side.fold)
    for pos in range(len(text)):
        assert variant._in_some_phrase(side, text, pos) == (next(variant._phrases_at(side.phrases, ctx, pos), None) is not None)


def _findings(texts):
    out = []
    for text in texts:
        profile = build_profile(text)
        fs = PASS.detect(text, profile, Config()) if PASS.gate(text, profile) else []
        out.append([(f.start, f.after, f.confidence, f.rule) for f in fs])
    return out


def test_early_exit_is_exact_on_real_text(shared, monkeypatch):
    """Clean documents and lightly damaged ones (a few residue characters,
    near the damage threshold): the findings are the same with and
    without the early exit."""
    from textfix.resources import han_tables

    s2t, t2s = han_tables()
    rng = random.Random(11)
    texts = []
    for group, table, back in (("zh-hant", t2s, s2t), ("zh-hans", s2t, t2s)):
        for folder in corpora.CLEAN_FOLDERS[group][:2]:
            for _, clean in corpora.clean_docs(folder, 40):
                texts.append(clean)
                # 0.1-1 % damage: around two per 1,000 Han, where the exit decides
                rate = rng.uniform(0.001, 0.01)
                texts.append("".join(table[c] if c in table and table[c] in back and rng.random() < rate else c for c in clean))
    with_exit = _findings(texts)
    _force_open(monkeypatch)
    assert _findings(texts) == with_exit
    assert any(with_exit) and not all(with_exit)


def test_regional_conversions_are_s2t_then_the_variant_table(shared):
    """converted_at_all runs t2tw / t2hk on s2t's output instead of a second
    full s2tw / s2hk conversion: OpenCC must give the same text both ways
    (on simplified copies of real Taiwan and Hong Kong text, and on the
    characters whose regional forms differ: 線/綫, 豔/艷, 裏/裡, 為/爲)."""
    from textfix.resources import opencc

    texts = ["这里的线路很艳丽，为什么说温度在台湾里面。"]
    for folder in ("wiki_zh_drcd_hant", "ud_zh_hk_hant"):
        texts += [opencc("t2s").convert(t) for _n, t in corpora.clean_docs(folder, 40)]
    for text in texts:
        base = opencc("s2t").convert(text)
        assert opencc("s2tw").convert(text) == opencc("t2tw").convert(base)
        assert opencc("s2hk").convert(text) == opencc("t2hk").convert(base)
    positions = [i for i, c in enumerate(texts[0]) if c in "里线艳为温台"]
    for cfg, got in zip(variant._REGIONS, variant.converted_at_all(variant._REGIONS, texts[0], positions)):
        whole = variant.aligned_convert(cfg, texts[0])
        assert got == {p: whole[p] for p in positions}
