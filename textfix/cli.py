"""The ``textfix`` command: argument wiring only.

    textfix check PATH...     report damage; exit 1 when something would change
    textfix fix PATH...       repair in place (atomic); --diff, --output DIR, '-'
    textfix explain PATH...   every finding with its rule, context, confidence
    textfix config            the settings in force and where each came from

The work itself is one call: :func:`textfix.scheduler.run` with a
:class:`~textfix.job.Job` and an executor; its :class:`~textfix.report.Report`
gives the exit code on every path (usage errors and interrupts included).

argparse (stdlib) is enough for three subcommands and shared options; it
keeps the install small and the startup fast for the pre-commit hook.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Iterable, Sequence

from . import __version__
from . import scheduler
from .config import BOILERPLATE_CATEGORIES, SETTINGS, TARGETS, Config, ConfigError, find_config_file, read_table
from .formats import KINDS
from .interrupts import signals_as_interrupt
from .job import FileReport, Job
from .report import Report, render_text, write_json
from .scheduler import local_executor

PROGRESS_MIN_FILES = 20


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # a usage error goes to the Report, not straight to exit(2)
        raise _UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    settings = _Parser(add_help=False)
    settings.add_argument("--config", metavar="FILE", help="config file (default: nearest textfix.toml or pyproject.toml [tool.textfix])")
    settings.add_argument("--to", choices=TARGETS, help="convert Chinese script after repair")
    settings.add_argument(
        "--regional-quotes", action="store_true", default=None,
        help="with --to hant-tw/hant-hk, also write “” and ‘’ around Chinese text as 「」 and 『』",
    )
    settings.add_argument("--threshold", type=float, help="apply edits with at least this confidence (0..1)")
    settings.add_argument("--report-threshold", type=float, help="report flags with at least this confidence (0..1)")
    settings.add_argument("--enable", action="append", metavar="KIND", help="run only these passes (repeatable)")
    settings.add_argument("--disable", action="append", default=[], metavar="KIND", help="skip these passes (repeatable)")
    settings.add_argument("--keep-boilerplate", action="append", default=[], choices=BOILERPLATE_CATEGORIES, metavar="CATEGORY", help="boilerplate category to keep (repeatable)")
    settings.add_argument("--corpus-furniture", action="store_true", default=None, help="count lines and title prefixes repeated across each folder's documents; treat them as furniture")
    shown = _Parser(add_help=False)
    shown.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    shown.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    common = _Parser(add_help=False)
    common.add_argument("paths", nargs="+", metavar="PATH", help="files or folders ('-' for stdin)")
    common.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="parallel worker processes (default: cores)")
    common.add_argument("--exclude", action="append", default=[], metavar="PATTERN", help=".gitignore-style pattern to skip (repeatable)")
    common.add_argument("--quiet", "-q", action="store_true", help="list only files with findings")
    common.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    common.add_argument("--read-as", choices=KINDS, metavar="KIND",
                        help=f"read every file as KIND ({', '.join(KINDS)}); default: by extension, content and the formats setting")
    common.add_argument("--field", default="text", metavar="NAME", help="JSONL/Parquet: the text field to repair (default: text)")
    common.add_argument("--findings-field", metavar="NAME", help="JSONL/Parquet: add each record's findings under NAME")
    common.add_argument("--engine", choices=("local", "ray"), default="local", help="where corpus chunks are repaired (ray: pip install 'textfix[ray]')")
    common.add_argument("--address", metavar="ADDR", help="Ray cluster address for --engine ray (default: start a local Ray)")

    parser = _Parser(prog="textfix", description="Detect and repair damaged text.")
    parser.add_argument("--version", action="version", version=f"textfix {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{check,fix,explain,config}")
    run_parents = [settings, shown, common]
    sub.add_parser("check", parents=run_parents, help="report damage; change nothing")
    fix = sub.add_parser("fix", parents=run_parents, help="repair files in place")
    fix.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    fix.add_argument("--output", metavar="DIR", help="write repaired copies under DIR instead of in place")
    fix.add_argument("--encoding", default="utf-8", metavar="ENC", help="output encoding (default utf-8, no BOM)")
    fix.add_argument("--backup", metavar="SUFFIX", help="keep each changed original as PATH+SUFFIX")
    sub.add_parser("explain", parents=run_parents, help="every finding with rule, context and confidence")
    sub.add_parser("config", parents=[settings, shown], help="print the settings in force and where each came from")
    return parser


COMMAND_LINE = "command line"


def _check_kinds(kinds, where: str, key: str) -> None:
    from .passes import pass_kinds

    known = pass_kinds()
    for kind in kinds or ():
        if kind not in known:
            raise ConfigError(f"{where}: {key}: unknown pass kind {kind!r}; expected one of: {', '.join(sorted(known))}")


def build_config(args: argparse.Namespace) -> tuple[Config, dict[str, str]]:
    """The settings in force, and where each came from (``default``, a
    config file, ``command line``). Raises ConfigError (one line naming the
    file or flag, the key and what was expected)."""
    sources = {name: "default" for name in SETTINGS}
    path = Path(args.config) if args.config else find_config_file()
    config = Config()
    if path is not None:
        table, where = read_table(path)
        config = Config.from_mapping(table, source=where)
        for key in table:
            sources[key.replace("-", "_")] = where
        _check_kinds(config.enable, where, "enable")
        _check_kinds(config.disable, where, "disable")
    changes: dict = {}
    for flag, name in (("to", "to"), ("threshold", "threshold"), ("report_threshold", "report_threshold")):
        value = getattr(args, flag)
        if value is not None:
            try:
                Config(**{name: value})
            except ConfigError as exc:
                raise ConfigError(f"--{name.replace('_', '-')}: {exc}") from None
            changes[name] = value
    if args.regional_quotes:
        changes["regional_quotes"] = True
    if args.enable:
        _check_kinds(args.enable, COMMAND_LINE, "--enable")
        changes["enable"] = tuple(args.enable)
    if args.disable:
        _check_kinds(args.disable, COMMAND_LINE, "--disable")
        changes["disable"] = tuple(config.disable) + tuple(args.disable)
    if args.keep_boilerplate:
        changes["keep_boilerplate"] = tuple(config.keep_boilerplate) + tuple(args.keep_boilerplate)
    if args.corpus_furniture:
        changes["corpus_furniture"] = True
    for name in changes:
        sources[name] = COMMAND_LINE if sources[name] == "default" else f"{sources[name]} + {COMMAND_LINE}"
        if name in ("to", "threshold", "report_threshold", "enable", "corpus_furniture"):
            sources[name] = COMMAND_LINE
    return (config.replace(**changes) if changes else config), sources


def _validate(args: argparse.Namespace) -> list[str]:
    errors = []
    if args.jobs is not None and args.jobs < 1:
        errors.append("--jobs must be at least 1")
    encoding = getattr(args, "encoding", "utf-8")
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        errors.append(f"unknown encoding {encoding!r}")
    if "-" in args.paths and len(args.paths) > 1:
        errors.append("'-' (stdin) cannot be combined with other paths")
    if getattr(args, "output", None) and "-" in args.paths:
        errors.append("--output does not apply to stdin")
    if args.address and args.engine != "ray":
        errors.append("--address needs --engine ray")
    if args.engine == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            errors.append("--engine ray needs Ray: pip install 'textfix[ray]'")
    return errors


def _console(args: argparse.Namespace, stream):
    from rich.console import Console

    force = {"always": True, "never": False}.get(args.color)
    return Console(file=stream, force_terminal=force, no_color=args.color == "never", highlight=False,
                   soft_wrap=True, markup=False, emoji=False)


def _run_stdin(job: Job, args: argparse.Namespace, report: Report) -> None:
    from .document import process_document

    data = sys.stdin.buffer.read()
    file_report, new = process_document("<stdin>", data, job)
    report.add(file_report)
    if job.mode == "fix" and not job.want_diff:
        if file_report.status in ("binary", "error"):
            sys.stdout.buffer.write(data)  # pass the input through untouched
        else:
            sys.stdout.buffer.write(new if new is not None else data)
        sys.stdout.buffer.flush()
        if file_report.status == "error" or args.format == "json":
            _emit(report, args, sys.stderr)
        return
    _emit(report, args, sys.stdout)


def _emit(report: Report, args: argparse.Namespace, stream) -> None:
    if args.format == "json":
        write_json(report, stream)
    else:
        render_text(report, _console(args, stream), explain=report.mode == "explain", quiet=args.quiet)


def _with_progress(results: Iterable[FileReport], total: int) -> Iterable[FileReport]:
    if total < PROGRESS_MIN_FILES:
        yield from results
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("textfix"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as progress:
        task = progress.add_task("files", total=total)
        for r in results:
            progress.advance(task)
            yield r


def _executor(args: argparse.Namespace):
    if args.engine == "ray":
        from .integrations.ray import RayExecutor

        return RayExecutor(args.address)
    jobs = args.jobs or os.cpu_count() or 1
    return lambda items: local_executor(jobs, items)


def _job(args: argparse.Namespace, config: Config) -> Job:
    mode = args.command
    return Job(
        mode=mode,
        config=config,
        write=mode == "fix" and not args.diff,
        want_diff=mode == "fix" and args.diff or mode == "explain",
        output_dir=getattr(args, "output", None),
        encoding=getattr(args, "encoding", "utf-8"),
        backup=getattr(args, "backup", None),
        field=args.field,
        findings_field=args.findings_field,
        read_as=args.read_as,
    )


def _usage_failure(report: Report, args: argparse.Namespace | None) -> int:
    for e in report.usage_errors:
        print(f"textfix: {e}", file=sys.stderr)
    if args is not None and getattr(args, "format", "text") == "json":
        write_json(report, sys.stdout)
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """The ``textfix`` command; returns the exit code of its :class:`Report`."""
    report = Report("check")
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        report.usage_errors.append(str(exc))
        return _usage_failure(report, None)
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0)
    report.mode = args.command
    try:
        config, sources = build_config(args)
    except ConfigError as exc:
        report.usage_errors.append(str(exc))
        return _usage_failure(report, args)
    if args.command == "config":
        show_config(config, sources, args)
        return report.exit_code
    report.usage_errors.extend(_validate(args))
    if report.usage_errors:
        return _usage_failure(report, args)
    job = _job(args, config)
    with signals_as_interrupt():
        try:
            if args.paths == ["-"]:
                _run_stdin(job, args, report)
                return report.exit_code
            show = not args.no_progress and sys.stderr.isatty()
            scheduler.run(args.paths, job, _executor(args), report, args.exclude,
                          progress=_with_progress if show else None)
            _emit(report, args, sys.stdout)
        except KeyboardInterrupt as exc:  # before the run started, or while the report was printed
            report.interrupted = True
            report.interrupted_by = getattr(exc, "name", "SIGINT")
            print("textfix: interrupted; files not yet processed were left as they were", file=sys.stderr)
        except BrokenPipeError:
            report.usage_errors.append("the output was closed")
            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass
        except OSError as exc:  # stdout on a full disk, a closed terminal ...
            report.usage_errors.append(f"cannot write the output: {exc.strerror or exc}")
            try:  # what is still buffered cannot be written either: drop it quietly
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except (OSError, ValueError):
                pass
            print(f"textfix: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
    return report.exit_code


def show_config(config: Config, sources: dict[str, str], args: argparse.Namespace) -> None:
    """``textfix config``: each setting, its value and where it came from."""
    import json

    values = {name: getattr(config, name) for name in SETTINGS}
    if args.format == "json":
        json.dump({name: {"value": list(v) if isinstance(v, tuple) else v, "from": sources[name]}
                   for name, v in values.items()}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    shown = {name: (json.dumps(list(v) if isinstance(v, tuple) else v, ensure_ascii=False)) for name, v in values.items()}
    width = max(map(len, SETTINGS))
    vwidth = max(map(len, shown.values()))
    for name in SETTINGS:
        print(f"{name:<{width}}  {shown[name]:<{vwidth}}  {sources[name]}")
