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
from typing import NamedTuple

import regex

from .cache import derived
from .model import Profile
from .resources import char_class, han_tables

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


# ---------------------------------------------------------------- counting
#
# Letters are counted without listing most of them. In UTF-8, A-Z/a-z are
# single bytes, and the characters U+4000-U+9FFF are those whose lead byte is
# E4-E9: U+4000-U+4DFF (the end of Extension A, the Yijing hexagrams) and the
# main CJK block U+4E00-U+9FFF, where every code point is a Han letter. One
# bytes.translate that keeps a mark per such byte and two counts give both,
# and the lead bytes F0-F4 tell whether astral characters are there (the
# ``re`` classes below cover the BMP only). One ``re`` scan then lists,
# in order, the characters those counts cannot place (the other letters,
# U+4000-U+4DFF) with the simplified and traditional characters, so the
# variant evidence is counted in that short string instead of in the whole
# sample (for Chinese it usually holds the evidence alone). Every ``re``
# scan costs a few ns per character plus ~60 ns per match.

_ASCII_LETTER_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# The marked bytes, each class mapped to one byte of its own; every other
# byte (continuation bytes included) is deleted, so what is left holds one
# mark per counted character.
_MARKED = _ASCII_LETTER_BYTES + bytes(range(0xE4, 0xEA)) + bytes(range(0xF0, 0xF5))
_BYTE_MARKS = bytes.maketrans(_MARKED, b"a" * 52 + b"\xe4" * 6 + b"\xf0" * 5)
_UNMARKED = bytes(b for b in range(256) if b not in _MARKED)
_MAIN_HAN = frozenset(map(chr, range(0x4E00, 0xA000)))
_BELOW_MAIN = frozenset(map(chr, range(0x4000, 0x4E00)))  # shares the lead bytes with the main block
_LETTER = r"[\p{L}\p{Nl}]"
_ASTRAL_LETTERS = regex.compile(r"(?V1)[[\p{L}\p{Nl}]&&[\U00010000-\U0010ffff]]")


def _byte_tally(text: str) -> tuple[int, int, bool]:
    """``(A-Z/a-z, characters in U+4000-U+9FFF, any astral character)``."""
    marks = text.encode("utf-8", "surrogatepass").translate(_BYTE_MARKS, _UNMARKED)
    lead_e4_e9 = marks.count(b"\xe4")
    astral = marks.count(b"\xf0")
    return len(marks) - lead_e4_e9 - astral, lead_e4_e9, astral > 0


@derived(deps=("regex",))
def _rest_letters() -> frozenset[str]:
    """The BMP letters that are neither A-Z/a-z nor in the main CJK block
    (one ``regex`` findall over the whole plane)."""
    if not regex.fullmatch(r"(?V1)[\p{Han}&&[\p{L}\p{Nl}]]*", "".join(sorted(_MAIN_HAN))):  # pragma: no cover
        raise RuntimeError("regex's Unicode tables do not make all of U+4E00-U+9FFF Han letters")
    plane = "".join(chr(cp) for cp in range(0x10000) if not 0xD800 <= cp < 0xE000)
    return frozenset(regex.findall(_LETTER, plane)) - _MAIN_HAN - set(_ASCII_LETTER_BYTES.decode())


def _runs(*classes: str) -> "re.Pattern[str]":
    """Runs of the union of the ``re`` character ``classes``, written ``XX*``
    rather than ``X+``: ``re`` skips ahead to a first character with its
    fast class test only when the pattern starts with a plain class."""
    one = "[" + "".join(c[1:-1] for c in classes) + "]"
    return re.compile(one + one + "*")


def _count(runs: "re.Pattern[str]", text: str) -> int:
    """Characters of ``text`` in the class whose ``runs`` are given."""
    return len("".join(runs.findall(text)))


class _Patterns(NamedTuple):
    # In the sample: the characters the byte tally cannot place (the rest
    # letters, U+4000-U+4DFF) and the evidence (simplified, traditional).
    scan: "re.Pattern[str]"
    # In what ``scan`` listed: the rest letters and U+4000-U+4DFF (usually
    # none), then in those each class; the evidence.
    odd: "re.Pattern[str]"
    rest: "re.Pattern[str]"
    below_main: "re.Pattern[str]"
    simplified: "re.Pattern[str]"
    traditional: "re.Pattern[str]"


@derived(deps=("regex", "opencc"))
def _classes() -> tuple[str, ...]:
    """The ``re`` classes of the rest letters, U+4000-U+4DFF, the simplified
    and the traditional characters: kept on disk (writing out the 35,000
    characters is 13 ms)."""
    return tuple(map(char_class, (_rest_letters(), _BELOW_MAIN, *han_tables())))


@functools.lru_cache(maxsize=None)
def _patterns() -> _Patterns:
    rest, below_main, simplified, traditional = _classes()
    return _Patterns(
        scan=_runs(rest, below_main, simplified, traditional),
        odd=_runs(rest, below_main),
        rest=_runs(rest),
        below_main=_runs(below_main),
        simplified=_runs(simplified),
        traditional=_runs(traditional),
    )


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
_ANY_STOPWORD = frozenset(w for words in _STOPWORDS_UTF8.values() for w in words)
_ZEROS = itertools.repeat(0)  # the default for every Counter.get in map(get, stop, _ZEROS)


def _latin_language(text: str) -> str:
    # Bytes, not str: one C-level lower/translate/split over the UTF-8 head.
    words = text[:20_000].encode("utf-8", "ignore").lower().translate(_NON_WORD).split()
    if len(words) < 3:
        return "und"
    # Only the stopwords are counted: a Counter of every word was most of
    # the cost.
    get = Counter([w for w in words if w in _ANY_STOPWORD]).get
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
        letters = _byte_tally(sample)[0]
        if letters == 0:
            return Profile()
        return Profile(scripts={"Latin": 1.0}, letters=letters, language=_latin_language(sample))

    ascii_letters, lead_e4_e9, astral = _byte_tally(sample)
    pattern = _patterns()
    listed = "".join(pattern.scan.findall(sample))
    # Chinese without rarer letters lists evidence characters alone.
    odd = "".join(pattern.odd.findall(listed)) if listed else ""
    rest = "".join(pattern.rest.findall(odd)) if odd else ""
    if astral:
        rest += "".join(_ASTRAL_LETTERS.findall(sample))
    main_han = lead_e4_e9 - _count(pattern.below_main, odd) if odd else lead_e4_e9
    letters = ascii_letters + main_han + len(rest)
    if letters == 0:
        return Profile()
    # Every letter counts for one script: A-Z/a-z for Latin, the main CJK
    # block for Han, the rest (usually none or a few: tone marks, names,
    # mojibake) looked up one by one.
    counts = dict.fromkeys(_SCRIPTS, 0)
    counts["Latin"] = ascii_letters
    counts["Han"] = main_han
    if rest:
        found = _scripts_of(rest)
        other = found.pop("Other", 0)
        for name, n in found.items():
            counts[name] += n
        if other > 0:
            counts["Other"] = other
    scripts = {k: v / letters for k, v in counts.items() if v > 0}

    han_variant = None
    evidence: dict[str, int] = {}
    if counts["Han"]:
        simplified = _count(pattern.simplified, listed)
        # Without odd characters, the rest of the list is traditional (the
        # two classes are disjoint: han_tables).
        traditional = _count(pattern.traditional, listed) if odd else len(listed) - simplified
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
