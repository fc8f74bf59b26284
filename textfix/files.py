"""Finding the files to repair: walking folders, skipping what is not ours.

Reading and repairing a file is :mod:`textfix.tasks` and
:mod:`textfix.document`; writing it back is :mod:`textfix.atomic`.
"""

from __future__ import annotations

import errno
import fnmatch
import os
from pathlib import Path
from typing import Iterable, Iterator

from .atomic import is_temp as _is_temp

# Folders never walked into: version control and tool caches.
SKIP_DIRS = {".git", ".hg", ".svn", ".bzr", "__pycache__", ".mypy_cache", ".pytest_cache", ".tox", ".venv", "node_modules"}


def _matches(rel: str, name: str, patterns: Iterable[str]) -> bool:
    for pat in patterns:
        p = pat.rstrip("/")
        if p.startswith("/"):
            if fnmatch.fnmatch(rel, p[1:]) or rel.startswith(p[1:] + "/"):
                return True
        elif fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, f"*/{p}") or f"/{p}/" in f"/{rel}/":
            return True
    return False


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
