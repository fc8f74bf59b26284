"""Clean Japanese, Cantonese, Korean and Russian text stays as it is
(tests/data/lang/PROVENANCE.md: the dev half of each set)."""

from __future__ import annotations

import pytest

import corpora
from textfix import Config, fix, fix_text

MAX_CHANGED = 0.005  # share of clean documents any pass may change


@pytest.mark.parametrize("lang", corpora.LANGS)
def test_clean_text_left_alone(lang):
    paras = corpora.lang_paragraphs(lang, "dev")
    if not paras:
        pytest.skip("no data (../shared missing)")
    changed = [p for p in paras if fix_text(p) != p]
    assert len(changed) <= MAX_CHANGED * len(paras), changed[:3]


def test_japanese_ascii_parentheses_are_kept():
    text = "知床半島は羅臼岳(1660m)などを含む山々が連なる半島で、世界自然遺産に登録された!"
    assert fix_text(text) == text


def test_japanese_stray_ascii_among_fullwidth_is_only_flagged():
    text = "東京（とうきょう）と大阪（おおさか）と京都（きょうと）と神戸（こうべ）と名古屋(なごや)を結ぶ。"
    r = fix(text, Config(report_threshold=0.0))
    assert r.text == text
    flags = [f for f in r.findings if f.kind == "cjk-punctuation"]
    assert flags and not any(f.applied for f in flags)


def test_chinese_flattened_punctuation_still_restored():
    assert fix_text("马斯克痛失AI大主管,特斯拉自动驾驶(FSD)团队负责人离职!") == "马斯克痛失AI大主管，特斯拉自动驾驶（FSD）团队负责人离职！"


def test_korean_with_hanja_keeps_ascii_parentheses():
    text = "第45條(休職期間등) ①休職期間은 1年 以內로 한다."
    assert fix_text(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "你捐錢夠多，就可以話晒事。只要係用戶嘅真實資料，佢哋就會處理。",
        "你睇吓佢啲相先啦，我哋聽日再傾。呢度係香港嘅舊區。",
    ],
)
def test_cantonese_characters_are_not_residue(text):
    assert fix_text(text) == text


def test_traditional_mandarin_residue_still_repaired():
    # no Cantonese markers: 晒 is residue of 曬 here
    text = "他們在陽台上晒衣服，又說這個發現處于早期階段，並沒有結論。"
    r = fix(text)
    assert "處於" in r.text
