"""variant-residue: document-level and clean-text evidence (constructed
documents written for these tests, not from a fixture)."""

from __future__ import annotations

import textfix
from textfix import Config
from textfix.passes import variant

ONLY = Config(enable=("variant-residue",), strict=True)

# Clean Taiwan-standard prose: writes 為 (not OpenCC standard's 爲) and 說
# (not Hong Kong's 説) again and again.
TW = (
    "他說這個計畫很重要，因為大家都認為值得一試。老師說學生的成績很好，"
    "因為他們每天都很努力。村長說今年的收成不錯，大家都認為天氣幫了忙。"
)


def _fix(text):
    return textfix.fix_text(text, ONLY)


def test_taiwan_text_gets_taiwan_li():
    # residue 这里/里面 in a text whose regional forms rule out OpenCC
    # standard and Hong Kong: 裡, not OpenCC's default 裏
    damaged = TW * 3 + "我們在这里住了很久，房子里面很乾淨，后來他們并沒有搬走。"
    out = _fix(damaged)
    assert "這裡" in out and "裡面" in out and "裏" not in out


def test_one_contradicting_form_is_not_enough_to_leave_the_default():
    # a single 說 does not make a text Taiwanese: OpenCC standard 裏 (SPEC default)
    damaged = "因為天氣很好，大家都認為應該出門，因為大家都喜歡。" * 3 + "他說：我們在这里住了很久，后來他們并沒有搬走，于是就留下了。"
    out = _fix(damaged)
    assert "這裏" in out


def test_word_tier_in_a_converting_phrase_uses_the_clean_text_prior():
    # 采 in 采用 / 游 in 游戏: clean Traditional text writes 採用 / 遊戲 almost always
    damaged = TW * 3 + "公司采用了新的方法。孩子們喜歡玩游戲。他們并沒有发現問題，后來也沒有。"
    out = _fix(damaged)
    assert "採用" in out and "遊戲" in out


def test_occupy_zhan_is_left_to_the_document():
    # 占 in 占领: Taiwan writes 占領 about as often as 佔領, so without the
    # document writing 佔 the prior does not decide, and 占 stays
    damaged = TW * 3 + "日本曾經占領這裡。他們并沒有发現問題，后來也沒有。"
    out = _fix(damaged)
    assert "占領" in out


def test_prior_odds_scale_with_the_damage_rate():
    side = variant._to_traditional()
    c = next(iter(side.prior))
    in_phrase = sum(side.prior[c][:2]) >= variant._PRIOR_MIN
    low = variant._prior_odds(side, c, in_phrase, 0.05)
    high = variant._prior_odds(side, c, in_phrase, 1.0)
    if low is not None:
        assert high == low * 20
    assert variant._prior_odds(side, "\u4e00", True, 1.0) is None  # no data: the rules decide


def test_a_naive_conversion_converts_a_repeated_word_too():
    # a naive converter: every one-to-many character left, 证券 written 4x and
    # 證 never: residue like the rest, not a name
    damaged = (
        "東京证券交易所是日本最大的证券交易所，成立于一八七八年，后來改名。"
        "大阪证券交易所并入后，名古屋证券交易所仍然獨立发展，里面的公司很多。"
        "這些交易所的制度不同，发展的历史也不同，于是各有特色，并且各自发行股票。"
    )
    out = _fix(damaged)
    assert "证" not in out and out.count("證券") == 4


def test_a_name_repeated_in_a_clean_looking_text_is_kept():
    # the same word with one simplified-looking character again and again,
    # the rest of the text converted: a name, not residue
    text = TW * 3 + "梁颂恒說，梁颂恒的朋友也說梁颂恒和梁颂恒的家人很好。" + "他并沒有后悔。"
    out = _fix(text)
    assert out.count("梁颂恒") == 4 and "並沒有後悔" in out


def test_lines_that_lost_bytes_are_left_to_the_decoding_passes():
    """A line of lossy UTF-8-read-as-GBK mojibake is full of "simplified"
    characters (锛, 灏, 涓); converting them to Traditional would spoil the
    bytes the mojibake passes and the user still need. Residue on the other
    lines is still repaired."""
    from textfix.profile import build_profile
    from textfix.passes.variant import PASS

    residue = "我們在一年多后才處于這個位置，并沒有放棄，這里的人都知道。"
    clean = "台北市位於台灣北部，人口超過兩百萬，市政府設在信義區。"
    lossy = (clean * 2).encode("utf-8").decode("gbk", errors="replace")
    assert "\ufffd" in lossy
    text = "\n".join([residue, lossy, residue, clean * 3])
    profile = build_profile(text)
    findings = PASS.detect(text, profile, Config())
    lossy_start = len(residue) + 1
    lossy_end = lossy_start + len(lossy)
    assert findings, "the residue lines are still repaired"
    assert not [f for f in findings if lossy_start <= f.start < lossy_end]
