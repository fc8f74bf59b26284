"""Atomic in-place writes: an interrupted write leaves the original intact."""

import os

import pytest

from textfix import atomic, files


def test_atomic_write_keeps_mode_and_content(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"old")
    os.chmod(p, 0o600)
    atomic.atomic_write(p, b"new")
    assert p.read_bytes() == b"new" and p.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["a.txt"]


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_interrupted_write_leaves_original(tmp_path, monkeypatch, where):
    p = tmp_path / "a.txt"
    p.write_bytes(b"original bytes")

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, where, interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write(p, b"half-written replacement")
    monkeypatch.undo()
    assert p.read_bytes() == b"original bytes"
    assert os.listdir(tmp_path) == ["a.txt"]  # no temp file left behind


def test_backup(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"old")
    atomic.atomic_write(p, b"new", backup=".orig")
    assert p.read_bytes() == b"new" and (tmp_path / "a.txt.orig").read_bytes() == b"old"


def test_collect_walks_sorted_skips_vcs_and_excluded(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "a.log").write_text("a")
    (tmp_path / "loop").symlink_to(tmp_path)  # a link loop is not followed
    got = [os.path.relpath(p, tmp_path) for p, _, err in files.collect([str(tmp_path)], ["*.log"]) if not err]
    assert got == ["a.txt", os.path.join("b", "z.txt")]
    errs = [e for _, _, e in files.collect([str(tmp_path / "nope")])]
    assert errs == ["no such file or folder"]
