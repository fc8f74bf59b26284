"""Walking folders: which files a run sees.

A folder is walked recursively, in sorted order, without following symbolic
links. Three things keep a path out:

* version-control and tool folders (:data:`SKIP_DIRS`) and ``.git`` files
  (a linked worktree's pointer to its repository), always;
* in a git work tree, what git ignores: ``.gitignore`` at every level,
  ``.git/info/exclude`` and the global excludes file (``core.excludesFile``,
  by default ``$XDG_CONFIG_HOME/git/ignore``), unless ``ignore=False``
  (``--no-ignore``);
* ``--exclude`` patterns, in ``.gitignore`` syntax, relative to the folder
  given on the command line.

Matching is pathspec's :class:`~pathspec.GitIgnoreSpec`, which implements
git's own rules (``**``, anchored patterns, ``!`` negation, directory-only
patterns) rather than an approximation of them. As in git, a deeper
``.gitignore`` overrides a shallower one, which overrides ``info/exclude``,
which overrides the global file; within one file the last matching pattern
wins; and a file inside an ignored folder cannot be re-included (the walk
never enters that folder). Files git tracks although a pattern ignores
them are skipped too, as ruff and ripgrep do: the rules are read, the
index is not.

A folder named on the command line is walked even when git ignores it
(the user asked for it); only the rules of ``.gitignore`` files inside it
apply then. Files named on the command line are never git-filtered
(pre-commit hands over exactly the files it means); ``--exclude`` applies
to them.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from pathspec import GitIgnoreSpec

# Folders never walked into: version control and tool caches.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "__pycache__", ".mypy_cache", ".pytest_cache", ".tox", ".venv", "node_modules"})


def exclude_spec(patterns: Iterable[str]) -> GitIgnoreSpec | None:
    """``--exclude`` patterns as one spec (``None`` when there are none)."""
    patterns = [p for p in patterns if p.strip()]
    return GitIgnoreSpec.from_lines(patterns) if patterns else None


def is_excluded(path: str, spec: GitIgnoreSpec | None) -> bool:
    """Whether a file named on the command line matches ``--exclude``
    (its path as given, and so any of its folders, or its name)."""
    if spec is None:
        return False
    rel = Path(os.path.normpath(path)).as_posix()
    while rel.startswith("../"):
        rel = rel[3:]
    return bool(spec.match_file(rel.lstrip("/")))


@dataclass(frozen=True)
class _Rules:
    """The patterns of one ignore file, and the folder they are relative to
    (a ``/``-joined path under the walk root; ``""`` for the root itself,
    ``None`` for rules above the root, matched against the path from the
    repository's top)."""

    base: str | None
    spec: GitIgnoreSpec


def _read_spec(path: str) -> GitIgnoreSpec | None:
    try:
        with open(path, "rb") as fh:
            lines = fh.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    lines = [line for line in lines if line.strip() and not line.startswith("#")]
    return GitIgnoreSpec.from_lines(lines) if lines else None


def _git_dir(top: str) -> str | None:
    """The folder holding ``info/exclude`` for the work tree at ``top``:
    ``.git`` itself, or for a linked worktree or submodule (a ``.git`` file
    saying ``gitdir: ...``) the repository's common folder."""
    dot = os.path.join(top, ".git")
    if os.path.isdir(dot):
        return dot
    try:
        with open(dot, encoding="utf-8") as fh:
            line = fh.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not line.startswith("gitdir:"):
        return None
    gitdir = os.path.join(top, line[len("gitdir:"):].strip())
    try:
        with open(os.path.join(gitdir, "commondir"), encoding="utf-8") as fh:
            return os.path.normpath(os.path.join(gitdir, fh.readline().strip()))
    except (OSError, UnicodeDecodeError):
        return gitdir


@lru_cache(maxsize=64)
def _global_excludes(top: str) -> GitIgnoreSpec | None:
    """``core.excludesFile`` as git resolves it for the repository at
    ``top`` (its config, the user's, the system's), else git's default,
    ``$XDG_CONFIG_HOME/git/ignore``."""
    path = None
    try:
        out = subprocess.run(
            ["git", "-C", top, "config", "--path", "--get", "core.excludesFile"],
            capture_output=True, text=True, timeout=10,
        )
        if out.returncode == 0 and out.stdout.strip():
            path = out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    if path is None:
        xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        path = os.path.join(xdg, "git", "ignore")
    return _read_spec(os.path.expanduser(path))


def work_tree_top(folder: str) -> str | None:
    """The top of the git work tree holding ``folder`` (``None``: not in one)."""
    here = Path(os.path.abspath(folder))
    for candidate in (here, *here.parents):
        if os.path.exists(candidate / ".git"):
            return str(candidate)
    return None


def _repo_rules(top: str) -> list[_Rules]:
    """Rules that hold for a whole repository, lowest precedence first."""
    rules = []
    for spec in (_global_excludes(top), _read_spec(os.path.join(_git_dir(top) or "", "info", "exclude"))):
        if spec is not None:
            rules.append(_Rules(None, spec))
    return rules


@dataclass
class _Walk:
    root: str
    exclude: GitIgnoreSpec | None
    ignore: bool
    # rel folder -> the rules in force there, lowest precedence first
    rules: dict[str, list[_Rules]] = field(default_factory=dict)
    # rel folders inside a git work tree (only there is .gitignore read)
    in_repo: set[str] = field(default_factory=set)
    # rel folder -> its path from its repository's top (rules with base None)
    from_top: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        rules: list[_Rules] = []
        prefix = ""
        top = work_tree_top(self.root) if self.ignore else None
        if top is not None:
            rules = _repo_rules(top)
            rel_root = Path(os.path.abspath(self.root)).relative_to(top).as_posix()
            if rel_root != ".":
                ancestors = rel_root.split("/")
                above = list(rules)
                for i in range(len(ancestors)):  # .gitignore files from the top down to the root's parent
                    spec = _read_spec(os.path.join(top, *ancestors[:i], ".gitignore"))
                    if spec is not None:
                        above.append(_Rules(None, spec))
                self.from_top[""] = rel_root + "/"
                if self._ignored_by(above, "", rel_root + "/"):
                    rules = []  # an ignored folder, named explicitly: only its own rules
                else:
                    rules = above
                prefix = rel_root + "/"
        self.from_top.setdefault("", prefix)
        self.rules[""] = rules
        if top is not None:
            self.in_repo.add("")

    def _ignored_by(self, rules: list[_Rules], rel: str, top_rel: str) -> bool:
        for r in reversed(rules):  # highest precedence first: the first rule that matches decides
            if r.base is None:
                path = top_rel
            else:
                path = rel[len(r.base) + 1:] if r.base else rel
            result = r.spec.check_file(path).include
            if result is not None:
                return result
        return False

    def enter(self, rel_dir: str, filenames: list[str], dirnames: list[str]) -> list[_Rules]:
        """The rules in force inside ``rel_dir`` (reading its .gitignore)."""
        rules = self.rules.pop(rel_dir)
        if not self.ignore:
            return rules
        if rel_dir and (".git" in dirnames or ".git" in filenames):  # a nested repository: its own rules
            top = os.path.join(self.root, rel_dir)
            rules = _repo_rules(top)
            self.from_top[rel_dir] = ""
            self.in_repo.add(rel_dir)
        if ".gitignore" in filenames and rel_dir in self.in_repo:
            spec = _read_spec(os.path.join(self.root, rel_dir, ".gitignore"))
            if spec is not None:
                rules = [*rules, _Rules(rel_dir, spec)]
        return rules

    def skip(self, rules: list[_Rules], rel: str, rel_dir: str, name: str, is_dir: bool) -> bool:
        suffix = "/" if is_dir else ""
        if self.exclude is not None and self.exclude.match_file(rel + suffix):
            return True
        if not rules:
            return False
        return self._ignored_by(rules, rel + suffix, self.from_top[rel_dir] + name + suffix)


def walk_files(root: str, exclude: GitIgnoreSpec | None = None, *, ignore: bool = True) -> Iterator[str]:
    """Every path under the folder ``root`` that a run should look at, in
    sorted order: files, symbolic links (not followed) and other entries
    that are not folders; the caller decides what each is."""
    walk = _Walk(root, exclude, ignore)
    walk.start()
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
        rules = walk.enter(rel_dir, filenames, dirnames)
        base = f"{rel_dir}/" if rel_dir else ""
        kept = []
        for d in sorted(dirnames):
            if d in SKIP_DIRS or walk.skip(rules, base + d, rel_dir, d, True):
                continue
            kept.append(d)
            walk.rules[base + d] = rules
            if rel_dir in walk.in_repo:
                walk.in_repo.add(base + d)
            walk.from_top[base + d] = walk.from_top[rel_dir] + d + "/"
        dirnames[:] = kept
        for name in sorted(filenames):
            if name == ".git":  # a linked worktree's or submodule's pointer to its repository
                continue
            if not walk.skip(rules, base + name, rel_dir, name, False):
                yield os.path.join(dirpath, name)
        walk.from_top.pop(rel_dir, None)
        walk.in_repo.discard(rel_dir)


def walk_many(roots: Sequence[str], exclude: Iterable[str] = (), *, ignore: bool = True) -> Iterator[tuple[str, str]]:
    """``(path, root)`` for every file :func:`walk_files` yields under each root."""
    spec = exclude_spec(exclude)
    for root in roots:
        for path in walk_files(root, spec, ignore=ignore):
            yield path, root
