"""Finding the files to repair: walking folders, skipping what is not ours.

Reading and repairing a file is :mod:`textfix.tasks` and
:mod:`textfix.document`; writing it back is :mod:`textfix.atomic`.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Iterable, Iterator

from .atomic import is_temp as _is_temp
from .walk import exclude_spec, is_excluded, walk_files


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
