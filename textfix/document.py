"""One document in memory: decide its format, then repair it.

:func:`process_document` is the one place where a whole file's bytes (or
stdin's) become a :class:`~textfix.job.FileReport` and the bytes to write
back. It is pure (no I/O) and runs in any process. :func:`document_format`
names the format (:mod:`textfix.formats`): prose and the structured
formats (JSON, CSV/TSV, Markdown, reST, subtitles, HTML) are repaired by
:func:`process_text`, which hands the structured ones to
:func:`textfix.formats.repair`; source code and configuration are skipped
with the reason (:func:`process_skipped`). Corpora that are streamed in chunks (JSONL, Parquet, big text)
are routed before this, by :func:`textfix.router.route`.
"""

from __future__ import annotations

from .decode import EncodeError
from .job import BINARY, CHANGED, ERROR, SKIPPED, FileReport, Job

def document_format(path: str, data: bytes, job: Job | None = None) -> str:
    """The format a document is read as (:func:`textfix.formats.kind_for`:
    ``--read-as``, the ``formats`` setting, the extension, the content):
    ``prose``, a structured format, or one that is skipped."""
    from .formats import kind_for

    if job is None:
        return kind_for(path, data)
    return kind_for(path, data, job.config.formats, job.read_as)


def process_text(path: str, data: bytes, job: Job, kind: str = "prose") -> tuple[FileReport, bytes | None]:
    """Decode ``data``, repair it read as ``kind`` (only the prose of a
    structured format, :mod:`textfix.formats`), encode it back."""
    from . import fix_bytes

    result = fix_bytes(data, job.config, kind=kind)
    report = FileReport(
        path=path,
        status="unchanged",
        encoding=result.encoding,
        encoding_confidence=result.encoding_confidence,
        profile=result.profile.to_dict(),
        profile_summary=result.profile.summary(),
        findings=result.finding_dicts(),
        note=result.note,
        format=None if kind == "prose" else kind,
    )
    if result.binary:
        report.status = BINARY
        report.note = result.findings[0].message if result.findings else "not text"
        return report, None
    if job.mode == "explain":
        report.original_text = result.original
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


def process_skipped(path: str, data: bytes, job: Job, kind: str) -> tuple[FileReport, bytes | None]:
    """Source code, configuration, ``skip``: left alone, with the reason."""
    from .formats import skip_reason

    return FileReport(path, SKIPPED, note=skip_reason(kind) or "left alone", format=kind), None


def process_document(path: str, data: bytes, job: Job) -> tuple[FileReport, bytes | None]:
    """Repair one document; the report and the new bytes (None: unchanged)."""
    from .formats import SKIP_KINDS

    kind = document_format(path, data, job)
    if kind in SKIP_KINDS:
        return process_skipped(path, data, job, kind)
    return process_text(path, data, job, kind)
