"""The terminal: whether to colour, the rich consoles, the progress bar.

Colour follows the conventions of black, ruff and https://no-color.org:
``--color``/``--no-color`` (or ``--color always|never``) decide when
given; otherwise ``NO_COLOR`` (set and not empty) turns colour off,
``FORCE_COLOR`` (set and not empty) turns it on even in a pipe, and
without either, colour is on when the stream is a terminal. Off means no
escape sequences at all (not even bold), as tools reading the output
expect.

Progress goes to stderr, whenever stderr is a terminal and the run turns
out long (still going after :data:`PROGRESS_DELAY` seconds with files
left), whatever stdout is: files done of the total, files per second and
the time left. It is transient: the line is gone when the run ends.
"""

from __future__ import annotations

import os
import time
from typing import IO, TYPE_CHECKING, Iterable, Iterator, Mapping, TypeVar

if TYPE_CHECKING:  # rich is imported only when something is rendered
    from rich.console import Console
    from rich.text import Text

T = TypeVar("T")

PROGRESS_DELAY = 1.0  # seconds a run goes on before its progress line appears


def wants_color(choice: str | None, stream: IO[str], environ: Mapping[str, str] | None = None) -> bool:
    """Whether to write colour to ``stream``: ``choice`` is ``always``,
    ``never`` or ``auto``/``None`` (then NO_COLOR, FORCE_COLOR, isatty)."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", ""):
        return False
    if env.get("FORCE_COLOR", ""):
        return True
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def is_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def make_console(stream: IO[str], color: str | None = "auto", environ: Mapping[str, str] | None = None) -> Console:
    """A rich console on ``stream`` that colours exactly when
    :func:`wants_color` says so. On a terminal, text wraps at word
    boundaries to its width (:func:`print_indented` keeps the indent);
    off a terminal (a pipe, a file, a CI log) lines are never broken, so
    every message stays one line for grep. Callers print paths and diff
    lines with ``soft_wrap=True``: those never break."""
    from rich.console import Console

    on = wants_color(color, stream, environ)
    terminal = is_terminal(stream)
    return Console(
        file=stream,
        force_terminal=True if on else (False if not terminal else None),
        color_system="auto" if on else None,
        no_color=not on,
        highlight=False,
        emoji=False,
        soft_wrap=not terminal,
    )


def print_indented(console: Console, text: str | Text, indent: int, style: str = "") -> None:
    """``text`` (never read as rich markup) under a heading, every line
    indented by ``indent``: wrapped at word boundaries (by cell width, so
    CJK text breaks between characters) when the console wraps, one line
    otherwise. No line is padded with trailing spaces."""
    from rich.text import Text

    body = text if isinstance(text, Text) else Text(text, style=style)
    pad = " " * indent
    if console.soft_wrap:
        console.print(Text(pad) + body, soft_wrap=True, highlight=False)
        return
    for line in body.wrap(console, max(20, console.width - indent)):
        line.rstrip()
        console.print(Text(pad) + line, soft_wrap=True, highlight=False)


def with_progress(items: Iterable[T], total: int, stream: IO[str], *, enabled: bool = True,
                  color: str | None = "auto", delay: float | None = None) -> Iterator[T]:
    """Yield ``items``; when ``enabled``, ``stream`` is a terminal and the
    run is still going after ``delay`` seconds (:data:`PROGRESS_DELAY`)
    with items left, show a progress line on ``stream`` until the last one."""
    if delay is None:
        delay = PROGRESS_DELAY
    if not enabled or total < 2 or not is_terminal(stream):
        yield from items
        return
    start = time.monotonic()
    done = 0
    iterator = iter(items)
    for item in iterator:
        done += 1
        yield item
        if done < total and time.monotonic() - start >= delay:
            break
    else:
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Files per second, once there is a rate to show."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:.1f} files/s", style="progress.data.speed")

    console = make_console(stream, color)
    columns = (TextColumn("textfix"), BarColumn(), MofNCompleteColumn(), TextColumn("files"), RateColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("files", total=total, completed=done)
        for item in iterator:
            progress.advance(task)
            yield item
