"""Folder walks: git's ignore rules in a work tree, --exclude in gitignore
syntax, --no-ignore. Each case is checked against ``git ls-files --others
--exclude-standard`` itself on the same temporary repository, so the
expected lists come from git, not from this test."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from textfix.walk import exclude_spec, is_excluded, walk_files, walk_many

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=str(home / ".gitconfig"))
    return env


@pytest.fixture
def repo(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    for k, v in _env(home).items():
        monkeypatch.setenv(k, v)
    top = tmp_path / "repo"
    top.mkdir()
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def _write(top: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = top / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def _walked(root: Path, **kw) -> list[str]:
    return sorted(Path(p).relative_to(root).as_posix() for p in walk_files(str(root), **kw))


def _git_sees(top: Path, under: str = ".") -> list[str]:
    out = subprocess.run(["git", "-C", str(top / under), "ls-files", "--others", "--exclude-standard", "-z", "."],
                         capture_output=True, check=True).stdout.decode()
    return sorted(p for p in out.split("\0") if p)


TREE = {
    "keep.txt": "a",
    "debug.log": "a",
    "logs/keep.log": "a",
    "logs/app.log": "a",
    "build/out.txt": "a",
    "src/build/gen.txt": "a",
    "src/main.txt": "a",
    "src/notes.tmp": "a",
    "src/deep/a/b/c.txt": "a",
    "src/deep/a/x/y/b/d.txt": "a",
    "top-only.txt": "a",
    "src/top-only.txt": "a",
    "docs/a.md": "a",
    "docs/b.md": "a",
    "docs/private/secret.md": "a",
    "vendor/lib.txt": "a",
    "vendor/keep/this.txt": "a",
}

GITIGNORE = {
    ".gitignore": "*.log\n!logs/keep.log\nbuild/\n/top-only.txt\nsrc/deep/**/b\n# a comment\n\n",
    "docs/.gitignore": "*.md\n!b.md\nprivate/\n",
    "vendor/.gitignore": "*\n!keep/\n!keep/**\n!.gitignore\n",
}


def test_gitignore_at_every_level_matches_git(repo):
    _write(repo, TREE | GITIGNORE)
    assert _walked(repo) == _git_sees(repo)
    walked = _walked(repo)
    assert "logs/keep.log" in walked and "logs/app.log" not in walked  # negation
    assert "src/top-only.txt" in walked and "top-only.txt" not in walked  # anchored
    assert "src/deep/a/b/c.txt" not in walked and "src/deep/a/x/y/b/d.txt" not in walked  # a/**/b
    assert "docs/b.md" in walked and "docs/a.md" not in walked  # a deeper .gitignore
    assert "vendor/keep/this.txt" in walked and "vendor/lib.txt" not in walked


def test_info_exclude_and_global_excludes(repo):
    _write(repo, TREE)
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("*.tmp\n", encoding="utf-8")
    home = Path(os.environ["HOME"])
    (home / ".config" / "git").mkdir(parents=True)
    (home / ".config" / "git" / "ignore").write_text("vendor/\n", encoding="utf-8")  # git's default place
    assert _walked(repo) == _git_sees(repo)
    assert "src/notes.tmp" not in _walked(repo) and "vendor/lib.txt" not in _walked(repo)


def test_configured_excludes_file(repo, tmp_path):
    _write(repo, TREE)
    ignore = tmp_path / "my-ignore"
    ignore.write_text("docs/\n", encoding="utf-8")
    subprocess.run(["git", "config", "--global", "core.excludesFile", str(ignore)], check=True)
    assert _walked(repo) == _git_sees(repo)
    assert not any(p.startswith("docs/") for p in _walked(repo))


def test_subfolder_of_a_work_tree_uses_the_rules_above_it(repo):
    _write(repo, TREE | GITIGNORE | {"src/.gitignore": "*.tmp\n"})
    assert _walked(repo / "src") == _git_sees(repo, "src")
    assert "build/gen.txt" not in _walked(repo / "src")  # the top's build/ rule


def test_an_ignored_folder_named_explicitly_is_walked(repo):
    _write(repo, TREE | GITIGNORE | {"build/.gitignore": "*.o\n", "build/x.o": "a"})
    assert _walked(repo / "build") == [".gitignore", "out.txt"]


def test_nested_repository_has_its_own_rules(repo):
    _write(repo, TREE | GITIGNORE)
    inner = repo / "src" / "inner"
    subprocess.run(["git", "init", "-q", str(inner)], check=True)
    _write(inner, {"a.log": "a", "b.txt": "a", ".gitignore": "b.txt\n"})
    walked = _walked(repo)
    assert "src/inner/b.txt" not in walked
    assert "src/inner/a.log" in walked  # the outer *.log does not reach into it (as in git)
    assert _walked(inner) == _git_sees(inner)


def test_linked_worktree_uses_the_repository_rules(repo, tmp_path):
    """A linked worktree has a ``.git`` file; its info/exclude is the main
    repository's, and the ``.git`` file itself is never a file to check."""
    _write(repo, {"a.txt": "a", ".gitignore": "*.log\n"})
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"], check=True)
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("*.tmp\n", encoding="utf-8")
    linked = tmp_path / "linked"
    subprocess.run(["git", "-C", str(repo), "worktree", "add", "-q", str(linked)], check=True)
    _write(linked, {"b.log": "a", "c.tmp": "a", "d.txt": "a"})
    assert (linked / ".git").is_file()
    assert _walked(linked) == [".gitignore", "a.txt", "d.txt"]
    assert _git_sees(linked) == ["d.txt"]  # untracked only; a.txt and .gitignore are tracked


def test_no_ignore_walks_everything_but_tool_folders(repo):
    _write(repo, TREE | GITIGNORE | {"node_modules/x.txt": "a"})
    assert _walked(repo, ignore=False) == sorted([*TREE, *GITIGNORE])


def test_outside_a_work_tree_gitignore_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    _write(tmp_path / "plain", TREE | GITIGNORE)
    assert _walked(tmp_path / "plain") == sorted([*TREE, *GITIGNORE])


def test_exclude_uses_gitignore_syntax(tmp_path):
    """The patterns fnmatch got wrong: ``a/**/b``, anchoring, negation,
    directory-only patterns, compared with git's answer for the same
    patterns as a .gitignore."""
    root = tmp_path / "tree"
    _write(root, TREE)
    patterns = ["src/deep/**/b", "/top-only.txt", "*.md", "!docs/b.md", "build/", "*.tmp"]
    walked = _walked(root, exclude=exclude_spec(patterns))
    assert "src/top-only.txt" in walked and "top-only.txt" not in walked
    assert "docs/b.md" in walked and "docs/a.md" not in walked
    assert "src/deep/a/x/y/b/d.txt" not in walked and "src/build/gen.txt" not in walked
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("\n".join(patterns) + "\n", encoding="utf-8")
    env = _env(tmp_path / "nohome")
    out = subprocess.run(["git", "-C", str(root), "ls-files", "--others", "--exclude-standard"],
                         capture_output=True, text=True, check=True, env=env).stdout.split()
    assert walked == sorted(out)


def test_exclude_and_gitignore_together(repo):
    _write(repo, TREE | GITIGNORE)
    walked = _walked(repo, exclude=exclude_spec(["src/"]))
    assert walked == [p for p in _git_sees(repo) if not p.startswith("src/")]


def test_named_files_match_exclude_by_path_or_name():
    spec = exclude_spec(["*.log", "/build/", "a/**/b"])
    assert is_excluded("x/y.log", spec) and is_excluded("./build/z.txt", spec)
    assert is_excluded("a/q/b", spec) and not is_excluded("src/build.txt", spec)
    assert not is_excluded("x/y.txt", spec) and not is_excluded("x.log", None)


def test_walk_many_keeps_root_order(tmp_path):
    _write(tmp_path / "b", {"1.txt": "a"})
    _write(tmp_path / "a", {"2.txt": "a", "3.txt": "a"})
    got = [(Path(p).name, Path(r).name) for p, r in walk_many([str(tmp_path / "b"), str(tmp_path / "a")])]
    assert got == [("1.txt", "b"), ("2.txt", "a"), ("3.txt", "a")]
