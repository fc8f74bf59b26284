"""The command-line conventions of black and ruff: colour flags and
NO_COLOR/FORCE_COLOR, -q/-qq/-v, exact wording, one summary line, a closing
line naming the next command (which then works), --stdin-filename, progress
on a terminal stderr with stdout redirected, git-aware walking and --format
html, each through ``textfix.cli.main``."""

from __future__ import annotations

import json
import os
import pty
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from textfix import cli, terminal

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
MOJIBAKE = "The cafÃ© was closed.\n"
CLEAN = "The committee met on Tuesday.\n"
ANSI = re.compile(r"\x1b\[")


def _main(capsys, *argv: str) -> tuple[int, str, str]:
    rc = cli.main(["--no-progress" if a == "@np" else a for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def corpus(tmp_path):
    """Three seeds (damaged, with flags), one clean file, one mojibake file."""
    root = tmp_path / "corpus"
    root.mkdir()
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy2(p, root / p.name)
    (root / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (root / "bad.txt").write_text(MOJIBAKE, encoding="utf-8")
    return root


def _json(capsys, *argv: str) -> dict:
    rc, out, _ = _main(capsys, *argv, "--format", "json", "--no-progress", "-j", "1")
    data = json.loads(out)
    assert data["summary"]["exit_code"] == rc
    return data


@pytest.mark.parametrize("env, flags, coloured", [
    ({"FORCE_COLOR": "1"}, [], True),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),
    ({}, ["--color"], True),
    ({"NO_COLOR": "1"}, ["--color=always"], True),
    ({"FORCE_COLOR": "1"}, ["--no-color"], False),
    ({}, [], False),  # captured stdout is not a terminal
])
def test_colour_flags_and_environment(capsys, monkeypatch, tmp_path, env, flags, coloured):
    for k in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    f = tmp_path / "bad.txt"
    f.write_text(MOJIBAKE, encoding="utf-8")
    rc, out, _ = _main(capsys, "check", *flags, "--no-progress", str(f))
    assert rc == 1 and "would fix" in ANSI.sub("", out)
    assert bool(ANSI.search(out)) is coloured


def test_quiet_lists_names_and_one_summary_line_and_qq_nothing(capsys, corpus):
    data = _json(capsys, "check", str(corpus))
    listed = [f["path"] for f in data["files"] if f["status"] == "changed" or f["flagged"]]
    rc, out, _ = _main(capsys, "check", "-q", "--no-progress", "-j", "1", str(corpus))
    lines = out.splitlines()
    assert rc == 1 and lines[:-1] == listed and len(listed) == 4  # the clean file is not named
    assert lines[-1].startswith("textfix: 5 files, 4 would fix, 0 flagged, 1 clean;")
    rc, out, err = _main(capsys, "check", "-qq", "--no-progress", "-j", "1", str(corpus))
    assert rc == 1 and out == "" and err == ""


def test_verbose_adds_one_line_per_finding_and_clean_files(capsys, corpus):
    data = _json(capsys, "check", str(corpus))
    rc, out, _ = _main(capsys, "check", "-v", "--no-progress", "-j", "1", str(corpus))
    per_finding = [line for line in out.splitlines() if re.match(r"    (fix |flag) \S+", line)]
    assert len(per_finding) == sum(len(f["findings"]) for f in data["files"])
    assert f"{corpus / 'clean.txt'}  clean" in out
    rc, out, _ = _main(capsys, "check", "--no-progress", "-j", "1", str(corpus))
    assert "clean.txt" not in out  # by default clean files are only counted
    assert not any(re.match(r"    (fix |flag) \S+", line) for line in out.splitlines())


def test_wording_and_one_summary_per_run(capsys, corpus):
    rc, out, _ = _main(capsys, "fix", "--diff", "--no-progress", "-j", "1", str(corpus))
    assert rc == 1 and "would fix" in out and "fixed" not in out  # nothing was written
    assert sum(line.startswith("textfix:") for line in out.splitlines()) == 1
    assert (corpus / "bad.txt").read_text(encoding="utf-8") == MOJIBAKE
    rc, out, _ = _main(capsys, "fix", "--no-progress", "-j", "1", str(corpus))
    assert rc == 1 and f"{corpus / 'bad.txt'}  fixed" in out and "would fix" not in out
    summary = [line for line in out.splitlines() if line.startswith("textfix:")]
    assert summary == [summary[0]] and "4 fixed" in summary[0]
    rc, out, _ = _main(capsys, "check", "--no-progress", "-j", "1", str(corpus))
    assert rc == 1 and "  flagged" in out and "0 would fix" in out and "fixed" not in out.replace("would fix", "")
    assert "textfix explain PATH" not in out  # the folder itself is named


def test_closing_line_names_the_next_command_and_it_works(capsys, corpus):
    data = _json(capsys, "check", "--disable", "spun-phrase", str(corpus))
    rc, out, _ = _main(capsys, "check", "--disable", "spun-phrase", "--no-progress", "-j", "1", str(corpus))
    last = out.splitlines()[-1]
    m = re.fullmatch(r"([\d,]+) repairs? in (\d+) files?: `textfix fix (.+)` to apply, `textfix explain (.+)` for why", last)
    assert m, last
    changed = [f for f in data["files"] if f["status"] == "changed"]
    assert int(m.group(1).replace(",", "")) == sum(f["fixed"] for f in changed)
    assert int(m.group(2)) == len(changed) and m.group(3) == m.group(4)
    suggested = shlex.split(m.group(3))
    assert suggested[:2] == ["--disable", "spun-phrase"]  # the run's own options come along
    assert cli.main(["fix", "--no-progress", "-q", *suggested]) == 1
    capsys.readouterr()
    assert (corpus / "bad.txt").read_text(encoding="utf-8") == "The café was closed.\n"
    rc, out, _ = _main(capsys, "check", "--disable", "spun-phrase", "--no-progress", str(corpus))
    assert out.splitlines()[-1].endswith("for why") and "nothing to fix" in out.splitlines()[-1]


def test_stdin_filename_selects_config_format_and_exclude(capsys, monkeypatch, tmp_path):
    import io
    import sys

    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "textfix.toml").write_text('disable = ["mojibake"]\n', encoding="utf-8")

    def run(stdin: bytes, *argv: str) -> tuple[int, bytes, str]:
        out = io.BytesIO()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, write_through=True))
        rc = cli.main(list(argv))
        sys.stdout.flush()
        return rc, out.getvalue(), capsys.readouterr().err

    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(MOJIBAKE.encode(), "fix", "--stdin-filename", str(folder / "a.txt"), "-")
    assert rc == 0 and out == MOJIBAKE.encode()  # that folder's config disables the pass
    rc, out, _ = run(MOJIBAKE.encode(), "fix", "--stdin-filename", str(tmp_path / "a.txt"), "-")
    assert rc == 1 and out == "The café was closed.\n".encode()
    records = (json.dumps({"id": 1, "text": MOJIBAKE.strip()}) + "\n" + json.dumps({"id": 2, "n": 3}) + "\n").encode()
    rc, out, _ = run(records, "fix", "--stdin-filename", "shard.jsonl", "-")
    assert rc == 1
    assert [json.loads(line) for line in out.decode().splitlines()] == [{"id": 1, "text": "The café was closed."}, {"id": 2, "n": 3}]
    rc, out, _ = run(records, "check", "--format", "json", "--stdin-filename", "shard.jsonl", "-")
    report = json.loads(out)
    assert report["files"][0]["path"] == "shard.jsonl" and report["files"][0]["corpus"]["records"] == 2
    rc, out, _ = run(MOJIBAKE.encode(), "fix", "--stdin-filename", "vendor/x.txt", "--exclude", "vendor/", "-")
    assert rc == 0 and out == MOJIBAKE.encode()  # excluded: passed through
    assert cli.main(["check", "--stdin-filename", "x.txt", str(tmp_path)]) == 2  # needs '-'


def test_progress_on_a_terminal_stderr_with_stdout_redirected(capsys, monkeypatch, corpus):
    import sys

    monkeypatch.setattr(terminal, "PROGRESS_DELAY", 0.0)
    master, slave = pty.openpty()
    try:
        with os.fdopen(slave, "w", encoding="utf-8", closefd=False) as tty:
            monkeypatch.setattr(sys, "stderr", tty)
            rc = cli.main(["check", "-q", "-j", "1", str(corpus)])
            tty.flush()
        os.set_blocking(master, False)
        try:
            shown = os.read(master, 1 << 16).decode("utf-8", "replace")
        except BlockingIOError:
            shown = ""
    finally:
        os.close(master)
        os.close(slave)
    out = capsys.readouterr().out
    assert rc == 1 and "textfix:" in out and "/5" not in out  # the report: stdout, no progress in it
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    assert re.search(r"\b[1-5]/5 files\b", shown), shown  # the rate: tests/test_terminal.py (slow items)
    rc = cli.main(["check", "-q", "-j", "1", "--no-progress", str(corpus)])
    assert "/5" not in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_walk_follows_gitignore_and_no_ignore_turns_it_off(capsys, monkeypatch, corpus, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    subprocess.run(["git", "init", "-q", str(corpus)], check=True)
    (corpus / ".gitignore").write_text("bad.txt\n0*.txt\n!000_*.txt\n", encoding="utf-8")
    names = lambda data: sorted(Path(f["path"]).name for f in data["files"])  # noqa: E731
    assert names(_json(capsys, "check", str(corpus))) == [".gitignore", "000_9c28b73ea4379fda.txt", "clean.txt"]
    every = names(_json(capsys, "check", "--no-ignore", str(corpus)))
    assert "bad.txt" in every and "001_3d10ccdee73fe6c1.txt" in every
    assert names(_json(capsys, "check", "--no-ignore", "--exclude", "/0*", "--exclude", "!003_*", str(corpus))) == [
        ".gitignore", "003_9c42bb25ab8a9337.txt", "bad.txt", "clean.txt"]
    assert names(_json(capsys, "check", str(corpus / "bad.txt"))) == ["bad.txt"]  # named files: never git-filtered


def test_format_html_numbers_match_format_json(capsys, corpus):
    from test_html_report import _parse

    data = _json(capsys, "check", str(corpus))
    rc, out, _ = _main(capsys, "check", "--format", "html", "--no-progress", "-j", "1", str(corpus))
    page = _parse(out)
    assert rc == data["summary"]["exit_code"]
    for key in ("files", "changed", "flagged_files", "unchanged", "binary", "errors"):
        assert page.totals[key] == data["summary"][key]
    assert {k: a + b for k, (a, b) in page.bars["by-kind"].items()} == data["summary"]["findings_by_kind"]
    assert [(r["path"], r["fixed"], r["flagged"]) for r in page.rows] == [(f["path"], f["fixed"], f["flagged"]) for f in data["files"]]
    bad = next(f for f in page.files if f["path"].endswith("bad.txt"))
    assert bad["panes"]["before"]["text"] == MOJIBAKE and bad["panes"]["after"]["text"] == "The café was closed.\n"
    assert [m["text"] for m in bad["panes"]["after"]["marks"]] == ["é"]
