"""Writing a file back: the only code in textfix that replaces a file.

:class:`AtomicOutput` writes to a temporary file in the target's folder;
:meth:`AtomicOutput.commit` fsyncs it, gives it the original's mode bits,
checks that the target is still the file that was read (:class:`Identity`:
device, inode, size, mtime), then replaces the target and fsyncs the
folder. Whatever fails, and wherever a signal lands (the replacement runs
in :func:`textfix.interrupts.critical`), the target is either as it was or
completely replaced, and no temporary file is left.

* ``backup=SUFFIX``: the original is kept as ``PATH+SUFFIX``, itself written
  like the file (a hard link or copy under a temporary name, renamed into
  place only once the new content is safely on disk). If any step fails the
  file and an earlier backup are left byte-identical.
* A file with more than one hard link is updated through its inode (every
  link sees the repair): the new content is complete and fsync'ed in the
  temporary file and an undo copy of the original is on disk before the
  original is overwritten; a failure while overwriting puts the original
  bytes back from the undo copy.
* A symbolic link is written through: the target file is replaced, the link
  stays a link.

A leaf module (it imports only :mod:`textfix.interrupts`).
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass

from .interrupts import critical

TEMP_PREFIX, TEMP_SUFFIX = ".textfix-", ".tmp"
_COPY_BLOCK = 1 << 20


class ChangedDuringRun(OSError):
    """The file on disk is no longer the one that was read."""

    def __init__(self, path: str):
        super().__init__(errno.ESTALE, "changed during the run", path)


@dataclass(frozen=True)
class Identity:
    """Which file was read, and in which state."""

    dev: int
    ino: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> "Identity":
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def identity(path: str) -> Identity | None:
    try:
        return Identity.of(os.stat(path))
    except OSError:
        return None


def is_temp(name: str) -> bool:
    """A temporary file of this module (one a killed run left behind)."""
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


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


def _unlink(path: str | None) -> None:
    if path:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _fsync_path(path: str) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _temp_name(folder: str) -> str:
    return os.path.join(folder, f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}")


def _copy_of(path: str, folder: str) -> str:
    """A complete, fsync'ed copy of ``path`` under a temporary name."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    os.close(fd)
    try:
        shutil.copy2(path, tmp)
        _fsync_path(tmp)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _staged_original(path: str, folder: str, may_link: bool) -> str:
    """The original under a temporary name: a second hard link to it when
    the file system allows (no byte copied, nothing to run out of space on),
    else a copy."""
    if may_link:
        for _ in range(5):
            tmp = _temp_name(folder)
            try:
                os.link(path, tmp)
                return tmp
            except FileExistsError:
                continue
            except OSError:
                break
    return _copy_of(path, folder)


def _overwrite(path: str, source: str, size: int) -> None:
    """Copy ``source`` over ``path`` through ``path``'s inode; fsync."""
    with open(path, "r+b") as dst, open(source, "rb") as src:
        fd = dst.fileno()
        if size > os.fstat(fd).st_size and hasattr(os, "posix_fallocate"):
            try:  # a full disk fails here, before a byte of the original is touched
                os.posix_fallocate(fd, 0, size)
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    raise
        while True:
            block = src.read(_COPY_BLOCK)
            if not block:
                break
            dst.write(block)
        dst.truncate(size)
        dst.flush()
        os.fsync(fd)


class AtomicOutput:
    """A binary file written to a temporary beside ``path`` that replaces
    ``path`` on :meth:`commit` or vanishes on :meth:`abort`."""

    def __init__(self, path: str, mode_from: str | None = None):
        path = os.fspath(path)
        if os.path.islink(path):  # write through a symbolic link: the link stays a link
            path = os.path.realpath(path)
        self.path = path
        self.mode_from = mode_from or path
        self.folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(self.folder, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(dir=self.folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        try:
            self.fh = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            _unlink(self.tmp)
            raise
        self.note = ""  # said about the write (e.g. hard links kept)

    def write(self, data: bytes) -> None:
        self.fh.write(data)

    def _close(self) -> None:
        if not self.fh.closed:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
        else:  # someone else wrote it by name (a Parquet writer)
            _fsync_path(self.tmp)

    def commit(self, expect: Identity | None = None, backup: str | None = None, through_links: bool = True) -> None:
        """Replace the target. ``expect``: the target must still be this
        file, else :class:`ChangedDuringRun` and nothing is replaced.
        ``backup``: keep the original as ``target + backup``.
        ``through_links=False``: a hard-linked target is replaced by rename
        like any other (an output copy must never write into the file it
        may be linked to)."""
        try:
            self._close()
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                st = None
            if expect is not None and (st is None or Identity.of(st) != expect):
                raise ChangedDuringRun(self.path)
            mode_st = st
            if self.mode_from != self.path:
                try:
                    mode_st = os.stat(self.mode_from)
                except OSError:
                    mode_st = None
            if mode_st is not None:
                os.chmod(self.tmp, mode_st.st_mode & 0o7777)
                try:
                    os.chown(self.tmp, mode_st.st_uid, mode_st.st_gid)
                except (PermissionError, AttributeError):
                    pass
            with critical():
                if st is not None and st.st_nlink > 1 and through_links:
                    self._commit_through_inode(st, expect, backup)
                else:
                    self._commit_by_rename(st, expect, backup)
        except BaseException:
            self.abort()
            raise
        fsync_dir(self.folder)

    def _still(self, expect: Identity | None) -> None:
        if expect is not None and identity(self.path) != expect:
            raise ChangedDuringRun(self.path)

    def _commit_by_rename(self, st, expect: Identity | None, backup: str | None) -> None:
        staged = None
        try:
            if backup and st is not None:
                staged = _staged_original(self.path, self.folder, may_link=True)
            self._still(expect)
            os.replace(self.tmp, self.path)
        except BaseException:
            _unlink(staged)
            raise
        if staged is None:
            return
        try:
            os.replace(staged, self.path + backup)
        except BaseException:
            try:  # no backup, no repair: the original goes back
                os.replace(staged, self.path)
            except OSError:
                _unlink(staged)
            raise

    def _commit_through_inode(self, st, expect: Identity | None, backup: str | None) -> None:
        undo = _copy_of(self.path, self.folder)  # the original, complete, on disk
        try:
            self._still(expect)
            size = os.path.getsize(self.tmp)
            try:
                _overwrite(self.path, self.tmp, size)
                if backup:
                    os.replace(undo, self.path + backup)
                    undo = None
            except BaseException:
                try:  # no repair without its backup: the original bytes go back
                    _overwrite(self.path, undo, st.st_size)
                except BaseException:
                    keep = undo
                    undo = None  # the one complete copy of the original: keep it
                    raise OSError(errno.EIO, f"the original could not be put back; it is kept as {keep}")
                raise
            self.note = f"{st.st_nlink} hard links: repaired through the shared file, every link sees the repair"
        finally:
            _unlink(undo)
        _unlink(self.tmp)

    def abort(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass
        _unlink(self.tmp)


def atomic_write(path: str | os.PathLike, data: bytes, backup: str | None = None,
                 expect: Identity | None = None, through_links: bool = True) -> str:
    """Replace ``path`` with ``data`` (see :class:`AtomicOutput`); returns a
    note about the write ("" for an ordinary one)."""
    out = AtomicOutput(os.fspath(path))
    try:
        out.write(data)
    except BaseException:
        out.abort()
        raise
    out.commit(expect=expect, backup=backup, through_links=through_links)
    return out.note
