"""bytes -> text (with the facts of how), and text -> bytes.

Order of decisions, cheapest and surest first:

1. empty input is empty text;
2. a byte-order mark names the encoding (UTF-32 before UTF-16: the UTF-32-LE
   BOM starts with the UTF-16-LE one);
3. known binary signatures (PNG, JPEG, PDF, ZIP, ...) and NUL bytes that are
   not UTF-16/32 mean "not text";
4. strict UTF-8;
5. otherwise, decided per segment (:func:`_decode_segments`): a file whose
   non-ASCII bytes are mostly valid UTF-8 keeps every valid sequence and
   reads each run of bad lines on its own (its invalid bytes in context, or
   a legacy paragraph by the codec :func:`textfix.charsets.detect_legacy`
   finds); a mostly legacy file is read with one codec, its lines that are
   valid UTF-8 and read better so staying UTF-8. A reading below the
   threshold, or of fewer than 4 non-ASCII bytes, is not applied: the bytes
   are kept as ``surrogateescape`` code points (written back exactly) and
   :attr:`Decoded.applied` / :attr:`Segment.applied` say so. ISO-2022
   escape sequences and BOM-less UTF-16/32 are recognised before that.

:func:`iter_decode` streams a large input in flat memory: it detects on the
first 64 KiB and decodes the rest incrementally.

Nothing here changes the text: newline style, BOM and invalid bytes are
facts recorded on :class:`Decoded`, applied again by :func:`encode_text`.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, replace

import regex

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Leading bytes of common non-text formats.
_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"%PDF-",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x7fELF",
    b"OggS",
    b"fLaC",
    b"ID3",
    b"\x00asm",
    b"\xca\xfe\xba\xbe",
    b"SQLite format 3\x00",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE2: .doc, .xls
)
_RIFF = b"RIFF"  # WAV, AVI, WebP
_SAMPLE = 65536

_CONTROL = regex.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


class DecodeError(ValueError):
    """Raised by callers that insist on text when the bytes are not text."""


class EncodeError(ValueError):
    """A character cannot be represented in the requested output encoding."""

    def __init__(self, encoding: str, char: str, position: int, line: int, column: int):
        self.encoding = encoding
        self.char = char
        self.position = position
        self.line = line
        self.column = column
        super().__init__(
            f"cannot encode {char!r} (U+{ord(char):04X}) at line {line}, column {column} in {encoding}"
        )


@dataclass(frozen=True)
class Segment:
    """One run of lines decoded alike (1-based, inclusive line numbers).

    ``encoding`` is the codec the run was read with when ``applied``; when
    not, the run's bytes are kept as they were (valid UTF-8 as text, the
    rest as ``surrogateescape`` code points) and ``encoding`` is the best
    candidate, below the threshold or ``undecided`` (too few non-ASCII
    bytes to tell). ``candidates`` are ``(codec, score)``, best first.
    ``strays`` says the run's valid UTF-8 was kept and only its invalid
    bytes were read with ``encoding``."""

    first_line: int
    last_line: int
    encoding: str
    confidence: float
    applied: bool = True
    reason: str = ""
    candidates: tuple[tuple[str, float], ...] = ()
    high_bytes: int = 0
    strays: bool = False

    @property
    def lines(self) -> str:
        return f"line {self.first_line}" if self.first_line == self.last_line else f"lines {self.first_line}-{self.last_line}"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str | None  # Python codec name; None for binary
    confidence: float
    bom: bool = False
    binary: bool = False
    invalid_bytes: int = 0  # kept as surrogateescape code points
    reason: str = ""  # why this encoding / why binary
    # Set when the input was not all one encoding, or when a decision was
    # not applied: the runs of lines and how each was read.
    segments: tuple[Segment, ...] = ()
    applied: bool = True  # False: a legacy reading was below the threshold; the bytes were kept

    @property
    def newline(self) -> str | None:
        return newline_style(self.text)

    @property
    def mixed(self) -> bool:
        """More than one way of reading in one input (or a run left undecided)."""
        return len({(s.encoding, s.applied) for s in self.segments}) > 1


def newline_style(text: str) -> str | None:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    kinds = [(n, k) for n, k in ((crlf, "\r\n"), (lf, "\n"), (cr, "\r")) if n]
    if not kinds:
        return None
    if len(kinds) > 1:
        return "mixed"
    return kinds[0][1]


def _binary_reason(data: bytes) -> str | None:
    head = data[:16]
    for magic in _MAGIC:
        if head.startswith(magic):
            return f"binary signature {magic[:8]!r}"
    if head.startswith(_RIFF):
        return "binary signature b'RIFF'"
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return "NUL bytes"
    controls = len(_CONTROL.findall(sample))
    if controls > max(8, len(sample) // 20):
        return f"{controls} control bytes in the first {len(sample)}"
    return None


def _utf16_32_without_bom(data: bytes) -> str | None:
    """UTF-16/32 text without a BOM shows NUL bytes in a fixed lane."""
    sample = data[:_SAMPLE]
    n = len(sample)
    if n < 4 or b"\x00" not in sample:
        return None
    candidates = []
    if n % 4 == 0 or len(data) % 4 == 0:
        lanes = [sample[i::4].count(0) for i in range(4)]
        quarter = n // 4
        if lanes[2] >= 0.9 * quarter and lanes[3] >= 0.9 * quarter:
            candidates.append("utf-32-le")
        if lanes[0] >= 0.9 * quarter and lanes[1] >= 0.9 * quarter:
            candidates.append("utf-32-be")
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = n // 2
    if odd >= 0.3 * half and even <= 0.05 * half:
        candidates.append("utf-16-le")
    if even >= 0.3 * half and odd <= 0.05 * half:
        candidates.append("utf-16-be")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return enc
    return _wide_by_plausibility(data)


_WIDE_BAD = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\p{Cs}\p{Co}\p{Cn}]")
_ISO2022_ESC = regex.compile(rb"\x1b(?:\$[@AB(D)*+]|\([BJIH]|\.[AF]|N)")


def _wide_by_plausibility(data: bytes) -> str | None:
    """UTF-16/32 without BOM whose NUL bytes sit in no fixed lane (CJK text):
    the decoding that reads as plausible text, if one does."""
    from .charsets import plausibility

    sample = data[:_SAMPLE]
    best = None
    for enc, unit in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        if len(data) % unit:
            continue
        try:
            text = codecs.getincrementaldecoder(enc)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if not text or _WIDE_BAD.search(text):
            continue
        score = plausibility(text[:2000])[0] / len(text[:2000])
        if score > -5.0 and (best is None or score > best[0]):
            best = (score, enc)
    if best is None:
        return None
    try:
        data.decode(best[1])
    except UnicodeDecodeError:
        return None
    return best[1]


def _iso2022(data: bytes) -> str | None:
    """7-bit ISO-2022 (JP, KR, CN) text announces itself with escape sequences."""
    if not data.isascii() or not _ISO2022_ESC.search(data[:_SAMPLE]):
        return None
    order = ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", "iso2022_kr", "iso2022_jp_3")
    if b"\x1b$)C" in data[:_SAMPLE]:  # the KS X 1001 designation of ISO-2022-KR
        order = ("iso2022_kr",) + order
    for enc in order:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x1b" not in text:
            return enc
    return None


def decode_bytes(data: bytes, threshold: float = 0.8) -> Decoded:
    """Decode ``data`` to text without losing a byte. Never raises.

    A legacy-charset reading less sure than ``threshold`` is not applied:
    the bytes are kept as they were and :attr:`Decoded.applied` is False."""
    if not data:
        return Decoded("", "utf-8", 1.0, reason="empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(enc), enc, 1.0, bom=True, reason="byte-order mark")
            except UnicodeDecodeError:
                if enc == "utf-8":
                    # A UTF-8 BOM before invalid UTF-8: decide on the bytes after
                    # it, as the next run will see them (the repair drops the BOM),
                    # so that a second ``fix`` never re-decodes what the first wrote.
                    rest = decode_bytes(data[len(bom) :], threshold)
                    if not rest.binary and not rest.bom and (rest.encoding == "utf-8" or not rest.encoding.startswith("utf")):
                        return replace(rest, bom=True, reason=f"byte-order mark, then {rest.reason}")
                break  # a BOM followed by garbage: let the rest decide
    wide = _utf16_32_without_bom(data)
    if wide:
        return Decoded(data.decode(wide), wide, 0.9, reason="NUL-byte lanes of UTF-16/32 without BOM")
    iso = _iso2022(data)
    if iso:
        return Decoded(data.decode(iso), iso, 0.95, reason=f"{iso} escape sequences")
    reason = _binary_reason(data)
    if reason and not reason.startswith("binary signature") and len(data) % 2 == 0:
        # CJK UTF-16 without BOM: bytes that look like controls, no NUL lane.
        wide = _wide_by_plausibility(data)
        if wide:
            return Decoded(data.decode(wide), wide, 0.8, reason=f"{wide} without BOM: the only plausible reading")
    if reason:
        return Decoded("", None, 1.0, binary=True, reason=reason)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 1.0, reason="valid UTF-8")
    except UnicodeDecodeError:
        pass
    return _decode_segments(data, threshold)


# --- inputs that are not valid UTF-8: decided per segment -------------------

# Codecs tried on the invalid bytes of a line that is mostly valid UTF-8
# (each run of invalid bytes read on its own, the valid UTF-8 kept).
_STRAY_CODECS = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "gb18030", "big5hkscs", "cp932", "cp949")
_ESCAPES = regex.compile(r"[\udc80-\udcff]+")
_LINE_BAD, _LINE_UTF8, _LINE_ASCII = 0, 1, 2


def _line_kinds(lines: list[bytes]) -> tuple[list[int], list[int], list[int]]:
    """Per line: its kind, its bytes inside valid UTF-8 multi-byte sequences,
    and its other non-ASCII bytes."""
    kinds, valid, invalid = [], [], []
    for line in lines:
        if line.isascii():
            kinds.append(_LINE_ASCII)
            valid.append(0)
            invalid.append(0)
            continue
        high = len(line) - len(line.translate(None, _HIGH_BYTES))
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad = _count_invalid(line)
            kinds.append(_LINE_BAD)
            valid.append(high - bad)
            invalid.append(bad)
            continue
        kinds.append(_LINE_UTF8)
        valid.append(high)
        invalid.append(0)
    return kinds, valid, invalid


_HIGH_BYTES = bytes(range(0x80, 0x100))


def _count_escapes(text: str) -> int:
    """Bytes kept as ``surrogateescape`` code points in ``text``."""
    if text.isascii():
        return 0
    return text.encode("utf-8", "replace").count(b"?") - text.count("?")


def _count_invalid(data: bytes) -> int:
    """Bytes of ``data`` outside valid UTF-8 sequences."""
    return _count_escapes(data.decode("utf-8", "surrogateescape"))


def _escaped(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _read_strays(chunk: bytes, codec: str) -> str | None:
    """``chunk`` with its valid UTF-8 kept and each run of invalid bytes read
    with ``codec`` (None when a run does not decode with it)."""
    text = _escaped(chunk)
    out = []
    pos = 0
    for m in _ESCAPES.finditer(text):
        raw = m.group().encode("utf-8", "surrogateescape")
        try:
            piece = raw.decode(codec)
        except UnicodeDecodeError:
            return None
        out.append(text[pos : m.start()])
        out.append(piece)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _judge_strays(chunk: bytes, high: int):
    """``(codec, text, confidence, reason, candidates)`` for the invalid
    bytes of a mostly-UTF-8 ``chunk``: every codec of :data:`_STRAY_CODECS`
    that decodes each run, scored by plausibility in context."""
    import math

    from .charsets import codec_prior, reading_score

    seen: dict[str, str] = {}
    for codec in _STRAY_CODECS:
        text = _read_strays(chunk, codec)
        if text is not None and text not in seen:
            seen[text] = codec
    if not seen:
        return None
    scored = sorted(
        ((reading_score(t)[0] + codec_prior(c), c, t) for t, c in seen.items()), key=lambda x: -x[0]
    )
    best, codec, text = scored[0]
    cands = tuple((c, round(s, 1)) for s, c, _t in scored)
    if len(scored) == 1:
        return codec, text, 0.95, f"{codec}: the only reading of the invalid bytes", cands
    gap = best - scored[1][0]
    confidence = round(min(1.0 - 0.5 * math.exp(-max(gap, 0.0) / 3.0), 0.99), 3)
    return codec, text, confidence, f"{codec}: {gap:.1f} log10 units over {scored[1][1]}", cands


def _undecided(guess_high: int) -> str:
    return f"undecided: {guess_high} non-ASCII byte{'s' if guess_high != 1 else ''}"


def _utf8_reads_better(data: bytes, codec: str, drop: bool = False) -> bool:
    """Whether ``data`` read as UTF-8, its invalid bytes kept as bytes (each
    scored as a lost character; with ``drop``, left out of the score),
    reads at least as well as ``codec``'s reading."""
    from .charsets import reading_score

    try:
        legacy = data.decode(codec, "replace")
    except LookupError:
        return True
    utf8 = _escaped(data)
    if drop:
        utf8 = _ESCAPES.sub("", utf8)
    return reading_score(utf8)[0] >= reading_score(legacy)[0]


def _utf8_line_holds(line: bytes, codec: str) -> bool:
    """Whether a valid UTF-8 line in a legacy file reads better as UTF-8."""
    from .charsets import reading_score

    try:
        legacy = line.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return True
    return reading_score(line.decode("utf-8"))[0] >= reading_score(legacy)[0]


def _decode_segments(data: bytes, threshold: float) -> Decoded:
    """Input that is not valid UTF-8, decided segment by segment.

    A file whose non-ASCII bytes are mostly valid UTF-8 keeps every valid
    sequence; each run of lines with invalid bytes is read on its own: its
    invalid bytes by the most plausible codec in context, or (a run that is
    mostly not UTF-8, such as a legacy paragraph) all of it by the codec
    :func:`textfix.charsets.detect_legacy` finds. A file that is mostly
    legacy is read with the codec found on its non-UTF-8 lines; its lines
    that are valid UTF-8 and read better so stay UTF-8. A reading below
    ``threshold``, or of fewer than ``MIN_HIGH_BYTES`` non-ASCII bytes, is
    not applied: the run's bytes are kept as they were."""
    from .charsets import MIN_HIGH_BYTES, detect_legacy

    lines = data.splitlines(keepends=True)
    kinds, valid, invalid = _line_kinds(lines)
    total_valid, total_invalid = sum(valid), sum(invalid)
    parts: list[str] = []
    segs: list[Segment] = []

    def add(first: int, last: int, seg: Segment | None, text: str) -> None:
        parts.append(text)
        if seg is None:
            return
        if segs and segs[-1].last_line == first - 1 and (segs[-1].encoding, segs[-1].applied, segs[-1].strays) == (
            seg.encoding, seg.applied, seg.strays
        ) and segs[-1].reason == seg.reason:
            segs[-1] = replace(segs[-1], last_line=last, high_bytes=segs[-1].high_bytes + seg.high_bytes,
                               confidence=min(segs[-1].confidence, seg.confidence))
        else:
            segs.append(seg)

    g = None
    utf8_lines, bad_lines = kinds.count(_LINE_UTF8), kinds.count(_LINE_BAD)
    utf8_based = total_invalid * 4 <= total_valid or (total_valid >= total_invalid and utf8_lines >= bad_lines)
    if not utf8_based:
        # Mostly not UTF-8 (accidental sequences abound in GBK and Big5):
        # the legacy reading of the lines that are not UTF-8, unless
        # keeping the UTF-8 (the rest as bytes) reads better.
        # (chardet sees the whole input: a markup charset declaration, the
        # ASCII around the text, tell it much.)
        # A legacy codec must read the lines that are not UTF-8: with UTF-8
        # lines in the file, it is found on those lines alone.
        g = detect_legacy(data if not utf8_lines else b"".join(ln for ln, k in zip(lines, kinds) if k == _LINE_BAD))
        if total_valid >= 2 * total_invalid and (g is None or (not g.chardet_sure and _utf8_reads_better(data, g.codec, True))):
            utf8_based = True  # most non-ASCII bytes are valid UTF-8, and chardet is not sure otherwise
        elif total_valid * 2 >= total_invalid and (
            g is None or ((utf8_lines or not g.chardet_sure) and _utf8_reads_better(data, g.codec))
        ):
            utf8_based = True
    if utf8_based:
        # Mostly UTF-8: runs of bad lines, each decided on its own.
        i = 0
        n = len(lines)
        while i < n:
            if kinds[i] != _LINE_BAD:
                j = i
                while j < n and kinds[j] != _LINE_BAD:
                    j += 1
                chunk = b"".join(lines[i:j])
                add(i + 1, j, Segment(i + 1, j, "utf-8", 1.0, reason="valid UTF-8"), chunk.decode("utf-8"))
                i = j
                continue
            j = i
            while j < n and kinds[j] == _LINE_BAD:
                j += 1
            chunk = b"".join(lines[i:j])
            seg_valid, seg_invalid = sum(valid[i:j]), sum(invalid[i:j])
            high = seg_valid + seg_invalid
            judged = []
            if seg_valid <= seg_invalid:  # maybe a legacy paragraph, not UTF-8 with a few stray bytes
                g = detect_legacy(chunk)
                if g is not None:
                    judged.append((g.codec, g.text, g.confidence, g.reason, g.candidates, False))
            if seg_valid:
                js = _judge_strays(chunk, seg_invalid)
                if js is not None:
                    judged.append((*js, True))
            if not judged:
                add(i + 1, j, Segment(i + 1, j, "utf-8", 0.0, False, "no codec reads the invalid bytes", (), high),
                    _escaped(chunk))
            else:
                from .charsets import reading_score

                if len(judged) > 1:  # both ways of reading: the more plausible, as a whole
                    judged.sort(key=lambda x: -reading_score(x[1])[0])
                codec, text, conf, why, cands, strays = judged[0]
                read = seg_invalid if strays else high  # the bytes this reading decides on
                if read < MIN_HIGH_BYTES or conf < threshold:
                    why = _undecided(read) if read < MIN_HIGH_BYTES else f"below the threshold {threshold:g}: {why}"
                    add(i + 1, j, Segment(i + 1, j, codec, conf, False, why, cands, read, strays), _escaped(chunk))
                else:
                    add(i + 1, j, Segment(i + 1, j, codec, conf, True, why, cands, read, strays), text)
            i = j
        text = "".join(parts)
        escapes = _count_escapes(text)
        seg_t = tuple(segs)
        conf = min((s.confidence for s in seg_t), default=1.0)
        return Decoded(text, "utf-8", conf, invalid_bytes=escapes,
                       reason="UTF-8, " + ("; ".join(f"{s.lines}: {s.encoding if s.applied else 'kept as bytes'}" for s in seg_t if s.encoding != "utf-8" or not s.applied)),
                       segments=seg_t, applied=all(s.applied for s in seg_t))

    # Mostly legacy: one codec for the lines that are not UTF-8.
    if g is None:
        return Decoded("", None, 0.6, binary=True, reason="no text encoding decodes it plausibly")
    high = total_valid + total_invalid
    if g.high_bytes < MIN_HIGH_BYTES or g.confidence < threshold:
        why = _undecided(g.high_bytes) if g.high_bytes < MIN_HIGH_BYTES else f"below the threshold {threshold:g}: {g.reason}"
        seg = Segment(1, max(len(lines), 1), g.codec, g.confidence, False, why, g.candidates, high)
        text = _escaped(data)
        escapes = _count_escapes(text)
        return Decoded(text, "utf-8", g.confidence, invalid_bytes=escapes, reason=why, segments=(seg,), applied=False)
    codec = g.codec
    if not any(k == _LINE_UTF8 for k in kinds):
        text = data.decode(codec, "surrogateescape")
        escapes = _count_escapes(text)
        return Decoded(text, codec, g.confidence, invalid_bytes=escapes, reason=g.reason)
    n = len(lines)
    holds = [k == _LINE_UTF8 and _utf8_line_holds(line, codec) for line, k in zip(lines, kinds)]
    legacy_high = sum(v + w for v, w, h in zip(valid, invalid, holds) if not h)
    if legacy_high < MIN_HIGH_BYTES:  # the legacy part is too short to tell
        why = _undecided(legacy_high)
    else:
        why = ""
    i = 0
    while i < n:
        utf8 = holds[i]
        j = i + 1
        while j < n and kinds[j] != _LINE_ASCII and holds[j] == utf8:
            j += 1
        while j < n and kinds[j] == _LINE_ASCII:  # ASCII reads alike: it joins the run before it
            j += 1
        chunk = b"".join(lines[i:j])
        run_high = sum(valid[i:j]) + sum(invalid[i:j])
        if utf8:
            add(i + 1, j, Segment(i + 1, j, "utf-8", 1.0, reason="valid UTF-8"), chunk.decode("utf-8"))
        elif why:
            add(i + 1, j, Segment(i + 1, j, codec, g.confidence, False, why, g.candidates, run_high), _escaped(chunk))
        else:
            add(i + 1, j, Segment(i + 1, j, codec, g.confidence, True, g.reason, g.candidates, run_high),
                chunk.decode(codec, "surrogateescape"))
        i = j
    text = "".join(parts)
    escapes = _count_escapes(text)
    seg_t = tuple(segs)
    applied = all(sg.applied for sg in seg_t)
    return Decoded(text, codec if applied else "utf-8", g.confidence, invalid_bytes=escapes, reason=why or g.reason,
                   segments=seg_t if len(seg_t) > 1 or not applied else (), applied=applied)


def encode_text(text: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """Encode ``text``; bytes kept as surrogate escapes go back as they came.

    Raises :class:`EncodeError` (a ``ValueError``) naming the first character
    that ``encoding`` cannot represent.
    """
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise ValueError(f"unknown encoding {encoding!r}") from exc
    if errors == "strict":
        errors = "surrogateescape"
    try:
        return text.encode(encoding, errors)
    except UnicodeEncodeError as exc:
        pos = exc.start
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise EncodeError(encoding, text[pos], pos, line, column) from None


# --- streaming -------------------------------------------------------------

_DETECT_BYTES = 1 << 16
_STREAM_SUPERSET = {"gbk": "gb18030", "gb2312": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932", "big5": "big5hkscs"}  # WHATWG, as decode_bytes


def _detection_prefix(head: bytes, complete: bool) -> bytes:
    """The part of ``head`` to detect on: whole characters only, as far as
    can be told without knowing the encoding."""
    if complete or len(head) < 4:
        return head
    if b"\x00" in head[:_SAMPLE]:  # UTF-16/32: keep whole code units
        return head[: len(head) - len(head) % 4]
    cut = head.rfind(b"\n")
    if cut >= len(head) // 2:
        return head[: cut + 1]
    # No line break near the end: drop a possibly split UTF-8 sequence.
    end = len(head)
    for i in range(1, 4):
        if head[end - i] >= 0xC0:
            return head[: end - i]
        if head[end - i] < 0x80:
            break
    return head


def iter_decode(source, chunk_size: int = 1 << 20):
    """Decode a large input in flat memory.

    ``source`` is a path (``str``/``os.PathLike``) or a binary file object.
    The encoding is detected on the first 64 KiB (same decisions as
    :func:`decode_bytes`), then the whole input is decoded incrementally,
    ``chunk_size`` bytes at a time.

    Returns ``(decoded, chunks)``: ``decoded`` is the :class:`Decoded` of the
    detection prefix (``encoding``, ``confidence``, ``bom``, ``binary``,
    ``reason``; its ``text`` is the prefix only) and ``chunks`` an iterator
    of ``str``. Nothing is lost: bytes the codec cannot decode come out as
    ``surrogateescape`` code points (:func:`encode_text` writes them back).
    For binary input ``decoded.binary`` is true and ``chunks`` is empty.
    """
    import os

    own = isinstance(source, (str, bytes, os.PathLike))
    fh = open(source, "rb") if own else source
    try:
        head = fh.read(max(_DETECT_BYTES, 4))
        complete = len(head) < _DETECT_BYTES
    except BaseException:
        if own:
            fh.close()
        raise
    decoded = decode_bytes(_detection_prefix(head, complete))

    def chunks():
        try:
            if decoded.binary:
                return
            enc = decoded.encoding or "utf-8"
            # Only a prefix was seen: decode with the widest sibling codec.
            enc = _STREAM_SUPERSET.get(enc, enc)
            decoder = codecs.getincrementaldecoder(enc)("surrogateescape")
            data = head
            if decoded.bom:
                for bom, name in _BOMS:
                    if data.startswith(bom):
                        data = data[len(bom) :]
                        break
            while True:
                text = decoder.decode(data, final=False)
                if text:
                    yield text
                data = fh.read(chunk_size)
                if not data:
                    break
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
        finally:
            if own:
                fh.close()

    return decoded, chunks()
