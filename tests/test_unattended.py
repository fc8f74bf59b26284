"""Unattended runs: concurrent edits, backups on a failing disk, hard links,
any text in the report, bad configuration (issue 15).

Signals are tested through a subprocess in ``test_bad_input.py``
(``test_sigterm_and_sighup_stop_the_run_like_ctrl_c``). The conditions here
cannot be produced reliably from outside the process (a file edited between
the read and the write, a disk that fills up during one step), so these
call :func:`textfix.cli.main` in-process with that step patched.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import textfix
from textfix import atomic, cli, tasks

REPO = Path(__file__).resolve().parent.parent
MOJIBAKE = "The cafÃ© on the corner served a rÃ©sumÃ© of the dayâ€™s news.\n"
FIXED = "The café on the corner served a résumé of the day’s news.\n"
GBK_TEXT = "我们今天在北京召开会议，讨论经济发展的问题。\n" * 20  # grows by half as UTF-8


def fix(*args: str) -> int:
    return cli.main(["fix", *args, "--color", "never", "--no-progress"])


def temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if atomic.is_temp(p.name)]


def json_report(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------- concurrent edits


def test_file_edited_during_the_run_is_left_with_the_edit(tmp_path, monkeypatch, capsys):
    """Someone appends a line after textfix read the file: the repair of the
    old content is not renamed over the edit."""
    f = tmp_path / "big.txt"
    f.write_text(MOJIBAKE * 50, encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(MOJIBAKE, encoding="utf-8")
    real = textfix.fix_bytes

    def edit_meanwhile(data, config=None, **kw):
        if data.startswith(MOJIBAKE.encode()) and len(data) > len(MOJIBAKE.encode()) * 2:
            with open(f, "a", encoding="utf-8") as fh:
                fh.write("a line added while textfix ran\n")
        return real(data, config, **kw)

    monkeypatch.setattr(textfix, "fix_bytes", edit_meanwhile)
    rc = fix(str(tmp_path), "-j", "1", "--format", "json")
    report = {Path(x["path"]).name: x for x in json_report(capsys)["files"]}
    assert rc == 2
    assert report["big.txt"]["status"] == "error" and "changed during the run" in report["big.txt"]["error"]
    assert f.read_text(encoding="utf-8") == MOJIBAKE * 50 + "a line added while textfix ran\n"
    assert other.read_text(encoding="utf-8") == FIXED  # the rest of the run went on
    assert not temps(tmp_path)


def test_streamed_corpus_edited_during_the_run_is_left_with_the_edit(tmp_path, monkeypatch, capsys):
    f = tmp_path / "c.jsonl"
    lines = [json.dumps({"text": MOJIBAKE}) + "\n"] * 5
    f.write_text("".join(lines), encoding="utf-8")
    real = tasks.jsonl_chunk

    def edit_meanwhile(*args, **kw):
        with open(f, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"text": "added meanwhile"}) + "\n")
        return real(*args, **kw)

    monkeypatch.setattr(tasks, "jsonl_chunk", edit_meanwhile)
    rc = fix(str(f), "-j", "1", "--format", "json")
    report = json_report(capsys)["files"][0]
    assert rc == 2 and "changed during the run" in report["error"]
    assert f.read_text(encoding="utf-8") == "".join(lines) + json.dumps({"text": "added meanwhile"}) + "\n"
    assert not temps(tmp_path)


def test_file_replaced_by_another_during_the_run(tmp_path, monkeypatch, capsys):
    """Same size, new inode (an editor saving by rename): still detected."""
    f = tmp_path / "a.txt"
    f.write_text(MOJIBAKE, encoding="utf-8")
    replacement = MOJIBAKE.replace("corner", "cornea").encode()
    real = textfix.fix_bytes

    def replace_meanwhile(data, config=None, **kw):
        tmp = tmp_path / "editor-save"
        tmp.write_bytes(replacement)
        os.replace(tmp, f)
        return real(data, config, **kw)

    monkeypatch.setattr(textfix, "fix_bytes", replace_meanwhile)
    assert fix(str(f), "--format", "json") == 2
    assert "changed during the run" in json_report(capsys)["files"][0]["error"]
    assert f.read_bytes() == replacement


# ---------------------------------------------------------------- backups


def _no_hard_links(monkeypatch):
    """A file system without hard links: the backup is staged as a copy."""
    def refuse(*a, **k):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", refuse)


@pytest.mark.parametrize("links", [True, False], ids=["hard-link", "copy"])
def test_backup_holds_the_original(tmp_path, monkeypatch, links):
    if not links:
        _no_hard_links(monkeypatch)
    f = tmp_path / "a.txt"
    f.write_text(MOJIBAKE, encoding="utf-8")
    os.chmod(f, 0o640)
    assert fix(str(f), "--backup", ".orig") == 1
    assert f.read_text(encoding="utf-8") == FIXED and (tmp_path / "a.txt.orig").read_text(encoding="utf-8") == MOJIBAKE
    assert (tmp_path / "a.txt.orig").stat().st_mode & 0o777 == 0o640 and f.stat().st_mode & 0o777 == 0o640
    assert f.stat().st_nlink == 1 and (tmp_path / "a.txt.orig").stat().st_nlink == 1
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "a.txt.orig"]


@pytest.mark.parametrize("earlier", [True, False], ids=["earlier-backup", "no-backup-yet"])
def test_full_disk_while_copying_the_backup(tmp_path, monkeypatch, capsys, earlier):
    """The issue's case: the backup copy hits a full disk after 16 KB. The
    file and an earlier backup stay byte-identical; no partial backup."""
    _no_hard_links(monkeypatch)
    f = tmp_path / "b.txt"
    f.write_text(MOJIBAKE * 2000, encoding="utf-8")  # 140 KB
    original = f.read_bytes()
    backup = tmp_path / "b.txt.orig"
    if earlier:
        backup.write_bytes(b"an earlier, complete backup\n" * 5000)
    before = backup.read_bytes() if earlier else None
    real_sendfile, real_write = os.sendfile, os.write

    def full_after_16k(out_fd, in_fd, offset, count):
        if os.lseek(out_fd, 0, os.SEEK_CUR) >= 16384:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_sendfile(out_fd, in_fd, offset, min(count, 16384))

    def write_full_after_16k(fd, data):  # where shutil copies without sendfile
        if os.lseek(fd, 0, os.SEEK_CUR) >= 16384:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data[:16384])

    monkeypatch.setattr(atomic.os, "sendfile", full_after_16k)
    monkeypatch.setattr(atomic.os, "write", write_full_after_16k)
    rc = fix(str(f), "--backup", ".orig", "--format", "json")
    monkeypatch.undo()
    report = json_report(capsys)["files"][0]
    assert rc == 2 and "No space left on device" in report["error"] and "original is unchanged" in report["error"]
    assert f.read_bytes() == original
    if earlier:
        assert backup.read_bytes() == before
    else:
        assert not backup.exists()
    assert not temps(tmp_path)


@pytest.mark.parametrize("step", ["fsync", "rename-backup"])
def test_backup_failure_after_the_new_content_leaves_both_files(tmp_path, monkeypatch, capsys, step):
    """fsync of the new content fails (no backup may be touched before it is
    on disk), or the very last rename — the backup's — fails (the original
    goes back in place)."""
    f = tmp_path / "a.txt"
    f.write_text(MOJIBAKE, encoding="utf-8")
    backup = tmp_path / "a.txt.orig"
    backup.write_text("earlier backup\n", encoding="utf-8")
    real_replace = os.replace

    def fail(*a, **k):
        raise OSError(errno.EIO, "Input/output error")

    def fail_backup_rename(src, dst, *a, **k):
        if os.fspath(dst).endswith(".orig"):
            fail()
        return real_replace(src, dst, *a, **k)

    if step == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", fail)
    else:
        monkeypatch.setattr(atomic.os, "replace", fail_backup_rename)
    rc = fix(str(f), "--backup", ".orig", "--format", "json")
    monkeypatch.undo()
    assert rc == 2 and "original is unchanged" in json_report(capsys)["files"][0]["error"]
    assert f.read_text(encoding="utf-8") == MOJIBAKE
    assert backup.read_text(encoding="utf-8") == "earlier backup\n"
    assert not temps(tmp_path)


def test_backup_on_a_real_full_filesystem(small_filesystem, fill_disk):
    """A 256 KB tmpfs, filled: the repair does not fit; the file and its
    earlier backup stay as they were."""
    mnt = small_filesystem
    f = mnt / "b.txt"
    f.write_bytes(GBK_TEXT.encode("gbk") * 2)  # grows as UTF-8
    (mnt / "b.txt.orig").write_bytes(b"earlier backup\n" * 1000)
    fill_disk(mnt)  # the rest of the disk
    original, earlier = f.read_bytes(), (mnt / "b.txt.orig").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    p = subprocess.run([sys.executable, "-m", "textfix", "fix", str(f), "--backup", ".orig", "--format", "json",
                        "--no-progress"], capture_output=True, env=env, timeout=300)
    assert p.returncode == 2, p.stderr.decode()[-2000:]
    assert "No space left on device" in json.loads(p.stdout)["files"][0]["error"]
    assert f.read_bytes() == original and (mnt / "b.txt.orig").read_bytes() == earlier
    assert not temps(mnt)


# ---------------------------------------------------------------- hard links


def test_hard_linked_file_is_repaired_for_every_link(tmp_path, capsys):
    a = tmp_path / "a.txt"
    a.write_bytes(GBK_TEXT.encode("gbk"))
    b = tmp_path / "b.txt"
    os.link(a, b)
    ino = a.stat().st_ino
    rc = cli.main(["fix", str(a), "--backup", ".orig", "--format", "json", "--no-progress"])
    report = json_report(capsys)["files"][0]
    assert rc == 1, report
    assert a.read_text(encoding="utf-8") == GBK_TEXT and b.read_text(encoding="utf-8") == GBK_TEXT
    assert a.stat().st_ino == b.stat().st_ino == ino and a.stat().st_nlink == 2
    assert "hard links" in report["note"]
    assert (tmp_path / "a.txt.orig").read_bytes() == GBK_TEXT.encode("gbk")
    assert not temps(tmp_path)
    assert cli.main(["fix", str(b), "--no-progress"]) == 0  # the link sees the repair


@pytest.mark.parametrize("failure", ["fallocate", "mid-write", "backup-rename"])
def test_hard_linked_file_and_a_failing_disk(tmp_path, monkeypatch, capsys, failure):
    """No space for the larger repair (fails before a byte is overwritten),
    or an I/O error half-way through the overwrite (the original bytes are
    put back from the undo copy): both links keep the original."""
    a = tmp_path / "a.txt"
    data = GBK_TEXT.encode("gbk")
    a.write_bytes(data)
    os.link(a, tmp_path / "b.txt")

    def enospc(*a_, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    if failure == "fallocate":
        if not hasattr(os, "posix_fallocate"):
            pytest.skip("no posix_fallocate")
        monkeypatch.setattr(atomic.os, "posix_fallocate", enospc)
    elif failure == "backup-rename":  # the repair is in; its backup cannot be: the original goes back
        real_replace = os.replace

        def fail_backup(src, dst, *a_, **k):
            if os.fspath(dst).endswith(".orig"):
                raise OSError(errno.EIO, "Input/output error")
            return real_replace(src, dst, *a_, **k)

        monkeypatch.setattr(atomic.os, "replace", fail_backup)
    else:
        real = atomic._overwrite
        calls = []

        def half_then_fail(path, source, size):
            calls.append(source)
            if len(calls) == 1:
                with open(path, "r+b") as fh:
                    fh.write(b"half a repair")
                raise OSError(errno.EIO, "Input/output error")
            return real(path, source, size)

        monkeypatch.setattr(atomic, "_overwrite", half_then_fail)
    rc = cli.main(["fix", str(a), "--format", "json", "--no-progress", "--backup", ".orig"])
    monkeypatch.undo()
    assert rc == 2 and "original is unchanged" in json_report(capsys)["files"][0]["error"]
    assert a.read_bytes() == data and (tmp_path / "b.txt").read_bytes() == data
    assert a.stat().st_nlink == 2 and not (tmp_path / "a.txt.orig").exists()
    assert not temps(tmp_path)


def test_output_into_a_hard_linked_copy_never_writes_the_source(tmp_path):
    """``cp -al src out`` then ``fix --output out src``: each output file is
    replaced by rename, so the source it was linked to stays as it was."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    (src / "a.txt").write_text(MOJIBAKE, encoding="utf-8")
    os.link(src / "a.txt", out / "a.txt")
    assert fix("--output", str(out), str(src)) == 1
    assert (src / "a.txt").read_text(encoding="utf-8") == MOJIBAKE
    assert (out / "a.txt").read_text(encoding="utf-8") == FIXED
    assert (src / "a.txt").stat().st_nlink == 1


# ---------------------------------------------------------------- any text in the report

ODD_NAME = "[bold red]odd.txt"  # a file name cannot hold the "/" of a closing tag
PAGE = "Andrej Karpathy, Tesla’s former head of man-made brainpower, said he would return.\nThe cafÃ© [/b] closed [red]early[/red].\n"


@pytest.mark.parametrize("color", ["always", "never"], ids=["terminal", "piped"])
def test_report_prints_file_text_and_names_as_they_are(tmp_path, color):
    (tmp_path / ODD_NAME).write_text(PAGE, encoding="utf-8")
    (tmp_path / "[italic]gone").symlink_to("nowhere")
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "300", "PYTHONIOENCODING": "utf-8"}
    outputs = {}
    for cmd in (["explain"], ["check"], ["fix", "--diff"]):
        p = subprocess.run([sys.executable, "-m", "textfix", *cmd, str(tmp_path), "--color", color, "--no-progress"],
                           capture_output=True, env=env, timeout=300)
        assert p.returncode == 2, p.stderr.decode()[-2000:]  # the broken link is an error
        assert b"Traceback" not in p.stderr and b"MarkupError" not in p.stderr
        import re

        outputs[cmd[0]] = re.sub(r"\x1b\[[0-9;]*m", "", p.stdout.decode("utf-8"))
    explain = outputs["explain"]
    assert "[man-made brainpower]" in explain  # the span that starts with a lower-case letter
    assert "[Ã©] [/b] clos" in explain
    for out in outputs.values():
        assert ODD_NAME in out and "[italic]gone" in out
    assert "+The café [/b] closed [red]early[/red]." in outputs["fix"]


# ---------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    "file,content,words",
    [
        ("textfix.toml", 'disabel = ["mojibake"]\n', ["textfix.toml", "disabel", "did you mean 'disable'"]),
        ("textfix.toml", 'threshold = "high"\n', ["textfix.toml", "threshold", "a number within 0..1", "'high'"]),
        ("textfix.toml", "threshold = 1.5\n", ["textfix.toml", "threshold", "within 0..1"]),
        ("textfix.toml", 'disable = "mojibake"\nenable = 3\n', ["textfix.toml", "enable", "a list of strings"]),
        ("textfix.toml", 'disable = ["mojibak"]\n', ["textfix.toml", "disable", "unknown pass kind 'mojibak'", "mojibake"]),
        ("textfix.toml", 'keep_boilerplate = ["menus"]\n', ["textfix.toml", "keep_boilerplate", "menus"]),
        ("pyproject.toml", '[tool.textfix\nthreshold = 0.9\n', ["pyproject.toml", "not valid TOML"]),
        ("pyproject.toml", '[tool.textfix]\nthreshhold = 0.9\n', ["pyproject.toml", "[tool.textfix]", "threshhold", "threshold"]),
    ],
)
def test_config_errors_are_one_line_usage_errors(tmp_path, monkeypatch, capsys, file, content, words):
    (tmp_path / file).write_text(content, encoding="utf-8")
    (tmp_path / "a.txt").write_text(MOJIBAKE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    rc = cli.main(["fix", "a.txt", "--no-progress", "--format", "json"])
    captured = capsys.readouterr()
    assert rc == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert json.loads(captured.out)["errors"] == [lines[0].removeprefix("textfix: ")]  # in the JSON report too
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == MOJIBAKE  # nothing ran


def test_unreadable_config_and_bad_flags(tmp_path, capsys):
    for args, words in (
        (["--config", str(tmp_path / "missing.toml")], ["missing.toml", "cannot read"]),
        (["--config", str(tmp_path)], [str(tmp_path), "cannot read"]),
        (["--threshold", "7"], ["--threshold", "0..1"]),
        (["--disable", "no-such-pass"], ["--disable", "no-such-pass"]),
        (["--jobs", "many"], ["--jobs", "many"]),
    ):
        assert cli.main(["check", str(tmp_path), *args]) == 2, args
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and all(w in err[0] for w in words), (args, err)


def test_show_config_says_where_each_setting_came_from(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.textfix]\nthreshold = 0.9\ndisable = ["spun-phrase"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["config", "--disable", "pinyin-annotation", "--to", "hant", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    where = f"{tmp_path / 'pyproject.toml'} [tool.textfix]"
    assert shown["threshold"] == {"value": 0.9, "from": where}
    assert shown["disable"] == {"value": ["spun-phrase", "pinyin-annotation"], "from": f"{where} + command line"}
    assert shown["to"] == {"value": "hant", "from": "command line"}
    assert shown["report_threshold"] == {"value": 0.5, "from": "default"}
    assert cli.main(["config"]) == 0
    text = capsys.readouterr().out
    row = next(line for line in text.splitlines() if line.startswith("threshold "))
    assert "0.9" in row and row.endswith(where)
