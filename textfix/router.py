"""The router: which kind of work a file is, and that work's assembly.

:func:`route` is the only place that decides how a file travels:

* JSONL (``.jsonl``, ``.ndjson``, and the same with ``.gz``): one JSON object
  per line, read in chunks of about :data:`CHUNK_BYTES`; the string in
  ``field`` (default ``text``) is repaired; every other field, the key order,
  the number formatting and the record order stay as they were. A line that
  is not a JSON object is reported with its line number and passed through
  unchanged: no record is ever dropped.
* Parquet: the string column ``field`` is repaired batch by batch; the other
  columns, the row order and the compression codec are kept (pyarrow).
* Plain text bigger than :data:`STREAM_BYTES`: decoded incrementally by
  :func:`textfix.decode.iter_decode` and repaired in paragraph-aligned chunks
  of about :data:`STREAM_CHUNK_CHARS` characters. Damage that needs the whole
  document is judged per chunk, and boilerplate, which is judged partly by
  position on a page, is only flagged in streamed text.
* Every other file is one document: :func:`textfix.tasks.file_task` reads
  it and :func:`textfix.document.process_document` decides its format and
  repairs it.

A :class:`Work` yields picklable tasks (:mod:`textfix.tasks`), takes their
results back in order (:meth:`Work.accept`), and in :meth:`Work.finish`
writes the file through :class:`textfix.atomic.AtomicOutput` — always in the
process that runs the scheduler, never in a worker — and returns the
file's :class:`~textfix.job.FileReport`.
"""

from __future__ import annotations

import gzip
import os
import re
from collections import Counter, deque
from pathlib import Path
from typing import Any, Callable, Iterator

from . import tasks
from .atomic import AtomicOutput, ChangedDuringRun, Identity, atomic_write
from .job import ERROR, FileReport, Job, WriteBack
from .tasks import MAX_LISTED, ChunkOut, Spec

CHUNK_BYTES = 512 * 1024  # input bytes per JSONL chunk task
PARQUET_BATCH_ROWS = 2048
STREAM_BYTES = 16 * 1024**2  # plain text above this is streamed
STREAM_CHUNK_CHARS = 1024 * 1024
READ_BYTES = 1024 * 1024  # streamed text is read this much at a time
MAX_MALFORMED_LISTED = 100

JSONL_SUFFIXES = (".jsonl", ".ndjson")
GZ_SUFFIXES = (".jsonl.gz", ".ndjson.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")

CHANGED_MESSAGE = "changed during the run; left as it was (run textfix again)"


def corpus_kind(path: str, size: int | None = None) -> str | None:
    """``jsonl``, ``jsonl.gz``, ``parquet``, ``text-stream`` (plain text big
    enough to stream) or ``None`` (a document, repaired whole)."""
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
    return "text-stream" if size > STREAM_BYTES else None


def output_path(job: Job, path: str) -> str:
    """Where ``--output DIR`` puts the repaired copy of ``path``."""
    base = Path(job.output_dir or ".")
    rel = os.path.relpath(path, job.root) if job.root else os.path.basename(path)
    return str(base / rel)


def write_error(target: str, exc: BaseException) -> str:
    if isinstance(exc, ChangedDuringRun):
        return CHANGED_MESSAGE
    return f"cannot write {target}: {getattr(exc, 'strerror', None) or exc}; the original is unchanged"


Task = tuple[Callable[..., Any], tuple]


class Work:
    """One file's work: the tasks it produces and the ordered assembly of
    their results."""

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

    @property
    def target(self) -> str:
        return output_path(self.job, self.path) if self.job.write_back is WriteBack.OUTPUT else self.path


class DocumentWork(Work):
    """A file repaired whole: one :func:`~textfix.tasks.file_task`, then
    the write, here."""

    result: "tasks.FileResult | None" = None

    def tasks(self) -> Iterator[Task]:
        yield tasks.file_task, (self.path, self.job)

    def accept(self, out: "tasks.FileResult") -> None:
        self.result = out

    def finish(self) -> FileReport:
        if self.result is None:
            return FileReport(self.path, ERROR, error=self.error or "not processed")
        report, new = self.result.report, self.result.new
        back = self.job.write_back
        if not back.writes or report.status in ("binary", ERROR):
            return report
        if new is None:
            if back is not WriteBack.OUTPUT:
                return report
            new = self.result.data  # --output holds the whole corpus, unchanged files too
        target = self.target
        try:
            if back is WriteBack.OUTPUT:
                os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
                note = atomic_write(target, new, through_links=False)
            else:
                note = atomic_write(target, new, backup=self.job.backup, expect=self.result.identity)
            report.written = target
            if note:
                report.note = f"{report.note}; {note}" if report.note else note
        except OSError as exc:
            report.status = ERROR
            report.error = write_error(target, exc)
        return report

class _StreamWork(Work):
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
            want_data=job.write_back.writes,
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
        self.identity: Identity | None = None  # the file as it was opened for reading
        self.encoding = "utf-8"
        self.force_changed = False  # e.g. transcoding a streamed text file
        self.extra_findings: list[dict] = []

    def open_output(self) -> None:
        if self.job.write_back.writes and self.out is None:
            self.out = AtomicOutput(self.target, mode_from=self.path)

    def sink(self):
        """Where a chunk's repaired bytes go (the output file; JSONL.gz wraps it)."""
        return self.out.fh

    def accept(self, out: ChunkOut) -> None:
        if self.error:
            return
        self.absorb(out)
        if self.out is not None:
            self.sink().write(out.data)

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
        report.corpus = stats
        if self.error:
            self.abort()
            report.status = ERROR
            report.error = f"{self.error}; the original is unchanged"
            return report
        if self.job.want_diff:
            report.diff = "".join(self.diffs)
        if self.out is not None:
            try:
                output = self.job.write_back is WriteBack.OUTPUT
                if changed or output:
                    self.finalize_output()
                    if output:
                        self.out.commit(through_links=False)
                    else:
                        self.out.commit(expect=self.identity, backup=self.job.backup)
                    report.written = self.target
                    if self.out.note:
                        report.note = f"{report.note}; {self.out.note}" if report.note else self.out.note
                else:
                    self.out.abort()
            except OSError as exc:
                self.out.abort()
                report.status = ERROR
                report.error = write_error(self.target, exc)
            self.out = None
        return report

    def finalize_output(self) -> None:
        pass


class _JsonlWork(_StreamWork):
    kind = "jsonl"

    def _open(self):
        raw = self._raw = open(self.path, "rb")
        self.identity = Identity.of(os.fstat(raw.fileno()))
        if self.path.lower().endswith(".gz"):
            return gzip.GzipFile(fileobj=raw, mode="rb")
        return raw

    def tasks(self) -> Iterator[Task]:
        try:
            fh = self._open()
        except OSError as exc:
            self.error = f"cannot read: {exc.strerror or exc}"
            return
        with fh, self._raw:
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
                        yield tasks.jsonl_chunk, (batch, first, self.spec, self.path)
                        batch, size, first = [], 0, line_no + 1
                if batch:
                    yield tasks.jsonl_chunk, (batch, first, self.spec, self.path)
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                self.error = f"cannot read: {getattr(exc, 'strerror', None) or exc}"

    def sink(self):
        return getattr(self, "_gz", None) or super().sink()

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
            self.identity = Identity.of(os.stat(self.path))
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
            ff = pa.field(self.spec.findings_field, tasks.findings_arrow_type())
            self.out_schema = schema.set(fi, ff) if fi >= 0 else schema.append(ff)
        row = 0
        try:
            for batch in self.pf.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                values = batch.column(idx).to_pylist()
                self._pending_batches.append(batch)
                yield tasks.values_chunk, (values, row, self.spec, self.path)
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
        if not self.job.write_back.writes:
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
            col = pa.array(out.row_findings, type=tasks.findings_arrow_type())
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


_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")


class _TextStreamWork(_StreamWork):
    """A big plain-text file: detected on a prefix, decoded incrementally,
    split at paragraph boundaries."""

    kind = "text"

    def summary(self) -> str:
        return f"streamed in {self.records:,} chunks, {self.changed:,} changed"

    def tasks(self) -> Iterator[Task]:
        import codecs

        from .decode import iter_decode

        try:
            fh = open(self.path, "rb")
            self.identity = Identity.of(os.fstat(fh.fileno()))
        except OSError as exc:
            self.error = f"cannot read: {exc.strerror or exc}"
            return
        with fh:
            try:
                decoded, pieces = iter_decode(fh, READ_BYTES)
                if decoded.binary:
                    self.binary_note = f"not text ({decoded.reason}); left alone"
                    return
                enc = decoded.encoding or "utf-8"
                self.encoding = enc
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
                buf = ""
                char_offset = line_offset = 0
                first = True
                eof = False
                while True:
                    while len(buf) < 2 * STREAM_CHUNK_CHARS and not eof:
                        piece = next(pieces, None)
                        if piece is None:
                            eof = True
                        else:
                            buf += piece
                    if not buf:
                        break
                    cut = len(buf) if eof and len(buf) <= 2 * STREAM_CHUNK_CHARS else _cut_point(buf, STREAM_CHUNK_CHARS)
                    chunk, buf = buf[:cut], buf[cut:]
                    yield tasks.text_chunk, (chunk, char_offset, line_offset, first, self.spec, self.path)
                    char_offset += len(chunk)
                    line_offset += chunk.count("\n")
                    first = False
            except OSError as exc:
                self.error = f"cannot read: {exc.strerror or exc}"


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


def route(path: str, job: Job) -> Work:
    """The work that repairs ``path``: the one decision of how a file travels."""
    kind = corpus_kind(path)
    if kind in ("jsonl", "jsonl.gz"):
        return _JsonlWork(path, job)
    if kind == "parquet":
        return _ParquetWork(path, job)
    if kind == "text-stream":
        from .document import document_format

        # a big JSON, CSV, Markdown ... file is read whole: it keeps its structure
        if document_format(path, b"", job) == "prose":
            return _TextStreamWork(path, job)
    return DocumentWork(path, job)
