"""Tables derived from package data, kept on disk between processes.

Some tables take a noticeable part of a second to build (the character
plausibility model, OpenCC's single-character tables, the spun-phrase trie).
A process builds each at most once, but a pre-commit hook, a CLI call and
every ``--jobs`` worker is a new process, and that time adds up: it was
1.1 s of CPU before the first document of each process. A builder decorated
with :func:`derived` is built once per machine instead: its value is
written with :mod:`marshal` (plain dicts, lists, tuples, strings and
numbers; no code runs on load, and loading is tens of times faster than
rebuilding) and read back by the next process.

A cached value is used only when it was built from exactly the installed
code and data: its file name carries a stamp of every file of the textfix
package (size and modification time), of the Python and marshal versions,
and of the third-party modules the builder reads (``deps``). Any edit, an
upgrade or another interpreter gets a new stamp. Writing a table prunes the
folder (:func:`_prune`): a few builds per builder, nothing a month old.

Where: ``$TEXTFIX_CACHE_DIR``, else ``$XDG_CACHE_HOME/textfix``, else
``~/.cache/textfix``. ``TEXTFIX_CACHE_DIR=`` (set and empty) turns the
disk cache off. Nothing here can fail a call: an unreadable or unwritable
cache only means the table is built in memory as before. The folder is
trusted like the user's other files (files are created mode 0600, and
:mod:`marshal` is not meant for data from others); point
``TEXTFIX_CACHE_DIR`` elsewhere, or turn it off, on a shared account.

Only plain data is kept: compiled ``re`` patterns are not (their
program format belongs to the interpreter).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import importlib.util
import marshal
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """Where derived tables are kept, or ``None`` when the cache is off."""
    env = os.environ.get("TEXTFIX_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "textfix"


def _file_stamp(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


@functools.lru_cache(maxsize=1)
def _package_stamp() -> str:
    """Every file of the package (code and data), interpreter and marshal
    format: what a derived table may depend on."""
    parts = [sys.version, str(marshal.version)]
    for root, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        parts.extend(_file_stamp(Path(root) / name) for name in sorted(files) if not name.endswith(".pyc"))
    return "\n".join(parts)


@functools.lru_cache(maxsize=None)
def _module_stamp(name: str) -> str:
    """A third-party module's installed files (an upgrade changes them)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return f"{name}:absent"
    folder = Path(spec.origin).parent
    if spec.submodule_search_locations:  # a package: every file in it
        return "\n".join(_file_stamp(p) for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts)
    return _file_stamp(Path(spec.origin))


def _key(build: Callable, args: tuple, deps: tuple[str, ...]) -> tuple[str, str]:
    """``(name, stamp)``: the file name prefix of this builder and these
    arguments, and the digest that says which build it holds."""
    digest = hashlib.sha256()
    digest.update(_package_stamp().encode())
    for dep in deps:
        digest.update(_module_stamp(dep).encode())
    name = f"{build.__module__}.{build.__qualname__}"
    if args:
        name += "-" + hashlib.sha256(repr(args).encode()).hexdigest()[:12]
    digest.update(name.encode())
    return name, digest.hexdigest()[:20]


def load_or_build(build: Callable[..., T], args: tuple = (), deps: tuple[str, ...] = ()) -> T:
    """``build(*args)``, from the disk cache when a file of this very build
    is there; else built, and written for the next process."""
    folder = cache_dir()
    if folder is None:
        return build(*args)
    try:
        name, stamp = _key(build, args, deps)
    except Exception:  # pragma: no cover - a stamp is stat calls only
        return build(*args)
    path = folder / f"{name}.{stamp}.marshal"
    try:
        return _loads(path.read_bytes())
    except Exception:  # missing, unreadable or damaged: build it
        pass
    value = build(*args)
    _store(folder, name, path, value)
    return value


def _loads(data: bytes):
    """``marshal.loads(data)`` with the cyclic garbage collector paused.

    A table of many small containers (the spun-phrase pass's 90,000 word
    pairs) sets off collections as it is created, and they walk the tables
    already loaded: they made that load twice as slow. What marshal creates
    holds no cycles. (``marshal.load`` on a file object is 4x slower than
    reading the bytes.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return marshal.loads(data)
    finally:
        if enabled:
            gc.enable()


def _store(folder: Path, name: str, path: Path, value) -> None:
    try:
        data = marshal.dumps(value)
    except ValueError:  # not plain data: nothing to keep (a programming error, seen in tests)
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)  # atomic: a reader sees the old file or the whole new one
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder, name, path)
    except OSError:
        pass  # read-only home, full disk: the value is still returned


KEEP_OTHER_STAMPS = 2  # per builder: other installations sharing the folder keep theirs
MAX_AGE_DAYS = 30  # any table not rewritten for this long (renamed builders, old versions)


def _prune(folder: Path, name: str, path: Path) -> None:
    """Bound the folder: the newest :data:`KEEP_OTHER_STAMPS` other builds of
    this builder stay (two checkouts or venvs that share the folder do not
    rebuild each other's tables on every run), older ones and any table
    older than :data:`MAX_AGE_DAYS` go."""

    def mtime(p: Path) -> int:
        try:
            return p.stat().st_mtime_ns
        except OSError:
            return 0

    others = sorted((p for p in folder.glob(f"{name}.*.marshal") if p != path), key=mtime, reverse=True)
    for old in others[KEEP_OTHER_STAMPS:]:
        old.unlink(missing_ok=True)
    cutoff = time.time_ns() - MAX_AGE_DAYS * 86400 * 10**9
    for old in folder.glob("*.marshal"):
        if old != path and mtime(old) < cutoff:
            old.unlink(missing_ok=True)


def derived(*, deps: tuple[str, ...] = ()) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: ``build(*args)`` once per process and once per
    installation (:func:`load_or_build`). Threads that ask for a table
    being built wait for it (one build, not one per thread). ``build`` must
    return plain data (what :mod:`marshal` writes) and depend on nothing but
    its arguments, the package's files and the modules named in ``deps``."""

    def wrap(build: Callable[..., T]) -> Callable[..., T]:
        memo: dict[tuple, T] = {}
        lock = threading.RLock()  # a builder may ask for its own table with other arguments

        @functools.wraps(build)
        def get(*args):
            try:
                return memo[args]
            except KeyError:
                pass
            with lock:
                if args not in memo:
                    memo[args] = load_or_build(build, args, deps)
                return memo[args]

        get.build = build  # the uncached builder (tests compare the two)
        get.cache_clear = memo.clear
        return get

    return wrap
