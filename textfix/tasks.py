"""Tasks: pure functions of picklable arguments, run in any process.

A task never writes a file; it returns what it made, and the main process
(:mod:`textfix.router`, :mod:`textfix.scheduler`) writes. So a worker can be
killed at any moment (a signal, a cancelled run) without leaving a file
half-written.

* :func:`file_task`: one whole file — read it, then
  :func:`textfix.document.process_document`;
* :func:`jsonl_chunk`: a run of JSONL lines; the string in ``Spec.field`` of
  each record is repaired and spliced back into the original line, every
  other byte kept;
* :func:`values_chunk`: a list of column values (Parquet, Ray Data);
* :func:`text_chunk`: a paragraph-aligned piece of a streamed text file.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from json.decoder import scanstring
from typing import Any

from .atomic import Identity
from .config import Config
from .job import ERROR, FileReport, Job, WriteBack

MAX_LISTED = 1000  # findings (each of edits and flags) listed per file in the report
MAX_FILE_BYTES = 2 * 1024**3


@dataclass
class FileResult:
    """What :func:`file_task` sends back: the report, the new bytes (None:
    nothing to write) and the identity of the file that was read."""

    report: FileReport
    new: bytes | None = None
    identity: Identity | None = None
    data: bytes | None = None  # the bytes read, when --output copies unchanged files too


class _ChangedWhileRead(Exception):
    pass


def _read(path: str) -> tuple[bytes, Identity]:
    with open(path, "rb") as fh:
        before = Identity.of(os.fstat(fh.fileno()))
        if before.size > MAX_FILE_BYTES:
            raise ValueError(f"file is {before.size} bytes; larger than {MAX_FILE_BYTES}")
        data = fh.read()
        after = Identity.of(os.fstat(fh.fileno()))
    if after != before or len(data) != before.size:
        raise _ChangedWhileRead(path)
    return data, before


def file_task(path: str, job: Job) -> FileResult:
    """Read and repair one whole file (it reads, never writes). Never raises for I/O."""
    from . import document

    try:
        data, ident = _read(path)
    except _ChangedWhileRead:
        return FileResult(FileReport(path, ERROR, error="changed during the run (while it was read); left as it was"))
    except OSError as exc:
        return FileResult(FileReport(path, ERROR, error=f"cannot read: {exc.strerror or exc}"))
    except ValueError as exc:
        return FileResult(FileReport(path, ERROR, error=str(exc)))
    report, new = document.process_document(path, data, job)
    keep = data if job.write_back is WriteBack.OUTPUT and new is None else None
    return FileResult(report, new, ident, keep)


file_task.local_io = True  # reads a local file: an executor on other machines runs it here



@dataclass(frozen=True)
class Spec:
    """What a chunk task needs to know (picklable)."""

    config: Config
    field: str = "text"
    findings_field: str | None = None
    want_diff: bool = False
    encoding: str = "utf-8"  # output encoding for streamed plain text
    want_data: bool = True  # False: nothing is written (check, --diff): JSONL chunks send no records back


@dataclass
class ChunkOut:
    """A repaired chunk and what was found in it."""

    data: Any = None  # bytes (JSONL, text) or list of values (Parquet)
    records: int = 0
    changed: int = 0
    missing: int = 0  # records without a string in the field
    malformed: list[tuple[int, str]] = field(default_factory=list)
    edits: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)
    fixed_by_kind: Counter = field(default_factory=Counter)
    flagged_by_kind: Counter = field(default_factory=Counter)
    row_findings: list | None = None  # Parquet: per-row findings (findings_field)
    diff: str = ""
    text_changed: bool = False


def _repair(text: str, config: Config):
    from .pipeline import run

    return run(text, config)


def _collect(out: ChunkOut, findings, where: dict, want_dicts: bool) -> list[dict]:
    """Count ``findings`` by kind into ``out``, list the first
    :data:`MAX_LISTED` edits and flags (a file lists no more), and return
    every finding as a dict when ``want_dicts`` (a findings column)."""
    dicts = []
    for f in findings:
        if f.applied:
            out.fixed_by_kind[f.kind] += 1
            listed = out.edits
        else:
            out.flagged_by_kind[f.kind] += 1
            listed = out.flags
        room = len(listed) < MAX_LISTED
        if want_dicts or room:
            d = f.to_dict()
            if want_dicts:
                dicts.append(d)
            if room:
                listed.append({**d, **where})
    return dicts


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _top_level_spans(s: str) -> tuple[dict[str, tuple[int, int]], int]:
    """Spans of the values of a JSON object's top-level keys (last one wins,
    as in ``json.loads``), and the offset of the closing brace."""
    ws = _WS.match
    i = ws(s, 0).end()
    if s[i] != "{":
        raise ValueError("not an object")
    i = ws(s, i + 1).end()
    spans: dict[str, tuple[int, int]] = {}
    if s[i] == "}":
        return spans, i
    while True:
        if s[i] != '"':
            raise ValueError("expected a key")
        key, i = scanstring(s, i + 1)
        i = ws(s, i).end()
        if s[i] != ":":
            raise ValueError("expected ':'")
        i = ws(s, i + 1).end()
        _, end = _DECODER.raw_decode(s, i)
        spans[key] = (i, end)
        i = ws(s, end).end()
        if s[i] == ",":
            i = ws(s, i + 1).end()
            continue
        if s[i] == "}":
            return spans, i
        raise ValueError("expected ',' or '}'")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _dumps(value: Any, ascii_style: bool) -> str:
    if not ascii_style:
        probe = json.dumps(value, ensure_ascii=False)
        if not _SURROGATE.search(probe):
            return probe
    return json.dumps(value, ensure_ascii=True)


def splice_record(line: str, updates: dict[str, Any]) -> str:
    """``line`` (one JSON object) with the values of ``updates`` replaced or,
    for keys it lacks, appended; everything else kept character for character."""
    spans, close = _top_level_spans(line)
    ascii_style = line.isascii()
    colon = ": " if '": ' in line else ":"
    comma = ", " if ", \"" in line else ","
    edits = []
    extra = []
    for key, value in updates.items():
        text = _dumps(value, ascii_style)
        if key in spans:
            edits.append((*spans[key], text))
        else:
            extra.append(f"{_dumps(key, ascii_style)}{colon}{text}")
    if extra:
        joined = comma.join(extra)
        edits.append((close, close, (comma + joined) if spans else joined))
    edits.sort()
    parts, pos = [], 0
    for start, end, text in edits:
        parts.append(line[pos:start])
        parts.append(text)
        pos = end
    parts.append(line[pos:])
    return "".join(parts)


def _record_diff(line_no: int, before: str, after: str, name: str) -> str:
    import difflib

    if not before.endswith("\n") and not after.endswith("\n"):  # a field value, not a file
        before, after = before + "\n", after + "\n"
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, f"a/{name}:{line_no}", f"b/{name}:{line_no}", n=2)
    return "".join(x if x.endswith("\n") else x + "\n\\ No newline at end of file\n" for x in lines)


def jsonl_chunk(lines: list[bytes], first_line: int, spec: Spec, name: str = "") -> ChunkOut:
    """Repair one chunk of JSONL lines (each with its line ending)."""
    out = ChunkOut(records=0)
    result_lines: list[bytes] = []
    diffs: list[str] = []
    for n, raw in enumerate(lines, first_line):
        body = raw.rstrip(b"\r\n")
        ending = raw[len(body):]
        if not body.strip():
            result_lines.append(raw)
            continue
        out.records += 1
        try:
            line = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            out.malformed.append((n, f"invalid UTF-8 at byte {exc.start}"))
            result_lines.append(raw)
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            msg = getattr(exc, "msg", str(exc))
            col = getattr(exc, "colno", None)
            out.malformed.append((n, f"invalid JSON: {msg}" + (f" (column {col})" if col else "")))
            result_lines.append(raw)
            continue
        if not isinstance(obj, dict):
            out.malformed.append((n, f"not a JSON object ({type(obj).__name__})"))
            result_lines.append(raw)
            continue
        value = obj.get(spec.field)
        if not isinstance(value, str):
            out.missing += 1
            result_lines.append(raw)
            continue
        result = _repair(value, spec.config)
        dicts = _collect(out, result.findings, {"line": n}, bool(spec.findings_field))
        updates: dict[str, Any] = {}
        if result.text != value:
            out.changed += 1
            updates[spec.field] = result.text
            if spec.want_diff:
                diffs.append(_record_diff(n, value, result.text, name))
        if spec.findings_field:
            updates[spec.findings_field] = dicts
        if updates and spec.want_data:
            try:
                new_line = splice_record(line, updates)
            except (ValueError, IndexError):  # pragma: no cover - json.loads accepted it
                new_line = json.dumps({**obj, **updates}, ensure_ascii=line.isascii())
            result_lines.append(new_line.encode("utf-8", "surrogatepass") + ending)
        else:
            result_lines.append(raw)
    out.data = b"".join(result_lines) if spec.want_data else b""
    out.diff = "".join(diffs)
    return out


def values_chunk(values: list, first_row: int, spec: Spec, name: str = "") -> ChunkOut:
    """Repair a list of column values (Parquet, Ray); ``data`` is the new
    list (non-strings pass through), ``row_findings`` the per-row findings."""
    out = ChunkOut()
    new_values = []
    row_findings = [] if spec.findings_field else None
    diffs = []
    for i, value in enumerate(values):
        out.records += 1
        if not isinstance(value, str):
            out.missing += value is not None
            new_values.append(value)
            if row_findings is not None:
                row_findings.append([])
            continue
        result = _repair(value, spec.config)
        dicts = _collect(out, result.findings, {"row": first_row + i}, row_findings is not None)
        if row_findings is not None:
            row_findings.append(dicts)
        if result.text != value:
            out.changed += 1
            if spec.want_diff:
                diffs.append(_record_diff(first_row + i, value, result.text, f"{name}#row"))
        new_values.append(result.text)
    out.data = new_values
    out.row_findings = row_findings
    out.diff = "".join(diffs)
    return out


_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", re.M)


def _shift_hunks(diff: str, lines_before: int) -> str:
    if not lines_before:
        return diff
    return _HUNK.sub(
        lambda m: f"@@ -{int(m[1]) + lines_before}{m[2] or ''} +{int(m[3]) + lines_before}{m[4] or ''} @@", diff
    )


def text_chunk(text: str, char_offset: int, line_offset: int, first: bool, spec: Spec, name: str = "") -> ChunkOut:
    """Repair one paragraph-aligned chunk of a streamed plain-text file."""
    from .decode import encode_text

    out = ChunkOut(records=1)
    # A chunk's first and last lines are not a page's title and tail: the
    # boilerplate pass judges furniture partly by position, so in a streamed
    # file it only reports what it sees (nothing is removed at a seam).
    from .config import BOILERPLATE_CATEGORIES

    config = spec.config.replace(flag_boilerplate=BOILERPLATE_CATEGORIES)
    result = _repair(text, config)
    for f in result.findings:
        d = {**f.to_dict(), "start": f.start + char_offset, "end": f.end + char_offset}
        if f.applied:
            out.fixed_by_kind[f.kind] += 1
            if len(out.edits) < MAX_LISTED:
                out.edits.append(d)
        else:
            out.flagged_by_kind[f.kind] += 1
            if len(out.flags) < MAX_LISTED:
                out.flags.append(d)
    out.text_changed = result.text != text
    out.changed = int(out.text_changed)
    if spec.want_diff and out.text_changed:
        diff = _shift_hunks(result.diff(name), line_offset)
        if not first:  # one file header for the whole file
            diff = diff.split("\n", 2)[2] if diff.startswith("---") else diff
        out.diff = diff
    out.data = encode_text(result.text, spec.encoding)
    return out



def findings_arrow_type():
    """The Arrow type of a findings column: a list of finding structs."""
    import pyarrow as pa

    return pa.list_(pa.struct([
        ("kind", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
        ("before", pa.string()), ("after", pa.string()), ("confidence", pa.float64()),
        ("message", pa.string()), ("detail", pa.string()), ("rule", pa.string()),
        ("applied", pa.bool_()),
    ]))
