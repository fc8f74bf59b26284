"""One document in memory: decide its format, then repair it.

:func:`process_document` is the one place where a whole file's bytes (or
stdin's) become a :class:`~textfix.job.FileReport` and the bytes to write
back. It is pure (no I/O) and runs in any process. :func:`document_format`
names the format; each format has a handler ``(path, data, job) ->
(FileReport, new bytes or None)`` in :data:`HANDLERS`, so a structured
format (JSON, CSV, Markdown, subtitles, HTML, source code) plugs in as one
more entry. Corpora that are streamed in chunks (JSONL, Parquet, big text)
are routed before this, by :func:`textfix.router.route`.
"""

from __future__ import annotations

from typing import Callable

from .decode import EncodeError
from .job import BINARY, CHANGED, ERROR, FileReport, Job

Handler = Callable[[str, bytes, Job], "tuple[FileReport, bytes | None]"]


def document_format(path: str, data: bytes) -> str:
    """The format a document is repaired as (``text``: every byte is prose
    or markup the passes know how to leave alone)."""
    return "text"


def process_text(path: str, data: bytes, job: Job) -> tuple[FileReport, bytes | None]:
    """Decode ``data``, repair the whole text, encode it back."""
    from . import fix_bytes

    result = fix_bytes(data, job.config)
    report = FileReport(
        path=path,
        status="unchanged",
        encoding=result.encoding,
        encoding_confidence=result.encoding_confidence,
        profile=result.profile.to_dict(),
        profile_summary=result.profile.summary(),
        findings=[f.to_dict() for f in result.findings],
    )
    if result.binary:
        report.status = BINARY
        report.note = result.findings[0].message if result.findings else "not text"
        return report, None
    if job.mode == "explain" or job.keep_text:
        report.original_text = result.original
    if job.keep_text:
        report.repaired_text = result.text
    try:
        new = result.to_bytes(job.encoding)
    except EncodeError as exc:
        report.status = ERROR
        report.error = f"cannot write as {job.encoding}: {exc}"
        return report, None
    if new == data:
        return report, None
    report.status = CHANGED
    if job.want_diff:
        report.diff = result.diff(path)
        if not report.diff and result.encoding != job.encoding:
            report.diff = f"(only the encoding changes: {result.encoding} -> {job.encoding})\n"
    return report, new


HANDLERS: dict[str, Handler] = {"text": process_text}


def process_document(path: str, data: bytes, job: Job) -> tuple[FileReport, bytes | None]:
    """Repair one document; the report and the new bytes (None: unchanged)."""
    return HANDLERS[document_format(path, data)](path, data, job)
