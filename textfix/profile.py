"""Whole-document profile: script shares, Han variant, language guess.

Passes read the profile to decide cheaply whether their damage can be there
(no Han, no Chinese punctuation pass) and which way to repair (a Traditional
document gets its simplified residue converted, not the reverse).

>>> build_profile("特斯拉前AI高級總監").han_variant
'hant'
>>> build_profile("The quick brown fox jumps over the lazy dog.").language
'en'
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import regex

from .model import Profile
from .resources import simplified_re, traditional_re

_SCRIPTS = {
    "Latin": regex.compile(r"\p{Latin}+"),
    "Han": regex.compile(r"\p{Han}+"),
    "Kana": regex.compile(r"[\p{Hiragana}\p{Katakana}]+"),
    "Hangul": regex.compile(r"\p{Hangul}+"),
    "Cyrillic": regex.compile(r"\p{Cyrillic}+"),
    "Greek": regex.compile(r"\p{Greek}+"),
    "Arabic": regex.compile(r"\p{Arabic}+"),
    "Hebrew": regex.compile(r"\p{Hebrew}+"),
    "Thai": regex.compile(r"\p{Thai}+"),
    "Devanagari": regex.compile(r"\p{Devanagari}+"),
}
_LETTERS = regex.compile(r"[\p{L}\p{Nl}]+")
_ASCII_LETTERS = re.compile(r"[A-Za-z]+")  # the stdlib engine is faster on these
_WORD = regex.compile(r"[\p{Latin}']+")
_ASCII_WORD = re.compile(r"[A-Za-z']+")  # _WORD on ASCII text

# A handful of the most frequent function words per language: enough to tell
# the big Latin-script languages apart on a paragraph or more.
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "it", "for", "was", "with", "on", "as", "he", "be", "at", "by", "this", "have", "are", "you", "i", "not", "but"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "un", "du", "dans", "que", "pour", "qui", "pas", "sur", "au", "avec", "il", "ce"},
    "de": {"der", "die", "und", "das", "ist", "den", "nicht", "von", "zu", "mit", "sich", "des", "auf", "ein", "eine", "dem", "ich", "es", "auch"},
    "es": {"el", "la", "de", "que", "y", "en", "los", "del", "se", "las", "por", "un", "una", "con", "no", "es", "para", "su", "al"},
    "pt": {"o", "a", "de", "que", "e", "do", "da", "em", "um", "para", "com", "não", "uma", "os", "no", "se", "na", "por", "mais"},
    "it": {"il", "di", "che", "e", "la", "per", "un", "in", "non", "una", "sono", "del", "della", "le", "si", "con", "è", "gli"},
    "nl": {"de", "het", "een", "en", "van", "is", "dat", "op", "te", "niet", "zijn", "voor", "met", "die", "ik", "je", "er"},
}

_PROFILE_CHARS = 200_000  # enough text to judge; caps cost on huge documents


def _run_length(pattern, text: str) -> int:
    return len("".join(pattern.findall(text)))


def _han_variant(simplified: int, traditional: int) -> str | None:
    total = simplified + traditional
    if total == 0:
        return None
    share = traditional / total
    if share >= 0.8:
        return "hant"
    if share <= 0.2:
        return "hans"
    return "mixed"


def _latin_language(text: str) -> str:
    head = text[:20_000]
    if head.isascii():  # lower-casing ASCII keeps lengths and word boundaries
        words = _ASCII_WORD.findall(head.lower())
    else:
        words = [w.lower() for w in _WORD.findall(head)]
    if len(words) < 3:
        return "und"
    seen = Counter(words)
    scores = {lang: sum(seen[w] for w in stop if w in seen) for lang, stop in _STOPWORDS.items()}
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    return lang if best >= max(1, len(words) // 20) else "und"


def _cyrillic_language(text: str) -> str:
    if regex.search(r"[іїєґІЇЄҐ]", text):
        return "uk"
    if text.count("ъ") > 3 and not regex.search(r"[ыэЫЭ]", text):
        return "bg"
    return "ru"


_TAG = re.compile(r"<(?:[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|/[A-Za-z][A-Za-z0-9:-]*>|!--|\?xml|!DOCTYPE)")
_MARKUP_TAGS = 8


def is_markup(sample: str) -> bool:
    """Whether ``sample`` is HTML/XML source: several tags, or a declaration."""
    if "<" not in sample:
        return False
    count = 0
    for _ in _TAG.finditer(sample):
        count += 1
        if count >= _MARKUP_TAGS:
            return True
    return sample.lstrip().startswith(("<?xml", "<!DOCTYPE", "<!doctype", "<html", "<rss"))


def build_profile(text: str) -> Profile:
    """Profile ``text`` (its first 200,000 characters)."""
    sample = text[:_PROFILE_CHARS]
    profile = _build(sample)
    return dataclasses.replace(profile, markup=True) if is_markup(sample) else profile


def _build(sample: str) -> Profile:
    if sample.isascii():
        letters = _run_length(_ASCII_LETTERS, sample)
        if letters == 0:
            return Profile()
        return Profile(scripts={"Latin": 1.0}, letters=letters, language=_latin_language(sample))

    letters = _run_length(_LETTERS, sample)
    if letters == 0:
        return Profile()
    if _run_length(_ASCII_LETTERS, sample) == letters:  # every letter is A-Z/a-z
        counts = {name: (letters if name == "Latin" else 0) for name in _SCRIPTS}
    else:
        counts = {name: _run_length(rx, sample) for name, rx in _SCRIPTS.items()}
    other = letters - sum(counts.values())
    if other > 0:
        counts["Other"] = other
    scripts = {k: v / letters for k, v in counts.items() if v > 0}

    han_variant = None
    evidence: dict[str, int] = {}
    if counts["Han"]:
        simplified = len(simplified_re().findall(sample))
        traditional = len(traditional_re().findall(sample))
        evidence = {"simplified": simplified, "traditional": traditional}
        han_variant = _han_variant(simplified, traditional)

    dominant = max(scripts.items(), key=lambda kv: kv[1])[0]
    if scripts.get("Kana", 0) >= 0.05:
        language = "ja"
    elif dominant == "Hangul":
        language = "ko"
    elif dominant == "Han" or scripts.get("Han", 0) >= 0.3:
        language = {"hans": "zh-Hans", "hant": "zh-Hant"}.get(han_variant or "", "zh")
    elif dominant == "Latin":
        language = _latin_language(sample)
    elif dominant == "Cyrillic":
        language = _cyrillic_language(sample)
    else:
        language = {"Greek": "el", "Arabic": "ar", "Hebrew": "he", "Thai": "th", "Devanagari": "hi"}.get(dominant, "und")
    return Profile(scripts=scripts, letters=letters, han_variant=han_variant, han_evidence=evidence, language=language)
