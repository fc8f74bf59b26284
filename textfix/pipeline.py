"""Run the passes to a fixpoint, apply their edits, map findings back.

Each pass sees the text as the previous pass left it. After every pass that
changed the text, an :class:`OffsetMap` step is recorded, so a finding made on
any intermediate text is reported with offsets into the caller's original.
The loop repeats until a whole round changes nothing (bounded by
``Config.max_rounds``), which is what makes ``fix_text`` idempotent.
"""

from __future__ import annotations

import bisect
import logging

import regex

from .config import Config
from .model import Finding, Profile, Result, make_finding
from .passes import all_passes
from .profile import PROFILE_CHARS, build_profile

log = logging.getLogger("textfix")


class OffsetMap:
    """Maps offsets in the current text back to the original text.

    Every applied batch of edits is one step: sorted ``(start, end,
    new_length)`` in the coordinates of the text it was applied to. A
    position inside a replaced span maps to the start (or, for an end
    offset, the end) of the original span.
    """

    def __init__(self) -> None:
        self._steps: list[tuple[list[int], list[tuple[int, int, int, int]]]] = []

    def push(self, edits: list[tuple[int, int, int]]) -> None:
        starts: list[int] = []
        spans: list[tuple[int, int, int, int]] = []
        delta = 0
        for start, end, new_len in edits:
            new_start = start + delta
            starts.append(new_start)
            spans.append((new_start, new_start + new_len, start, end))
            delta += new_len - (end - start)
        self._steps.append((starts, spans))

    def _back(self, pos: int, step, is_end: bool) -> int:
        starts, spans = step
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0:
            return pos
        new_start, new_end, old_start, old_end = spans[i]
        if pos == new_start:
            return old_start if (is_end or new_end > new_start) else old_end
        if pos < new_end:
            return old_end if is_end else old_start
        return old_end + (pos - new_end)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        for step in reversed(self._steps):
            start = self._back(start, step, False)
            end = self._back(end, step, True)
        return start, max(start, end)


def select_edits(findings: list[Finding], threshold: float) -> list[Finding]:
    """The edits to apply: confident, non-overlapping, first come first served
    (by position, then higher confidence)."""
    candidates = sorted(
        (f for f in findings if f.is_edit and f.confidence >= threshold),
        key=lambda f: (f.start, -f.confidence, f.end),
    )
    chosen: list[Finding] = []
    last_end = -1
    for f in candidates:
        if f.start < last_end:
            continue
        chosen.append(f)
        last_end = f.end
    return chosen


def apply_edits(text: str, edits: list[Finding]) -> str:
    parts = []
    pos = 0
    for f in edits:
        parts.append(text[pos : f.start])
        parts.append(f.after or "")
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)


# What the profile counts: letters (scripts, Han variant, language) and the
# tag brackets of markup detection.
_PROFILED = regex.compile(r"[\p{L}\p{Nl}<>]")


def _touches_profile(before: str, after: str, edits: list[Finding]) -> bool:
    """Whether applying ``edits`` (turning ``before`` into ``after``) may
    change the profile: an edit that neither removes nor adds a letter or a
    bracket (restored punctuation, collapsed comma runs, rejoined links)
    leaves every count as it was, as long as both texts fit in the
    profile's sample."""
    if len(before) > PROFILE_CHARS or len(after) > PROFILE_CHARS:
        return True
    # One search over every replaced and replacing span, joined.
    return _PROFILED.search("".join([f.before + (f.after or "") for f in edits])) is not None


def _convert_script(text: str, target: str) -> str:
    from .convert import convert_to  # OpenCC configuration chosen per text (textfix/convert.py)

    return convert_to(text, target)


def run(text: str, config: Config | None = None, *, apply: bool = True, profile: Profile | None = None) -> Result:
    """Run every enabled pass over ``text``.

    With ``apply=False`` (``analyze``) the passes run once over the text as
    it is and nothing is changed.
    """
    config = config or Config()
    original = text
    profile = profile or build_profile(text)
    input_profile = profile
    offsets = OffsetMap()
    reported: list[Finding] = []
    seen: set[tuple] = set()
    passes = all_passes()
    if config.enable is not None or config.disable:
        passes = tuple(p for p in passes if config.pass_enabled(p.kind))
    # Pass -> (text, profile) it last ran on without changing anything: a
    # later round skips it while both are the same (passes are deterministic).
    idle: dict[int, tuple[str, Profile]] = {}

    for _round in range(config.max_rounds if apply else 1):
        changed_in_round = False
        for p in passes:
            if profile.markup and not p.markup_safe:
                continue  # HTML/XML source: only byte/character repairs
            seen_idle = idle.get(id(p))
            if seen_idle is not None and seen_idle[0] is text and (seen_idle[1] is profile or seen_idle[1] == profile):
                continue
            idle[id(p)] = (text, profile)
            try:
                if not p.gate(text, profile):
                    continue
                findings = p.detect(text, profile, config)
            except Exception:  # a broken pass must never break the caller
                if config.strict:
                    raise
                log.exception("pass %s failed; skipped", p.kind)
                continue
            if not findings:
                continue
            edits = select_edits(findings, config.threshold) if apply else []
            applied_ids = {id(f) for f in edits}
            unmapped = text is original  # offsets are the original's already
            for f in findings:
                applied = id(f) in applied_ids
                if not applied and f.confidence < config.report_threshold:
                    continue
                start, end = (f.start, f.end) if unmapped else offsets.to_original(f.start, f.end)
                key = (f.kind, start, end, f.detail, f.after, applied)
                if key in seen:
                    continue
                seen.add(key)
                if unmapped and f.applied == applied:
                    reported.append(f)  # already the finding to report
                else:
                    reported.append(
                        make_finding(f.kind, start, end, original[start:end], f.after, f.confidence, f.message, f.detail, f.rule, applied)
                    )
            if edits:
                new_text = apply_edits(text, edits)
                if new_text != text:
                    del idle[id(p)]
                    offsets.push([(f.start, f.end, len(f.after or "")) for f in edits])
                    # Later passes see a fresh profile (and the next round
                    # can skip the ones that ran on this very text and
                    # profile), unless no count the profile keeps can change.
                    if _touches_profile(text, new_text, edits):
                        profile = build_profile(new_text)
                    text = new_text
                    changed_in_round = True
        if not changed_in_round:
            break

    if apply and config.to:
        text = _convert_script(text, config.to)
        if config.regional_quotes and config.to in ("hant-tw", "hant-hk"):
            from .convert import regional_quotes

            text = regional_quotes(text)

    # A flag raised in an early round whose span a later edit repaired stays
    # in the report: it is evidence of what the input held.
    reported.sort(key=lambda f: (f.start, f.end, f.kind))
    return Result(original=original, text=text, findings=tuple(reported), profile=input_profile)
