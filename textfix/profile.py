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
import functools
import itertools
import re
from collections import Counter

import regex

from .cache import derived
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
_ASCII_LETTER_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _ascii_letters(text: str) -> int:
    """A-Z/a-z in ``text``: bytes.translate deletes them at C speed (UTF-8
    bytes of other characters are never ASCII)."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _ASCII_LETTER_BYTES))

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

PROFILE_CHARS = 200_000  # enough text to judge; caps cost on huge documents


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NOT_LATIN_OR_HAN = r"(?V1)[[\p{L}\p{Nl}]--[A-Za-z\p{Han}]]"  # letters of any other kind


@functools.lru_cache(maxsize=None)
def _bmp_runs(prop: str) -> "re.Pattern[str]":
    """Runs of the BMP characters with ``regex`` property class ``prop``, as a
    stdlib ``re`` pattern: ``re`` compiles a big class to a bitmap and scans
    CJK text about twice as fast as ``regex`` does."""
    return re.compile(f"[{_bmp_class(prop)}]+")


@derived(deps=("regex",))
def _bmp_class(prop: str) -> str:
    """The inside of :func:`_bmp_runs`' class: every BMP character tested
    (~17 ms a class), so kept on disk; compiling it takes ~1 ms."""
    member = regex.compile(prop)
    ranges: list[list[int]] = []
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000 or not member.match(chr(cp)):
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)


def _chars(prop: str, sample: str, astral: bool) -> str:
    """The characters of ``sample`` in the ``regex`` class ``prop``, joined
    (``astral``: whether ``sample`` holds characters the BMP bitmap misses)."""
    pattern = regex.compile(prop + "+") if astral else _bmp_runs(prop)
    return "".join(pattern.findall(sample))


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


# Bytes that end a word for the language guess: ASCII other than letters and
# the apostrophe (UTF-8 bytes of accented letters stay inside their word).
_NON_WORD = bytes.maketrans(
    bytes(b for b in range(128) if not (chr(b).isalpha() or b == 0x27)), b" " * (128 - 53)
)
_STOPWORDS_UTF8 = {lang: tuple(w.encode("utf-8") for w in words) for lang, words in _STOPWORDS.items()}
_ZEROS = itertools.repeat(0)  # the default for every Counter.get in map(get, stop, _ZEROS)


def _latin_language(text: str) -> str:
    # Bytes, not str: one C-level lower/translate/split over the UTF-8 head.
    words = text[:20_000].encode("utf-8", "ignore").lower().translate(_NON_WORD).split()
    if len(words) < 3:
        return "und"
    get = Counter(words).get
    scores = {lang: sum(map(get, stop, _ZEROS)) for lang, stop in _STOPWORDS_UTF8.items()}
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


_SCRIPT_OF: dict[str, str] = {}  # letter -> its script among _SCRIPTS, or "Other"


def _scripts_of(letters: str) -> Counter:
    """Letters per script (of :data:`_SCRIPTS`, else ``Other``): one
    ``Counter`` and a cached look-up per distinct letter."""
    out: Counter = Counter()
    known = _SCRIPT_OF
    for ch, n in Counter(letters).items():
        name = known.get(ch)
        if name is None:
            name = known[ch] = next((nm for nm, rx in _SCRIPTS.items() if rx.match(ch)), "Other")
        out[name] += n
    return out


def build_profile(text: str) -> Profile:
    """Profile ``text`` (its first 200,000 characters)."""
    sample = text[:PROFILE_CHARS]
    profile = _build(sample)
    return dataclasses.replace(profile, markup=True) if is_markup(sample) else profile


def _build(sample: str) -> Profile:
    if sample.isascii():
        letters = _ascii_letters(sample)
        if letters == 0:
            return Profile()
        return Profile(scripts={"Latin": 1.0}, letters=letters, language=_latin_language(sample))

    astral = _ASTRAL.search(sample) is not None
    letters = len(_chars(r"[\p{L}\p{Nl}]", sample, astral))
    if letters == 0:
        return Profile()
    # Most text is Latin and/or Han: A-Z/a-z are counted bytewise; the other
    # letters (usually none or a few: tone marks, names, mojibake) are listed
    # and looked up one by one; Han is what is left (every letter counts for
    # one script).
    counts = dict.fromkeys(_SCRIPTS, 0)
    counts["Latin"] = _ascii_letters(sample)
    if counts["Latin"] < letters:
        rest = _chars(_NOT_LATIN_OR_HAN, sample, astral)
        found = _scripts_of(rest)
        unlisted = found.pop("Other", 0)
        for name, n in found.items():
            counts[name] += n
        counts["Han"] = letters - sum(counts.values()) - unlisted
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
