"""``cjk-mojibake``: text decoded with the wrong CJK or Latin codec.

Where it comes from: UTF-8 bytes read as GBK turn "你好" into "浣犲ソ"; GBK
bytes read as Windows-1252 turn it into "ÄãºÃ"; Big5 read as GBK, UTF-8 read
as Shift-JIS, Big5 or EUC-KR, and twice-applied versions of these. ftfy
(the ``mojibake`` pass, which runs first) repairs only the Latin cases.

How: the text is cut into runs at bytes no CJK codec uses inside a
multi-byte character (space, digits, ASCII punctuation ``!"#…?``). A run
holding characters typical of such damage is encoded back with the codec
that displayed it and decoded with the one that wrote it; a repair is
accepted only when the character plausibility model
(:func:`textfix.charsets.plausibility`) finds the result far more likely
than the run as it stands. Only the part of a run that decodes changes, so
clean neighbours stay as they are.

Lossy UTF-8 read as GBK: the decoder replaced bytes it could not pair with
U+FFFD. Each U+FFFD stands for one lost byte of a UTF-8 sequence whose other
bytes survive, so the candidates for it are few; the plausibility of each
candidate character in its context picks one when the choice is clear.
Characters that stay unknown come back as U+FFFD (flagged by
``lossy-bytes``).

>>> from textfix import fix_text
>>> fix_text("浣犲ソ锛屼笘鐣岋紒")
'你好，世界！'
>>> fix_text("ÄãºÃ£¬ÊÀ½ç£¡")
'你好，世界！'
"""

from __future__ import annotations

import functools
from itertools import accumulate, repeat

import re as _re  # big character classes: stdlib re scans them 10-60x faster than regex (bench.py)

import regex

from ..cache import derived
from ..config import Config
from ..model import Finding, Profile
from ..textutil import SpanSweep, common_affixes, in_spans, iter_lines, protected_spans
from . import Pass

def _chain_table() -> list[tuple[str, str, str, float, str]]:
    """``(kind, shown, written, prior, family)``: the rows of
    ``mojibake_chains.tsv`` (the one table of chains this pass searches)."""
    from ..resources import read_data_lines

    rows = []
    for line in read_data_lines("mojibake_chains.tsv"):
        kind, shown, written, prior, family = line.split("\t")
        rows.append((kind, shown, written, float(prior), family))
    return rows


_TABLE = _chain_table()
# (displayed as, written as, prior log10 cost of this chain)
_UTF8_CHAINS = tuple((sh, wr, pr) for kind, sh, wr, pr, fam in _TABLE if kind == "utf8" and fam != "-")
_LATIN_CHAINS = tuple((sh, wr, pr) for kind, sh, wr, pr, _f in _TABLE if kind == "latin")
_CJK_CHAINS = tuple((sh, wr, pr) for kind, sh, wr, pr, _f in _TABLE if kind == "cjk")
# Single-byte chains searched line by line (:func:`_line_findings`); those
# shown as UTF-8 only in lines holding lone surrogates.
_LINE_CHAINS = tuple((sh, wr, pr) for kind, sh, wr, pr, _f in _TABLE if kind == "line")
# The line chains of legacy single-byte text (searched before the CJK runs:
# they claim whole lines, "÷èñëî" re-reads as GBK too) and of UTF-8 (after:
# "¬µ" in GBK shown as Latin-1 is no MacRoman damage).
_LEGACY_LINE_CHAINS = tuple(c for c in _LINE_CHAINS if c[1] != "utf-8")
_UTF8_LINE_CHAINS = tuple(c for c in _LINE_CHAINS if c[1] == "utf-8")
# Every chain, for lines whose undecodable bytes were kept as lone surrogates.
_SURROGATE_CHAINS = tuple((sh, wr, pr) for _k, sh, wr, pr, _f in _TABLE)

# Runs: bytes below 0x40 never occur inside a multi-byte character of UTF-8,
# GBK, Big5, Shift-JIS or EUC-KR, so the text can be cut there.
_RUN = _re.compile(r"[^\x00-\x3f]+")
_LATIN_HIGH = "\u00a0-\u00ff\u011e\u011f\u0130\u0131\u015e\u015f\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_LATIN_RUN = regex.compile(f"[{_LATIN_HIGH}][{_LATIN_HIGH}A-Za-z@\\[\\]^_`{{|}}~]*[{_LATIN_HIGH}]")
_MIN_GAIN = 6.0  # log10 units the repair must win by to be applied
_FLAG_GAIN = 2.5  # ... to be reported at all
_MAX_RUN = 20000


# Display codec family -> the UTF-8 chains it takes part in.
_FAMILY: dict[str, tuple[tuple[str, str, float], ...]] = {}
for _kind, _sh, _wr, _pr, _fam in _TABLE:
    if _kind == "utf8" and _fam != "-":
        _FAMILY[_fam] = _FAMILY.get(_fam, ()) + ((_sh, _wr, _pr),)
del _kind, _sh, _wr, _pr, _fam


@functools.lru_cache(maxsize=None)
def _suspects(codec: str) -> str:
    """Characters that UTF-8 bytes of CJK text show as in ``codec``: the
    pairs (lead of a 3-byte UTF-8 sequence, continuation byte) and
    (continuation byte, lead)."""
    leads = list(range(0xE3, 0xEA)) + [0xEF]
    chars = set()
    for a in leads:
        for b in range(0x80, 0xC0):
            for pair in (bytes([a, b]), bytes([b, a])):
                try:
                    chars.add(pair.decode(codec))
                except UnicodeDecodeError:
                    pass
    chars.discard("\ufffd")
    return "".join(sorted(c for c in chars if len(c) == 1))


def _class(chars: str) -> str:
    # Private-use characters too: GB18030 maps byte pairs GBK leaves undefined there.
    return "[" + "".join(_re.escape(c) for c in chars) + "\ue000-\uf8ff]"


@functools.lru_cache(maxsize=1)
def _gate_re() -> "regex.Pattern[str]":
    cls = _class("".join(sorted(set("".join(_suspects(c) for c in _FAMILY)))) + "\ufffd")
    latin = f"[{_LATIN_HIGH}]"
    return _re.compile(f"{cls}[^\\x00-\\x3f]?{cls}|{latin}[@-~]?{latin}[@-~]?{latin}")


@functools.lru_cache(maxsize=None)
def _dense_re(codec: str) -> "regex.Pattern[str]":
    """Three or more suspect characters of ``codec``, each at most one
    other character from the next. Written to start with the class (not
    with a repeated group), so that ``re`` skips to the suspects in C: four
    times faster on Chinese text, where most characters are none."""
    cls = _class(_suspects(codec))
    return _re.compile(f"{cls}(?:[^\\x00-\\x3f]?{cls}){{2,}}")


@functools.lru_cache(maxsize=1)
def _dense_any_re() -> "regex.Pattern[str]":
    """:func:`_dense_re` of any codec family."""
    return _re.compile("|".join(f"(?:{_dense_re(codec).pattern})" for codec in _FAMILY))


@functools.lru_cache(maxsize=1)
def _scan_re() -> "regex.Pattern[str]":
    """Whole runs (as :data:`_RUN` cuts them) that :meth:`CjkMojibakePass.detect`
    has to look at: runs holding U+FFFD, three Latin-1 high characters
    (:func:`_latin_run_re`), a match of any :func:`_dense_re`, and runs of
    at most six characters with two suspects of any family (a superset of
    every :func:`_pair_re` there). A run it passes over gives no window in
    :meth:`CjkMojibakePass.detect`. The definition of those runs: detect
    finds the same runs faster with :func:`_scan_runs`.

    Clean Chinese text has many close suspects of one family or another: a
    lookahead for three suspects of any family keeps the per-family
    patterns off the other positions."""
    cls = _class("".join(sorted(set("".join(_suspects(c) for c in _FAMILY)))))
    r = "[^\\x00-\\x3f]"
    latin = f"[{_LATIN_HIGH}]"
    dense = f"(?=(?:{cls}{r}?){{2,}}{cls})(?:{_dense_any_re().pattern})"
    hit = f"{dense}|{latin}[@-~]?{latin}[@-~]?{latin}|\ufffd"
    short = f"(?={r}{{1,6}}(?!{r})){r}*?{cls}{r}?{cls}"
    return _re.compile(f"(?<!{r})(?:{r}*?(?:{hit})|{short}){r}*")


@functools.lru_cache(maxsize=1)
def _scan_parts() -> tuple["regex.Pattern[str]", ...]:
    """The patterns :func:`_scan_runs` finds :func:`_scan_re`'s runs with:
    ``(hit, short, short_at_0, last_delimiter, run_tail)``.

    ``hit`` matches where a run holding damage can be told apart: three
    suspects of one family (each at most one character from the next: the
    shortest :func:`_dense_re` match, so a run holds one exactly when it
    holds a match of the dense pattern), three Latin-1 high characters
    (:func:`_latin_run_re`), U+FFFD. It starts with one character class,
    which lets ``re`` skip the characters that cannot start a match in C
    (:func:`_scan_re` starts with a lookbehind and tries every position of
    every run); but for U+FFFD, a second such character at most one
    character on must follow, a lookahead that turns away most suspects
    of clean Chinese text before the per-family alternatives are tried.
    ``short`` is a run of at most six characters with two suspects, after
    the byte that ends the run before it."""
    union = "".join(sorted(set("".join(_suspects(c) for c in _FAMILY))))
    r = "[^\\x00-\\x3f]"
    latin = f"[{_LATIN_HIGH}]"
    alts = []
    for codec in _FAMILY:
        cls = _class(_suspects(codec))
        alts.append(f"(?<={cls}){r}?{cls}{r}?{cls}")
    alts.append(f"(?<={latin})[@-~]?{latin}[@-~]?{latin}")
    first = "[" + "".join(_re.escape(c) for c in union) + f"\ue000-\uf8ff{_LATIN_HIGH}\ufffd]"
    hit = _re.compile(f"{first}(?:(?<=\ufffd)|(?={r}?{first})(?:{'|'.join(alts)}))")
    cls = _class(union)
    short = f"(?={r}{{1,6}}(?!{r})){r}*?{cls}{r}?{cls}{r}*"
    return (
        hit,
        _re.compile(f"[\\x00-\\x3f]({short})"),
        _re.compile(short),
        _re.compile("(?s).*[\\x00-\\x3f]"),
        _re.compile(f"{r}*"),
    )


def _scan_runs(text: str) -> list[tuple[int, str]]:
    """``(start, run)`` for every match of :func:`_scan_re` in ``text``, in
    order, found twice as fast: the damage inside a run (``hit``) and short
    runs with two suspects are searched for on their own, and a hit is
    widened to its run."""
    hit_re, short_re, short_at_0, last_delim, tail = _scan_parts()
    out: list[tuple[int, str]] = []
    hit = hit_re.search(text)
    short = short_re.search(text)
    pos = 0
    m = short_at_0.match(text)
    if m is not None:
        out.append((0, m.group()))
        pos = m.end()
    while True:
        if hit is not None and hit.start() < pos:
            hit = hit_re.search(text, pos)
        while short is not None and short.start(1) < pos:
            short = short_re.search(text, max(pos, short.end()))
        if hit is None:
            if short is None:
                return out
        elif short is None or hit.start() < short.start(1):
            p = hit.start()
            d = last_delim.match(text, pos, p)
            start = pos if d is None else d.end()
            pos = tail.match(text, p).end()
            out.append((start, text[start:pos]))
            continue
        out.append((short.start(1), short.group(1)))
        pos = short.end()


@functools.lru_cache(maxsize=None)
def _pair_re(codec: str) -> "regex.Pattern[str]":
    cls = _class(_suspects(codec))
    return _re.compile(f"{cls}[^\\x00-\\x3f]?{cls}")


@functools.lru_cache(maxsize=1)
def _latin_run_re() -> "regex.Pattern[str]":
    # stdlib re: plain character classes, searched over whole runs (paragraphs).
    return _re.compile(f"[{_LATIN_HIGH}][@-~]?[{_LATIN_HIGH}][@-~]?[{_LATIN_HIGH}]")


@functools.lru_cache(maxsize=1)
def _two_wide_re() -> "_re.Pattern[bytes]":
    """Two UTF-8 sequences of three or four bytes with only UTF-8 (ASCII
    from ``@`` up, as in :data:`_UTF8_SPAN`) between them. Every CJK letter
    takes three or four bytes in UTF-8, so bytes without a match have no
    span that decodes to the two CJK letters :func:`_looks_cjk` asks of a
    repair: :meth:`CjkMojibakePass._repair_run` skips them before finding
    character bounds and spans (most windows of clean CJK text). The ends
    are looser than UTF-8 (a wider match only lets more through) and start
    the pattern with a byte class, which ``re`` skips to in C."""
    wide = rb"[\xe0-\xf4][\x80-\xbf]{2,3}"
    return _re.compile(wide + rb"(?:[\x40-\x7f]|" + _UTF8_MULTI + rb")*?" + wide)


def _windows(run: str) -> list[tuple[int, int, tuple]]:
    """``(start, end, chains)``: the parts of ``run`` to re-read, each with
    the chains to try. A run with U+FFFD is lossy UTF-8 as a whole; else a
    family's UTF-8 chains get its close suspects (:func:`_dense_re`, one
    character either side) or, in a run of at most six characters, the
    whole run when it holds two (:func:`_pair_re`); Latin display chains
    get runs with three Latin-1 high characters."""
    windows: list[tuple[int, int, tuple]] = []
    if "\ufffd" in run:
        windows.append((0, len(run), _UTF8_CHAINS))
    elif len(run) <= 6:
        for codec, chains in _FAMILY.items():
            if _pair_re(codec).search(run):
                windows.append((0, len(run), chains))
    else:
        for codec, chains in _FAMILY.items():
            for w in _dense_re(codec).finditer(run):
                windows.append((max(0, w.start() - 1), min(len(run), w.end() + 1), chains))
    if _latin_run_re().search(run) is not None:
        windows.append((0, len(run), _LATIN_CHAINS))
    return windows


# What a repaired UTF-8 span may hold: CJK characters and punctuation, ASCII.
_CJK_OUTPUT = regex.compile(
    r"[\x20-\x7e\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3000-\u303f\uff01-\uff65\u2010-\u2027\u00b7\u30fc\ufffd]*"
)
_CJK_LETTER = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
# Symbols CJK text uses too (Ⅱ, ①, ■, ℃): allowed in a repaired run, not as a guess for a lost byte.
_CJK_SYMBOLS = regex.compile(r"[\u2100-\u21ff\u2460-\u24ff\u25a0-\u25ff\u2600-\u26ff\u00b0\u00d7\u00f7]")
_CJK_NONLETTER = regex.compile(r"[\u3000-\u303f\uff01-\uff65\u2010-\u2027]")


def _looks_cjk(fixed: str, lossy: bool = False) -> bool:
    if _CJK_OUTPUT.fullmatch(_CJK_SYMBOLS.sub("", fixed)) is None:
        return False
    letters = len(_CJK_LETTER.findall(fixed))
    if lossy:  # the run held U+FFFD: it is damaged already
        return letters + len(_CJK_NONLETTER.findall(fixed)) >= 1
    return letters >= 2


_UTF8_MULTI = rb"(?:[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})"
# stdlib re: the same spans (no construct the two engines read differently), twice as fast.
_UTF8_SPAN = _re.compile(rb"(?:[\x40-\x7f]|" + _UTF8_MULTI + rb")*" + _UTF8_MULTI + rb"(?:[\x40-\x7f]|" + _UTF8_MULTI + rb")*")


_SCRIPT_PART = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3000-\u303f\uff01-\uff65]+|[^\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3000-\u303f\uff01-\uff65]+")


@functools.lru_cache(maxsize=64)
def _score(text: str) -> float:
    """Plausibility of ``text``, CJK and other parts each under their own
    best language ("年起Union" is Chinese followed by English). Cached: the
    chains of one run score the same texts (GBK and GB18030 displays of
    UTF-8 give the same repair, every chain scores the run as it stands)."""
    from ..charsets import plausibility

    parts = _SCRIPT_PART.findall(text)
    if len(parts) <= 1:
        return plausibility(text)[0]
    return sum(_short_part_score(part) if len(part) <= 8 else plausibility(part)[0] for part in parts)


@functools.lru_cache(maxsize=4096)
def _short_part_score(part: str) -> float:
    """Plausibility of a short part of a run: the same few ("\ufffd", "锟")
    come back in every damaged run."""
    from ..charsets import plausibility

    return plausibility(part)[0]


def _char_bounds(run: str, codec: str, data: bytes) -> list[int]:
    """The byte offset in ``data`` (``run`` encoded with ``codec``) of every
    character boundary of ``run``."""
    if len(data) == len(run):
        return list(range(len(run) + 1))
    return list(accumulate(map(len, map(str.encode, run, repeat(codec))), initial=0))


def _legacy_spans(data: bytes, target: str) -> list[tuple[int, int]]:
    """Byte spans of ``data`` between the bytes ``target`` cannot decode."""
    spans = []
    start = 0
    while start < len(data):
        try:
            data[start:].decode(target)
        except UnicodeDecodeError as exc:
            bad = start + exc.start
            if bad > start:
                spans.append((start, bad))
            start = bad + max(1, exc.end - exc.start)
            continue
        spans.append((start, len(data)))
        break
    return spans


def _byte_spans(data: bytes, target: str) -> list[tuple[int, int]]:
    """Byte spans of ``data`` that may decode with ``target``: for UTF-8, the
    stretches of UTF-8 holding a multi-byte character; for a legacy codec,
    those between the bytes it cannot decode."""
    if target == "utf-8":
        return [(m.start(), m.end()) for m in _UTF8_SPAN.finditer(data)]
    return _legacy_spans(data, target)


def _decode_spans(data: bytes, bounds: list[int], target: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """``(char_start, char_end, text)``: the parts of the byte ``spans`` of
    ``data`` (:func:`_byte_spans`), cut at character ``bounds``, that
    decode strictly with ``target``."""
    import bisect

    out = []
    for s, e in spans:
        i = bisect.bisect_left(bounds, s)
        j = bisect.bisect_right(bounds, e) - 1
        if i >= j:
            continue
        chunk = data[bounds[i] : bounds[j]]
        try:
            text = chunk.decode(target)
        except UnicodeDecodeError:
            if target == "utf-8":
                continue
            # Legacy target: shrink from the right until it decodes.
            text = None
            for jj in range(j - 1, i, -1):
                try:
                    text = data[bounds[i] : bounds[jj]].decode(target)
                    j = jj
                    break
                except UnicodeDecodeError:
                    continue
            if text is None:
                continue
        out.append((i, j, text))
    return out


_LOSSY_MIN_MEAN = -4.2  # mean log10 plausibility per character a repair must reach
_HOLE_MARGIN = 1.0  # log10 units the best candidate for a lost byte must lead by


@functools.lru_cache(maxsize=1)
def _punct_freq() -> dict[str, float]:
    from ..resources import read_data_lines

    out = {}
    for line in read_data_lines("cjk_punct_freq.tsv"):
        ch, cost = line.split("\t")
        out[ch] = -int(cost) / 100
    return out


def _in_context(before: str, chars: str, after: str, model, punct: dict[str, float]) -> float:
    """Log10 plausibility of ``chars`` between ``before`` and ``after``: the
    bigrams they form (backing off to unigrams) under ``model``; CJK
    punctuation by its frequency."""
    uni, cond, _first, floor = model
    score = 0.0
    prev = before[-1:] or " "
    for ch in chars:
        u = uni.get(ch)
        if u is None:
            p = punct.get(ch)
            if p is None:
                return score + 2 * floor
            score += p
            if ch in "。！？」”』" and (not after or after[0] == "\n"):
                score += 1.0  # a sentence ends at a line end
            prev = " "
            continue
        lp = cond.get(prev + ch)
        score += lp if lp is not None else u - 1.0
        prev = ch
    nxt = after[:1] or " "
    un = uni.get(nxt)
    if un is not None:
        # P(next | last) against P(next): how much the candidate predicts what follows.
        right = cond.get(prev + nxt)
        score += (right - un) if right is not None else -1.0
    return score


_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")


# UTF-8 as a state machine: (continuation bytes still needed, range of the
# next byte). Well-formed sequences only (Unicode table 3-7), exactly what
# Python's strict decoder accepts.
_UTF8_START = (0, 0x00, 0x7F)
_UTF8_LEAD: dict[int, tuple[int, int, int]] = {}
for _b in range(0xC2, 0xF5):
    if _b <= 0xDF:
        _UTF8_LEAD[_b] = (1, 0x80, 0xBF)
    elif _b <= 0xEF:
        _UTF8_LEAD[_b] = (2, 0xA0 if _b == 0xE0 else 0x80, 0x9F if _b == 0xED else 0xBF)
    else:
        _UTF8_LEAD[_b] = (3, 0x90 if _b == 0xF0 else 0x80, 0x8F if _b == 0xF4 else 0xBF)
del _b


def _utf8_step(state: tuple[int, int, int], b: int) -> tuple[int, int, int] | None:
    need, lo, hi = state
    if need:
        return ((need - 1, 0x80, 0xBF) if need > 1 else _UTF8_START) if lo <= b <= hi else None
    if b < 0x80:
        return _UTF8_START
    return _UTF8_LEAD.get(b)


def _utf8_feed(state: tuple[int, int, int] | None, data: bytes) -> tuple[int, int, int] | None:
    for b in data:
        if state is None:
            return None
        state = _utf8_step(state, b)
    return state


_CJK_OUTPUT_CHARS: dict[str, bool] = {}  # character -> whether _CJK_OUTPUT allows it


@functools.lru_cache(maxsize=None)
def _utf8_moves(state: tuple[int, int, int]) -> tuple[tuple[tuple[int, ...], tuple[int, int, int]], ...]:
    """The non-ASCII bytes allowed in ``state``, grouped by the state each leads to."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for b in range(state[1], state[2] + 1) if state[0] else _UTF8_LEAD:
        nxt = _utf8_step(state, b)
        if nxt is not None:
            groups.setdefault(nxt, []).append(b)
    return tuple((tuple(bs), nxt) for nxt, bs in groups.items())


@functools.lru_cache(maxsize=8192)
def _hole_candidates(left: bytes, width: int, right: bytes) -> tuple[str, ...]:
    """Texts ``(left + X + right).decode()`` for every ``width``-byte X of
    non-ASCII bytes (``width`` 1 or 2) that makes valid UTF-8.

    Walks the UTF-8 state machine instead of trying all 128 (or 128 x 128)
    values of X: only the X that keep the bytes well-formed are decoded."""
    if width not in (1, 2):
        return ()
    state = _utf8_feed(_UTF8_START, left)
    if state is None:
        return ()
    ends: dict[tuple[int, int, int], bool] = {}

    def closes(st: tuple[int, int, int]) -> bool:
        """Whether ``right`` completes the text from state ``st``."""
        ok = ends.get(st)
        if ok is None:
            end = _utf8_feed(st, right)
            ok = ends[st] = end is not None and end[0] == 0
        return ok

    out = set()
    for bytes1, st1 in _utf8_moves(state):
        if width == 1:
            if closes(st1):
                out.update(left + bytes((b1,)) + right for b1 in bytes1)
            continue
        for bytes2, st2 in _utf8_moves(st1):
            if closes(st2):
                out.update(left + bytes((b1, b2)) + right for b1 in bytes1 for b2 in bytes2)
    texts = [data.decode("utf-8") for data in out]
    ok = _CJK_OUTPUT_CHARS
    out = set()
    for c in texts:
        for ch in c:
            allowed = ok.get(ch)
            if allowed is None:
                allowed = ok[ch] = _CJK_OUTPUT.fullmatch(ch) is not None
            if not allowed:
                break
        else:
            out.add(c)
    return tuple(sorted(out))


_SENTENCE_END = "。！？」”』"


@functools.lru_cache(maxsize=2)
def _bigrams(lang: str) -> tuple[dict[str, float], dict[str, float], dict[str, str], dict[str, str], float]:
    """``(uni, cond, followers, leaders, floor)`` of ``lang``'s plausibility
    model: ``followers[a]`` holds every ``b`` and ``leaders[b]`` every ``a``
    with a bigram ``cond[a + b]``."""
    from ..charsets import _model

    uni, cond, _first, floor = _model()[lang]
    return (uni, cond, *_neighbours(lang), floor)


@derived()
def _neighbours(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """``(followers, leaders)`` of :func:`_bigrams`: a loop over every bigram
    of the model (~50 ms for both languages), so kept on disk."""
    from ..charsets import _model

    cond = _model()[lang][1]
    fol: dict[str, list[str]] = {}
    lead: dict[str, list[str]] = {}
    for gram in cond:
        if len(gram) == 2:
            fol.setdefault(gram[0], []).append(gram[1])
            lead.setdefault(gram[1], []).append(gram[0])
    return {a: "".join(bs) for a, bs in fol.items()}, {b: "".join(as_) for b, as_ in lead.items()}


@functools.lru_cache(maxsize=2)
def _neighbour_sets(lang: str) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Caches of ``frozenset(followers[a])`` and ``frozenset(leaders[b])``
    of :func:`_bigrams`, filled as :func:`_choose` meets ``a`` and ``b``."""
    return {}, {}


@functools.lru_cache(maxsize=4096)
def _hole_table(left: bytes, width: int, right: bytes, kana: bool):
    """The candidates for one hole (:func:`_hole_candidates`, kana dropped
    unless the context holds kana) sorted out for :func:`_choose`:
    ``(cands, base, order, punct, unknown, multi, known)`` where
    ``base`` maps each single character the model knows to its unigram
    score ``u - 1.0`` and ``order`` lists them best first; ``punct`` holds
    the CJK punctuation candidates with their cost, ``unknown`` the
    characters scored at the floor, ``multi`` the candidates of more than
    one character, ``known`` the keys of ``base`` as a set (intersected
    with another set, the smaller side is iterated)."""
    cands = _hole_candidates(left, width, right) if width <= 2 else ()
    if not kana:
        cands = tuple(c for c in cands if not _KANA.search(c))
    uni = _bigrams("ja" if kana else "zh")[0]
    punct_freq = _punct_freq()
    base: dict[str, float] = {}
    punct: list[tuple[str, float]] = []
    unknown: list[str] = []
    multi: list[str] = []
    for c in cands:
        if len(c) != 1:
            multi.append(c)
            continue
        u = uni.get(c)
        if u is not None:
            base[c] = u - 1.0
        elif c in punct_freq:
            punct.append((c, punct_freq[c]))
        else:
            unknown.append(c)
    order = tuple(sorted(base, key=base.__getitem__, reverse=True))
    return cands, base, order, tuple(punct), tuple(unknown), tuple(multi), frozenset(base)


def _choose(table, before: str, after: str, kana: bool) -> str | None:
    """The candidate of ``table`` that reads best between ``before`` and
    ``after`` when it leads the runner-up by :data:`_HOLE_MARGIN` (or is
    the only one), else None.

    The same decision as scoring every candidate with :func:`_in_context`
    and sorting, with the same floating-point sums: a single character
    ``c`` the model knows scores ``lp + r`` where ``lp`` is
    ``cond[prev + c]`` or ``u - 1.0`` and ``r`` is ``cond[c + next] -
    u(next)`` or ``-1.0``. Only the candidates that follow ``prev`` or
    precede ``next`` in some bigram (a set intersection finds them) get
    their own lookups; all the others score ``(u - 1.0) - 1.0``, so the
    best two of them are the first two in ``order``. The order in which
    candidates are scored does not matter: a candidate is chosen only
    when it leads all others by the margin."""
    cands, base, order, punct, unknown, multi, known = table
    if len(cands) <= 1:
        return cands[0] if cands else None
    lang = "ja" if kana else "zh"
    uni, cond, followers, leaders, floor = _bigrams(lang)
    follower_sets, leader_sets = _neighbour_sets(lang)
    prev = before[-1:] or " "
    nxt = after[:1] or " "
    un = uni.get(nxt)
    # The candidates with a bigram after ``prev`` or before ``next``: set
    # intersections in C, over the smaller side (a hole of two bytes has
    # thousands of candidates, a character a few hundred followers).
    fol = follower_sets.get(prev)
    if fol is None:
        fol = follower_sets[prev] = frozenset(followers.get(prev, ""))
    touched = fol & known
    if un is not None:
        lead = leader_sets.get(nxt)
        if lead is None:
            lead = leader_sets[nxt] = frozenset(leaders.get(nxt, ""))
        touched |= lead & known
    scored: list[tuple[float, str]] = []
    # The best two of the rest: no bigram with either neighbour.
    k = 0
    for c in order:
        if c not in touched:
            scored.append(((base[c] + -1.0) if un is not None else base[c], c))
            k += 1
            if k == 2:
                break
    for c in touched:
        lp = cond.get(prev + c)
        if lp is None:
            lp = base[c]
        if un is not None:
            r = cond.get(c + nxt)
            lp = lp + ((r - un) if r is not None else -1.0)
        scored.append((lp, c))
    if punct:
        end = not after or after[0] == "\n"
        right = None
        if un is not None:
            r = cond.get(" " + nxt)
            right = (r - un) if r is not None else -1.0
        for c, p in punct:
            s = 0.0 + p
            if end and c in _SENTENCE_END:
                s += 1.0
            if right is not None:
                s += right
            scored.append((s, c))
    if unknown:
        scored += [(0.0 + 2 * floor, c) for c in unknown[:2]]
    if multi:
        model = _model_for(kana)
        punct_freq = _punct_freq()
        scored += [(_in_context(before, c, after, model, punct_freq), c) for c in multi]
    first = second = None
    for item in scored:
        if first is None or item[0] > first[0]:
            first, second = item, first
        elif second is None or item[0] > second[0]:
            second = item
    if first[0] - second[0] >= _HOLE_MARGIN:
        return first[1]
    return None


def _model_for(kana: bool):
    from ..charsets import _model

    return _model()["ja" if kana else "zh"]


@functools.lru_cache(maxsize=64)
def _fill_holes_cached(pieces: tuple[bytes, ...]) -> tuple[str, int, int] | None:
    """Rebuild UTF-8 text from byte ``pieces`` separated by lost bytes (one
    per U+FFFD; adjacent U+FFFD make one wider hole).

    Returns ``(text, restored, unknown)``: characters that stay unknown come
    back as U+FFFD. None when the pieces are not UTF-8 with holes.
    """
    # Merge adjacent holes: [piece, width, piece, width, ...]
    segs: list[bytes] = [pieces[0]]
    widths: list[int] = []
    for piece in pieces[1:]:
        if segs[-1] == b"" and widths:
            widths[-1] += 1
            segs[-1] = piece
        else:
            widths.append(1)
            segs.append(piece)
    if not _segments_can_decode(segs):
        return None
    out = bytearray(segs[0])
    restored = unknown = 0
    for k, width in enumerate(widths, start=1):
        # The incomplete UTF-8 sequence before the hole, if any.
        j = len(out)
        while j > 0 and 0x80 <= out[j - 1] <= 0xBF and len(out) - j < 3:
            j -= 1
        cut = len(out)
        if j > 0 and out[j - 1] >= 0xC0:
            lead = out[j - 1]
            need = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            if len(out) - (j - 1) < need:
                cut = j - 1
        left = bytes(out[cut:])
        right_all = segs[k]
        r = 0
        while r < len(right_all) and r < 3 and 0x80 <= right_all[r] <= 0xBF:
            r += 1
        right = right_all[:r]
        before = bytes(out[max(0, cut - 12) : cut]).decode("utf-8", "ignore")[-3:]
        after = right_all[r : r + 12].decode("utf-8", "ignore")[:3]
        kana = _KANA.search(before + after) is not None
        choice = _choose(_hole_table(left, width, right, kana), before, after, kana)
        del out[cut:]
        if choice is None:
            unknown += 1
            out += "\ufffd".encode("utf-8")
        else:
            restored += 1
            out += choice.encode("utf-8")
        out += right_all[r:]
    try:
        return bytes(out).decode("utf-8"), restored, unknown
    except UnicodeDecodeError:
        return None


def _segments_can_decode(segs: list[bytes]) -> bool:
    """Whether the bytes between the holes can be UTF-8 at all: the middle of
    each segment (less the continuation bytes a hole before it takes, at
    most 3, and the incomplete sequence a hole after it takes) decodes.
    The text :func:`_fill_holes_cached` builds is those middles between
    complete characters, so it fails to decode when one of them does; the
    check saves filling the holes of text that is not UTF-8 (repaired CJK
    text with U+FFFD left, read as GBK again)."""
    last = len(segs) - 1
    for k, seg in enumerate(segs):
        a = 0
        if k:
            while a < len(seg) and a < 3 and 0x80 <= seg[a] <= 0xBF:
                a += 1
        b = len(seg)
        if k < last:
            j = b
            while j > a and 0x80 <= seg[j - 1] <= 0xBF and b - j < 3:
                j -= 1
            if j > a and seg[j - 1] >= 0xC0:
                lead = seg[j - 1]
                if b - (j - 1) < (2 if lead < 0xE0 else 3 if lead < 0xF0 else 4):
                    b = j - 1
        try:
            seg[a:b].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _lossy_pieces(run: str, shown: str) -> tuple[bytes, ...] | None:
    """Lossy UTF-8 shown as ``shown``: the bytes of ``run`` between its
    U+FFFD (the lost bytes), for :func:`_fill_holes_cached`; None when ``run``
    does not encode or holds nothing but ASCII around its holes."""
    # One encode call: U+FFFD becomes NUL, a byte no character of these
    # (stateless, ASCII-compatible) codecs encodes to, and no run holds.
    try:
        if "\x00" in run:
            pieces = [part.encode(shown) for part in run.split("\ufffd")]
            data = b"".join(pieces)
        else:
            data = run.replace("\ufffd", "\x00").encode(shown)
            pieces = data.split(b"\x00")
    except UnicodeEncodeError:
        return None
    if data.isascii():
        return None
    return tuple(pieces)


def _read_before(read: set[tuple], encoded: tuple, shown: str, written: str, prior: float) -> bool:
    """Whether a chain of :meth:`CjkMojibakePass._repair_run` reads the same
    ``encoded`` bytes (hashable: the lossy pieces, or the data and its
    character bounds) the same way as one before it; records them otherwise.

    GB18030 and GBK (Big5 and CP950) encode most runs alike. A chain that
    repeats an earlier one's bytes, target codec, prior and display family
    (UTF-8 displays: :data:`_FAMILY`; Latin displays: none)
    finds the same candidates with the same gains, and those never replace
    the earlier ones (only a strictly greater gain does), so it is skipped."""
    key = (encoded, written, prior, _FAMILY_OF_DISPLAY.get(shown))
    if key in read:
        return True
    read.add(key)
    return False


_LATIN_SHOWN = tuple(dict.fromkeys(sh for sh, _w, _p in _LATIN_CHAINS))
_LATIN_WRITTEN = tuple(dict.fromkeys(w for _s, w, _p in _LATIN_CHAINS))


def is_cjk_as_latin(line: str) -> bool:
    """Whether ``line`` is mostly legacy bytes shown as Latin-1/cp1252 that
    this pass repairs: GBK/Big5 ("ÄãºÃ£¬"), or a single-byte chain of the
    table it is sure of (Cyrillic cp1251/KOI8-R/cp866: "÷èñëî"). The
    ``mojibake`` pass (ftfy) leaves such lines to this pass: ftfy would read
    parts of them as UTF-8 and spoil the bytes ("â¢¥" -> "⢥")."""
    if line.isascii():
        return False
    high = len(regex.findall(f"[{_LATIN_HIGH}]", line))
    if high < 4 or high < 0.3 * len(line.replace(" ", "")):
        return _line_sure(line)
    if _cjk_as_latin(line, high):
        return True
    return _line_sure(line)


def _line_sure(line: str) -> bool:
    """Whether a line chain (:func:`_line_findings`) repairs ``line`` surely."""
    if _line_gate_re().search(line) is None:
        return False
    return any(f.confidence >= 0.9 for f in _line_findings(line, SpanSweep(()), [], PASS.finding))


def _cjk_as_latin(line: str, high: int) -> bool:
    for shown in _LATIN_SHOWN:
        try:
            data = line.encode(shown)
        except UnicodeEncodeError:
            continue
        for written in _LATIN_WRITTEN:
            try:
                fixed = data.decode(written)
            except UnicodeDecodeError:
                continue
            if len(_CJK_LETTER.findall(fixed)) >= max(2, high // 4) and _score(fixed) > _score(line) + _MIN_GAIN:
                return True
    return False


_RELAXED_GAIN = 0.5  # log10 units a relaxed repair of Latin-1 characters ("ÔÂ" -> 月) must win by
_ASCII_TAKEN = 3.0  # ... more when a CJK character takes in an ASCII one ("鏋禔" -> "架A")
_SCRIPT_OF = (("Han", regex.compile(r"\p{Han}")), ("Kana", _KANA), ("Hangul", regex.compile(r"\p{Hangul}")))


def _letter_scripts(text: str) -> frozenset[str]:
    """The CJK scripts (Han, Kana, Hangul) whose letters ``text`` holds."""
    return frozenset(name for name, rx in _SCRIPT_OF if rx.search(text))


def _changed(orig: str, fixed: str) -> tuple[str, str]:
    """The parts of ``orig`` and ``fixed`` between their common prefix and suffix."""
    p, q = common_affixes(orig, fixed)
    return orig[p : len(orig) - q], fixed[p : len(fixed) - q]


def _relaxed_ok(orig: str, fixed: str, shown: str, gain: float, scripts: frozenset[str]) -> bool:
    """Whether re-reading ``orig`` (a run the confident repairs did not touch)
    as ``fixed`` is a repair of the document's damage, not a clean run that
    happens to re-encode ("頂疊" shown as GB18030 is the UTF-8 of "픯B"):

    * its letters are of ``scripts``, those of the confident repairs (no
      Hangul in a Chinese document);
    * it wins by :data:`_RELAXED_GAIN` when it replaces Latin-1 characters
      (a Latin display codec encodes nothing else; such runs are damage in
      a CJK document); when it replaces CJK characters with CJK text (UTF-8
      display codecs), by :data:`_MIN_GAIN` (the gains of clean Chinese
      runs re-read reach 4, those of damaged runs start near 7), and what
      it replaces must be mostly characters UTF-8 shows as in ``shown``;
    * lost bytes (U+FFFD) count as such characters;
    * an ASCII character it takes in from a neighbour ("闊綽" -> "韾b")
      costs :data:`_ASCII_TAKEN` more."""
    before, after = _changed(orig, fixed)
    if not _letter_scripts(after) <= scripts:
        return False
    family = _FAMILY_OF_DISPLAY.get(shown)
    need = _RELAXED_GAIN if family is None else _MIN_GAIN
    if sum(1 for c in after if c.isascii() and c != " ") > sum(1 for c in before if c.isascii() and c != " "):
        need += _ASCII_TAKEN
    if gain < need:
        return False
    if family is None:
        return True
    suspects = _suspects(family)
    wide = [c for c in before if not c.isascii()]
    hits = sum(1 for c in wide if c in suspects or c == "\ufffd" or "\ue000" <= c <= "\uf8ff")
    return hits >= 1 and 2 * hits >= len(wide)


@functools.lru_cache(maxsize=1)
def _relaxed_re() -> "regex.Pattern[str]":
    """A character without which a run gives no relaxed repair: a suspect of
    some family, U+FFFD or private use (what :func:`_relaxed_ok` counts for
    a UTF-8 display codec), or a character Latin-1 or Windows-1252 encodes
    to a high byte (a run a Latin display codec can re-read)."""
    suspects = _class("".join(sorted(set("".join(_suspects(c) for c in _FAMILY)))) + "\ufffd")
    return _re.compile(f"{suspects}|[\x80-\x9f{_LATIN_HIGH}]")


# UTF-8 display codec -> its key in _FAMILY (Latin display codecs: none).
_FAMILY_OF_DISPLAY = {shown: family for family, chains in _FAMILY.items() for shown, _w, _p in chains}


_SURROGATE = _re.compile("[\udc80-\udcff]")
_MIN_SURROGATES = 8  # lone surrogates a line needs to be re-read on their evidence alone
_LINE_SURE_UNIT = 1.0  # log10 units a word of a sure line must gain to be rewritten
# ... a word of one high byte, which follows its line ("â" -> "в", "‚" -> "В"):
# in a line of consistent damage every high byte belongs to the damage.
_LINE_WEAK_UNIT = float("-inf")
_LINE_MAX_FAILS = 64  # encode failures after which a chain gives up on a line


# "cp1252+c1": Windows-1252 with its five undefined bytes shown as the C1
# controls Latin-1 gives them. Text shown as Latin-1 reaches this pass with
# its C1 controls turned into cp1252 characters by the mojibake pass
# (ftfy's fix_c1_controls) where cp1252 defines them, and left where not.
_SLOPPY = "cp1252+c1"
_SLOPPY_TO_LATIN1 = {}
for _b in range(0x80, 0xA0):
    try:
        _SLOPPY_TO_LATIN1[ord(bytes([_b]).decode("cp1252"))] = chr(_b)
    except UnicodeDecodeError:
        pass
del _b


def _encode_shown(part: str, shown: str) -> bytes:
    """``part`` encoded back with the codec that showed it (lone surrogates
    as the bytes they stand for)."""
    if shown == _SLOPPY:
        return part.translate(_SLOPPY_TO_LATIN1).encode("latin-1", "surrogateescape")
    return part.encode(shown, "surrogateescape")


def _decode_byte(b: int, shown: str) -> str:
    if shown == _SLOPPY:
        try:
            return bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            return chr(b)
    return bytes([b]).decode(shown)


def _shown_chars(shown: str, byte_values) -> set[str]:
    out = set()
    for b in byte_values:
        try:
            c = _decode_byte(b, shown)
        except UnicodeDecodeError:
            continue
        if not c.isascii():
            out.add(c)
    return out


def _char_class_of(chars) -> str:
    return "[" + "".join(_re.escape(c) for c in sorted(chars)) + "]"


@functools.lru_cache(maxsize=None)
def _line_suspect_re(shown: str, written: str) -> "_re.Pattern[str]":
    """Two characters in a row as ``shown`` displays bytes that ``written``
    writes: a UTF-8 lead byte then a continuation byte, or two high bytes of
    a legacy codec. A line without a match holds no damage of this chain."""
    if written == "utf-8":
        # The letters of the scripts these chains write take two bytes in
        # UTF-8 (U+0080-U+07FF); of three-byte sequences only E2 80 xx
        # (dashes, quotes, "…") is common. (cp866 shows E0-EF as "р"-"я":
        # every Russian word would be a suspect of longer sequences.)
        cont = _char_class_of(_shown_chars(shown, range(0x80, 0xC0)))
        two = _char_class_of(_shown_chars(shown, range(0xC2, 0xE0))) + cont
        return _re.compile(f"{two}|{_re.escape(_decode_byte(0xE2, shown))}{_re.escape(_decode_byte(0x80, shown))}{cont}")
    high = _char_class_of(_shown_chars(shown, range(0x80, 0x100)))
    return _re.compile(high + high)


@functools.lru_cache(maxsize=1)
def _line_gate_re() -> "_re.Pattern[str]":
    """A lone surrogate, or two characters in a row that may be a pair of
    some line chain's suspects (:func:`_line_suspect_re`): one class for
    the first of every chain, one for the second, a superset that stdlib
    ``re`` scans for in C (an alternation of the chains' own pairs cost 5x
    more on English text, 0.5 s per MB)."""
    first: set[str] = set()
    second: set[str] = set()
    for sh, wr, _p in _LINE_CHAINS:
        if sh == "utf-8":
            continue
        if wr == "utf-8":
            first |= _shown_chars(sh, range(0xC2, 0xE0)) | {_decode_byte(0xE2, sh)}
            second |= _shown_chars(sh, range(0x80, 0xC0))
        else:
            high = _shown_chars(sh, range(0x80, 0x100))
            first |= high
            second |= high
    return _re.compile("[\udc80-\udcff]|" + _char_class_of(first) + _char_class_of(second))


@functools.lru_cache(maxsize=None)
def _encodable_re(shown: str) -> "_re.Pattern[str]" | None:
    """Maximal stretches a single-byte ``shown`` codec encodes (with lone
    surrogates as the bytes they stand for); None for multi-byte codecs."""
    if shown != _SLOPPY:
        try:
            if len("".join(chr(c) for c in range(0x80, 0x100)).encode(shown, "replace")) != 0x80:
                return None
        except LookupError:
            return None
    chars = _shown_chars(shown, range(0x80, 0x100))
    return _re.compile("[\x00-\x7f\udc80-\udcff" + "".join(_re.escape(c) for c in sorted(chars)) + "]+")


def _encodable_parts(line: str, shown: str) -> list[tuple[int, str]]:
    """``(start, part)``: the maximal parts of ``line`` that ``shown`` encodes."""
    rx = _encodable_re(shown)
    if rx is not None:
        return [(m.start(), m.group()) for m in rx.finditer(line)]
    out = []
    pos = fails = 0
    while pos < len(line):
        try:
            line[pos:].encode(shown, "surrogateescape")
        except UnicodeEncodeError as exc:
            if exc.start:
                out.append((pos, line[pos : pos + exc.start]))
            pos += exc.end
            fails += 1
            if fails > _LINE_MAX_FAILS:
                return out
            continue
        out.append((pos, line[pos:]))
        break
    return out


_BAD_OUTPUT = regex.compile(r"[\p{Cc}\p{Co}\p{Cn}\p{Cs}]")
_OUTPUT_SCRIPTS = (
    regex.compile(r"[^\x00-\x7f\P{Latin}]"),
    regex.compile(r"\p{Cyrillic}"),
    regex.compile(r"\p{Greek}"),
    regex.compile(r"\p{Arabic}"),
    regex.compile(r"\p{Hebrew}"),
    regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"),
)


_OTHER_LETTER = regex.compile(
    r"[^\P{L}\p{Common}\p{Inherited}\p{Latin}\p{Cyrillic}\p{Greek}\p{Arabic}\p{Hebrew}\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"
)


# What a re-read word of a single-byte chain may hold besides ASCII and
# letters (with their combining marks): the punctuation of prose.
_NOT_PROSE = regex.compile(r"[^\x00-\x7f\p{L}\p{M}«»“”„‘’‚–—…№°§\u00a0·¿¡€]")
_WIDE_LETTER = regex.compile(r"[^\x00-\x7f\P{L}]")


# An ASCII letter next to a letter of another script than Latin.
_MIXED_WORD = regex.compile(r"[A-Za-z][^\P{L}\p{Latin}]|[^\P{L}\p{Latin}][A-Za-z]")
_LINE_MIN_MEAN = -2.5  # mean log10 plausibility per character of a re-read word (single-byte chains)
# A legacy single-byte reading must convert this share of the line's words
# with high characters: a Cyrillic text shown as Latin-1 has all its words
# damaged, a Latin text with a few accented words does not ("ÌÑÌ" -> "МСМ").
_LINE_LEGACY_COVER = 0.67
# Words as bytes cut them: at ASCII spaces only (U+00A0 and U+00AD are
# high bytes of the damage: cp866 "а" shows as U+00A0 in Latin-1).
_ASCII_WORD = _re.compile(r"[^\x00-\x20]+")
_NON_ASCII_WORD = _re.compile(r"[^\x00-\x20]*[^\x00-\x7f][^\x00-\x20]*")


def _word_edge(ch: str) -> bool:
    """Whether ``ch`` may stand next to a word: ASCII other than letters and digits."""
    return ch.isascii() and not ch.isalnum()


def _line_output_ok(orig: str, fixed: str, cjk: bool) -> bool:
    """A re-read word is text: no controls, private use, unassigned code
    points or surrogates, no U+FFFD the word did not have, and its
    non-ASCII letters of one script (CJK scripts count as one)."""
    if _BAD_OUTPUT.search(fixed) is not None or ("\ufffd" in fixed and "\ufffd" not in orig):
        return False
    if _OTHER_LETTER.search(fixed) is not None:
        return False  # a letter of a script no chain of the table writes
    if not cjk:
        if _CJK_LETTER.search(fixed) is not None:
            return False  # CJK damage without surrogates is the run search's (_repair_run)
        if _NOT_PROSE.search(fixed) is not None or _WIDE_LETTER.search(fixed) is None:
            return False  # box drawing, symbols; or no letter at all ("¬´" -> "«")
    return sum(1 for rx in _OUTPUT_SCRIPTS if rx.search(fixed)) <= 1


def _word_context(part: str, i: int, j: int) -> tuple[int, int]:
    """``(a, b)``: ``[i, j)`` widened to the letters around it (at most 24 each side)."""
    a = i
    while a > 0 and i - a < 24 and part[a - 1].isalpha():
        a -= 1
    b = j
    while b < len(part) and b - j < 24 and part[b].isalpha():
        b += 1
    return a, b


def _units(part: str, fixed_pieces, written: str):
    """``(i, j, fixed)`` units of re-read text to score one by one: the
    UTF-8 spans as they decode; a legacy single-byte reading (one character
    for one) cut into its words."""
    for i, j, fixed in fixed_pieces:
        if written == "utf-8" or len(fixed) != j - i:
            yield i, j, fixed
            continue
        for m in _ASCII_WORD.finditer(part[i:j]):
            if not m.group().isascii():
                yield i + m.start(), i + m.end(), fixed[m.start() : m.end()]


@functools.lru_cache(maxsize=None)
def _nbsp_lead_re(shown: str) -> "_re.Pattern[str]":
    """A character ``shown`` displays a lead byte of a two-byte UTF-8
    sequence as, followed by a space."""
    return _re.compile(_char_class_of(_shown_chars(shown, range(0xC2, 0xE0))) + " ")


def _nbsp_units(line: str, shown: str) -> list[tuple[int, int, str, float, bool]]:
    """Units of UTF-8 whose continuation byte 0xA0 (U+00A0 in Latin-1 and
    cp1252) became a space on the way: "Г bien" for "à bien" (the no-break
    space and the space after it folded into one: the space stays) and
    "Ù Ù" for "٠٠" (the no-break space replaced: the space goes). Each
    reading is scored in its word context like any other unit."""
    out = []
    lead = _nbsp_lead_re(shown)
    for m in lead.finditer(line):
        i = m.start()
        nxt = line[i + 2 : i + 3]
        if not (nxt.isascii() and nxt.isalpha()) and lead.match(line, i + 2) is None:
            continue  # a word of the display codec's own script follows: "В Москве"
        try:
            fixed = (_encode_shown(line[i], shown) + b"\xa0").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if not _line_output_ok(line[i], fixed, False):
            continue
        best = None
        a, _b = _word_context(line, i, i + 1)
        _a, b = _word_context(line, i + 2, i + 2)
        orig = line[a:b]
        for j in (i + 1, i + 2):  # folded (the space stays), replaced (it goes)
            reread = line[a:i] + fixed + line[j:b]
            if _MIXED_WORD.search(reread) is not None:
                continue
            gain = _score(reread) - _score(orig)
            if best is None or gain > best[3]:
                best = (i, j, fixed, gain, False)
        if best is not None:
            out.append(best)
    return out


def _line_chain_units(line: str, shown: str, written: str, cjk: bool) -> list[tuple[int, int, str, float, bool]]:
    """``(start, end, fixed, gain, weak)`` in ``line`` for one chain: every
    unit (:func:`_units`) whose re-reading is text, with the plausibility it
    gains in its word context; ``weak`` for a legacy word of one high byte."""
    out = []
    parts = _encodable_parts(line, shown)
    if cjk and (len(parts) != 1 or len(parts[0][1]) != len(line)):
        # A line with lone surrogates was decoded by one codec as a whole:
        # the chain's display codec must encode all of it back.
        return out
    for p0, part in parts:
        if part.isascii():
            continue
        try:
            data = _encode_shown(part, shown)
            if cjk and (shown == _SLOPPY or data.decode(shown, "surrogateescape") != part):
                continue  # not what this codec makes of any bytes
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        try:
            pieces = [(0, len(part), data.decode(written))]  # the whole part re-reads
        except UnicodeDecodeError:
            if len(data) == len(part):
                bounds = list(range(len(part) + 1))
            else:
                try:
                    bounds = list(accumulate((len(_encode_shown(c, shown)) for c in part), initial=0))
                except UnicodeEncodeError:
                    continue  # a character this codec encodes only in a sequence
                if bounds[-1] != len(data):
                    continue
            spans = _byte_spans(data, written)
            pieces = _decode_spans(data, bounds, written, spans) if spans else []
        for i, j, fixed in _units(part, pieces, written):
            orig = part[i:j]
            wide = cjk and _CJK_LETTER.search(fixed) is not None  # CJK text out of a surrogate line
            if fixed == orig or not _line_output_ok(orig, fixed, wide):
                continue
            i, j = p0 + i, p0 + j
            weak = False
            if written != "utf-8":
                if (i > 0 and not _word_edge(line[i - 1])) or (j < len(line) and not _word_edge(line[j])):
                    continue  # a legacy reading replaces whole words
                # A word of one high byte ("â" for "в", "2006ã." for "2006г.")
                # is no evidence; it follows its line.
                weak = sum(1 for c in orig if not c.isascii()) < 2
            a, b = _word_context(line, i, j)
            reread = line[a:i] + fixed + line[j:b]
            if not wide and _MIXED_WORD.search(reread) is not None:
                continue  # "ЪДMМ": a word is written in one script
            fixed_score = _score(reread)
            if fixed_score / max(1, len(reread.replace(" ", ""))) < (_LOSSY_MIN_MEAN if wide else _LINE_MIN_MEAN):
                continue  # garbage in another script is not a repair
            out.append((i, j, fixed, fixed_score - _score(line[a:b]), weak))
    if written == "utf-8" and not cjk and any(u[3] > 0 for u in out):
        out += _nbsp_units(line, shown)  # only in a line with evidence of the chain
    return out


def _line_findings(text: str, taken: "SpanSweep", protected, make, phase: str = "all") -> list[Finding]:
    """Single-byte chains (:data:`_LINE_CHAINS`) and lines whose bytes were
    kept as lone surrogates (every chain): each line is re-read with every
    chain whose suspects it holds, word by word; the chain whose words gain
    most in all (less its prior) wins the line. Sure (:data:`_MIN_GAIN`):
    its words that gain at least :data:`_LINE_SURE_UNIT` are rewritten; else
    above :data:`_FLAG_GAIN` they are flagged. A chain sure on one line of
    the document is applied to its other lines when they gain by it."""
    gate = _line_gate_re()
    results = []  # (line start, {chain: (total, units)})
    for start, end, line in iter_lines(text):
        if line.isascii() or gate.search(line) is None or taken.overlaps(start, end) and not _SURROGATE.search(line):
            continue
        if in_spans(start, protected):
            continue
        surrogates = _SURROGATE.search(line) is not None
        if surrogates and len(_SURROGATE.findall(line)) < _MIN_SURROGATES and _SURROGATE.sub("", line).isascii():
            continue  # a few undecodable bytes alone: nothing tells which codec showed them
        if surrogates:
            if phase == "utf8":
                continue
            chains = _SURROGATE_CHAINS
        else:
            chains = _LINE_CHAINS if phase == "all" else _LEGACY_LINE_CHAINS if phase == "legacy" else _UTF8_LINE_CHAINS
        per_chain = {}
        for shown, written, prior in chains:
            if not surrogates and (shown == "utf-8" or _line_suspect_re(shown, written).search(line) is None):
                continue
            units = _line_chain_units(line, shown, written, surrogates)
            if units and written != "utf-8" and not surrogates:
                gaining = sum(1 for *_x, g, weak in units if g > 0 and not weak)
                words = sum(1 for w in _NON_ASCII_WORD.findall(line) if sum(1 for c in w if not c.isascii()) >= 2)
                if gaining < _LINE_LEGACY_COVER * words:
                    continue
            if units:
                total = sum(g for *_x, g, _weak in units if g > 0) - prior
                per_chain[(shown, written)] = (total, units)
        if per_chain:
            results.append((start, per_chain))
    sure_chains = set()
    for _start, per_chain in results:
        chain, (total, _u) = max(per_chain.items(), key=lambda kv: kv[1][0])
        if total >= _MIN_GAIN:
            sure_chains.add(chain)
    findings = []
    for start, per_chain in results:
        chain, (total, units) = max(per_chain.items(), key=lambda kv: kv[1][0])
        relaxed = False
        if total < _MIN_GAIN:
            again = [(c, v) for c, v in per_chain.items() if c in sure_chains and v[0] >= _RELAXED_GAIN]
            if again:
                chain, (total, units) = max(again, key=lambda kv: kv[1][0])
                relaxed = True
            elif total < _FLAG_GAIN:
                continue
        shown, written = chain
        how = f"{written} shown as {shown}"
        sure = relaxed or total >= _MIN_GAIN
        for i, j, fixed, gain, weak in units:
            if weak and not sure:
                continue
            if gain < (_LINE_WEAK_UNIT if weak else _LINE_SURE_UNIT) or taken_overlap(taken, start + i, start + j):
                continue
            orig = text[start + i : start + j]
            p, q = common_affixes(orig, fixed)
            after = fixed[p : len(fixed) - q]
            if relaxed:
                conf, note = 0.85, " (as elsewhere in this text)"
            elif total >= _MIN_GAIN:
                conf, note = (0.95 if total >= _MIN_GAIN + 6 else 0.9), ""
            else:
                conf, note = 0.6, ""
            if shown == "utf-8":
                # Legacy bytes inside UTF-8 input: the decode step kept them
                # as they were (its decision per segment); only flagged here.
                conf, note = min(conf, 0.6), note + "; bytes the decoder kept"
            msg = f"mojibake ({how}{note}); the line reads {total:.0f} log10 units more plausibly"
            findings.append(make(text, start + i + p, start + j - q, after, conf, msg, detail=how, rule="reencode-line"))
    return findings


def _lines_of(text: str, found: list[Finding]) -> list[tuple[int, int]]:
    """The ``(start, end)`` of the lines holding ``found`` (sorted by start)."""
    out = []
    for f in sorted(found, key=lambda f: f.start):
        if out and f.start < out[-1][1]:
            continue
        s = text.rfind("\n", 0, f.start) + 1
        e = text.find("\n", f.start)
        out.append((s, len(text) if e < 0 else e))
    return out


def taken_overlap(taken: "SpanSweep", start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps a span of ``taken``, queried out of
    order (a fresh binary search, not the sweep's cursor)."""
    import bisect

    spans = taken.spans
    k = bisect.bisect_right(spans, (start, float("inf"))) - 1
    if k >= 0 and spans[k][1] > start:
        return True
    return k + 1 < len(spans) and spans[k + 1][0] < end


class CjkMojibakePass(Pass):
    kind = "cjk-mojibake"
    markup_safe = True

    def gate(self, text: str, profile: Profile) -> bool:
        if text.isascii():
            return False
        return _gate_re().search(text) is not None or _line_gate_re().search(text) is not None

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        findings: list[Finding] = []
        # One scan finds the runs that can hold damage; clean text (most
        # documents, even Chinese ones the gate lets through) ends here.
        runs = _scan_runs(text)
        lines = _line_gate_re().search(text) is not None
        if not runs and not lines:
            return findings
        protected = protected_spans(text)
        # The line chains first (single-byte codecs, lone surrogates): a line
        # they are sure of is not searched for CJK runs (Cyrillic shown as
        # Latin-1 re-reads as GBK too, less plausibly, run by run).
        line_found = _line_findings(text, SpanSweep(()), protected, self.finding, "legacy") if lines else []
        skip = _lines_of(text, [f for f in line_found if f.confidence >= 0.85])
        if lines and _SURROGATE.search(text):
            skip += [(s, e) for s, e, line in iter_lines(text) if _SURROGATE.search(line)]
        sure_lines = SpanSweep(skip)
        for start, run in runs:
            if len(run) > _MAX_RUN or in_spans(start, protected) or sure_lines.overlaps(start, start + len(run)):
                continue
            for s, e, chains in _windows(run):
                findings += self._repair_run(text, start + s, run[s:e], chains)
        if findings:
            findings += self._consistent(text, findings + [f for f in line_found if f.confidence >= 0.85], protected)
        if line_found:
            taken = SpanSweep((f.start, f.end) for f in findings if f.confidence >= 0.6)
            findings += [f for f in line_found if f.confidence >= 0.85 or not taken_overlap(taken, f.start, f.end)]
        if lines:
            taken = SpanSweep((f.start, f.end) for f in findings if f.confidence >= 0.6)
            findings += _line_findings(text, taken, protected, self.finding, "utf8")
        return findings

    def _consistent(self, text: str, found: list[Finding], protected) -> list[Finding]:
        """Short runs ("ÔÂ" for 月 between digits) hold too little evidence on
        their own; in a document where a chain was applied with confidence,
        they are repaired with the same chain when that reads better.

        Such a relaxed repair must still look like one (:func:`_relaxed_ok`):
        the run is mostly characters that chain produces, the repair reads
        as text in the scripts of the confident repairs and wins by a
        margin. Clean text next to a damaged paragraph re-encodes into
        something too ("頂疊" shown as GB18030 is the UTF-8 of "픯B"). Runs
        without a single character the rule could accept (:func:`_relaxed_re`)
        are not tried."""
        sure_found = [f for f in found if f.confidence >= 0.9]
        sure = {f.detail for f in sure_found}
        chains = tuple(c for c in _UTF8_CHAINS + _LATIN_CHAINS if f"{c[1]} shown as {c[0]}" in sure)
        if not chains:
            return []
        scripts = _letter_scripts("".join(f.after or "" for f in sure_found))
        if "Kana" in scripts:
            scripts |= {"Han"}
        # Runs come in text order: one forward sweep over the merged spans of
        # the confident repairs (a linear any() per run was quadratic: 21 M
        # comparisons on one 3 MB damaged document).
        taken = SpanSweep((f.start, f.end) for f in found if f.confidence >= 0.8)
        out: list[Finding] = []
        possible = _relaxed_re()
        for m in _RUN.finditer(text):
            if taken.overlaps(m.start(), m.end()):
                continue
            if m.group().isascii() or in_spans(m.start(), protected) or possible.search(m.group()) is None:
                continue
            out += self._repair_run(text, m.start(), m.group(), chains, relaxed=True, scripts=scripts)
        return out

    def _repair_run(
        self, text: str, offset: int, run: str, chains, relaxed: bool = False, scripts: frozenset[str] = frozenset()
    ) -> list[Finding]:
        best: dict[tuple[int, int], tuple[float, str, str, float, str]] = {}
        read: set[tuple] = set()  # bytes already read with a chain of the same weight
        for shown, written, prior in chains:
            if "\ufffd" in run and written == "utf-8" and shown in ("gb18030", "gbk", "cp932", "big5", "cp949"):
                pieces = _lossy_pieces(run, shown)
                if pieces is None or _read_before(read, pieces, shown, written, prior):
                    continue
                filled = _fill_holes_cached(pieces)  # the whole run, holes filled
                if not filled or not _looks_cjk(filled[0], lossy=True):
                    continue
                fixed, restored, unknown = filled
                dense = fixed.replace("\ufffd", "").replace(" ", "")
                if not dense or _score(dense) / len(dense) < _LOSSY_MIN_MEAN:
                    continue
                gain = _score(fixed) - _score(run) - prior
                if relaxed and not _relaxed_ok(run, fixed, shown, gain, scripts):
                    continue
                key = (0, len(run))
                if gain > best.get(key, (-1e9,))[0]:
                    best[key] = (gain, fixed, f"{written} shown as {shown}", prior, f"{restored} lost bytes inferred, {unknown} unknown")
                continue
            try:
                data = run.encode(shown)
            except UnicodeEncodeError:
                continue
            if written == "utf-8" and not relaxed and _two_wide_re().search(data) is None:
                continue  # no part of it decodes to two CJK letters (_looks_cjk)
            spans = _byte_spans(data, written)
            if not spans:
                continue  # nothing decodes
            bounds = _char_bounds(run, shown, data)
            if _read_before(read, (data, tuple(bounds)), shown, written, prior):
                continue
            for i, j, fixed in _decode_spans(data, bounds, written, spans):
                orig = run[i:j]
                if fixed == orig or not _looks_cjk(fixed, lossy=relaxed):
                    continue
                fixed_score = _score(fixed)
                if not relaxed and fixed_score / max(1, len(fixed.replace(" ", ""))) < _LOSSY_MIN_MEAN:
                    continue  # garbage in another script is not a repair
                gain = fixed_score - _score(orig) - (0.0 if relaxed else prior)
                how = f"{written} shown as {shown}"
                # One more level: doubly applied damage.
                for shown2, written2, prior2 in chains:
                    if "\ufffd" in fixed:
                        break
                    try:
                        fixed2 = fixed.encode(shown2).decode(written2)
                    except (UnicodeEncodeError, UnicodeDecodeError):
                        continue
                    if fixed2 == fixed or not _looks_cjk(fixed2):
                        continue
                    gain2 = _score(fixed2) - _score(orig) - prior - prior2 - 1.0
                    if gain2 > gain:
                        gain, fixed, how = gain2, fixed2, f"{how}, then {written2} shown as {shown2}"
                if relaxed and not _relaxed_ok(orig, fixed, shown, gain, scripts):
                    continue
                key = (i, j)
                if gain > best.get(key, (-1e9,))[0]:
                    best[key] = (gain, fixed, how, prior, "")
        findings = []
        used: list[tuple[int, int]] = []
        for (i, j), (gain, fixed, how, _prior, note) in sorted(best.items(), key=lambda kv: -kv[1][0]):
            if gain < (0.5 if relaxed else _FLAG_GAIN):
                continue
            if any(i < e and s < j for s, e in used):
                continue
            used.append((i, j))
            orig = run[i:j]
            p, q = common_affixes(orig, fixed)  # trim what did not change
            before_end = len(orig) - q
            after = fixed[p : len(fixed) - q]
            confidence = 0.95 if gain >= _MIN_GAIN + 6 else 0.9 if gain >= _MIN_GAIN else 0.6
            if relaxed:
                confidence = 0.85
                how += " (as elsewhere in this text)"
            msg = f"CJK mojibake ({how}); repaired text is {gain:.0f} log10 units more plausible"
            if note:
                msg += f"; {note}"
            findings.append(
                self.finding(text, offset + i + p, offset + i + before_end, after, confidence, msg, detail=how, rule="reencode")
            )
        return findings


PASS = CjkMojibakePass()
