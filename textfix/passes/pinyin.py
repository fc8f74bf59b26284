"""``pinyin-annotation``: tone-marked readings injected by content farms.

SEO mirror sites copy an article, convert it to Traditional, and insert the
pinyin of a fixed list of characters after every occurrence: "高級(jí)總監(jiān)".
The insertion is a find/replace on GBK bytes, so it also matches byte pairs
that straddle two characters and leaves orphans such as "處于A(yíng)I"
(bytes DA|41 of 于|A read as 贏 yíng). Research: shared/research/chinese.md §1.

Decision, per document:

* an *aligned* annotation is ``(syllable)`` in ASCII parentheses right after a
  Han character whose pypinyin readings include the syllable;
* the document is *injected* when at least two aligned annotations carry
  the character's default (first) reading on characters whose Simplified
  and Traditional forms differ, the annotated characters are annotated at
  most of their occurrences, and one of them comes back annotated (or there
  are four or more): content farms annotate every occurrence of a fixed
  list of common characters, a textbook glosses a character once;
* in an injected document aligned annotations are removed, and so are
  orphans inside Latin tokens; an orphan whose GBK straddle reads as the
  syllable is removed in any document.

A lone genuine annotation (a textbook's "行(háng)") is flagged, never
removed; fullwidth "（háng）" and multi-syllable glosses ("（chán yú）") are
noted with a low confidence (below the default report threshold).

Measured (``scripts/eval_pinyin.py``, all clean Chinese documents, three
character lists each): readings injected at every occurrence are removed
exactly in 99.7% of the damaged documents (the misses carry a single
annotation, which is flagged); textbook-style glosses survive in 98-100%;
no clean document is changed; both gates cost well under 1 ms per MB of
clean English.

>>> from textfix import fix_text
>>> fix_text("特斯拉前AI高級(jí)總監(jiān)，他在推特賬號(hào)上稱(chēng)：")
'特斯拉前AI高級總監，他在推特賬號上稱：'
>>> from textfix import analyze
>>> [(f.rule, f.after) for f in analyze("銀行的行(háng)字").findings if f.kind == "pinyin-annotation"]
[('lone-annotation', None)]
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import regex

from ..config import Config
from ..model import Finding, Profile, make_finding
from . import Pass

# Tone-marked letters that occur in pinyin (precomposed), plus the combining
# marks of decomposed text.
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ\u0300\u0301\u0304\u030c"
LETTERS = "a-zü" + "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿê\u0300\u0301\u0304\u030c"

# Gate: an opening parenthesis followed by a toned syllable, or an ASCII
# parenthesis with letters right after a Han character (toneless injection).
# Each pattern starts with one literal character, which the regex engine
# finds with a fast scan (a character class first would be ~7x slower).
_GATE_RE = regex.compile(rf"\((?:[{LETTERS}]{{0,7}}[{TONED}]|(?<=\p{{Han}}\()[a-zü])")
_SEPARATOR_RE = regex.compile(r"[ '’\-]")  # between syllables
_GATE_FW_RE = regex.compile(rf"（[{LETTERS}]{{0,7}}[{TONED}]")

# Any parenthesised run of up to ten pinyin-looking syllables.
_ANNOT_RE = regex.compile(
    rf"(?P<open>[(（])(?P<body>[{LETTERS}]{{1,7}}(?:[ '’\-][{LETTERS}]{{1,7}}){{0,9}})(?P<close>[)）])"
)
_TONED_RE = regex.compile(f"[{TONED}]")
_HAN_RE = regex.compile(r"\p{Han}")
# The same patterns for the standard library's engine (explicit
# characters only, no Unicode properties: the same matches, found faster).
_ANNOT_STD_RE = re.compile(_ANNOT_RE.pattern)
_TONED_STD_RE = re.compile(_TONED_RE.pattern)
_SEPARATOR_STD_RE = re.compile(_SEPARATOR_RE.pattern)
_LATIN_RE = regex.compile(r"[A-Za-z]")


# --------------------------------------------------------------------------
# Readings (pypinyin's single-character dictionary), built lazily once.


@functools.lru_cache(maxsize=None)
def _pinyin_dict() -> dict[int, str]:
    """pypinyin's single-character dictionary (code point -> "jí,jī"), read
    from its JSON file: importing the ``pypinyin`` package itself would also
    load its phrase dictionary and train a segmenter (about 2 s)."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pypinyin")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "pinyin_dict.json"
        if path.is_file():
            return {int(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    from pypinyin.pinyin_dict import pinyin_dict  # layout changed: the slow way

    return pinyin_dict


@functools.lru_cache(maxsize=None)
def _variant_tables() -> tuple[dict[str, str], dict[str, str]]:
    from ..resources import han_tables

    return han_tables()


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s) if not s.isascii() else s


def _own_readings(char: str) -> list[str]:
    raw = _pinyin_dict().get(ord(char))
    return [nfc(r) for r in raw.split(",")] if raw else []


@functools.lru_cache(maxsize=65536)
def readings(char: str) -> tuple[str, ...]:
    """Every pypinyin reading of ``char`` and of its other-variant form,
    the character's own default reading first."""
    s2t, t2s = _variant_tables()
    out: list[str] = []
    for c in (char, t2s.get(char), s2t.get(char)):
        if c:
            for r in _own_readings(c):
                if r not in out:
                    out.append(r)
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def default_readings(char: str) -> frozenset[str]:
    """The default (first) reading of ``char`` and of its other-variant form."""
    s2t, t2s = _variant_tables()
    out = set()
    for c in (char, t2s.get(char), s2t.get(char)):
        if c:
            r = _own_readings(c)
            if r:
                out.add(r[0])
    return frozenset(out)


def is_variant_char(char: str) -> bool:
    """Whether the Simplified and Traditional forms of ``char`` differ."""
    s2t, t2s = _variant_tables()
    return char in s2t or char in t2s


def strip_tone(syllable: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))
    return base.replace("v", "ü")


@functools.lru_cache(maxsize=None)
def all_syllables() -> frozenset[str]:
    """Every reading pypinyin knows (tone-marked, NFC)."""
    out = set()
    for raw in _pinyin_dict().values():
        out.update(nfc(r) for r in raw.split(","))
    return frozenset(out)


def gbk_bytes(char: str) -> bytes | None:
    try:
        return char.encode("gbk")
    except UnicodeEncodeError:
        return None


def straddle_reads(prev_char: str, char: str, syllable: str) -> str | None:
    """If the last GBK byte of ``prev_char`` and the first byte of ``char``
    form a character read ``syllable``, that character (else ``None``)."""
    a, b = gbk_bytes(prev_char), gbk_bytes(char)
    if not a or not b:
        return None
    lead, trail = a[-1], b[0]
    if lead < 0x81 or trail < 0x40 or trail == 0x7F:
        return None
    try:
        ch = bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return None
    if syllable in readings(ch):
        return ch
    return None


# --------------------------------------------------------------------------
# Document evidence


class Annotation(NamedTuple):
    """One parenthesised syllable run. A named tuple (not a dataclass): a
    farm's document carries hundreds, and a tuple is built in C from the
    memoised verdict (:func:`_classify`)."""

    start: int  # offset of "("
    end: int  # offset after ")"
    char: str  # the character before "(" ("" at text start)
    body: str  # NFC syllable text
    ascii_parens: bool
    single: bool  # one syllable
    toned: bool
    kind: str = ""  # aligned / orphan / gloss / other
    default: bool = False
    variant: bool = False


@dataclass
class Evidence:
    annotations: list[Annotation]
    strong: int  # aligned, default reading, variant character, toned
    strong_toneless: int
    distinct: int
    consistency: float  # annotated share of the occurrences of annotated characters
    injected: bool
    confidence: float  # for removing aligned annotations in an injected document


_MEMO_MAX = 65536
_IS_HAN: dict[str, bool] = {}
# Han character -> (readings, default readings, the same two without tones, variant?)
_CHAR_INFO: dict[str, tuple] = {}


def _is_han(ch: str) -> bool:
    v = _IS_HAN.get(ch)
    if v is None:
        if len(_IS_HAN) >= _MEMO_MAX:
            _IS_HAN.clear()
        v = _IS_HAN[ch] = _HAN_RE.match(ch) is not None
    return v


def _char_info(ch: str) -> tuple:
    info = _CHAR_INFO.get(ch)
    if info is None:
        if len(_CHAR_INFO) >= _MEMO_MAX:
            _CHAR_INFO.clear()
        rs = readings(ch)
        ds = default_readings(ch)
        info = _CHAR_INFO[ch] = (
            rs,
            ds,
            {strip_tone(r) for r in rs},
            {strip_tone(r) for r in ds},
            is_variant_char(ch),
        )
    return info


# character before + raw match -> (character before, *what _verdict says):
# a document's annotations repeat (a farm annotates every occurrence of
# its characters), and so do the pairs across documents.
_VERDICTS: dict[str, tuple] = {}


def _verdict(prev: str, body: str, open_: str, close: str) -> tuple:
    """``(body, ascii_parens, single, toned, kind, default, variant)`` of
    the annotation ``open_ body close`` after ``prev`` (body in NFC)."""
    if body.isascii():
        toned = False  # an ASCII body holds no tone mark
    else:
        body = unicodedata.normalize("NFC", body)  # nfc(body)
        toned = not body.isascii() and _TONED_STD_RE.search(body) is not None
    ascii_parens = open_ == "(" and close == ")"
    single = _SEPARATOR_STD_RE.search(body) is None
    default = variant = False
    if prev and single and _is_han(prev):
        rs, ds, rs_toneless, ds_toneless, var = _char_info(prev)
        if toned and body in rs:
            kind = "aligned"
            default = body in ds
            variant = var
        elif not toned and body in rs_toneless:
            kind = "aligned"
            default = body in ds_toneless
            variant = var
        else:
            kind = "other"
    elif single and toned and prev and not _is_han(prev) and body in all_syllables():
        kind = "orphan"
    elif toned:
        kind = "gloss"
    else:
        kind = "other"
    return body, ascii_parens, single, toned, kind, default, variant


def _classify(text: str) -> list[Annotation]:
    out = []
    append = out.append
    verdicts = _VERDICTS
    for m in _ANNOT_STD_RE.finditer(text):
        start, end = m.span()
        # the character before "(" and the match: all a verdict depends on
        # (one slice, the memo's key; at the text's start the match alone,
        # which cannot equal a key with a character before it: its second
        # character is a letter, not a parenthesis)
        key = text[start - 1 : end] if start else text[:end]
        v = verdicts.get(key)
        if v is None:
            if len(verdicts) >= _MEMO_MAX:
                verdicts.clear()
            prev = text[start - 1] if start else ""
            open_, body, close = m.groups()
            v = verdicts[key] = (prev, *_verdict(prev, body, open_, close))
        append(Annotation(start, end, *v))
    return out


def evidence(text: str) -> Evidence:
    """Per-document evidence of injection."""
    anns = _classify(text)
    aligned = []
    strong = []  # aligned, default reading, variant character, toned
    strong_tl = []  # the same without a tone
    aligned_toned = 0
    for a in anns:
        if a.kind == "aligned" and a.ascii_parens:
            aligned.append(a)
            if a.toned:
                aligned_toned += 1
            if a.default and a.variant:
                (strong if a.toned else strong_tl).append(a)
    use = strong if strong else strong_tl
    chars = {a.char for a in use}
    if chars:
        total = sum(text.count(c) for c in chars)
        annotated = sum(1 for a in aligned if a.char in chars)
        consistency = annotated / total if total else 0.0
    else:
        consistency = 0.0
    n = len(strong)
    # farms annotate every occurrence, so a common character comes back
    # annotated (a character of ``use`` twice); a textbook glosses each
    # character once
    repeated = len(chars) < len(use)
    injected = False
    conf = 0.0
    weak = aligned_toned - n  # non-default or shared characters
    if n >= 2 and consistency >= 0.5 and n >= weak and (repeated or n >= 4):
        injected = True
        conf = 0.8 + 0.05 * min(n - 2, 3)  # 2 -> 0.8, 3 -> 0.85, >= 5 -> 0.95
        if consistency < 0.8:
            conf -= 0.1
        if n == 2 and consistency < 1.0:
            conf = min(conf, 0.7)
    elif not n and len(strong_tl) >= 5 and len(chars) >= 3 and consistency >= 0.8 and repeated:
        # toneless injection ("当(dang)"): only when dense and consistent
        injected = True
        conf = 0.85
    return Evidence(anns, n, len(strong_tl), len(chars), consistency, injected, round(conf, 3))


# --------------------------------------------------------------------------


class PinyinPass(Pass):
    kind = "pinyin-annotation"

    def gate(self, text: str, profile: Profile) -> bool:
        # readings need a tone mark or a Han character: neither is ASCII
        if text.isascii():
            return False
        return _GATE_RE.search(text) is not None or ("（" in text and _GATE_FW_RE.search(text) is not None)

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        ev = evidence(text)
        out: list[Finding] = []
        # characters annotated in this document, with the readings used
        # (_judge asks only in an injected document)
        used: dict[str, set[str]] = {}
        if ev.injected:
            for a in ev.annotations:
                if a.kind == "aligned" and a.ascii_parens:
                    used.setdefault(a.char, set()).add(a.body)
        kind = self.kind
        make = make_finding
        for a in ev.annotations:
            if not ev.injected and a.kind == "aligned" and a.ascii_parens:
                # _judge's verdict on an aligned reading in a document without injection
                start, end = a.start, a.end
                f = make(
                    kind, start, end, text[start:end], None, 0.5 if a.toned else 0.3,
                    f"reading {a.char}({a.body}) matches the character but the document shows no injection: kept",
                    "lone", "lone-annotation",
                )
            else:
                f = self._judge(text, a, ev, used)
            if f is not None:
                out.append(f)
        return out

    def _judge(self, text: str, a: Annotation, ev: Evidence, used: dict[str, set[str]]) -> Finding | None:
        ctx = f"{a.char}({a.body})"
        if a.kind == "aligned" and a.ascii_parens:
            if ev.injected and a.default and (a.variant or ev.strong >= 3):
                conf = ev.confidence if a.variant else min(ev.confidence, 0.85)
                return self._finding(
                    text, a, "", conf,
                    f"injected reading {ctx} removed: the document carries {ev.strong} such readings "
                    f"on {ev.distinct} characters",
                    detail="injected", rule="injected-default-reading",
                )
            if ev.injected and ev.strong >= 3 and len(used.get(a.char, ())) == 1:
                # consistent non-default reading of one character, in an injected document
                return self._finding(
                    text, a, "", min(ev.confidence, 0.85),
                    f"injected reading {ctx} removed (a consistent heteronym reading in an injected document)",
                    detail="injected", rule="injected-heteronym",
                )
            conf = 0.5 if a.toned else 0.3
            return self._finding(
                text, a, None, conf,
                f"reading {ctx} matches the character but the document shows no injection: kept",
                detail="lone", rule="lone-annotation",
            )
        if a.kind == "orphan" and a.ascii_parens:
            prev2 = text[a.start - 2] if a.start >= 2 else ""
            straddle = straddle_reads(prev2, a.char, a.body) if prev2 else None
            nxt = text[a.end] if a.end < len(text) else ""
            inside_latin = bool(_LATIN_RE.match(a.char)) and bool(_LATIN_RE.match(nxt))
            if straddle:
                conf = 0.95 if ev.injected else 0.85
                return self._finding(
                    text, a, "", conf,
                    f"orphan reading ({a.body}) removed: the GBK bytes of {prev2}{a.char} straddle to "
                    f"{straddle} ({a.body}), the injector matched across characters",
                    detail="orphan", rule="orphan-gbk-straddle",
                )
            if ev.injected and inside_latin:
                return self._finding(
                    text, a, "", 0.85,
                    f"orphan reading ({a.body}) inside a Latin token removed (injected document)",
                    detail="orphan", rule="orphan-in-latin-token",
                )
            if ev.injected:
                return self._finding(
                    text, a, None, 0.6,
                    f"orphan reading ({a.body}) after {a.char!r} in an injected document",
                    detail="orphan", rule="orphan-annotation",
                )
            return None
        if a.kind == "aligned" or a.kind == "gloss":
            # fullwidth or multi-syllable gloss: genuine typesetting; note it only
            if a.kind == "gloss" and not self._gloss_matches(text, a):
                return None
            return self._finding(
                text, a, None, 0.3,
                f"pinyin gloss {a.char}({a.body}) looks genuine (fullwidth or multi-syllable): kept",
                detail="gloss", rule="genuine-gloss",
            )
        return None

    def _finding(self, text: str, a: Annotation, after: str | None, conf: float, message: str, *, detail: str, rule: str):
        """``self.finding(text, a.start, a.end, ...)``, made faster."""
        return make_finding(self.kind, a.start, a.end, text[a.start : a.end], after, conf, message, detail, rule)

    @staticmethod
    def _gloss_matches(text: str, a: Annotation) -> bool:
        sylls = [s for s in _SEPARATOR_RE.split(a.body) if s]
        chars = text[max(0, a.start - len(sylls)) : a.start]
        if len(chars) != len(sylls) or not all(_HAN_RE.match(c) for c in chars):
            return False
        return all(s in readings(c) or s in {strip_tone(r) for r in readings(c)} for c, s in zip(chars, sylls))


PASS = PinyinPass()
