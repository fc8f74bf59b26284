"""CSV and TSV: every cell is a document; the dialect (delimiter, quoting),
the line endings and every byte outside a repaired cell stay as they were.

The ``csv`` module reads the table. To write a repaired cell back into the
original text, each record is also located by a scanner that follows the
same dialect, and the two readings must agree cell for cell: where they do
not (an exotic dialect), the file is left alone and the report says so.
A repaired cell keeps its form: a quoted cell stays quoted (quotes doubled
inside); an unquoted cell takes no repair that would need quoting (a
delimiter, a quote or a line break), which stays a flag.

Cells that are identifiers rather than prose (no blank and an underscore,
a path, a file name, a URL, one character reference: ``民主黨_(美國)``,
``20220924_00.txt``, ``&lt;``) and cells with no letter are not documents
and are not repaired; the same holds for JSON string values.
"""

from __future__ import annotations

import csv
import io
import re

from ..config import Config
from ..model import Result
from .segments import Segment, repair_segments, unchanged

_IDENTIFIER = re.compile(
    r"\S*_\S*"  # wiki titles, snake_case keys: an underscore and no blank
    r"|[\w.~-]+(?:/[\w.~-]+)+/?"  # paths
    r"|[\w~-]+(?:\.[\w~-]+)*\.[A-Za-z][A-Za-z0-9]{0,7}"  # file names
    r"|[A-Za-z][A-Za-z0-9+.-]*://\S*"  # URLs
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"  # one character reference, quoted as such
)
_LETTER = re.compile(r"[^\W\d_]")


def is_identifier(value: str) -> bool:
    """Whether a record value is a key, path, file name or URL, not prose."""
    return _IDENTIFIER.fullmatch(value) is not None


def is_document(value: str) -> bool:
    """Whether a record value is prose worth a run of the passes."""
    return bool(value.strip()) and _LETTER.search(value) is not None and not is_identifier(value)


def dialect(text: str, kind: str) -> tuple[str, int]:
    """``(delimiter, quoting)``: a tab for TSV, else what ``csv.Sniffer``
    finds among ``, ; tab |`` (a comma when it finds nothing); quoting
    ``QUOTE_MINIMAL`` for CSV, and for TSV only when the sample shows a
    properly quoted field (many TSV files hold literal quotes)."""
    sample = text[:65536]
    if kind == "tsv":
        delim = "\t"
    else:
        try:
            delim = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delim = ","
    if kind != "tsv":
        return delim, csv.QUOTE_MINIMAL
    d = re.escape(delim)
    quoted = re.search(rf'(?:^|{d})"(?:[^"]|"")*"(?={d}|\r\n|\n|\r|\Z)', sample, re.M)
    return delim, csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE


def _locate(text: str, delim: str, quoting: int):
    """Records as lists of ``(start, end, value, quoted)`` cells (spans of
    the characters inside the quotes for a quoted cell)."""
    d = re.escape(delim)
    quoted_re = re.compile(rf'"((?:[^"]|"")*)"(?={d}|\r\n|\n|\r|\Z)')
    plain_re = re.compile(rf"[^{d}\r\n]*")
    end_re = re.compile(r"\r\n|\n|\r")
    n = len(text)
    pos = 0
    while pos < n:
        row = []
        m = end_re.match(text, pos)
        if m:  # an empty line: csv gives []
            yield row
            pos = m.end()
            continue
        while True:
            q = quoted_re.match(text, pos) if quoting != csv.QUOTE_NONE and text.startswith('"', pos) else None
            if q:
                inner = q.group(1)
                row.append((q.start(1), q.end(1), inner.replace('""', '"'), True))
                pos = q.end()
            else:
                if quoting != csv.QUOTE_NONE and text.startswith('"', pos):
                    raise ValueError("a quoted cell the scanner cannot follow")
                p = plain_re.match(text, pos)
                row.append((p.start(), p.end(), p.group(), False))
                pos = p.end()
            if pos < n and text[pos] == delim:
                pos += 1
                continue
            break
        m = end_re.match(text, pos)
        if m:
            pos = m.end()
        elif pos < n:  # pragma: no cover - the field patterns stop only at a delimiter or line end
            raise ValueError("unexpected character")
        yield row


def _quoted_offsets(raw: str) -> tuple[int, ...] | None:
    if '""' not in raw:
        return None
    out, i = [], 0
    while i < len(raw):
        out.append(i)
        i += 2 if raw.startswith('""', i) else 1
    out.append(len(raw))
    return tuple(out)


def _double(s: str) -> str:
    return s.replace('"', '""')


def repair(text: str, kind: str, config: Config, apply: bool = True) -> Result:
    delim, quoting = dialect(text, kind)
    name = "TSV" if kind == "tsv" else "CSV"

    def read(t: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(t, newline=""), delimiter=delim, quotechar='"', quoting=quoting,
                               doublequote=True, skipinitialspace=False, strict=False))

    try:
        rows = read(text)
        located = list(_locate(text, delim, quoting))
    except (csv.Error, ValueError) as exc:
        return unchanged(text, note=f"{name} layout not followed ({exc}); left alone")
    if [[c[2] for c in r] for r in located] != rows:
        return unchanged(text, note=f"{name} layout not followed (the csv module reads it otherwise); left alone")

    special = re.compile(rf'[{re.escape(delim)}\r\n"]' if quoting != csv.QUOTE_NONE else rf"[{re.escape(delim)}\r\n]")

    def plain(s: str) -> str | None:
        return None if special.search(s) else s

    segments = []
    for r, row in enumerate(located, 1):
        for c, (start, end, value, quoted) in enumerate(row, 1):
            if not is_document(value):
                continue
            where = f"row {r}, column {c}"
            if quoted:
                segments.append(Segment(start, end, value, where, _quoted_offsets(text[start:end]), _double))
            else:
                segments.append(Segment(start, end, value, where, None, plain))
    shape = [len(r) for r in rows]

    def check(new: str) -> str | None:
        try:
            again = read(new)
        except csv.Error as exc:
            return f"the repaired {name} would not parse ({exc})"
        if [len(r) for r in again] != shape:
            return f"the repaired {name} would have another row/column shape"
        return None

    return repair_segments(text, segments, config, apply=apply, check=check)
