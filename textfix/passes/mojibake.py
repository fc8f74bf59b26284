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

import contextlib
import functools
import re
import unicodedata
from typing import Callable, NamedTuple

import ftfy
import regex
from ftfy.badness import BADNESS_RE, is_bad
from ftfy.fixes import fix_character_width

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


@functools.lru_cache(maxsize=1)
def _badness_hints() -> "_Hints | None":
    """Every alternative of ftfy's badness regex needs one of a few non-ASCII
    characters, so a match can only lie within a window around one, and it
    is a match of an alternative that names that character: searching only
    those alternatives (a few of 37) in the window is several times cheaper.
    ``None`` (use ``is_bad`` as it is) when the regex is not of that shape."""
    try:
        import re._compiler as K  # noqa: N812
        import re._constants as C  # noqa: N812
        import re._parser as P  # noqa: N812
    except ImportError:  # pragma: no cover - Python < 3.11
        try:
            import sre_compile as K  # noqa: N812
            import sre_constants as C  # noqa: N812
            import sre_parse as P  # noqa: N812
        except ImportError:
            return None
    try:
        tree = P.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
        if BADNESS_RE.flags & (re.IGNORECASE | re.MULTILINE) or len(tree) != 1 or tree[0][0] is not C.BRANCH:
            return None
        width = tree.getwidth()[1]

        def chars(op, av):
            if op is C.LITERAL:
                return {av}
            if op is C.IN:
                out = set()
                for o, a in av:
                    if o is C.LITERAL:
                        out.add(a)
                    elif o is C.RANGE:
                        out.update(range(a[0], a[1] + 1))
                    else:  # NEGATE, CATEGORY: not a plain set
                        return None
                return out
            return None

        def needs_non_ascii(seq) -> bool:
            for op, av in seq:
                if op in (C.LITERAL, C.IN):
                    c = chars(op, av)
                    if c and min(c) > 127:
                        return True
                elif op is C.SUBPATTERN and needs_non_ascii(av[-1]):
                    return True
                elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1 and needs_non_ascii(av[2]):
                    return True
            return False

        def collect(seq, hint: set[int]) -> set[int]:
            """The non-ASCII characters the atoms of ``seq`` name."""
            for op, av in seq:
                if op in (C.LITERAL, C.IN):
                    hint.update(x for x in (chars(op, av) or ()) if x > 127)
                elif op is C.BRANCH:
                    for b in av[1]:
                        collect(b, hint)
                elif op is C.SUBPATTERN:
                    collect(av[-1], hint)
                elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
                    collect(av[2], hint)
            return hint

        alternatives = tree[0][1][1]
        if width > 64 or not all(needs_non_ascii(alt) for alt in alternatives):
            return None
        # character -> indexes of the alternatives naming it (the same tuple
        # object for the same set: _is_bad compares them by identity)
        naming: dict[int, list[int]] = {}
        for k, alt in enumerate(alternatives):
            for c in collect(alt, set()):
                naming.setdefault(c, []).append(k)
        sets: dict[tuple[int, ...], tuple[int, ...]] = {}
        branches = {chr(c): sets.setdefault(tuple(ks), tuple(ks)) for c, ks in naming.items()}

        @functools.lru_cache(maxsize=None)
        def regex(ks: tuple[int, ...]) -> "re.Pattern[str]":
            # One of 63 sets, compiled when a text first needs it (~1 ms each:
            # all of them were most of a new process's first mojibake check).
            branch = P.SubPattern(tree.state, [(C.BRANCH, (None, [alternatives[k] for k in ks]))])
            return K.compile(branch, BADNESS_RE.flags)

        body = "".join(re.escape(chr(c)) for c in sorted(naming))
        return _Hints(re.compile(f"[{body}]"), width, branches, regex)
    except Exception:  # pragma: no cover - a future ftfy with another regex
        return None


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


@contextlib.contextmanager
def _windowed_ftfy_badness():
    """Let ftfy use :func:`_is_bad` while the pass runs it.

    ftfy asks ``is_bad`` of the whole line before and after every encoding
    step, and the full regex search of a line that has been repaired (no
    match: every position tried) was most of the pass's cost. The windowed
    search gives the same answer, so ftfy's result is the same. ftfy is
    given back its own function afterwards (always that one, even if calls
    overlap), so callers of ftfy outside the pass are left as they were."""
    if getattr(ftfy, "is_bad", None) is not is_bad or _badness_hints() is None:
        yield  # not the ftfy this was written for: leave it alone
        return
    ftfy.is_bad = _is_bad
    try:
        yield
    finally:
        ftfy.is_bad = is_bad


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
        with _windowed_ftfy_badness():
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
