"""Colour decisions (flags, NO_COLOR, FORCE_COLOR, isatty) and the progress
line on a terminal stderr (a pseudo-terminal here)."""

from __future__ import annotations

import io
import os
import pty
import re
import time

import pytest

from textfix.terminal import make_console, print_indented, wants_color, with_progress

ANSI = re.compile(r"\x1b\[")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    "choice, env, tty, expected",
    [
        ("always", {"NO_COLOR": "1"}, False, True),  # a flag beats the environment
        ("never", {"FORCE_COLOR": "1"}, True, False),
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        (None, {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # set but empty: ignored (no-color.org)
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
    ],
)
def test_wants_color(choice, env, tty, expected):
    stream = _Tty() if tty else io.StringIO()
    assert wants_color(choice, stream, env) is expected


@pytest.mark.parametrize("choice, env, tty", [("auto", {"FORCE_COLOR": "1"}, False), ("always", {}, False),
                                              ("never", {}, True), ("auto", {"NO_COLOR": "1"}, True),
                                              ("auto", {}, False)])
def test_console_writes_escapes_exactly_when_colour_is_wanted(choice, env, tty):
    stream = _Tty() if tty else io.StringIO()
    console = make_console(stream, choice, env)
    console.print("[bold red]damaged[/bold red] text")
    out = stream.getvalue()
    assert "damaged text" in ANSI.sub("", re.sub(r"\x1b\[[0-9;]*m", "", out))
    assert bool(ANSI.search(out)) is wants_color(choice, stream, env)


def test_terminal_output_wraps_at_word_boundaries_with_the_indent(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    stream = _Tty()
    console = make_console(stream, "never", {})
    words = " ".join(f"word{i:02d}" for i in range(40))
    print_indented(console, words, 4)
    lines = stream.getvalue().splitlines()
    assert len(lines) > 1 and all(len(line) <= 60 and line.startswith("    word") for line in lines)
    assert all(line == line.rstrip() for line in lines)  # no padding
    assert " ".join(lines).split() == words.split()  # no word cut in two


def test_piped_output_is_never_broken():
    stream = io.StringIO()
    console = make_console(stream, "never", {})
    words = " ".join(f"word{i:02d}" for i in range(40))
    print_indented(console, words, 2)
    assert stream.getvalue() == "  " + words + "\n"


def _slow(n: int, pause: float):
    for i in range(n):
        time.sleep(pause)
        yield i


def _on_pty(run):
    master, slave = pty.openpty()
    try:
        with os.fdopen(slave, "w", encoding="utf-8", closefd=False) as stream:
            result = run(stream)
            stream.flush()
        chunks = []
        os.set_blocking(master, False)
        while True:
            try:
                chunk = os.read(master, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return result, b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(master)
        os.close(slave)


def test_progress_on_a_terminal_for_a_long_run():
    got, out = _on_pty(lambda s: list(with_progress(_slow(20, 0.03), 20, s, delay=0.1, color="never")))
    assert got == list(range(20))  # every item, in order
    done = [int(m) for m in re.findall(r"(\d+)/20", out)]
    assert done and max(done) <= 20 and min(done) >= 3  # appeared after the delay, counting files
    assert "files/s" in out


def test_no_progress_for_a_short_run_or_off_a_terminal():
    got, out = _on_pty(lambda s: list(with_progress(_slow(5, 0.001), 5, s, delay=5.0)))
    assert got == list(range(5)) and out == ""
    stream = io.StringIO()
    assert list(with_progress(_slow(10, 0.01), 10, stream, delay=0.0)) == list(range(10))
    assert stream.getvalue() == ""
    got, out = _on_pty(lambda s: list(with_progress(_slow(10, 0.01), 10, s, enabled=False, delay=0.0)))
    assert out == ""
