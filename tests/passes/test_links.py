"""broken-link: spaces injected into domains and e-mail addresses."""

from __future__ import annotations

import pytest

import textfix
from textfix import Config
from textfix.passes import links
from textfix.pipeline import apply_edits, select_edits
from textfix.profile import build_profile

P = links.PASS


def repair(text: str) -> str:
    prof = build_profile(text)
    if not P.gate(text, prof):
        return text
    return apply_edits(text, select_edits(P.detect(text, prof, Config(strict=True)), 0.8))


@pytest.mark.parametrize(
    "before, after",
    [
        ("You can send by email: fred@9to5mac. com", "You can send by email: fred@9to5mac.com"),
        ("With Zalkon. com, you can view the portfolio.", "With Zalkon.com, you can view the portfolio."),
        ("Write to ann.lee@mail.example. org.", "Write to ann.lee@mail.example.org."),
        ("Visit www.example. in/news for more.", "Visit www.example.in/news for more."),
        ("Mail jo@example. it today.", "Mail jo@example.it today."),  # word-like TLD after an e-mail head
        ("See example. net (archived).", "See example.net (archived)."),
        ("Read bbc.co. uk for that.", "Read bbc.co.uk for that."),
        ("联系邮箱：service@163. com。", "联系邮箱：service@163.com。"),
    ],
)
def test_rejoins(before, after):
    assert repair(before) == after


@pytest.mark.parametrize(
    "text",
    [
        "Prices rose in the U.S. com- panies said.",  # abbreviation, not a host
        "I spoke with Dr. de Barros. He knows his field.",  # ccTLD-looking word after a title
        "Counselors, Taxpayers, et. al., We are here.",
        "Registries such as .museum and .aero were approved.",  # prose naming TLDs
        "we went to the store. it was closed.",  # lower-case sentence start after a plain word
        "He left the side. im not worried.",
        "Zalkon. company reports are out.",  # not a TLD: longer word
        "The value was 3. com is not a word here.",  # head without a letter
        "Email fred@9to5mac.com or call.",  # already fine
    ],
)
def test_leaves_prose_alone(text):
    assert repair(text) == text


def test_finding_details():
    text = "Contact: fred@9to5mac. com"
    (f,) = P.detect(text, build_profile(text), Config())
    assert f.kind == "broken-link" and f.detail == "email" and f.after == "." and f.confidence >= 0.9


def test_through_pipeline_idempotent():
    text = "Tips: fred@9to5mac. com\nWith Zalkon. com, you can invest.\n"
    once = textfix.fix_text(text)
    assert "fred@9to5mac.com" in once and "Zalkon.com," in once
    assert textfix.fix_text(once) == once


def test_tld_list_loaded_once():
    every, words = links.tlds()
    assert links.tlds() is links.tlds()
    assert {"com", "org", "uk", "cn"} <= every and "in" in words and "com" not in words


@pytest.mark.parametrize(
    "before, after",
    [
        ("Go to www. example.com today.", "Go to www.example.com today."),
        ("Go to www. example. com today.", "Go to www.example.com today."),  # two rounds
        ("Write to fred @ 9to5mac.com for tips.", "Write to fred@9to5mac.com for tips."),
        ("Write to fred@ 9to5mac.com for tips.", "Write to fred@9to5mac.com for tips."),
    ],
)
def test_rejoins_www_and_at_sign(before, after):
    assert textfix.fix_text(before) == after


@pytest.mark.parametrize(
    "text",
    [
        "Meet me @ home tonight.",  # no host after the at sign
        "Prices @ 5.99 each.",
        "The www. It was a new idea then.",
        "Tweet @ someone if you like.",
    ],
)
def test_at_sign_and_www_prose_alone(text):
    assert repair(text) == text


def test_domain_named_in_prose_kept():
    text = "Addresses are the first name plus @paulhastings.com. Here are two examples."
    assert repair(text) == text
