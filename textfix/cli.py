"""The ``textfix`` command: argument wiring only.

    textfix check PATH...     report damage; exit 1 when something would change
    textfix fix PATH...       repair in place (atomic); --diff, --output DIR, '-'
    textfix explain PATH...   every finding with its rule, context, confidence

argparse (stdlib) is enough for three subcommands and shared options; it
keeps the install small and the startup fast for the pre-commit hook.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Sequence

from . import __version__
from .config import BOILERPLATE_CATEGORIES, TARGETS, Config, ConfigError, load_config
from .files import FileReport, Job, collect, process_bytes, process_file
from .formats import KINDS
from .report import EXIT_ERROR, Report, render_text, write_json

PROGRESS_MIN_FILES = 20


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("paths", nargs="+", metavar="PATH", help="files or folders ('-' for stdin)")
    common.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    common.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="parallel worker processes (default: cores)")
    common.add_argument("--exclude", action="append", default=[], metavar="PATTERN", help=".gitignore-style pattern to skip (repeatable)")
    common.add_argument("--config", metavar="FILE", help="config file (default: nearest textfix.toml or pyproject.toml [tool.textfix])")
    common.add_argument("--to", choices=TARGETS, help="convert Chinese script after repair")
    common.add_argument("--threshold", type=float, help="apply edits with at least this confidence (0..1)")
    common.add_argument("--report-threshold", type=float, help="report flags with at least this confidence (0..1)")
    common.add_argument("--enable", action="append", metavar="KIND", help="run only these passes (repeatable)")
    common.add_argument("--disable", action="append", default=[], metavar="KIND", help="skip these passes (repeatable)")
    common.add_argument("--keep-boilerplate", action="append", default=[], choices=BOILERPLATE_CATEGORIES, metavar="CATEGORY", help="boilerplate category to keep (repeatable)")
    common.add_argument("--quiet", "-q", action="store_true", help="list only files with findings")
    common.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    common.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    common.add_argument("--read-as", choices=KINDS, metavar="KIND",
                        help=f"read every file as KIND ({', '.join(KINDS)}); default: by extension, content and [tool.textfix] formats")
    common.add_argument("--field", default="text", metavar="NAME", help="JSONL/Parquet: the text field to repair (default: text)")
    common.add_argument("--findings-field", metavar="NAME", help="JSONL/Parquet: add each record's findings under NAME")
    common.add_argument("--engine", choices=("local", "ray"), default="local", help="where corpus chunks are repaired (ray: pip install 'textfix[ray]')")
    common.add_argument("--address", metavar="ADDR", help="Ray cluster address for --engine ray (default: start a local Ray)")

    parser = argparse.ArgumentParser(prog="textfix", description="Detect and repair damaged text.")
    parser.add_argument("--version", action="version", version=f"textfix {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{check,fix,explain}")
    sub.add_parser("check", parents=[common], help="report damage; change nothing")
    fix = sub.add_parser("fix", parents=[common], help="repair files in place")
    fix.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    fix.add_argument("--output", metavar="DIR", help="write repaired copies under DIR instead of in place")
    fix.add_argument("--encoding", default="utf-8", metavar="ENC", help="output encoding (default utf-8, no BOM)")
    fix.add_argument("--backup", metavar="SUFFIX", help="keep each changed original as PATH+SUFFIX")
    sub.add_parser("explain", parents=[common], help="every finding with rule, context and confidence")
    return parser


def build_config(args: argparse.Namespace) -> Config:
    config = load_config(args.config) if args.config else load_config()
    changes = {}
    if args.to:
        changes["to"] = args.to
    if args.threshold is not None:
        changes["threshold"] = args.threshold
    if args.report_threshold is not None:
        changes["report_threshold"] = args.report_threshold
    if args.enable:
        changes["enable"] = tuple(args.enable)
    if args.disable:
        changes["disable"] = tuple(config.disable) + tuple(args.disable)
    if args.keep_boilerplate:
        changes["keep_boilerplate"] = tuple(config.keep_boilerplate) + tuple(args.keep_boilerplate)
    return config.replace(**changes) if changes else config


def _validate(args: argparse.Namespace, config: Config) -> list[str]:
    from .passes import pass_kinds

    errors = []
    known = set(pass_kinds())
    for kind in (*(config.enable or ()), *config.disable):
        if kind not in known:
            errors.append(f"unknown pass {kind!r}; known: {', '.join(sorted(known))}")
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
    return Console(file=stream, force_terminal=force, no_color=args.color == "never", highlight=False, soft_wrap=True)


def _run_stdin(job: Job, args: argparse.Namespace) -> int:
    data = sys.stdin.buffer.read()
    report = Report(job.mode)
    file_report, new = process_bytes(data, "<stdin>", job)
    report.add(file_report)
    if job.mode == "fix" and not job.want_diff:
        if file_report.status in ("binary", "error"):
            sys.stdout.buffer.write(data)  # pass the input through untouched
        else:
            sys.stdout.buffer.write(new if new is not None else data)
        sys.stdout.buffer.flush()
        if file_report.status == "error" or args.format == "json":
            _emit(report, args, sys.stderr)
        return report.exit_code
    _emit(report, args, sys.stdout)
    return report.exit_code


def _emit(report: Report, args: argparse.Namespace, stream) -> None:
    if args.format == "json":
        write_json(report, stream)
    else:
        render_text(report, _console(args, stream), explain=report.mode == "explain", quiet=args.quiet)


def _process_all(files: list[str], file_jobs: list[Job], jobs: int, show_progress: bool,
                 engine: str = "local", address: str | None = None) -> Iterable[FileReport]:
    """Reports in input order, from ``jobs`` worker processes."""
    from .corpus import corpus_kind, process_files

    if engine != "local" or any(corpus_kind(f) for f in files):  # chunked corpora (textfix.corpus)
        yield from _with_progress(process_files(files, file_jobs, jobs, engine, address), len(files), show_progress)
        return
    if jobs > 1 and len(files) > 1:
        yield from _with_progress(_in_workers(files, file_jobs, jobs), len(files), show_progress)
    else:
        yield from _with_progress(map(process_file, files, file_jobs), len(files), show_progress)


_STOP = None  # in a worker: the event the main process sets on Ctrl-C


def _worker_init(stop) -> None:
    """Workers ignore Ctrl-C (a process killed mid-task can hang the pool);
    the main process sets ``stop`` and they end their batch after the file
    at hand, which is written whole or not at all."""
    global _STOP
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STOP = stop


def _process_batch(files: list[str], file_jobs: list[Job]) -> list[FileReport]:
    """One worker's batch: the reports of the files it finished (it stops
    early, between files, once the main process has set the Ctrl-C event)."""
    out: list[FileReport] = []
    for path, job in zip(files, file_jobs):
        if _STOP is not None and _STOP.is_set():
            break
        out.append(process_file(path, job))
    return out


def _in_workers(files: list[str], file_jobs: list[Job], jobs: int) -> Iterable[FileReport]:
    """Reports in input order from worker processes. On Ctrl-C every file a
    worker finished is still reported (a repaired file must not go missing
    from the summary), then KeyboardInterrupt goes on to the caller."""
    import multiprocessing

    ctx = multiprocessing.get_context()
    stop = ctx.Event()
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=min(jobs, len(files)), mp_context=ctx,
                             initializer=_worker_init, initargs=(stop,)) as pool:
        futures = [pool.submit(_process_batch, files[i : i + chunk], file_jobs[i : i + chunk])
                   for i in range(0, len(files), chunk)]
        pending = 0  # the first batch whose reports were not yielded yet
        try:
            for fut in futures:
                reports = fut.result()
                pending += 1
                yield from reports
        except KeyboardInterrupt:
            _stop_batches(stop, futures[pending:])
            for fut in futures[pending:]:  # batches that ran: their finished files
                if not fut.cancelled():
                    yield from fut.result()
            raise
        finally:
            _stop_batches(stop, futures[pending:])  # the caller may have stopped reading


def _stop_batches(stop, futures) -> None:
    """Tell running batches to end after their current file; drop the rest."""
    if futures:
        stop.set()
        for fut in futures:
            fut.cancel()


def _with_progress(results: Iterable[FileReport], total: int, show: bool) -> Iterable[FileReport]:
    if not show:
        yield from results
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("textfix"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as progress:
        task = progress.add_task("files", total=total)
        for r in results:
            progress.advance(task)
            yield r


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        config = build_config(args)
    except ConfigError as exc:
        print(f"textfix: {exc}", file=sys.stderr)
        return EXIT_ERROR
    errors = _validate(args, config)
    if errors:
        for e in errors:
            print(f"textfix: {e}", file=sys.stderr)
        return EXIT_ERROR

    mode = args.command
    write = mode == "fix" and not args.diff
    job = Job(
        mode=mode,
        config=config,
        write=write,
        want_diff=mode == "fix" and args.diff or mode == "explain",
        output_dir=getattr(args, "output", None),
        encoding=getattr(args, "encoding", "utf-8"),
        backup=getattr(args, "backup", None),
        field=args.field,
        findings_field=args.findings_field,
        read_as=args.read_as,
    )
    try:
        if args.paths == ["-"]:
            return _run_stdin(job, args)
        report = Report(mode)
        files: list[str] = []
        file_jobs: list[Job] = []
        for path, root, error in collect(args.paths, args.exclude):
            if error:
                report.add(FileReport(path, "error", error=error))
                continue
            files.append(path)
            file_jobs.append(dataclasses.replace(job, root=root) if job.output_dir else job)
        jobs = args.jobs or os.cpu_count() or 1
        show = not args.no_progress and sys.stderr.isatty() and len(files) >= PROGRESS_MIN_FILES
        try:
            for r in _process_all(files, file_jobs, jobs, show, args.engine, args.address):
                report.add(r)
        except KeyboardInterrupt:
            report.interrupted = True
        _emit(report, args, sys.stdout)
        return report.exit_code
    except KeyboardInterrupt:
        print("textfix: interrupted; files not yet processed were left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_ERROR
    except OSError as exc:  # stdout on a full disk, a closed terminal ...
        try:  # what is still buffered cannot be written either: drop it quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        print(f"textfix: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
