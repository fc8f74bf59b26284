"""pronoun-flip: one person called he and she within a short span (flag only)."""

from __future__ import annotations

from textfix import Config
from textfix.passes import pronoun
from textfix.profile import build_profile

P = pronoun.PASS


def flags(text: str):
    prof = build_profile(text)
    if not P.gate(text, prof):
        return []
    return P.detect(text, prof, Config(strict=True))


FLIPPED = (
    "Karpathy said he could return to the company next year. "
    "He joined the firm five years ago. "
    "In March, Karpathy announced that she would be taking a sabbatical. "
    "In July, Karpathy said he would not return."
)


def test_minority_pronoun_flagged():
    fs = flags(FLIPPED)
    assert len(fs) == 1
    f = fs[0]
    assert f.before == "she" and f.after is None and f.kind == "pronoun-flip"
    assert FLIPPED[f.start - 20 : f.end].endswith("announced that she")
    assert "Karpathy" in f.message


def test_two_people_not_flagged():
    text = (
        "Smith said he would stand again. Jones said she would not. "
        "Smith added that he expected a close race. Jones said she was confident."
    )
    assert flags(text) == []


def test_even_split_not_flagged():
    text = "Taylor said he was tired. Later Taylor said she was fine."
    assert flags(text) == []


def test_quoted_speech_not_tied():
    text = (
        'Evans said he was pleased. "She played well," Evans said. '
        "Evans said he would pick her again. Evans added that he was proud."
    )
    assert flags(text) == []


def test_far_apart_not_flagged():
    filler = "The weather stayed mild and the markets were quiet. " * 60
    text = "Lee said he was ready. Lee said he agreed. " + filler + "Lee said she was ready."
    assert flags(text) == []


def test_gate_needs_latin_and_a_pronoun():
    assert not P.gate("卡帕西表示他可能会回来。", build_profile("卡帕西表示他可能会回来。"))
    assert not P.gate("The committee met on Monday.", build_profile("The committee met on Monday."))


def test_opening_adverbial_and_intervening_name():
    text = (
        "Jordan said he would lead the group. Jordan added that he was ready. "
        "Last year, Jordan said she was racing with the new team."
    )
    (f,) = flags(text)
    assert f.before == "she"
    # "he" after another name refers to that name, not to the subject
    text2 = "Lee said he agreed. Lee said he was tired. Lee said Mars told her that she would pay."
    assert flags(text2) == []
