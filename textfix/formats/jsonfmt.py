"""JSON: every string value is a document; keys, numbers, literals,
whitespace and layout are never touched.

The file is scanned once (``json.decoder.scanstring`` reads each string, so
escapes are decoded exactly as ``json.loads`` decodes them) and each string
value becomes a segment spanning its characters between the quotes. A
repaired value is spelled in the file's own style: with ``\\uXXXX`` escapes
when the file writes non-ASCII characters that way (upper-case hex if it
uses upper case), as UTF-8 otherwise. The repaired file must parse to the
same structure with only string values changed, or it is not written.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any, Iterator

from ..config import Config
from ..model import Result
from .records import is_document
from .segments import Segment, repair_segments, unchanged

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_ESCAPED_NON_ASCII = re.compile(r"(?<!\\)(?:\\\\)*\\u(?:00[89a-fA-F][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})")
_UPPER_HEX = re.compile(r"\\u[0-9A-F]{0,3}[A-F][0-9A-F]{0,3}")
_LOWER_HEX = re.compile(r"(?<!\\)((?:\\\\)*)\\u([0-9a-f]{4})")


def _pointer(path: list) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _key(text: str, i: int) -> tuple[str, int]:
    """The object key at ``i`` and where its value starts (after the colon)."""
    if i >= len(text) or text[i] != '"':
        raise ValueError(f"expected a key at {i}")
    key, i = scanstring(text, i + 1)
    i = _WS.match(text, i).end()
    if i >= len(text) or text[i] != ":":
        raise ValueError(f"expected ':' at {i}")
    return key, _WS.match(text, i + 1).end()


def string_values(text: str) -> Iterator[tuple[int, int, str, str]]:
    """``(start, end, value, JSON pointer)`` of every string value (not key)
    of the JSON document ``text``; ``start``/``end`` span the characters
    between the quotes. Raises ``ValueError`` on text that is not JSON."""
    ws = _WS.match
    n = len(text)
    i = ws(text, 1 if text.startswith("\ufeff") else 0).end()
    stack: list[list] = []  # [container, key or index]
    path: list = []
    while True:
        # a value starts at i
        if i >= n:
            raise ValueError("unexpected end of JSON")
        c = text[i]
        if c == "{" or c == "[":
            i = ws(text, i + 1).end()
            if i < n and text[i] == ("}" if c == "{" else "]"):
                j = i + 1
            else:
                if c == "{":
                    key, i = _key(text, i)
                    stack.append(["{", key])
                    path.append(key)
                else:
                    stack.append(["[", 0])
                    path.append(0)
                continue
        elif c == '"':
            value, j = scanstring(text, i + 1)
            yield i + 1, j - 1, value, _pointer(path)
        else:
            _, j = _DECODER.raw_decode(text, i)
        # the value ended at j: what follows it
        while True:
            j = ws(text, j).end()
            if not stack:
                if j != n:
                    raise ValueError(f"extra data at {j}")
                return
            top = stack[-1]
            close = "}" if top[0] == "{" else "]"
            if j < n and text[j] == ",":
                j = ws(text, j + 1).end()
                if top[0] == "{":
                    top[1], j = _key(text, j)
                else:
                    top[1] += 1
                path[-1] = top[1]
                i = j
                break
            if j < n and text[j] == close:
                stack.pop()
                path.pop()
                j += 1
                continue
            raise ValueError(f"expected ',' or '{close}' at {j}")


def _offsets(raw: str, value: str) -> tuple[int, ...] | None:
    """Where each character of ``value`` is spelled in ``raw`` (the JSON
    string's characters between the quotes), or ``None`` when ``raw`` has
    no escape. Mirrors scanstring: ``\\uD83D\\uDE00`` spells one character."""
    if "\\" not in raw:
        return None
    out = []
    i, n = 0, len(raw)
    while i < n:
        out.append(i)
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1] != "u":
            i += 2
        else:
            code = int(raw[i + 2 : i + 6], 16)
            if 0xD800 <= code <= 0xDBFF and raw[i + 6 : i + 8] == "\\u" and 0xDC00 <= int(raw[i + 8 : i + 12], 16) <= 0xDFFF:
                i += 12
            else:
                i += 6
    out.append(n)
    if len(out) != len(value) + 1:
        raise ValueError("escape map does not match the decoded string")
    return tuple(out)


def _encoder(text: str):
    ascii_style = bool(_ESCAPED_NON_ASCII.search(text)) and text.isascii()
    upper = ascii_style and bool(_UPPER_HEX.search(text)) and not _LOWER_HEX.search(text)

    def encode(s: str) -> str:
        out = json.dumps(s, ensure_ascii=ascii_style)[1:-1]
        if upper:
            out = _LOWER_HEX.sub(lambda m: m.group(1) + "\\u" + m.group(2).upper(), out)
        return out

    return encode


def _shape(value: Any) -> Any:
    """``value`` with every string value replaced by one marker (keys kept)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return "\0str" if isinstance(value, str) else value


def _parse(text: str) -> Any:
    return json.loads(text[1:] if text.startswith("\ufeff") else text)


def repair(text: str, config: Config, apply: bool = True) -> Result:
    try:
        original = _parse(text)
        found = list(string_values(text))
    except (ValueError, RecursionError) as exc:
        return unchanged(text, note=f"not valid JSON ({exc}); left alone")
    encode = _encoder(text)
    segments = []
    for start, end, value, pointer in found:
        if not is_document(value):
            continue
        try:
            offsets = _offsets(text[start:end], value)
        except (ValueError, IndexError):
            continue
        segments.append(Segment(start, end, value, pointer, offsets, encode))  # "" is the root (RFC 6901)
    shape = None

    def check(new: str) -> str | None:
        nonlocal shape
        try:
            repaired = _parse(new)
        except (ValueError, RecursionError) as exc:
            return f"the repaired JSON would not parse ({exc})"
        try:
            if shape is None:
                shape = _shape(original)
            same = _shape(repaired) == shape
        except RecursionError:
            return "the JSON is nested too deeply to compare"
        return None if same else "the repaired JSON would have another structure"

    return repair_segments(text, segments, config, apply=apply, check=check)
