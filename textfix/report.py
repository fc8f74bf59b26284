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
import shlex
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence, TextIO

from .job import FileReport
from .terminal import print_indented

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


def file_verb(mode: str, status: str, written: bool, flagged: int) -> str:
    """One file's outcome: "fixed" only when the repair was written (``fix``
    without ``--diff``); "would fix" otherwise; "flagged" for a file with
    flags and nothing to fix."""
    if status == "changed":
        return "fixed" if mode == "fix" and written else "would fix"
    if status == "unchanged":
        return "flagged" if flagged else "clean"
    return {"binary": "skipped (binary)", "skipped": "skipped", "error": "error"}.get(status, status)


def _verb(mode: str, f: FileReport) -> str:
    return file_verb(mode, f.status, bool(f.written), f.flagged if f.status not in ("binary", "skipped") else 0)


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


def _line(*parts: "str | Text | tuple[str, str]", style: str = "") -> Text:
    """A line of plain text; ``(text, style)`` parts get a style."""
    from rich.text import Text

    out = Text(style=style)
    for p in parts:
        if isinstance(p, Text):
            out.append_text(p)
        elif isinstance(p, tuple):
            out.append(p[0], style=p[1])
        else:
            out.append(p)
    return out


def _finding_line(x: dict[str, Any], text: str | None) -> str:
    what = "fix " if x["applied"] else "flag"
    detail = f"/{x['detail']}" if x.get("detail") else ""
    where = f"line {text.count(chr(10), 0, x['start']) + 1} " if text else ""
    change = repr(x["before"]) + (f" → {x['after']!r}" if x.get("after") is not None else "")
    return f"{what} {x['kind']}{detail} {where}{change} (conf {x['confidence']:.2f}, rule {x.get('rule') or '-'}): {x['message']}"


def render_file(f: FileReport, console: Console, mode: str, explain: bool = False, verbose: bool = False) -> None:
    def say(*parts: "str | Text | tuple[str, str]", style: str = "", indent: int = 0) -> None:
        # user text goes in as Text, never as rich markup; on a terminal it
        # wraps at word boundaries under its indent (textfix.terminal)
        print_indented(console, _line(*parts, style=style), indent)

    console.print(_line((f.path, "bold"), "  ", (_verb(mode, f), _STATUS_STYLE.get(f.status, ""))),
                  highlight=False, soft_wrap=True)  # a path never breaks
    if f.status == "error":
        say(f.error, style="red", indent=2)
        return
    if f.status in ("binary", "skipped"):
        say(f.note, style="dim", indent=2)
        return
    conf = f" ({f.encoding_confidence:.0%} sure)" if f.encoding_confidence is not None and f.encoding_confidence < 1 else ""
    read = f"   read as: {f.format}" if f.format else ""
    say(f"encoding: {f.encoding}{conf}{read}   profile: {f.profile_summary}", indent=2)
    if f.note:  # e.g. malformed corpus records passed through, hard links
        say(f"note: {f.note}", style="yellow", indent=2)
    if f.findings and not explain:
        say(f"findings: {_kinds_line(f)}", indent=2)
        if verbose:
            for x in f.findings:
                say(_finding_line(x, f.original_text), style="yellow" if x["applied"] else "magenta", indent=4)
    if explain:
        text = f.original_text or ""
        for x in f.findings:
            what = "fix " if x["applied"] else "flag"
            arrow = f" → {x['after']!r}" if x["after"] is not None else ""
            detail = f"/{x['detail']}" if x.get("detail") else ""
            line = text.count("\n", 0, x["start"]) + 1 if text else 0
            place = f" at {x['where']}" if x.get("where") else ""
            say(f"{what} {x['kind']}{detail}{place} line {line} @{x['start']}-{x['end']} "
                f"conf {x['confidence']:.2f} rule {x.get('rule') or '-'}",
                style="yellow" if x["applied"] else "magenta", indent=2)
            say(x["message"], indent=7)
            if text and x["end"] > x["start"] or x["before"]:
                where = _context(text, x["start"], x["end"]) if text else Text(repr(x["before"]))
                say(where, arrow, style="dim", indent=7)
            elif arrow:
                say(arrow, style="dim", indent=7)
    if f.diff:
        render_diff(f.diff, console)


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _tally(report: Report) -> dict[str, int]:
    """Counts for the summary and the closing line."""
    changed = [f for f in report.files if f.status == "changed"]
    written = sum(1 for f in changed if f.written)
    return {
        "changed": len(changed),
        "written": written,
        "repairs": sum(f.fixed for f in changed),
        "flags": sum(f.flagged for f in report.files if f.status not in ("binary", "skipped")),
    }


def summary_line(report: Report) -> str:
    """The run in one line (pre-commit prints one per batch: each stays one line)."""
    s = report.summary()
    t = _tally(report)
    parts = [_n(s["files"], "file")]
    if report.mode == "fix" and t["written"]:
        parts.append(f"{t['written']:,} fixed")
        if t["changed"] - t["written"]:
            parts.append(f"{t['changed'] - t['written']:,} would fix")
    else:
        parts.append(f"{t['changed']:,} would fix")
    # One word per file: changed files with flags count as changed.
    flagged_only = sum(1 for f in report.files if f.status == "unchanged" and f.flagged)
    parts.append(f"{flagged_only:,} flagged")
    parts.append(f"{s['unchanged'] - flagged_only:,} clean")
    if s["binary"]:
        parts.append(f"{s['binary']:,} binary skipped")
    if s["skipped"]:
        parts.append(f"{s['skipped']:,} skipped")
    if s["errors"]:
        parts.append(_n(s["errors"], "error"))
    return "textfix: " + ", ".join(parts) + f"; {_n(t['repairs'], 'repair')}, {_n(t['flags'], 'flag')}"


def next_step(report: Report, args: Sequence[str]) -> str | None:
    """The closing line: what to run next, with the run's own options and
    paths (``args``; the CLI puts ``PATH...`` for a long list)."""
    t = _tally(report)
    target = shlex.join(args) if args else "PATH"
    fix_cmd, explain_cmd = f"`textfix fix {target}`", f"`textfix explain {target}`"
    files_with_flags = report.flagged_files
    if report.mode == "fix" and t["written"]:
        line = f"{_n(t['repairs'], 'repair')} written in {_n(t['written'], 'file')}"
        if t["flags"]:
            line += f"; {explain_cmd} for the {_n(t['flags'], 'flag')} left"
        return line
    if t["changed"]:
        line = f"{_n(t['repairs'], 'repair')} in {_n(t['changed'], 'file')}: {fix_cmd} to apply"
        if report.mode != "explain":
            line += f", {explain_cmd} for why"
        return line
    if t["flags"]:
        line = f"{_n(t['flags'], 'flag')} in {_n(files_with_flags, 'file')}, nothing to fix"
        return line + (f": {explain_cmd} for why" if report.mode != "explain" else "")
    return None


def _kinds_summary(report: Report) -> str:
    kinds = report.summary()["findings_by_kind"]
    return "by kind: " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))


def render_text(report: Report, console: Console, explain: bool = False, quiet: bool = False,
                verbosity: int | None = None, next_args: Sequence[str] = ()) -> None:
    """The terminal report. ``verbosity``: -2 (``-qq``) nothing; -1 (``-q``)
    the names of files that would change or are flagged (errors with their
    message) and the summary line; 0 every file with something to say, the
    summary, the counts by kind and the next command; 1 (``-v``) also clean
    files and one line per finding."""
    from rich.text import Text

    if verbosity is None:
        verbosity = -1 if quiet else 0
    if verbosity <= -2:
        return
    for err in report.usage_errors:
        console.print(Text(f"error: {err}", style="bold red"), highlight=False, soft_wrap=True)
    for f in report.files:
        if verbosity < 0:
            if f.status == "error":
                console.print(Text(f"{f.path}: {f.error}", style="red"), soft_wrap=True, highlight=False)
            elif f.status == "changed" or (f.flagged and f.status not in ("binary", "skipped")):
                console.print(Text(f.path), soft_wrap=True, highlight=False)
            continue
        if f.status == "unchanged" and not f.flagged and not explain and verbosity < 1:
            continue  # clean files are counted in the summary
        render_file(f, console, report.mode, explain, verbose=verbosity >= 1)
    console.print(Text(summary_line(report), style="bold"), highlight=False)
    if verbosity >= 0:
        if report.summary()["findings_by_kind"]:
            console.print(Text(_kinds_summary(report)), highlight=False)
        step = next_step(report, next_args)
        if step:
            console.print(Text(step, style="cyan"), highlight=False)
    if report.interrupted:
        by = f" by {report.interrupted_by}" if report.interrupted_by else ""
        console.print(Text(f"interrupted{by}: files not yet processed were left as they were", style="bold red"))


def write_json(report: Report, stream: TextIO) -> None:
    stream.write(report.to_json())
    stream.write("\n")
