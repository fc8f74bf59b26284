"""Small text helpers shared by passes: character classes, line iteration,
protected spans (URLs, e-mail addresses) that no pass may edit.
"""

from __future__ import annotations

from typing import Iterator

import regex

# A CJK "letter": Han, kana, hangul, plus the CJK symbols/punctuation block
# and the fullwidth forms.
CJK_CHARS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3000-\u303f\uff01-\uff60\u2018\u2019\u201c\u201d\u2026\u2014\u00b7"
HAN_RE = regex.compile(r"\p{Han}")
CJK_RE = regex.compile(f"[{CJK_CHARS}]")

# A URL or address starts and ends at the edge of its ASCII run, not at a
# word boundary: "见http://x.com/a,b" and "联系abc@x.com" are glued to Han
# characters, which are word characters too.
URL_RE = regex.compile(r"(?i)(?<![a-z0-9_])(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"'\u3000-\u303f\uff01-\uff60]+")
_WWW_RE = regex.compile(r"(?i)www\.")
EMAIL_RE = regex.compile(r"(?i)(?<![a-z0-9_.%+-])[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}(?![a-z0-9_])")

_LINE_RE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def iter_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, line)`` for every line, ``end`` before its line break."""
    pos = 0
    n = len(text)
    while pos < n:
        m = _LINE_RE.match(text, pos)
        chunk = m.group()
        if not chunk:  # pragma: no cover - cannot happen while pos < n
            break
        body = chunk.rstrip("\r\n")
        yield pos, pos + len(body), body
        pos += len(chunk)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` spans of URLs and e-mail addresses."""
    anchors = [m.start() for m in _WWW_RE.finditer(text)]
    anchors += _occurrences(text, "://")
    spans = _anchored(text, URL_RE, sorted(anchors)) if anchors else []
    if "@" in text:
        spans += _anchored(text, EMAIL_RE, _occurrences(text, "@"))
    return merge_spans(spans)


def _occurrences(text: str, needle: str) -> list[int]:
    out = []
    pos = text.find(needle)
    while pos >= 0:
        out.append(pos)
        pos = text.find(needle, pos + 1)
    return out


def _anchored(text: str, pattern, anchors: list[int]) -> list[tuple[int, int]]:
    """``[m.span() for m in pattern.finditer(text)]`` for a pattern whose
    every match holds one of the sorted ``anchors`` and, before it, only
    ASCII non-blank characters (a URL scheme, an e-mail local part):
    searched from the start of the ASCII run before each anchor only, not
    tried at every word of the text (nor walked back over a whole
    unspaced CJK paragraph)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for a in anchors:
        if a < pos:
            continue
        start = a
        while start > pos and text[start - 1].isascii() and not text[start - 1].isspace():
            start -= 1
        m = pattern.search(text, start)
        if m is None:
            break
        spans.append(m.span())
        pos = max(m.end(), m.start() + 1)
    return spans


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort ``spans`` and merge the ones that overlap or touch."""
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class SpanSweep:
    """Overlap tests of ranges given in ascending order of start against a
    set of spans: the spans are merged once and a cursor moves forward
    over them, so ``q`` queries against ``n`` spans cost ``O(q + n)`` (a
    linear ``any()`` per query costs ``O(q * n)``). ``steps`` counts the
    cursor moves (tests count work with it)."""

    __slots__ = ("spans", "i", "steps")

    def __init__(self, spans) -> None:
        self.spans = merge_spans(list(spans))
        self.i = 0
        self.steps = 0

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span; ``start`` must not be
        smaller than that of the query before."""
        spans = self.spans
        i = self.i
        n = len(spans)
        while i < n and spans[i][1] <= start:
            i += 1
        self.steps += i - self.i
        self.i = i
        return i < n and spans[i][0] < end


def in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies in one of the sorted ``spans``."""
    import bisect

    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def common_affixes(a: str, b: str) -> tuple[int, int]:
    """``(p, s)``: the length of the common prefix of ``a`` and ``b``, and of
    their common suffix within what is left after it. Found by halving with
    slice comparisons (C-level), not a character loop."""
    limit = min(len(a), len(b))
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    p = lo
    lo, hi = 0, limit - p
    la, lb = len(a), len(b)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return p, lo
