"""Repair the prose segments of a structured file and splice them back.

A format module cuts a file's text into :class:`Segment` s (a JSON string
value, a CSV cell, a subtitle cue, a run of Markdown prose) and says how a
repaired value is written back in the segment's own form (JSON escapes,
doubled CSV quotes, HTML character references). Everything between the
segments (separators, markup, keys, timing lines) is never seen by a pass.

Each segment is one call of the public pipeline (:func:`textfix.pipeline.run`);
its findings are mapped back to offsets in the file's text and carry where
they are inside the structure. Only the part of a segment that changed is
rewritten: the common prefix and suffix stay as they were, and inside an
escaped value every unchanged character keeps its original spelling
(``\\u00e9`` stays ``\\u00e9``, ``&eacute;`` stays ``&eacute;``).
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from ..config import Config
from ..model import Finding, Profile, Result, make_finding
from ..textutil import common_affixes

ALIGN_LIMIT = 4000  # characters: longer changed regions are re-escaped whole (difflib is quadratic at worst)


@dataclass(frozen=True)
class Segment:
    """One prose piece of a file.

    ``start``/``end``: the span of its raw spelling in the file's text.
    ``value``: the text the passes see. ``offsets``: for each character of
    ``value`` the offset of its spelling in the raw span, plus the raw
    length at the end (``None``: the raw span is ``value`` itself).
    ``encode``: spells new characters for this context; returns ``None``
    when they cannot be written there (a delimiter in an unquoted CSV
    cell); ``None``: written as they are. ``where``: its place in the
    structure (``None``: the line of each finding is given instead).
    """

    start: int
    end: int
    value: str
    where: str | None = None
    offsets: tuple[int, ...] | None = None
    encode: Callable[[str], str | None] | None = None

    def raw_at(self, i: int) -> int:
        return self.offsets[i] if self.offsets is not None else i

    def clean(self, i: int) -> bool:
        """Whether value offset ``i`` falls between two raw spellings (not
        inside one that spells several characters)."""
        o = self.offsets
        return o is None or i <= 0 or i >= len(self.value) or o[i] != o[i - 1]


def _spell(seg: Segment, s: str) -> str | None:
    return s if seg.encode is None else seg.encode(s)


def rewrite(seg: Segment, raw: str, new_value: str) -> tuple[int, int, str] | None:
    """``(start, end, replacement)`` in raw coordinates turning ``raw`` (the
    segment's spelling) into a spelling of ``new_value``; ``None`` when the
    new characters cannot be written in this context."""
    value = seg.value
    p, s = common_affixes(value, new_value)
    a, b = p, len(value) - s
    while not seg.clean(a):
        a -= 1
    while not seg.clean(b):
        b += 1
    new_mid = new_value[a : len(new_value) - (len(value) - b)]
    ra, rb = seg.raw_at(a), seg.raw_at(b) if b < len(value) else len(raw)
    if seg.offsets is None or len(new_mid) + (b - a) > ALIGN_LIMIT:
        spelled = _spell(seg, new_mid)
        return None if spelled is None else (ra, rb, spelled)
    old_mid = value[a:b]
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False).get_opcodes():
        if op == "equal" and seg.clean(a + i1) and seg.clean(a + i2):
            x = seg.raw_at(a + i1)
            y = seg.raw_at(a + i2) if a + i2 < len(value) else len(raw)
            parts.append(raw[x:y])
            continue
        spelled = _spell(seg, new_mid[j1:j2])
        if spelled is None:
            return None
        parts.append(spelled)
    return ra, rb, "".join(parts)


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def repair_segments(
    text: str,
    segments: Iterable[Segment],
    config: Config,
    *,
    apply: bool = True,
    profile: Profile | None = None,
    check: Callable[[str], str | None] | None = None,
    note: str = "",
) -> Result:
    """Run the pipeline on every segment of ``text``; splice the repairs.

    ``profile``: the document's profile, given to every segment (prose
    formats: a subtitle cue is judged with the whole film's script and
    variant); ``None``: each segment is its own document (records).
    ``check(new_text)`` returns why the repaired text must not be written
    (its parser no longer reads it the same), or ``None``; when it objects,
    the file is left as it was and every edit is reported as a flag.
    """
    from ..pipeline import run
    from ..profile import build_profile

    memo: dict[str, Result] = {}
    edits: list[tuple[int, int, str]] = []
    findings: list[Finding] = []
    where: list[str | None] = []
    lines: _Lines | None = None
    pieces: list[str] = []
    for seg in segments:
        pieces.append(seg.value)
        result = memo.get(seg.value)
        if result is None:
            result = memo[seg.value] = run(seg.value, config, apply=apply, profile=profile)
        if not result.findings:
            continue
        raw = text[seg.start : seg.end]
        landed = True
        if not result.text.strip():
            # A repair never empties a value, a cell, a cue or a piece of a
            # paragraph: the structure would lose a part. It stays a flag.
            landed = False
        elif result.text != seg.value:
            edit = rewrite(seg, raw, result.text)
            if edit is None:
                landed = False
            else:
                edits.append((seg.start + edit[0], seg.start + edit[1], edit[2]))
        for f in result.findings:
            a, b = f.start, f.end
            while not seg.clean(a):
                a -= 1
            while not seg.clean(b):
                b += 1
            fs = seg.start + seg.raw_at(a)
            fe = seg.start + (seg.raw_at(b) if b < len(seg.value) else len(raw))
            after = f.after
            if after is not None and seg.encode is not None:
                after = seg.encode(after) or after
            applied = f.applied and landed
            message = f.message if landed or not f.applied else f.message + " (not applied: the repaired text cannot be written back in this place)"
            findings.append(make_finding(f.kind, fs, fe, text[fs:fe], after, f.confidence, message, f.detail, f.rule, applied))
            if seg.where is None:  # the line of the finding
                if lines is None:
                    lines = _Lines(text)
                where.append(f"line {lines.line(fs)}")
            else:
                where.append(seg.where)
    new_text = splice(text, edits)
    if new_text != text and check is not None:
        objection = check(new_text)
        if objection:
            new_text = text
            findings = [dataclasses.replace(f, applied=False) for f in findings]
            note = (note + "; " if note else "") + f"repairs not written: {objection}"
    order = sorted(range(len(findings)), key=lambda i: (findings[i].start, findings[i].end, findings[i].kind))
    doc_profile = profile or build_profile("\n\n".join(pieces))
    return Result(original=text, text=new_text, findings=tuple(findings[i] for i in order), profile=doc_profile,
                  where=tuple(where[i] for i in order), note=note)


def pieces_config(config: Config) -> Config:
    """The configuration for prose cut into pieces (Markdown, reST, HTML,
    subtitles): boilerplate is judged by a line's place on a page, which a
    piece between two code spans or tags does not show, so it is reported
    and never removed there (as in streamed text, textfix.router)."""
    from ..config import BOILERPLATE_CATEGORIES

    return config.replace(flag_boilerplate=BOILERPLATE_CATEGORIES)


def splice(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """``text`` with the sorted, disjoint ``(start, end, replacement)`` edits applied."""
    if not edits:
        return text
    parts, pos = [], 0
    for start, end, new in sorted(edits):
        parts.append(text[pos:start])
        parts.append(new)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def unchanged(text: str, note: str = "") -> Result:
    """The result for a file left as it was."""
    return Result(original=text, text=text, findings=(), profile=Profile(), note=note)


def split_protected(start: int, text: str, protected: Iterable[tuple[int, int]], where: str | None = None,
                    min_chars: int = 1) -> list[Segment]:
    """Segments for the parts of ``text`` (found at file offset ``start``)
    outside the sorted, disjoint ``protected`` spans (offsets into ``text``)."""
    out = []
    pos = 0
    for a, b in [*protected, (len(text), len(text))]:
        if a > pos:
            piece = text[pos:a]
            if len(piece.strip()) >= min_chars:
                out.append(Segment(start + pos, start + a, piece, where))
        pos = max(pos, b)
    return out
