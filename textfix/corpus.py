"""Corpora: JSONL / JSONL.gz / Parquet records, and plain-text files too big
to hold in memory, repaired as a stream of chunks.

Memory stays flat in the size of the input: a file is read in chunks of
about :data:`CHUNK_BYTES`, each chunk is repaired (in this process or in a
worker), and the repaired chunks are written, in input order, to a
temporary file beside the original that replaces it atomically at the end
(only when something changed; an unchanged corpus is never rewritten).

* JSONL (``.jsonl``, ``.ndjson``, and the same with ``.gz``): one JSON object
  per line. The string in ``field`` (default ``text``) is repaired; every
  other field, the key order, the number formatting and the record order
  stay as they were: a changed record gets only its field's value replaced
  in the original line; an unchanged record is copied byte for byte.
  ``findings_field`` adds (or replaces) a per-record list of findings.
  A line that is not a JSON object (bad JSON, invalid UTF-8, an array) is
  reported with its line number and passed through unchanged: no record is
  ever dropped.
* Parquet: the string column ``field`` is repaired batch by batch; the other
  columns, the row order and the compression codec are kept. Needs pyarrow
  (``pip install textfix[parquet]``).
* Plain text bigger than :data:`STREAM_BYTES`: decoded incrementally (the
  encoding is detected on a 1 MiB prefix by :func:`textfix.decode.decode_bytes`
  and the rest is read with that codec's superset, GBK as GB18030, so a
  character the prefix did not show still decodes) and repaired in
  paragraph-aligned chunks of about :data:`STREAM_CHUNK_CHARS` characters
  (a chunk ends at a blank line when there is one, else at a line end).
  Each chunk gets its own profile; damage that needs the whole document
  (a related-links block split across two chunks) is judged per chunk, and
  boilerplate, which is judged partly by position on a page, is only
  flagged in streamed text, never removed at a chunk seam.

:func:`process_files` runs a list of files through one pool of ``jobs``
worker processes, chunk by chunk across all files, with a bounded number of
chunks in flight, and yields one :class:`~textfix.files.FileReport` per file
in input order. ``engine="ray"`` sends the corpus chunks to Ray tasks instead
(``address`` picks the cluster; the default starts a local Ray).
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import shutil
import tempfile
from collections import Counter, deque
from dataclasses import dataclass, field
from json.decoder import scanstring
from typing import Any, Callable, Iterable, Iterator

from .config import Config
from .files import FileReport, Job, _output_path, fsync_dir, process_file

CHUNK_BYTES = 512 * 1024  # input bytes per chunk task
PARQUET_BATCH_ROWS = 2048
STREAM_BYTES = 16 * 1024**2  # plain text above this is streamed
MAX_LISTED = 1000  # findings (each of edits and flags) listed per file in the report
MAX_MALFORMED_LISTED = 100

JSONL_SUFFIXES = (".jsonl", ".ndjson")
GZ_SUFFIXES = (".jsonl.gz", ".ndjson.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")


def corpus_kind(path: str, size: int | None = None) -> str | None:
    """``jsonl``, ``jsonl.gz``, ``parquet``, ``text-stream`` (plain text big
    enough to stream) or ``None`` (an ordinary file)."""
    low = os.fspath(path).lower()
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(GZ_SUFFIXES):
        return "jsonl.gz"
    if low.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if size is None:
        try:
            size = os.path.getsize(path)
        except OSError:
            return None
    if size <= STREAM_BYTES:
        return None
    from .formats import kind_for

    # A big JSON, CSV, Markdown ... file keeps its structure: read whole.
    return "text-stream" if kind_for(path) == "prose" else None


# --------------------------------------------------------------------------
# Chunk tasks: pure functions of picklable arguments, run in any process.


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


# --------------------------------------------------------------------------
# Writing: a temporary file beside the target, renamed over it at the end.


class AtomicOutput:
    """A binary file written to a temporary beside ``path`` that replaces
    ``path`` on :meth:`commit` (mode bits kept, fsync'ed) or vanishes on
    :meth:`abort`, like :func:`textfix.files.atomic_write` for streams."""

    def __init__(self, path: str, mode_from: str | None = None, backup: str | None = None):
        if os.path.islink(path):  # write through a symbolic link: the link stays a link
            path = os.path.realpath(path)
        self.path = path
        self.mode_from = mode_from or path
        self.backup = backup
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(dir=folder, prefix=".textfix-", suffix=".tmp")
        self.fh = os.fdopen(fd, "wb")

    def commit(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        with open(self.tmp, "rb+") as fh:  # whoever wrote it (a Parquet writer too)
            os.fsync(fh.fileno())
        try:
            st = os.stat(self.mode_from)
        except OSError:
            st = None
        if st is not None:
            os.chmod(self.tmp, st.st_mode & 0o7777)
        if self.backup and os.path.exists(self.path):
            shutil.copy2(self.path, self.path + self.backup)
        os.replace(self.tmp, self.path)
        fsync_dir(os.path.dirname(os.path.abspath(self.path)))

    def abort(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass


# --------------------------------------------------------------------------
# One file's work: the chunk tasks it produces and the ordered assembly of
# their results.

Task = tuple[Callable[..., Any], tuple]


class _Work:
    def __init__(self, path: str, job: Job):
        self.path = path
        self.job = job
        self.error = ""

    def tasks(self) -> Iterator[Task]:  # pragma: no cover - overridden
        return iter(())

    def accept(self, out: Any) -> None:  # pragma: no cover - overridden
        pass

    def fail(self, exc: BaseException) -> None:
        if not self.error:
            self.error = f"{type(exc).__name__}: {exc}"

    def finish(self) -> FileReport:  # pragma: no cover - overridden
        raise NotImplementedError

    def abort(self) -> None:
        pass


class _PlainWork(_Work):
    """An ordinary file: one task, the whole of :func:`process_file`."""

    report: FileReport | None = None

    def tasks(self) -> Iterator[Task]:
        yield process_file, (self.path, self.job)

    def accept(self, out: FileReport) -> None:
        self.report = out

    def finish(self) -> FileReport:
        if self.report is None:
            return FileReport(self.path, "error", error=self.error or "not processed")
        return self.report


class _StreamWork(_Work):
    """Common part of the chunked kinds: output, counters, the final report."""

    kind = ""

    def __init__(self, path: str, job: Job):
        super().__init__(path, job)
        self.spec = Spec(
            config=job.config,
            field=getattr(job, "field", "text") or "text",
            findings_field=getattr(job, "findings_field", None),
            want_diff=job.want_diff,
            encoding=job.encoding,
            want_data=job.write,
        )
        self.records = self.changed = self.missing = 0
        self.malformed: list[tuple[int, str]] = []
        self.malformed_total = 0
        self.edits: list[dict] = []
        self.flags: list[dict] = []
        self.fixed_by_kind: Counter = Counter()
        self.flagged_by_kind: Counter = Counter()
        self.diffs: list[str] = []
        self.out: AtomicOutput | None = None
        self.encoding = "utf-8"
        self.force_changed = False  # e.g. transcoding a streamed text file
        self.extra_findings: list[dict] = []

    @property
    def target(self) -> str:
        return _output_path(self.job, self.path) if self.job.output_dir else self.path

    def open_output(self) -> None:
        if self.job.write and self.out is None:
            self.out = AtomicOutput(self.target, mode_from=self.path,
                                    backup=None if self.job.output_dir else self.job.backup)

    def absorb(self, out: ChunkOut) -> None:
        self.records += out.records
        self.changed += out.changed
        self.missing += out.missing
        self.malformed_total += len(out.malformed)
        room = MAX_MALFORMED_LISTED - len(self.malformed)
        if room > 0:
            self.malformed.extend(out.malformed[:room])
        self.edits.extend(out.edits[: max(0, MAX_LISTED - len(self.edits))])
        self.flags.extend(out.flags[: max(0, MAX_LISTED - len(self.flags))])
        self.fixed_by_kind.update(out.fixed_by_kind)
        self.flagged_by_kind.update(out.flagged_by_kind)
        if out.diff:
            self.diffs.append(out.diff)

    def summary(self) -> str:
        parts = [f"{self.kind}: {self.records:,} records", f"{self.changed:,} changed"]
        if self.missing:
            parts.append(f"{self.missing:,} without a string {self.spec.field!r}")
        if self.malformed_total:
            parts.append(f"{self.malformed_total:,} malformed")
        return ", ".join(parts)

    def note(self) -> str:
        if not self.malformed_total:
            return ""
        shown = "; ".join(f"line {n}: {msg}" for n, msg in self.malformed[:10])
        more = self.malformed_total - min(10, len(self.malformed))
        return (f"{self.malformed_total} malformed record(s) passed through unchanged: {shown}"
                + (f" (and {more} more)" if more > 0 else ""))

    def abort(self) -> None:
        if self.out is not None:
            self.out.abort()
            self.out = None

    def finish(self) -> FileReport:
        findings = sorted(self.extra_findings + self.edits + self.flags,
                          key=lambda d: (d.get("line", d.get("row", 0)), d["start"], d["end"]))
        changed = bool(self.changed or self.force_changed)
        report = FileReport(self.path, "changed" if changed else "unchanged", encoding=self.encoding,
                            encoding_confidence=1.0, profile={}, profile_summary=self.summary(),
                            findings=findings, note=self.note())
        stats = {
            "kind": self.kind,
            "field": self.spec.field,
            "records": self.records,
            "changed_records": self.changed,
            "without_field": self.missing,
            "malformed": [{"line": n, "error": msg} for n, msg in self.malformed],
            "malformed_total": self.malformed_total,
            "fixed_by_kind": dict(sorted(self.fixed_by_kind.items())),
            "flagged_by_kind": dict(sorted(self.flagged_by_kind.items())),
            "findings_listed": len(findings),
        }
        if hasattr(report, "corpus"):
            report.corpus = stats
        if self.error:
            self.abort()
            report.status = "error"
            report.error = f"{self.error}; the original is unchanged"
            return report
        if self.job.want_diff:
            report.diff = "".join(self.diffs)
        if self.out is not None:
            try:
                if changed or self.job.output_dir:
                    self.finalize_output()
                    self.out.commit()
                    report.written = self.target
                else:
                    self.out.abort()
            except OSError as exc:
                self.out.abort()
                report.status = "error"
                report.error = f"cannot write {self.target}: {exc.strerror or exc}; the original is unchanged"
            self.out = None
        return report

    def finalize_output(self) -> None:
        pass


class _JsonlWork(_StreamWork):
    kind = "jsonl"

    def _open(self):
        if self.path.lower().endswith(".gz"):
            return gzip.open(self.path, "rb")
        return open(self.path, "rb")

    def tasks(self) -> Iterator[Task]:
        try:
            fh = self._open()
        except OSError as exc:
            self.error = f"cannot read: {exc.strerror or exc}"
            return
        with fh:
            try:
                self.open_output()
                if self.path.lower().endswith(".gz") and self.out is not None:
                    self._gz = gzip.GzipFile(fileobj=self.out.fh, mode="wb", compresslevel=6, mtime=0,
                                             filename="")
                batch: list[bytes] = []
                size = 0
                first = 1
                line_no = 0
                for raw in fh:
                    line_no += 1
                    batch.append(raw)
                    size += len(raw)
                    if size >= CHUNK_BYTES:
                        yield jsonl_chunk, (batch, first, self.spec, self.path)
                        batch, size, first = [], 0, line_no + 1
                if batch:
                    yield jsonl_chunk, (batch, first, self.spec, self.path)
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                self.error = f"cannot read: {getattr(exc, 'strerror', None) or exc}"

    def accept(self, out: ChunkOut) -> None:
        if self.error:
            return
        self.absorb(out)
        if self.out is not None:
            sink = getattr(self, "_gz", None) or self.out.fh
            sink.write(out.data)

    def finalize_output(self) -> None:
        gz = getattr(self, "_gz", None)
        if gz is not None:
            gz.close()  # writes the trailer; leaves the underlying file open
            self._gz = None


class _ParquetWork(_StreamWork):
    kind = "parquet"

    def tasks(self) -> Iterator[Task]:
        try:
            import pyarrow.parquet as pq
        except ImportError:
            self.error = "reading Parquet needs pyarrow (pip install 'textfix[parquet]')"
            return
        try:
            self.pf = pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError ...
            self.error = f"cannot read Parquet: {exc}"
            return
        import pyarrow as pa

        schema = self.pf.schema_arrow
        idx = schema.get_field_index(self.spec.field)
        if idx < 0:
            self.error = f"no column {self.spec.field!r} (columns: {', '.join(schema.names)})"
            return
        ftype = schema.field(idx).type
        if not (pa.types.is_string(ftype) or pa.types.is_large_string(ftype)):
            self.error = f"column {self.spec.field!r} is {ftype}, not a string column"
            return
        self.field_index = idx
        self.field_type = ftype
        self.out_schema = schema
        if self.spec.findings_field:
            fi = schema.get_field_index(self.spec.findings_field)
            ff = pa.field(self.spec.findings_field, findings_arrow_type())
            self.out_schema = schema.set(fi, ff) if fi >= 0 else schema.append(ff)
        row = 0
        try:
            for batch in self.pf.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                values = batch.column(idx).to_pylist()
                self._pending_batches.append(batch)
                yield values_chunk, (values, row, self.spec, self.path)
                row += batch.num_rows
        except Exception as exc:
            self.error = f"cannot read Parquet: {exc}"

    def __init__(self, path: str, job: Job):
        super().__init__(path, job)
        self._pending_batches: deque = deque()
        self.writer = None

    def accept(self, out: ChunkOut) -> None:
        batch = self._pending_batches.popleft()
        if self.error:
            return
        self.absorb(out)
        if not self.job.write:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.open_output()
            md = self.pf.metadata
            compression = "snappy"
            if md.num_row_groups and md.num_columns:
                compression = md.row_group(0).column(0).compression.lower()
                if compression == "uncompressed":
                    compression = "none"
            self.out.fh.close()  # the Parquet writer writes the temporary file by name
            self.writer = pq.ParquetWriter(self.out.tmp, self.out_schema, compression=compression)
        arrays = list(batch.columns)
        arrays[self.field_index] = pa.array(out.data, type=self.field_type)
        if self.spec.findings_field:
            col = pa.array(out.row_findings, type=findings_arrow_type())
            fi = batch.schema.get_field_index(self.spec.findings_field)
            if fi >= 0:
                arrays[fi] = col
            else:
                arrays.append(col)
        self.writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=self.out_schema))

    def finalize_output(self) -> None:
        if self.writer is None and self.out is not None:  # no rows at all: write an empty file
            import pyarrow.parquet as pq

            schema = getattr(self, "out_schema", None)
            if schema is not None:
                self.out.fh.close()
                self.writer = pq.ParquetWriter(self.out.tmp, schema)
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def abort(self) -> None:
        if self.writer is not None:
            try:
                self.writer.close()
            except Exception:
                pass
            self.writer = None
        super().abort()


def findings_arrow_type():
    """The Arrow type of a findings column: a list of finding structs."""
    import pyarrow as pa

    return pa.list_(pa.struct([
        ("kind", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
        ("before", pa.string()), ("after", pa.string()), ("confidence", pa.float64()),
        ("message", pa.string()), ("detail", pa.string()), ("rule", pa.string()),
        ("applied", pa.bool_()),
    ]))


_SUPERSET = {"gbk": "gb18030", "gb2312": "gb18030", "big5": "big5hkscs", "euc_kr": "cp949",
             "shift_jis": "cp932", "euc_jp": "euc_jis_2004"}
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")
STREAM_CHUNK_CHARS = 1024 * 1024
_PREFIX_BYTES = 1024 * 1024


class _TextStreamWork(_StreamWork):
    """A big plain-text file: detected on a prefix, decoded incrementally,
    split at paragraph boundaries."""

    kind = "text"

    def summary(self) -> str:
        return f"streamed in {self.records:,} chunks, {self.changed:,} changed"

    def tasks(self) -> Iterator[Task]:
        from .decode import decode_bytes

        try:
            fh = open(self.path, "rb")
        except OSError as exc:
            self.error = f"cannot read: {exc.strerror or exc}"
            return
        with fh:
            try:
                prefix = fh.read(_PREFIX_BYTES)
                sample = prefix
                if b"\x00" not in prefix and b"\n" in prefix[len(prefix) // 2:]:
                    sample = prefix[: prefix.rindex(b"\n") + 1]  # no character cut in half
                decoded = decode_bytes(sample)
                if decoded.binary:
                    self.binary_note = f"not text ({decoded.reason}); left alone"
                    return
                # Detected on a prefix: read the rest with the superset codec,
                # so a character the prefix did not show still decodes.
                enc = decoded.encoding or "utf-8"
                enc = _SUPERSET.get(codecs.lookup(enc).name, enc)
                self.encoding = enc
                skip = 0
                if decoded.bom:
                    skip = len(codecs.BOM_UTF8) if enc == "utf-8" else (4 if "32" in enc else 2)
                same = codecs.lookup(enc).name in (codecs.lookup(self.job.encoding).name, "ascii")
                if decoded.bom or not same:
                    self.force_changed = True
                    self.extra_findings.append({
                        "kind": "encoding", "start": 0, "end": 0, "before": "", "after": None, "confidence": 1.0,
                        "message": f"input was {enc}{' with a byte-order mark' if decoded.bom else ''}; "
                                   f"written back as {self.job.encoding}",
                        "detail": enc, "rule": "decode", "applied": True,
                    })
                self.open_output()
                decoder = codecs.getincrementaldecoder(enc)(errors="surrogateescape")
                buf = decoder.decode(prefix[skip:], final=False)
                char_offset = line_offset = 0
                first = True
                eof = False
                while True:
                    while len(buf) < 2 * STREAM_CHUNK_CHARS and not eof:
                        block = fh.read(_PREFIX_BYTES)
                        if not block:
                            buf += decoder.decode(b"", final=True)
                            eof = True
                        else:
                            buf += decoder.decode(block, final=False)
                    if not buf:
                        break
                    cut = len(buf) if eof and len(buf) <= 2 * STREAM_CHUNK_CHARS else _cut_point(buf, STREAM_CHUNK_CHARS)
                    chunk, buf = buf[:cut], buf[cut:]
                    yield text_chunk, (chunk, char_offset, line_offset, first, self.spec, self.path)
                    char_offset += len(chunk)
                    line_offset += chunk.count("\n")
                    first = False
            except OSError as exc:
                self.error = f"cannot read: {exc.strerror or exc}"

    def accept(self, out: ChunkOut) -> None:
        if self.error:
            return
        self.absorb(out)
        if self.out is not None:
            self.out.fh.write(out.data)

    def finish(self) -> FileReport:
        note = getattr(self, "binary_note", "")
        if note:
            self.abort()
            return FileReport(self.path, "binary", note=note)
        return super().finish()


def _cut_point(buf: str, target: int) -> int:
    """Where to end a chunk near ``target`` characters: after a blank line,
    else after a line break, else (one huge line) at ``2 * target``."""
    window_start = target // 2
    end = min(len(buf), 2 * target)
    last = None
    for m in _BLANK_LINE.finditer(buf, window_start, end):
        last = m.end()
        if last >= target:
            break
    if last is not None:
        return last
    nl = buf.rfind("\n", window_start, end)
    if nl >= 0:
        return nl + 1
    cut = end
    if buf[cut - 1] == "\r" and cut < len(buf) and buf[cut] == "\n":
        cut += 1
    return cut


def make_work(path: str, job: Job) -> _Work:
    kind = corpus_kind(path)
    if kind in ("jsonl", "jsonl.gz"):
        return _JsonlWork(path, job)
    if kind == "parquet":
        return _ParquetWork(path, job)
    if kind == "text-stream":
        return _TextStreamWork(path, job)
    return _PlainWork(path, job)


# --------------------------------------------------------------------------
# Executors and the ordered scheduler.


class _Done:
    __slots__ = ("value", "exc")

    def __init__(self, fn, args):
        self.value = self.exc = None
        try:
            self.value = fn(*args)
        except Exception as exc:  # reported on the file, never raised
            self.exc = exc

    def result(self):
        if self.exc is not None:
            raise self.exc
        return self.value


class _Inline:
    def submit(self, fn, *args):
        return _Done(fn, args)

    def shutdown(self) -> None:
        pass


class _RayRef:
    __slots__ = ("ref",)

    def __init__(self, ref):
        self.ref = ref

    def result(self):
        import ray

        return ray.get(self.ref)


class _RayExecutor:
    """Chunk tasks as Ray tasks; ordinary files stay in this process."""

    def __init__(self, address: str | None):
        from .integrations.ray import ensure_ray

        self.ray = ensure_ray(address)
        self._remote = {}

    def submit(self, fn, *args):
        if fn is process_file:  # local I/O: run it here
            return _Done(fn, args)
        remote = self._remote.get(fn)
        if remote is None:
            remote = self._remote[fn] = self.ray.remote(fn)
        return _RayRef(remote.remote(*args))

    def shutdown(self) -> None:
        pass


def _executor(jobs: int, engine: str, address: str | None):
    if engine == "ray":
        return _RayExecutor(address)
    if jobs <= 1:
        return _Inline()
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=jobs)


def process_files(files: Iterable[str], jobs_per_file: Iterable[Job], jobs: int = 1,
                  engine: str = "local", address: str | None = None, window: int | None = None) -> Iterator[FileReport]:
    """Repair ``files`` with ``jobs`` workers; one report per file, in input order.

    Chunk tasks from all files share one pool; at most ``window`` of them
    (default ``3 * jobs``) are in flight, so memory stays flat however big
    the files are.
    """
    executor = _executor(jobs, engine, address)
    window = window or max(2, 3 * (jobs if engine == "local" else max(jobs, _ray_cpus(executor))))
    pending: deque = deque()  # (work, future) or (work, None) = finish marker
    inflight = 0
    live: list[_Work] = []

    def drain_one():
        nonlocal inflight
        work, fut = pending.popleft()
        if fut is None:
            live.remove(work)
            return work.finish()
        inflight -= 1
        try:
            work.accept(fut.result())
        except Exception as exc:
            work.fail(exc)
        return None

    try:
        for path, job in zip(files, jobs_per_file):
            work = make_work(path, job)
            live.append(work)
            try:
                for fn, args in work.tasks():
                    pending.append((work, executor.submit(fn, *args)))
                    inflight += 1
                    while inflight >= window:
                        r = drain_one()
                        if r is not None:
                            yield r
            except Exception as exc:
                work.fail(exc)
            pending.append((work, None))
            while pending and pending[0][1] is None:
                yield drain_one()
        while pending:
            r = drain_one()
            if r is not None:
                yield r
    finally:
        for work in live:
            work.abort()
        if isinstance(executor, _Inline) or engine == "ray":
            executor.shutdown()
        else:
            executor.shutdown(wait=True, cancel_futures=True)


def _ray_cpus(executor) -> int:
    try:
        return int(executor.ray.cluster_resources().get("CPU", 1))
    except Exception:
        return 1


def process_corpus_file(path: str, job: Job) -> FileReport:
    """One corpus file in this process (what :func:`~textfix.files.process_file`
    routes to)."""
    return next(process_files([path], [job], jobs=1))
