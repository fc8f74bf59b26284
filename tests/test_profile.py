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

_MIXED = "aZé中國后发к Ωאعกकあアㄱ한々〇⺀𠀀1,。“”â€™Ã©\u00ad"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_MIXED, max_size=40))
def test_script_shares_count_each_letter_once_by_its_script(text):
    """Letters per script, by definition: each letter ([\\p{L}\\p{Nl}]) under
    the first script pattern it matches, else Other; whichever counting path
    the profile takes."""
    import regex

    from textfix.profile import _SCRIPTS, build_profile
    from textfix.resources import simplified_re, traditional_re

    letters = regex.findall(r"[\p{L}\p{Nl}]", text)
    want: dict[str, int] = {}
    for ch in letters:
        name = next((nm for nm, rx in _SCRIPTS.items() if rx.match(ch)), "Other")
        want[name] = want.get(name, 0) + 1
    profile = build_profile(text)
    assert profile.letters == len(letters)
    got = {k: round(v * profile.letters) for k, v in profile.scripts.items()}
    assert got == want
    if want.get("Han"):
        assert profile.han_evidence == {
            "simplified": len(simplified_re().findall(text)),
            "traditional": len(traditional_re().findall(text)),
        }
