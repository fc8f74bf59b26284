"""``mojibake``: Latin mojibake (UTF-8 read as cp1252, latin-1, MacRoman …),
HTML entities left in text, C1 controls — repaired by ftfy, line by line.

Where it comes from: a UTF-8 file opened as Windows-1252 turns "café" into
"cafÃ©"; saved again, the damage becomes part of the text.

ftfy's defaults also narrow fullwidth punctuation (，→,) and uncurl quotes
(“”→""): cosmetic steps that *damage* Chinese text. textfix calls ftfy with
an explicit configuration that leaves width, quotes, ligatures, line breaks
and normalisation alone, so only the encoding repair applies.

>>> from textfix import fix_text
>>> fix_text("cafÃ©")
'café'
>>> fix_text("你好，世界！“引号”")
'你好，世界！“引号”'
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from typing import Callable, NamedTuple

import ftfy
import regex
from ftfy.badness import BADNESS_RE, is_bad
from ftfy.fixes import fix_character_width

from ..cache import derived
from ..config import Config
from ..model import Finding, Profile
from ..textutil import common_affixes, iter_lines
from . import Pass
from .cjk_mojibake import is_cjk_as_latin

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=True,
    normalization=None,
    explain=True,
)

# What ftfy could act on: C0/C1 controls (and the few format characters
# ftfy removes), surrogates, HTML entities, or text its badness heuristic
# calls bad.
_MAYBE_CHAR = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u206a-\u206f\ufeff\ufff9-\ufffc\ud800-\udfff]")
_ENTITY = re.compile(r"&(?:#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def _maybe(text: str) -> bool:
    # Two scans, not one alternation: a class scan and a substring test are
    # each C-fast; the alternation tried both branches at every character.
    return _MAYBE_CHAR.search(text) is not None or ("&" in text and _ENTITY.search(text) is not None)


_EAST_ASIAN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_MARKUP = regex.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--|!\[CDATA\[)")
_LONE_ESCAPE = regex.compile(r"[\udc80-\udcff]")  # invalid input bytes kept as escapes



class _Hints(NamedTuple):
    """What :func:`_is_bad` needs to search ftfy's badness regex in windows."""

    chars: "re.Pattern[str]"  # a class of the non-ASCII characters the regex names
    width: int  # the regex's longest match
    branches: "dict[str, tuple[int, ...]]"  # character -> the alternatives naming it (one tuple per set)
    regex: "Callable[[tuple[int, ...]], re.Pattern[str]]"  # those alternatives, compiled on first use


_ONE_CHAR_ESCAPES = set("sSwWdD")


def _split_badness(pattern: str) -> "list[list[tuple[str, bool]]] | None":
    """ftfy's verbose badness pattern as alternatives of atoms ``(text,
    optional)``: a character class, a one-character escape, a literal, ``.``
    or the anchor ``^`` (text ``"^"``). ``None`` for anything else (groups,
    repeats, lookarounds, other anchors): then no window can be trusted."""
    alternatives: list[list[tuple[str, bool]]] = [[]]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c.isspace():
            i += 1
        elif c == "#":  # a comment, to the end of the line
            while i < n and pattern[i] != "\n":
                i += 1
        elif c == "|":
            alternatives.append([])
            i += 1
        elif c == "?":
            if not alternatives[-1] or alternatives[-1][-1][1] or alternatives[-1][-1][0] == "^":
                return None
            alternatives[-1][-1] = (alternatives[-1][-1][0], True)
            i += 1
        elif c == "[":
            j = i + 1
            j += pattern.startswith("^", j)
            j += pattern.startswith("]", j)
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            if j >= n:
                return None
            alternatives[-1].append((pattern[i : j + 1], False))
            i = j + 1
        elif c == "\\":
            e = pattern[i + 1 : i + 2]
            if not e or (e.isalnum() and e not in _ONE_CHAR_ESCAPES):
                return None  # \b, \A, \x.., \N{..}: not one plain character
            alternatives[-1].append((pattern[i : i + 2], False))
            i += 2
        elif c in "*+{}()$":
            return None
        else:  # a literal, "." or "^"
            alternatives[-1].append((c, False))
            i += 1
    return alternatives if all(alternatives) else None


@derived(deps=("ftfy",))
def _badness_plan() -> "tuple[str, int, dict[str, tuple[int, ...]], list[str]] | None":
    """The windowed search's plan, from ftfy's public badness pattern: the
    non-ASCII characters its atoms name, its longest match, each character's
    alternatives, and the alternatives' text. ``None`` when the pattern is
    not of that plain shape, or some alternative could match without a
    named non-ASCII character (no window would hold all its matches)."""
    alternatives = _split_badness(BADNESS_RE.pattern)
    if alternatives is None or BADNESS_RE.flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL):
        return None
    classes = [t for alt in alternatives for t, _ in alt if t.startswith("[")]
    flags = BADNESS_RE.flags
    # Every character a class can hold, found by the classes themselves
    # (one scan of the union, then each class over the union's members):
    # the classes hold literal characters and ranges of them, so none goes
    # past the pattern's highest character or \\x / \\u escape.
    top = max(map(ord, BADNESS_RE.pattern))
    for t in classes:
        for m in re.finditer(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|([UN0-7]))", t):
            top = sys.maxunicode if m.group(3) else max(top, int(m.group(1) or m.group(2), 16))
    universe = "".join(map(chr, range(0x80, min(top + 1, 0xD800)))) + "".join(map(chr, range(0xE000, top + 1)))
    positive = [t for t in classes if not t.startswith("[^")]
    union = "".join(sorted(set(re.findall("|".join(positive), universe, flags)))) if positive else ""
    ascii_chars = "".join(map(chr, range(128)))

    def members(atom: str) -> "set[str] | None":
        """The non-ASCII characters ``atom`` matches, ``None`` if it may
        match an ASCII one."""
        if atom.startswith("["):
            rx = re.compile(atom, flags)
            if atom.startswith("[^") or rx.search(ascii_chars):
                return None
            return set(rx.findall(union))
        if len(atom) == 1 and ord(atom) > 127:
            return {atom}
        return None

    naming: dict[str, list[int]] = {}
    for k, alt in enumerate(alternatives):
        required = False
        for atom, optional in alt:
            chars = members(atom)
            if chars:
                required = required or not optional
                for ch in chars:
                    naming.setdefault(ch, []).append(k)
        if not required:
            return None
    width = max(len(alt) for alt in alternatives)
    if width > 64:
        return None
    sets: dict[tuple[int, ...], tuple[int, ...]] = {}
    branches = {ch: sets.setdefault(tuple(ks), tuple(ks)) for ch, ks in naming.items()}
    texts = [" ".join(atom + ("?" if optional else "") for atom, optional in alt) for alt in alternatives]
    return "".join(sorted(naming)), width, branches, texts


@functools.lru_cache(maxsize=1)
def _badness_hints() -> "_Hints | None":
    """Every alternative of ftfy's badness regex needs one of a few non-ASCII
    characters, so a match can only lie within a window around one, and it
    is a match of an alternative that names that character: searching only
    those alternatives (a few of 37) in the window is several times cheaper.
    ``None`` (use ``is_bad`` as it is) when the regex is not of that shape."""
    plan = _badness_plan()
    if plan is None:
        return None
    named, width, branches, texts = plan
    # one tuple object per set (_is_bad compares them by identity; marshal
    # may or may not have kept them shared)
    shared: dict[tuple[int, ...], tuple[int, ...]] = {}
    branches = {ch: shared.setdefault(ks, ks) for ch, ks in branches.items()}

    @functools.lru_cache(maxsize=None)
    def regex(ks: tuple[int, ...]) -> "re.Pattern[str]":
        # One of 63 sets, compiled when a text first needs one (most texts
        # meet a few): the alternatives' own text, in ftfy's verbose syntax.
        return re.compile("|".join(texts[k] for k in ks), BADNESS_RE.flags)

    return _Hints(re.compile("[" + "".join(re.escape(c) for c in named) + "]"), width, branches, regex)


def _is_bad(text: str) -> bool:
    """``ftfy.badness.is_bad``, searching only the windows around the
    characters a match needs, with the alternatives that name them (the
    same answer, many times faster)."""
    hints = _badness_hints()
    if hints is None:
        return is_bad(text)
    width, branches, regex = hints.width, hints.branches, hints.regex
    lo = hi = -1
    pending = None  # the alternatives to search in the pending window [lo, hi)
    for m in hints.chars.finditer(text):
        q = m.start()
        key = branches[m.group()]
        if key is pending and q - width + 1 <= hi:  # overlaps the pending window: extend it
            hi = q + width
            continue
        if pending is not None and regex(pending).search(text, lo, hi):
            return True
        pending, lo, hi = key, max(0, q - width + 1), q + width
    return pending is not None and regex(pending).search(text, lo, hi) is not None


_STEP_NAMES = {
    "unescape_html": "html-entity",
    "fix_c1_controls": "c1-controls",
    "remove_control_chars": "control-chars",
    "remove_terminal_escapes": "terminal-escapes",
    "fix_surrogates": "surrogates",
}


def _describe(explanation) -> tuple[str, str]:
    """(detail, human description) of an ftfy explanation."""
    steps = list(explanation or [])
    encodes = [p for a, p in steps if a == "encode"]
    decodes = [p for a, p in steps if a == "decode"]
    if encodes and decodes:
        chain = ", ".join(f"{e}→{d}" for e, d in zip(encodes, decodes))
        return "encoding", f"UTF-8 text that was decoded as {encodes[0]}; re-decoded ({chain})"
    for action, param in steps:
        if action == "apply" and param in _STEP_NAMES:
            return _STEP_NAMES[param], f"ftfy: {param.replace('_', ' ')}"
    return "other", "ftfy: " + ", ".join(f"{a} {p}" for a, p in steps)


def _trim(before: str, after: str) -> tuple[int, int, int]:
    """Common prefix length and suffix lengths, so a finding spans only what changed."""
    p, s = common_affixes(before, after)
    return p, len(before) - s, len(after) - s


class MojibakePass(Pass):
    kind = "mojibake"
    markup_safe = True

    def gate(self, text: str, profile: Profile) -> bool:
        if _maybe(text):
            return True
        return not text.isascii() and _is_bad(text)

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        findings = []
        # ftfy's "auto" leaves entities alone in text that holds HTML markup;
        # decide that for the whole document, not line by line.
        ftfy_config = FTFY_CONFIG._replace(unescape_html=False) if _MARKUP.search(text) else FTFY_CONFIG
        for start, _end, line in iter_lines(text):
            if not (_maybe(line) or (not line.isascii() and _is_bad(line))):
                continue
            if _LONE_ESCAPE.search(line):
                continue  # invalid bytes kept from the input: nothing to decode
            fixed, explanation = ftfy.fix_and_explain(line, ftfy_config)
            if fixed == line:
                continue
            if _is_bad(fixed) and is_cjk_as_latin(line):
                # ftfy's reading leaves mojibake behind, while the bytes read
                # as GBK/Big5 shown as Latin-1: the cjk-mojibake pass's job.
                continue
            if explanation and any(a in ("encode", "decode") for a, _ in explanation):
                fixed = unicodedata.normalize("NFC", fixed)
                if not _EAST_ASIAN.search(fixed):
                    # Fullwidth marks that the repair revealed in a line with no
                    # East Asian text came from an IME, not from the language.
                    fixed = fix_character_width(fixed)
            p, b_end, a_end = _trim(line, fixed)
            detail, message = _describe(explanation)
            findings.append(
                self.finding(text, start + p, start + b_end, fixed[p:a_end], 0.95, message, detail=detail, rule="ftfy")
            )
        return findings


PASS = MojibakePass()
