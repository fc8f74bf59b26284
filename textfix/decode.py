"""bytes -> text (with the facts of how), and text -> bytes.

Order of decisions, cheapest and surest first:

1. empty input is empty text;
2. a byte-order mark names the encoding (UTF-32 before UTF-16: the UTF-32-LE
   BOM starts with the UTF-16-LE one);
3. known binary signatures (PNG, JPEG, PDF, ZIP, ...) and NUL bytes that are
   not UTF-16/32 mean "not text";
4. strict UTF-8;
5. UTF-8 with a few invalid bytes (two encodings mixed in one file) keeps
   the invalid bytes as ``surrogateescape`` code points, so writing the text
   back restores them exactly: nothing is lost;
6. the most plausible decoding among charset-normalizer's candidates and a
   fixed list of common charsets: every candidate that decodes the bytes
   strictly is scored by character unigram/bigram models of real languages
   (:mod:`textfix.charsets`); the gap to the runner-up is the confidence,
   and the reason names both. ISO-2022 escape sequences and BOM-less
   UTF-16/32 are recognised before that.

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

_UTF8_SEQ = regex.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH = regex.compile(rb"[\x80-\xff]")
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
class Decoded:
    text: str
    encoding: str | None  # Python codec name; None for binary
    confidence: float
    bom: bool = False
    binary: bool = False
    invalid_bytes: int = 0  # kept as surrogateescape code points
    reason: str = ""  # why this encoding / why binary

    @property
    def newline(self) -> str | None:
        return newline_style(self.text)


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


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` to text without losing a byte. Never raises."""
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
                    rest = decode_bytes(data[len(bom) :])
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
    # Mostly UTF-8, with a few stray bytes from another encoding.
    high = len(_HIGH.findall(data))
    sequences = _UTF8_SEQ.findall(data)
    in_utf8 = sum(len(m) for m in sequences)
    invalid = high - in_utf8

    def utf8_with_escapes(confidence: float) -> Decoded:
        return Decoded(
            data.decode("utf-8", "surrogateescape"), "utf-8", confidence, invalid_bytes=invalid,
            reason=f"UTF-8 with {invalid} invalid bytes kept as they were",
        )

    if in_utf8 >= 4 and invalid <= in_utf8 / 4:
        return utf8_with_escapes(0.8)
    from .charsets import detect_legacy

    guess = detect_legacy(data)
    if sequences and (
        guess is None
        or (in_utf8 >= 0.5 * high and _legacy_garbles(sequences, guess[0]))
        or _utf8_reads_better(data, guess[0])
    ):
        # Valid UTF-8 sequences that the legacy guess would turn into
        # mojibake: the file is UTF-8 with stray bytes. Deciding otherwise
        # would also make a second run undo the first (a repair shrinks the
        # UTF-8 share, never the stray bytes).
        return utf8_with_escapes(0.7)
    if guess is None:
        return Decoded("", None, 0.6, binary=True, reason="no text encoding decodes it plausibly")
    enc, text, confidence, why = guess
    return Decoded(text, enc, confidence, reason=why)


def _utf8_reads_better(data: bytes, encoding: str) -> bool:
    """Whether UTF-8 with the invalid bytes kept as escapes reads as more
    plausible text than ``encoding``'s decoding of the same bytes (both
    scored by :func:`textfix.charsets.plausibility` on a prefix; an escape
    counts as a lost character)."""
    from .charsets import _interesting, plausibility

    sample = data[:_SAMPLE]
    try:
        legacy = codecs.getincrementaldecoder(encoding)("replace").decode(sample, final=False)
    except LookupError:
        return False
    utf8 = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(sample, final=False)
    return plausibility(_interesting(utf8))[0] > plausibility(_interesting(legacy))[0]


def _legacy_garbles(sequences: list[bytes], encoding: str) -> bool:
    """Whether ``encoding`` reads these valid UTF-8 sequences as mojibake."""
    from ftfy.badness import is_bad

    sample = b" ".join(sequences[:200])
    try:
        return is_bad(sample.decode(encoding, "replace")) and not is_bad(sample.decode("utf-8"))
    except LookupError:
        return False


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
_STREAM_SUPERSET = {"gbk": "gb18030", "euc_kr": "cp949"}  # supersets that decode the subset alike


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
