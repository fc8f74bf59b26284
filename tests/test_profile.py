"""Script profile: shares, Han variant with evidence, language guess."""

import corpora

from textfix.profile import build_profile


def test_seed_profiles():
    p0 = build_profile(corpora.seed("000"))
    assert p0.dominant_script == "Han" and p0.han_variant == "hans" and p0.language == "zh-Hans"
    p1 = build_profile(corpora.seed("001"))
    assert p1.dominant_script == "Han" and p1.han_variant == "hant"
    assert p1.han_evidence["simplified"] > 0  # the residue shows up as evidence
    assert p1.han_evidence["traditional"] > 10 * p1.han_evidence["simplified"]
    p3 = build_profile(corpora.seed("003"))
    assert p3.dominant_script == "Latin" and p3.language == "en" and p3.han_variant is None


def test_other_scripts():
    assert build_profile("Привет, как дела? Это тест на русском языке.").language == "ru"
    assert build_profile("これは日本語の文章です。漢字とかなが混ざっています。").language == "ja"
    assert build_profile("이것은 한국어 문장입니다. 테스트입니다.").language == "ko"
    assert build_profile("Le chat est sur la table et il dort dans le jardin.").language == "fr"
    assert build_profile("12345 !!! ---").letters == 0


def test_mixed_variant():
    p = build_profile("这个软件很好用。這個軟體很好用。")
    assert p.han_variant == "mixed"
    assert p.han_evidence["simplified"] >= 2 and p.han_evidence["traditional"] >= 2


def test_summary_and_dict():
    p = build_profile(corpora.seed("001"))
    assert "hant" in p.summary()
    d = p.to_dict()
    assert d["dominant_script"] == "Han" and 0 < d["scripts"]["Latin"] < 1


def test_markup_is_recognised():
    page = "<html><body><p>第一段</p><p>第二段</p><ul><li>a</li></ul></body></html>"
    assert build_profile(page).markup
    assert build_profile('<?xml version="1.0"?><rss></rss>').markup
    assert not build_profile("a < b and c > d; x<y").markup


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Every kind of character the counting treats apart: A-Z/a-z, other Latin,
# the main CJK block and its edges (U+4E00, U+9FFF), what shares its UTF-8
# lead bytes (U+4000-U+4DFF: Extension A letters, a simplified one, a
# traditional one, a Yijing hexagram that is no letter), Han outside it
# (U+3400, compatibility U+F900, 々, 〇, astral U+20000), other scripts and
# letters of no listed script (ㄱ, Yi, fullwidth Ａ), non-letters (radical ⺀,
# emoji, a lone surrogate), punctuation, mojibake and markup.
_MIXED = (
    "aZé中國后发к Ωאعกकあアㄱ한々〇⺀𠀀1,。“”â€™Ã©\u00ad"
    "\u4e00\u9fff\u4000\u4dbf\u4723\u346e\u4dc0\u3400\uf900\ua000Ａⅻ😀\ud800<p>"
)


def _reference(text: str) -> tuple[int, dict[str, int], dict[str, int]]:
    """Letters, letters per script and the variant evidence, by definition:
    each letter ([\\p{L}\\p{Nl}]) under the first script pattern it matches,
    else Other; every simplified and traditional character."""
    import regex

    from textfix.profile import _SCRIPTS
    from textfix.resources import han_tables

    letters = regex.findall(r"[\p{L}\p{Nl}]", text)
    per_script = dict.fromkeys([*_SCRIPTS, "Other"], 0)
    for ch in letters:
        per_script[next((nm for nm, rx in _SCRIPTS.items() if rx.match(ch)), "Other")] += 1
    evidence = {}
    if per_script["Han"]:
        simplified, traditional = han_tables()
        evidence = {"simplified": sum(c in simplified for c in text), "traditional": sum(c in traditional for c in text)}
    return len(letters), {k: n for k, n in per_script.items() if n}, evidence


def _assert_counts_match_reference(text: str) -> None:
    letters, per_script, evidence = _reference(text)
    profile = build_profile(text)
    assert profile.letters == letters
    # Same scripts in the same order (the first of equal shares is dominant).
    assert [(k, round(v * letters)) for k, v in profile.scripts.items()] == list(per_script.items())
    assert profile.han_evidence == evidence


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_MIXED, max_size=40))
def test_script_shares_count_each_letter_once_by_its_script(text):
    """Whichever counting path the profile takes (ASCII, byte tally, scan)."""
    _assert_counts_match_reference(text)


# Runs of one kind of text, so the counting sees long runs and the edges
# between them: Chinese of either variant, Japanese, Korean, accented Latin,
# code points anywhere in Unicode.
_RUN = st.one_of(
    st.text(alphabet="的是在了不和有大這个们們說说时時為为会會國国后後，。 ", min_size=1, max_size=60),
    st.text(alphabet="これは日本語の文章ですカタカナ漢字々、。", min_size=1, max_size=30),
    st.text(alphabet="이것은한국어문장입니다 .", min_size=1, max_size=30),
    st.text(alphabet="The quick brwnfoxéüñçœ’ ", min_size=1, max_size=30),
    st.text(st.characters(min_codepoint=0x3000, max_codepoint=0xA100), min_size=1, max_size=20),
    st.text(st.characters(), min_size=1, max_size=20),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_RUN, max_size=12).map("".join))
def test_counts_match_reference_on_runs_of_any_script(text):
    _assert_counts_match_reference(text)


def test_main_cjk_block_is_han_letters_only():
    """The byte tally counts U+4E00-U+9FFF as Han letters without looking."""
    import regex

    block = "".join(map(chr, range(0x4E00, 0xA000)))
    assert regex.fullmatch(r"(?V1)[\p{Han}&&[\p{L}\p{Nl}]]+", block)


def test_latin_language_guess():
    """The Latin-script language guess is made with the profile; pickling
    (for a worker) and equality keep it."""
    import pickle

    texts = {
        "en": "The cat sat on the mat and it was not happy with the dog, but that is life.",
        "fr": "Le chat est sur la table et il dort dans le jardin avec les enfants.",
        "de": "Der Hund und die Katze sind nicht in dem Haus, das ist auch gut so.",
        "und": "Xyzzy plugh frobozz quux.",
    }
    for lang, text in texts.items():
        profile = build_profile(text)
        assert pickle.loads(pickle.dumps(profile)) == profile and profile.language == lang
        assert profile.to_dict()["language"] == lang
        mixed = build_profile(text + " 中文")
        assert mixed.language == lang and mixed.share("Han") > 0
