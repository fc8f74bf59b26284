"""ftfy's own test cases (peer-data/ftfy) through textfix.

Compared modulo ftfy's cosmetic steps (quote uncurling, Latin ligatures),
which textfix deliberately does not apply because they damage CJK text.
textfix must pass at least as many cases as ftfy.fix_text alone.
"""

import json

import ftfy
import pytest
from ftfy.fixes import fix_latin_ligatures, uncurl_quotes

import textfix

SUITES = ("in-the-wild", "synthetic", "language-names", "negative")


def cosmetic(s: str) -> str:
    return uncurl_quotes(fix_latin_ligatures(s))


def load(shared, name):
    path = shared / "peer-data" / "ftfy" / f"{name}.json"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return json.loads(path.read_text(encoding="utf-8"))


def test_passes_at_least_as_often_as_ftfy(shared):
    ours = theirs = total = 0
    failures = []
    for name in SUITES:
        for case in load(shared, name):
            if case.get("expect") != "pass":
                continue
            total += 1
            got = textfix.fix_text(case["original"], strict=True)
            if cosmetic(got) == cosmetic(case["fixed"]):
                ours += 1
            else:
                failures.append((case["label"], case["original"], got))
            theirs += ftfy.fix_text(case["original"]) == case["fixed"]
    assert total >= 150
    assert ours >= theirs, failures[:5]
    assert ours == total, failures[:5]


def test_extra_layer_of_latin1_damage(shared):
    """ftfy's harness also decodes each case's UTF-8 as Latin-1 once more."""
    ok = total = 0
    for name in ("in-the-wild", "synthetic", "language-names"):
        for case in load(shared, name):
            if case.get("expect") != "pass":
                continue
            damaged = case["original"].encode("utf-8").decode("latin-1")
            total += 1
            ok += cosmetic(textfix.fix_text(damaged)) == cosmetic(case["fixed"])
    assert ok / total >= 0.9, f"{ok}/{total}"


def test_known_failures_not_worse_than_ftfy(shared):
    cases = load(shared, "known-failures")
    ours = sum(cosmetic(textfix.fix_text(c["original"])) == cosmetic(c["fixed"]) for c in cases)
    theirs = sum(ftfy.fix_text(c["original"]) == c["fixed"] for c in cases)
    assert ours >= theirs


def test_face_file(shared):
    path = shared / "peer-data" / "ftfy" / "face.txt"
    if not path.exists():
        pytest.skip("face.txt absent")
    result = textfix.fix_bytes(path.read_bytes())
    assert result.text.strip() == "┒(⌣˛⌣)┎"
