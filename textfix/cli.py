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
from .config import BOILERPLATE_CATEGORIES, TARGETS, Config, ConfigError, find_config_file, load_config
from .files import FileReport, Job, collect, process_bytes, process_file
from .report import EXIT_ERROR, Report, render_text, write_json
from .terminal import make_console, with_progress


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("paths", nargs="+", metavar="PATH", help="files or folders ('-' for stdin)")
    common.add_argument("--format", choices=("text", "json", "html"), default="text",
                        help="report format (html: one self-contained page; redirect it to a file)")
    common.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="parallel worker processes (default: cores)")
    common.add_argument("--exclude", action="append", default=[], metavar="PATTERN", help="skip paths matching this .gitignore pattern (repeatable)")
    common.add_argument("--no-ignore", action="store_true", help="in a git work tree, walk what .gitignore and git's excludes ignore too")
    common.add_argument("--stdin-filename", metavar="NAME", help="with '-': the file stdin stands for (config lookup, JSONL/Parquet by suffix, --exclude, report)")
    common.add_argument("--config", metavar="FILE", help="config file (default: nearest textfix.toml or pyproject.toml [tool.textfix])")
    common.add_argument("--to", choices=TARGETS, help="convert Chinese script after repair")
    common.add_argument("--threshold", type=float, help="apply edits with at least this confidence (0..1)")
    common.add_argument("--report-threshold", type=float, help="report flags with at least this confidence (0..1)")
    common.add_argument("--enable", action="append", metavar="KIND", help="run only these passes (repeatable)")
    common.add_argument("--disable", action="append", default=[], metavar="KIND", help="skip these passes (repeatable)")
    common.add_argument("--keep-boilerplate", action="append", default=[], choices=BOILERPLATE_CATEGORIES, metavar="CATEGORY", help="boilerplate category to keep (repeatable)")
    common.add_argument("--quiet", "-q", action="count", default=0,
                        help="only the files that would change or are flagged, and one summary line (-qq: nothing)")
    common.add_argument("--verbose", "-v", action="count", default=0, help="also clean files, and one line per finding")
    common.add_argument("--color", nargs="?", const="always", default="auto", choices=("auto", "always", "never"),
                        help="colour the report (default auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it)")
    common.add_argument("--no-color", dest="color", action="store_const", const="never", help="never colour the report")
    common.add_argument("--no-progress", action="store_true", help="never show the progress line (stderr, on a terminal, long runs)")
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
    if args.config:
        config = load_config(args.config)
    elif getattr(args, "stdin_filename", None):  # the settings of the folder the file would be in
        from pathlib import Path

        found = find_config_file(Path(args.stdin_filename).resolve().parent)
        config = load_config(found) if found else Config()
    else:
        config = load_config()
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
    if args.stdin_filename and args.paths != ["-"]:
        errors.append("--stdin-filename needs '-' (stdin) as the path")
    if args.address and args.engine != "ray":
        errors.append("--address needs --engine ray")
    if args.engine == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            errors.append("--engine ray needs Ray: pip install 'textfix[ray]'")
    return errors


def _console(args: argparse.Namespace, stream):
    return make_console(stream, args.color)


def _stdin_report(data: bytes, name: str, job: Job) -> tuple[FileReport, bytes | None]:
    """Stdin as the file ``name``: JSONL and Parquet (by suffix) go through
    the corpus route on a temporary copy; anything else is repaired in memory."""
    from .corpus import corpus_kind

    if corpus_kind(name, 0) is None:
        return process_bytes(data, name, job)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="textfix-stdin-") as tmp:
        src = os.path.join(tmp, "in", os.path.basename(name))
        out_dir = os.path.join(tmp, "out")
        os.makedirs(os.path.dirname(src))
        with open(src, "wb") as fh:
            fh.write(data)
        run_job = dataclasses.replace(job, output_dir=out_dir if job.write else None,
                                      root=os.path.dirname(src), backup=None)
        report = process_file(src, run_job)
        new = None
        if report.written:
            with open(report.written, "rb") as fh:
                new = fh.read()
        report.path, report.written = name, None
        report.diff = report.diff.replace(src, name)
        return report, (new if new != data else None)


def _run_stdin(job: Job, args: argparse.Namespace) -> int:
    data = sys.stdin.buffer.read()
    name = args.stdin_filename or "<stdin>"
    if args.stdin_filename and args.exclude:
        from .walk import exclude_spec, is_excluded

        if is_excluded(name, exclude_spec(args.exclude)):  # excluded: passed through, nothing reported
            if job.mode == "fix" and not job.want_diff:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            return 0
    report = Report(job.mode)
    file_report, new = _stdin_report(data, name, job)
    if job.mode == "fix" and not job.want_diff and file_report.status == "changed":
        file_report.written = "<stdout>"
    report.add(file_report)
    if job.mode == "fix" and not job.want_diff:
        if file_report.status in ("binary", "error"):
            sys.stdout.buffer.write(data)  # pass the input through untouched
        else:
            sys.stdout.buffer.write(new if new is not None else data)
        sys.stdout.buffer.flush()
        if file_report.status == "error" or args.format != "text":
            _emit(report, args, sys.stderr)
        return report.exit_code
    _emit(report, args, sys.stdout)
    return report.exit_code


def _next_args(args: argparse.Namespace) -> list[str]:
    """The run's options that change what is found, and its paths: the
    closing line's suggested commands repeat them."""
    out: list[str] = []
    for flag, value in (("--config", args.config), ("--to", args.to), ("--threshold", args.threshold),
                        ("--report-threshold", args.report_threshold), ("--field", None if args.field == "text" else args.field),
                        ("--stdin-filename", args.stdin_filename)):
        if value is not None:
            out += [flag, str(value)]
    for flag, values in (("--enable", args.enable or ()), ("--disable", args.disable),
                         ("--keep-boilerplate", args.keep_boilerplate), ("--exclude", args.exclude)):
        for v in values:
            out += [flag, v]
    if args.no_ignore:
        out.append("--no-ignore")
    paths = list(args.paths)
    if len(paths) > 3 or sum(len(p) + 1 for p in paths) > 160:  # a pre-commit batch: too many to repeat
        paths = ["PATH..."]
    return out + paths


def _emit(report: Report, args: argparse.Namespace, stream) -> None:
    if args.format == "json":
        write_json(report, stream)
    elif args.format == "html":
        from .html_report import render_html

        render_html(report, stream)
    else:
        render_text(report, _console(args, stream), explain=report.mode == "explain",
                    verbosity=args.verbose - args.quiet, next_args=_next_args(args))


def _process_all(files: list[str], file_jobs: list[Job], jobs: int, show_progress: bool,
                 engine: str = "local", address: str | None = None, color: str = "auto") -> Iterable[FileReport]:
    """Reports in input order, from ``jobs`` worker processes; a progress
    line on stderr when it is a terminal and the run is long."""
    from .corpus import corpus_kind, process_files

    results: Iterable[FileReport]
    if engine != "local" or any(corpus_kind(f) for f in files):  # chunked corpora (textfix.corpus)
        results = process_files(files, file_jobs, jobs, engine, address)
    elif jobs > 1 and len(files) > 1:
        results = _in_workers(files, file_jobs, jobs)
    else:
        results = map(process_file, files, file_jobs)
    yield from with_progress(results, len(files), sys.stderr, enabled=show_progress, color=color)


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
        keep_text=args.format == "html",
    )
    try:
        if args.paths == ["-"]:
            return _run_stdin(job, args)
        report = Report(mode)
        files: list[str] = []
        file_jobs: list[Job] = []
        for path, root, error in collect(args.paths, args.exclude, ignore=not args.no_ignore):
            if error:
                report.add(FileReport(path, "error", error=error))
                continue
            files.append(path)
            file_jobs.append(dataclasses.replace(job, root=root) if job.output_dir else job)
        jobs = args.jobs or os.cpu_count() or 1
        try:
            for r in _process_all(files, file_jobs, jobs, not args.no_progress, args.engine, args.address, args.color):
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
