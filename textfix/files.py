"""Files: finding them, repairing one, writing it back safely.

All file I/O of textfix lives here; the library API never touches a file.

Writes are atomic: the repaired bytes go to a temporary file in the same
folder, which is flushed, fsync'ed, given the original's mode bits and then
renamed over the original. An interrupted or failed write leaves the
original exactly as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from .config import Config
from .decode import EncodeError
from .walk import exclude_spec, is_excluded, walk_files

MAX_FILE_BYTES = 2 * 1024**3
TEMP_PREFIX, TEMP_SUFFIX = ".textfix-", ".tmp"  # atomic_write's temporary files


@dataclass
class FileReport:
    """What happened to one file (picklable: crosses process boundaries)."""

    path: str
    status: str  # changed | unchanged | binary | error
    encoding: str | None = None
    encoding_confidence: float | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    profile_summary: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    diff: str = ""
    error: str = ""
    note: str = ""
    written: str | None = None  # where the repaired text was written
    original_text: str | None = None  # kept only for ``explain`` context and the HTML report
    repaired_text: str | None = None  # kept only for the HTML report (Job.keep_text)
    corpus: dict[str, Any] | None = None  # JSONL/Parquet/streamed files: record counts (textfix.corpus)

    @property
    def fixed(self) -> int:
        return sum(1 for f in self.findings if f["applied"])

    @property
    def flagged(self) -> int:
        return sum(1 for f in self.findings if not f["applied"])

    def to_dict(self) -> dict[str, Any]:
        d = {
            "path": self.path,
            "status": self.status,
            "encoding": self.encoding,
            "encoding_confidence": self.encoding_confidence,
            "profile": self.profile,
            "fixed": self.fixed,
            "flagged": self.flagged,
            "findings": self.findings,
        }
        if self.error:
            d["error"] = self.error
        if self.note:
            d["note"] = self.note
        if self.written:
            d["written"] = self.written
        if self.diff:
            d["diff"] = self.diff
        if self.corpus is not None:
            d["corpus"] = self.corpus
        return d


@dataclass(frozen=True)
class Job:
    """How to treat each file: the mode and its write-back settings."""

    mode: str  # check | fix | explain
    config: Config
    write: bool = False  # fix in place / to output
    want_diff: bool = False
    output_dir: str | None = None
    root: str | None = None  # base for paths under output_dir
    encoding: str = "utf-8"
    backup: str | None = None
    field: str = "text"  # JSONL/Parquet: the field to repair (textfix.corpus)
    findings_field: str | None = None  # JSONL/Parquet: add per-record findings here
    keep_text: bool = False  # keep the text before and after (the HTML report shows both)


def _is_temp(name: str) -> bool:
    """A temporary file of :func:`atomic_write` that a killed run left behind."""
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def _broken_link(path: str) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop; skipped"
    return "broken symbolic link (its target does not exist); skipped"


def collect(paths: Iterable[str], exclude: Iterable[str] = (), ignore: bool = True) -> Iterator[tuple[str, str | None, str | None]]:
    """Yield ``(path, root, error)`` for every file under ``paths``.

    Folders are walked by :func:`textfix.walk.walk_files` (sorted, symbolic
    links not followed, git's ignore rules in a work tree unless
    ``ignore=False``); ``exclude`` takes ``.gitignore`` patterns
    (``*.log``, ``build/``, ``/top-only``, ``a/**/b``, ``!keep.log``).
    """
    spec = exclude_spec(exclude)
    for raw in paths:
        if raw == "-":
            yield "-", None, None
            continue
        path = Path(raw)
        if path.is_dir():
            for full in walk_files(str(path), spec, ignore=ignore):
                if _is_temp(os.path.basename(full)):
                    continue
                if os.path.islink(full) and not os.path.exists(full):
                    yield full, str(path), _broken_link(full)
                    continue
                if not os.path.isfile(full):
                    continue  # sockets, fifos, devices, links to folders
                yield full, str(path), None
        elif path.is_file():
            if not is_excluded(str(path), spec):
                yield str(path), None, None
        elif path.is_symlink():
            yield str(path), None, _broken_link(str(path))
        elif path.exists():
            yield str(path), None, "not a regular file"
        else:
            yield str(path), None, "no such file or folder"


def atomic_write(path: str | os.PathLike, data: bytes, backup: str | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its mode bits.

    With ``backup`` (a suffix such as ``.orig``), the original is first
    copied to ``path + backup``.
    """
    path = os.fspath(path)
    if os.path.islink(path):  # write through a symbolic link: the link stays a link
        path = os.path.realpath(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, st.st_mode & 0o7777)
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except (PermissionError, AttributeError):
                pass
        if backup and st is not None:
            shutil.copy2(path, path + backup)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(folder)


def fsync_dir(folder: str) -> None:
    """Make a rename in ``folder`` durable (best effort)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _output_path(job: Job, path: str) -> str:
    base = Path(job.output_dir or ".")
    if job.root:
        rel = os.path.relpath(path, job.root)
    else:
        rel = os.path.basename(path)
    return str(base / rel)


def process_bytes(data: bytes, path: str, job: Job) -> tuple[FileReport, bytes | None]:
    """Repair ``data``; return the report and the new bytes (None: unchanged)."""
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
        report.status = "binary"
        report.note = result.findings[0].message if result.findings else "not text"
        report.findings = [f.to_dict() for f in result.findings]
        return report, None
    if job.mode == "explain" or job.keep_text:
        report.original_text = result.original
    if job.keep_text:
        report.repaired_text = result.text
    try:
        new = result.to_bytes(job.encoding)
    except EncodeError as exc:
        report.status = "error"
        report.error = f"cannot write as {job.encoding}: {exc}"
        return report, None
    if new == data:
        return report, None
    report.status = "changed"
    if job.want_diff:
        report.diff = result.diff(path)
        if not report.diff and result.encoding != job.encoding:
            report.diff = f"(only the encoding changes: {result.encoding} -> {job.encoding})\n"
    return report, new


def process_file(path: str, job: Job) -> FileReport:
    """Read, repair and (in fix mode) write one file. Never raises for I/O."""
    from .corpus import corpus_kind, process_corpus_file

    if corpus_kind(path):  # JSONL, Parquet, big text: streamed in chunks
        return process_corpus_file(path, job)
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return FileReport(path, "error", error=f"file is {size} bytes; larger than {MAX_FILE_BYTES} (use the corpus mode for big files)")
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return FileReport(path, "error", error=f"cannot read: {exc.strerror or exc}")
    report, new = process_bytes(data, path, job)
    if not job.write or report.status in ("binary", "error"):
        return report
    if new is None:
        if not job.output_dir:
            return report
        new = data  # --output holds the whole corpus, unchanged files too
    target = _output_path(job, path) if job.output_dir else path
    try:
        if job.output_dir:
            os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        atomic_write(target, new, backup=None if job.output_dir else job.backup)
        report.written = target
    except OSError as exc:
        report.status = "error"
        report.error = f"cannot write {target}: {exc.strerror or exc}; the original is unchanged"
    return report
