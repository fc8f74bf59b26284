"""Reports: the exit code, the rich terminal report, JSON, coloured diffs.

One :class:`Report` counts what happened to every file, the usage errors
and an interrupt, and decides the exit code; nothing else in textfix
computes one (SPEC §2):

* ``check``/``explain``: 0 nothing to fix or flag, 1 something would be fixed
  or is flagged at or above the report threshold, 2 usage or I/O error;
* ``fix``: 0 no file changed, 1 a file changed (pre-commit convention), 2
  usage or I/O error, or an interrupted run (SIGINT, SIGTERM, SIGHUP).

Every rendering treats file names, file content and messages as plain text:
they go to rich as :class:`rich.text.Text`, never as markup, so ``[/b]`` in
a scraped page or ``[the span]`` in an explain context prints as it is.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from .job import FileReport

if TYPE_CHECKING:  # rich is imported only to render (JSON reports and -q runs never load it)
    from rich.console import Console
    from rich.text import Text

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
JSON_SCHEMA_VERSION = 1


@dataclass
class Report:
    mode: str
    files: list[FileReport] = field(default_factory=list)
    usage_errors: list[str] = field(default_factory=list)
    interrupted: bool = False
    interrupted_by: str = ""  # the signal's name

    def add(self, report: FileReport) -> None:
        self.files.append(report)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def flagged_files(self) -> int:
        return sum(1 for f in self.files if f.flagged and f.status != "binary")

    @property
    def exit_code(self) -> int:
        if self.usage_errors or self.interrupted or self.count("error"):
            return EXIT_ERROR
        if self.count("changed"):
            return EXIT_FOUND
        if self.mode != "fix" and self.flagged_files:
            return EXIT_FOUND
        return EXIT_OK

    def summary(self) -> dict[str, Any]:
        kinds: Counter[str] = Counter()
        for f in self.files:
            kinds.update(x["kind"] for x in f.findings)
        return {
            "files": len(self.files),
            "changed": self.count("changed"),
            "unchanged": self.count("unchanged"),
            "binary": self.count("binary"),
            "skipped": self.count("skipped"),
            "errors": self.count("error"),
            "flagged_files": self.flagged_files,
            "findings_by_kind": dict(sorted(kinds.items())),
            "interrupted": self.interrupted,
            "exit_code": self.exit_code,
        }

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": JSON_SCHEMA_VERSION,
                "mode": self.mode,
                "files": [f.to_dict() for f in self.files],
                "errors": self.usage_errors,
                "summary": self.summary(),
            },
            ensure_ascii=False,
            indent=2,
        ).translate(_SURROGATE_ESCAPES)


# Lone surrogates (bytes kept from an undecodable input, quoted in a
# finding's ``before``) as JSON escapes: the report stays valid UTF-8, and a
# JSON reader gets the same lone surrogates back.
_SURROGATE_ESCAPES = {c: f"\\u{c:04x}" for c in range(0xDC80, 0xDD00)}


def _verb(mode: str, status: str) -> str:
    if status == "changed":
        return "fixed" if mode == "fix" else "would fix"
    return {"unchanged": "clean", "binary": "skipped (binary)", "skipped": "skipped", "error": "error"}.get(status, status)


_STATUS_STYLE = {"changed": "yellow", "unchanged": "green", "binary": "dim", "skipped": "dim", "error": "bold red"}


def _kinds_line(f: FileReport) -> str:
    fixed = Counter(x["kind"] for x in f.findings if x["applied"])
    flagged = Counter(x["kind"] for x in f.findings if not x["applied"])
    parts = [f"{k} ×{n}" for k, n in sorted(fixed.items())]
    parts += [f"{k} ×{n} (flag)" for k, n in sorted(flagged.items())]
    return ", ".join(parts)


def render_diff(diff: str, console: Console) -> None:
    from rich.text import Text

    for line in diff.splitlines():
        style = None
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        console.print(Text(line, style=style or ""), soft_wrap=True, highlight=False)


def _context(text: str, start: int, end: int, width: int = 24) -> Text:
    from rich.text import Text

    left = text[max(0, start - width) : start].split("\n")[-1]
    right = text[end : end + width].split("\n")[0]
    out = Text("…" + left)
    out.append("[" + text[start:end] + "]", style="bold")
    out.append(right + "…")
    return out


def _line(*parts: "str | tuple[str, str]", style: str = "") -> Text:
    """A line of plain text; ``(text, style)`` parts get a style."""
    from rich.text import Text

    out = Text(style=style)
    for p in parts:
        if isinstance(p, tuple):
            out.append(p[0], style=p[1])
        else:
            out.append(p)
    return out


def render_file(f: FileReport, console: Console, mode: str, explain: bool = False) -> None:
    from rich.text import Text

    def say(*parts, style: str = "") -> None:
        console.print(_line(*parts, style=style), highlight=False, soft_wrap=True)

    say((f.path, "bold"), "  ", (_verb(mode, f.status), _STATUS_STYLE.get(f.status, "")))
    if f.status == "error":
        say(f"  {f.error}", style="red")
        return
    if f.status in ("binary", "skipped"):
        say(f"  {f.note}", style="dim")
        return
    conf = f" ({f.encoding_confidence:.0%} sure)" if f.encoding_confidence is not None and f.encoding_confidence < 1 else ""
    read = f"   read as: {f.format}" if f.format else ""
    say(f"  encoding: {f.encoding}{conf}{read}   profile: {f.profile_summary}")
    if f.note:  # e.g. malformed corpus records passed through, hard links
        say(f"  note: {f.note}", style="yellow")
    if f.findings and not explain:
        say(f"  findings: {_kinds_line(f)}")
    if explain:
        text = f.original_text or ""
        for x in f.findings:
            what = "fix " if x["applied"] else "flag"
            arrow = f" → {x['after']!r}" if x["after"] is not None else ""
            detail = f"/{x['detail']}" if x.get("detail") else ""
            line = text.count("\n", 0, x["start"]) + 1 if text else 0
            place = f" at {x['where']}" if x.get("where") else ""
            say(f"  {what} {x['kind']}{detail}{place} line {line} @{x['start']}-{x['end']} "
                f"conf {x['confidence']:.2f} rule {x.get('rule') or '-'}",
                style="yellow" if x["applied"] else "magenta")
            say(f"       {x['message']}")
            if text and x["end"] > x["start"] or x["before"]:
                where = _context(text, x["start"], x["end"]) if text else Text(repr(x["before"]))
                say("       ", where, arrow, style="dim")
            elif arrow:
                say(f"       {arrow}", style="dim")
    if f.diff:
        render_diff(f.diff, console)


def render_summary(report: Report, console: Console) -> None:
    from rich.table import Table

    s = report.summary()
    table = Table(title="textfix summary", show_header=True, header_style="bold")
    table.add_column("files")
    table.add_column("fixed" if report.mode == "fix" else "would fix", justify="right")
    table.add_column("clean", justify="right")
    table.add_column("flagged", justify="right")
    table.add_column("binary", justify="right")
    row = [str(s["files"]), str(s["changed"]), str(s["unchanged"]), str(s["flagged_files"]), str(s["binary"])]
    if s["skipped"]:
        table.add_column("skipped", justify="right")
        row.append(str(s["skipped"]))
    table.add_column("errors", justify="right")
    table.add_row(*row, str(s["errors"]))
    console.print(table)
    if s["findings_by_kind"]:
        kinds = Table(show_header=True, header_style="bold")
        kinds.add_column("finding kind")
        kinds.add_column("count", justify="right")
        for k, n in s["findings_by_kind"].items():
            kinds.add_row(k, str(n))
        console.print(kinds)


def render_text(report: Report, console: Console, explain: bool = False, quiet: bool = False) -> None:
    from rich.text import Text

    for err in report.usage_errors:
        console.print(Text(f"error: {err}", style="bold red"), highlight=False, soft_wrap=True)
    for f in report.files:
        if quiet and f.status == "unchanged" and not f.flagged:
            continue
        render_file(f, console, report.mode, explain)
    if not quiet or report.exit_code:
        render_summary(report, console)
    if report.interrupted:
        by = f" by {report.interrupted_by}" if report.interrupted_by else ""
        console.print(Text(f"interrupted{by}: files not yet processed were left as they were", style="bold red"))


def write_json(report: Report, stream: TextIO) -> None:
    stream.write(report.to_json())
    stream.write("\n")
