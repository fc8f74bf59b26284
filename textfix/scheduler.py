"""The scheduler: every file's tasks through one executor, reports in order.

:func:`run` is what the CLI calls: it walks the paths, sends each file down
its route (:func:`textfix.router.route`), runs the tasks of all files on one
:class:`Executor` with a bounded number in flight (memory stays flat however
big the files are), and adds one :class:`~textfix.job.FileReport` per file,
in input order, to the :class:`~textfix.report.Report`.

Executors (all with ``submit(fn, *args) -> future``, ``shutdown()`` and
``kill()``): :class:`InlineExecutor` (this process), :class:`ProcessExecutor`
(a pool of worker processes) and, in :mod:`textfix.integrations.ray`, Ray
tasks. Tasks only compute; files are written here, by the process that runs
the scheduler. So on a signal the workers are killed at once, the
temporary file of every unfinished file is removed, and nothing is
written after :func:`run` returns.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Protocol

from . import interrupts, router
from .files import collect
from .job import ERROR, FileReport, Job
from .report import Report


class Future(Protocol):
    def result(self) -> Any: ...


class Executor(Protocol):
    """Where tasks run."""

    parallelism: int

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future: ...

    def shutdown(self) -> None: ...

    def kill(self) -> None:
        """Stop at once: running tasks are abandoned."""


class Done:
    """A task run at once, in this process (a future that is already done)."""

    __slots__ = ("value", "exc")

    def __init__(self, fn, args):
        self.value = self.exc = None
        try:
            self.value = fn(*args)
        except Exception as exc:  # reported on the file, never raised here
            self.exc = exc

    def result(self):
        if self.exc is not None:
            raise self.exc
        return self.value


class InlineExecutor:
    parallelism = 1

    def submit(self, fn, *args):
        return Done(fn, args)

    def shutdown(self) -> None:
        pass

    def kill(self) -> None:
        pass


def _worker_start(pids) -> None:
    interrupts.worker_signals()
    pids.put(os.getpid())


class ProcessExecutor:
    """``jobs`` worker processes (a ``ProcessPoolExecutor``). Each worker
    reports its pid when it starts, so :meth:`kill` can end them all with
    SIGKILL: a killed worker loses only a computation, never a file."""

    def __init__(self, jobs: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context()
        self.parallelism = jobs
        self._pids = ctx.SimpleQueue()
        self._known: set[int] = set()
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_start,
                                         initargs=(self._pids,))

    def submit(self, fn, *args):
        return self._pool.submit(fn, *args)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def kill(self) -> None:
        import multiprocessing

        while not self._pids.empty():
            self._known.add(self._pids.get())
        children = [p for p in multiprocessing.active_children() if p.pid in self._known]
        for p in children:
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for p in children:
            p.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)


def local_executor(jobs: int, items: "list[tuple[str, Job]] | None" = None) -> Executor:
    """``jobs`` worker processes, or this process when one is enough: one
    job, or (given the ``items`` to run) a single file that is not a corpus
    to split in chunks — a pre-commit hook on one file pays no worker start."""
    if items is not None and len(items) < 2 and not any(router.corpus_kind(p) for p, _ in items):
        return InlineExecutor()
    return ProcessExecutor(jobs) if jobs > 1 else InlineExecutor()


def run_files(items: Iterable[tuple[str, Job]], executor: Executor, window: int | None = None) -> Iterator[FileReport]:
    """Repair every ``(path, job)``; one report per file, in input order.

    At most ``window`` tasks (default ``3 * executor.parallelism``) are in
    flight. A file is written (``Work.finish``) and its report handed over
    inside :func:`textfix.interrupts.critical`: a signal cannot fall between
    the write and the caller's recording of it. On any exception (a signal
    included) the workers are killed and every unfinished file's temporary
    output removed before the exception goes on.
    """
    window = window or max(2, 3 * executor.parallelism)
    pending: deque = deque()  # (work, future) or (work, None) = finish marker
    inflight = 0
    live: list[router.Work] = []

    def drain_one():
        nonlocal inflight
        work, fut = pending.popleft()
        if fut is None:
            live.remove(work)
            return work
        inflight -= 1
        try:
            work.accept(fut.result())
        except Exception as exc:  # a task that raised, a worker that died
            work.fail(exc)
        return None

    def finished(work):
        with interrupts.critical():
            yield work.finish()

    clean = False
    try:
        for path, job in items:
            work = router.route(path, job)
            live.append(work)
            try:
                for fn, args in work.tasks():
                    pending.append((work, executor.submit(fn, *args)))
                    inflight += 1
                    while inflight >= window:
                        done = drain_one()
                        if done is not None:
                            yield from finished(done)
            except Exception as exc:
                work.fail(exc)
            pending.append((work, None))
            while pending and pending[0][1] is None:
                yield from finished(drain_one())
        while pending:
            done = drain_one()
            if done is not None:
                yield from finished(done)
        clean = True
    finally:
        for work in live:
            work.abort()
        if clean:
            executor.shutdown()
        else:
            executor.kill()


def process_files(files: Iterable[str], jobs_per_file: Iterable[Job], jobs: int = 1,
                  executor: Executor | None = None, window: int | None = None) -> Iterator[FileReport]:
    """Library form of :func:`run_files`: ``jobs`` local workers by default."""
    yield from run_files(zip(files, jobs_per_file), executor or local_executor(jobs), window)


def process_file(path: str, job: Job) -> FileReport:
    """One file, in this process: read, repair and (in fix mode) write."""
    return next(run_files([(path, job)], InlineExecutor()))


def run(paths: Iterable[str], job: Job, executor: "Executor | Callable[[list[tuple[str, Job]]], Executor]",
        report: Report, exclude: Iterable[str] = (),
        progress: Callable[[Iterable[FileReport], int], Iterable[FileReport]] | None = None) -> Report:
    """Repair everything under ``paths`` into ``report``; a signal (see
    :mod:`textfix.interrupts`) ends the run with ``report.interrupted``.
    ``executor`` may be a function of the ``(path, job)`` list that makes one."""
    import dataclasses

    items: list[tuple[str, Job]] = []
    for path, root, error in collect(paths, exclude):
        if error:
            report.add(FileReport(path, ERROR, error=error))
            continue
        items.append((path, dataclasses.replace(job, root=root) if job.output_dir else job))
    if job.config.corpus_furniture:
        items = with_corpus_repeats(items)
    if not hasattr(executor, "submit"):
        executor = executor(items)
    reports: Iterable[FileReport] = run_files(items, executor)
    if progress is not None:
        reports = progress(reports, len(items))
    try:
        for r in reports:
            report.add(r)
        interrupts.check()
    except KeyboardInterrupt as exc:
        report.interrupted = True
        report.interrupted_by = getattr(exc, "name", "SIGINT")
    return report


MIN_SOURCE_DOCS = 3  # a folder with fewer documents has no corpus repetition


def with_corpus_repeats(items: list[tuple[str, Job]]) -> list[tuple[str, Job]]:
    """``items`` with each plain document's job carrying what repeats across
    the documents of its folder (one source): a first pass reads and decodes
    them and :func:`textfix.passes.boilerplate.collect_repeats` counts their
    short lines and title prefixes (only those counts are kept, so the pass
    holds one document at a time). Only prose documents are counted:
    streamed corpora (JSONL, Parquet, big text) and structured files are
    not; a file that cannot be read is left to the run to report."""
    import dataclasses
    from pathlib import Path

    from .decode import decode_bytes
    from .document import document_format
    from .passes.boilerplate import REPEATS_KEY, collect_repeats

    groups: dict[str, list[int]] = {}
    for k, (path, _job) in enumerate(items):
        if router.corpus_kind(path) is None:
            groups.setdefault(os.path.dirname(os.path.abspath(path)), []).append(k)
    out = list(items)
    for ks in groups.values():
        if len(ks) < MIN_SOURCE_DOCS:
            continue

        def texts(ks=ks):
            for k in ks:
                path, job = items[k]
                try:
                    data = Path(path).read_bytes()
                    if document_format(path, data, job) != "prose":
                        continue  # structured files: their boilerplate is only flagged
                    decoded = decode_bytes(data)
                except (OSError, ValueError):
                    continue
                if not decoded.binary:
                    yield decoded.text

        rep = collect_repeats(texts(), min_docs=MIN_SOURCE_DOCS)
        if not rep.lines and not rep.prefixes:
            continue
        for k in ks:
            path, job = out[k]
            config = job.config.replace(extra={**job.config.extra, REPEATS_KEY: rep})
            out[k] = (path, dataclasses.replace(job, config=config))
    return out
