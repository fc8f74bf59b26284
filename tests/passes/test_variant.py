"""variant-residue: simplified residue in Traditional text, and the mirror."""

from __future__ import annotations

import random

import pytest

import corpora
import textfix
from textfix import Config
from textfix.passes.variant import PASS
from textfix.profile import build_profile

ONLY = Config(enable=("variant-residue",), strict=True)


def _edits(text: str, config: Config = ONLY):
    return [f for f in textfix.fix(text, config).findings if f.kind == "variant-residue" and f.applied]


# A Taiwan-standard paragraph with the residue a naive converter leaves
# (written for this test; not from a fixture).
TRAD_DAMAGED = (
    "這家公司成立于二〇一〇年，一年多后就開始獲利。創辦人說，他們并沒有"
    "想到市場會這麼大，后來干脆把總部搬到了台北。這里的員工大多來自南部，"
    "什么事情都願意嘗試。公司的制度很簡單，布告欄上只有一張板子。"
)
TRAD_GOLD = (
    "這家公司成立於二〇一〇年，一年多後就開始獲利。創辦人說，他們並沒有"
    "想到市場會這麼大，後來乾脆把總部搬到了台北。這裏的員工大多來自南部，"
    "什麼事情都願意嘗試。公司的制度很簡單，布告欄上只有一張板子。"
)


def test_naive_converter_residue_is_restored():
    out = textfix.fix_text(TRAD_DAMAGED, ONLY)
    # 於/後/並/乾脆/什麼/裏 restored; the text never writes 裡, so the
    # OpenCC-standard 裏 (SPEC default); 台北 is the text's own usage and
    # stays; 制/布/板 are standard Traditional forms and are never touched.
    assert out == TRAD_GOLD


def test_standard_traditional_forms_are_left_alone():
    edits = _edits(TRAD_DAMAGED)
    touched = {f.before for f in edits}
    assert not touched & set("布板制台")
    assert {f.rule for f in edits} <= {"hard-residue", "naive-converter", "char-phrase", "char-char-usage", "char-prior", "word-prior"}


def test_each_edit_names_its_rule_and_is_one_character():
    for f in _edits(TRAD_DAMAGED):
        assert f.rule and f.message and len(f.before) == len(f.after) == 1
        assert TRAD_DAMAGED[f.start : f.end] == f.before


def test_regional_form_follows_the_document():
    # The text writes 裡 itself: residue 里 becomes 裡, not OpenCC's 裏.
    text = TRAD_DAMAGED + "我們在這裡住了很久，那裡的人也很好。"
    out = textfix.fix_text(text, ONLY)
    assert "這裡的員工" in out and "里" not in out
    # and one that writes 為/眾 gets 為 for residue 为 (OpenCC standard is 爲)
    text = TRAD_DAMAGED + "因为這個原因，大家都認為眾人的看法是對的，為此開了會。"
    out = textfix.fix_text(text, ONLY)
    assert "因為" in out and "爲" not in out


def test_taiwan_text_keeps_its_native_tai():
    # Clean Taiwan usage 台 throughout, plus residue elsewhere: 台 stays.
    text = "台灣的台北市是首都，台中市在中部。" * 3 + "他说这个国家发展很快。"
    out = textfix.fix_text(text, ONLY)
    assert out.count("台") == text.count("台")


def test_clean_traditional_text_with_a_name_is_untouched():
    # 于 as a surname, 后 in 皇后, 里 in a transliteration: no residue signal.
    text = "于右任是書法家。皇后在宮裡。埃里克來自瑞典，他說這裡很美。" * 2
    assert textfix.fix_text(text, ONLY) == text


def test_mirror_traditional_residue_in_simplified_text():
    clean = "这些年来，城市的交通变得越来越方便，地铁线路一条接一条地开通，市民出行的选择也多了。"
    text = "我们在這里讨论發展问题，他們认为经济會继续增长。乾隆皇帝的故事大家都知道。" + clean
    out = textfix.fix_text(text, ONLY)
    assert out == "我们在这里讨论发展问题，他们认为经济会继续增长。乾隆皇帝的故事大家都知道。" + clean


def test_latin_text_gate_is_closed():
    text = "The quick brown fox jumps over the lazy dog. " * 50
    assert PASS.gate(text, build_profile(text)) is False


def test_urls_are_not_touched():
    text = TRAD_DAMAGED + " 參見 https://example.com/后来/并 。"
    out = textfix.fix_text(text, ONLY)
    assert "https://example.com/后来/并" in out


@pytest.mark.parametrize("text", ["", "后", "后后后后", "并并 并", "\x00后\ud800", "台" * 1000, "后來" * 500 + "發" * 3])
def test_never_raises_and_is_idempotent(text):
    once = textfix.fix_text(text, ONLY)
    assert textfix.fix_text(once, ONLY) == once


def test_seed_001_residue_matches_gold():
    seed, gold = corpora.seed("001"), corpora.expected("001")
    out = textfix.fix_text(seed)
    for ch in "後於裏並乾麼布板制":
        assert out.count(ch) == gold.count(ch), ch
    for ch in "后于里并干么佈闆製裡":
        assert out.count(ch) == gold.count(ch) == 0, ch
    for word in ("處於", "乾脆", "什麼", "一年多後", "並沒"):
        assert word in out
    applied = {(f.before, f.after) for f in textfix.fix(seed).findings if f.kind == "variant-residue" and f.applied}
    assert applied == {("后", "後"), ("于", "於"), ("里", "裏"), ("并", "並"), ("干", "乾"), ("么", "麼")}


def test_clean_chinese_corpora_stay_clean(shared):
    """Every clean Chinese document (Simplified, Traditional Taiwan and Hong
    Kong: 2,616 documents): the pass changes at most 1 in 200."""
    docs = corpora.clean_group("zh-hant") + corpora.clean_group("zh-hans")
    assert len(docs) > 2000
    changed = []
    for name, text in docs:
        profile = build_profile(text)
        if PASS.gate(text, profile):
            if any(f.is_edit and f.confidence >= 0.8 for f in PASS.detect(text, profile, Config())):
                changed.append(name)
    assert len(changed) * 200 <= len(docs), changed


def _damage(text: str, rng: random.Random, table: dict, back: dict) -> str:
    rate = rng.uniform(0.03, 0.15)
    return "".join(table[c] if c in table and table[c] in back and rng.random() < rate else c for c in text)


def test_random_residue_is_mostly_restored(shared):
    """A sample of the damaged set of scripts/eval_variant.py (3-15 % of the
    convertible characters turned into the other variant)."""
    from textfix.resources import han_tables

    s2t, t2s = han_tables()
    rng = random.Random(7)
    for group, table, back, bound in (("zh-hant", t2s, s2t, 0.7), ("zh-hans", s2t, t2s, 0.9)):
        docs = corpora.clean_docs(corpora.CLEAN_FOLDERS[group][0], 60) + corpora.clean_docs(corpora.CLEAN_FOLDERS[group][1], 30)
        total = restored = 0
        for _, clean in docs:
            damaged = _damage(clean, rng, table, back)
            if damaged == clean:
                continue
            total += 1
            restored += textfix.fix_text(damaged, ONLY) == clean
        assert total >= 60
        assert restored / total >= bound, (group, restored, total)
