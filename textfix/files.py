"""Files: finding them, repairing one, writing it back safely.

All file I/O of textfix lives here; the library API never touches a file.

Writes are atomic: the repaired bytes go to a temporary file in the same
folder, which is flushed, fsync'ed, given the original's mode bits and then
renamed over the original. An interrupted or failed write leaves the
original exactly as it was.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from .config import Config
from .decode import EncodeError

# Folders never walked into: version control and tool caches.
SKIP_DIRS = {".git", ".hg", ".svn", ".bzr", "__pycache__", ".mypy_cache", ".pytest_cache", ".tox", ".venv", "node_modules"}
MAX_FILE_BYTES = 2 * 1024**3
TEMP_PREFIX, TEMP_SUFFIX = ".textfix-", ".tmp"  # atomic_write's temporary files


@dataclass
class FileReport:
    """What happened to one file (picklable: crosses process boundaries)."""

    path: str
    status: str  # changed | unchanged | binary | skipped | error
    encoding: str | None = None
    encoding_confidence: float | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    profile_summary: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    diff: str = ""
    error: str = ""
    note: str = ""
    written: str | None = None  # where the repaired text was written
    original_text: str | None = None  # kept only for ``explain`` context
    corpus: dict[str, Any] | None = None  # JSONL/Parquet/streamed files: record counts (textfix.corpus)
    format: str | None = None  # how the file was read, when not as prose (textfix.formats)

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
        if self.format:
            d["format"] = self.format
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
    read_as: str | None = None  # --read-as: one format for every file (textfix.formats)


def _matches(rel: str, name: str, patterns: Iterable[str]) -> bool:
    for pat in patterns:
        p = pat.rstrip("/")
        if p.startswith("/"):
            if fnmatch.fnmatch(rel, p[1:]) or rel.startswith(p[1:] + "/"):
                return True
        elif fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, f"*/{p}") or f"/{p}/" in f"/{rel}/":
            return True
    return False


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


def collect(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[tuple[str, str | None, str | None]]:
    """Yield ``(path, root, error)`` for every file under ``paths``.

    Folders are walked recursively in sorted order without following
    symbolic links (so link loops cannot trap the walk); ``exclude`` takes
    ``.gitignore``-style patterns (``*.log``, ``build/``, ``/top-only``).
    """
    exclude = list(exclude)
    for raw in paths:
        if raw == "-":
            yield "-", None, None
            continue
        path = Path(raw)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path, onerror=None):
                rel_dir = os.path.relpath(dirpath, path)
                rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
                dirnames[:] = sorted(
                    d for d in dirnames
                    if d not in SKIP_DIRS and not _matches(f"{rel_dir}/{d}".lstrip("/"), d, exclude)
                )
                for name in sorted(filenames):
                    rel = f"{rel_dir}/{name}".lstrip("/")
                    if _matches(rel, name, exclude) or _is_temp(name):
                        continue
                    full = os.path.join(dirpath, name)
                    if os.path.islink(full) and not os.path.exists(full):
                        yield full, str(path), _broken_link(full)
                        continue
                    if not os.path.isfile(full):
                        continue  # sockets, fifos, devices
                    yield full, str(path), None
        elif path.is_file():
            if not _matches(path.as_posix(), path.name, exclude):
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
    from . import fix_bytes, formats

    # How the file is read (its structure is kept: textfix.formats).
    kind = formats.kind_for(path, data, job.config.formats, job.read_as)
    reason = formats.skip_reason(kind)
    if reason:
        return FileReport(path, "skipped", note=reason, format=kind), None
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
        report.status = "binary"
        report.note = result.findings[0].message if result.findings else "not text"
        report.findings = [f.to_dict() for f in result.findings]
        return report, None
    if job.mode == "explain":
        report.original_text = result.original
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
