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


def local_executor(jobs: int) -> Executor:
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


def run(paths: Iterable[str], job: Job, executor: Executor, report: Report, exclude: Iterable[str] = (),
        progress: Callable[[Iterable[FileReport], int], Iterable[FileReport]] | None = None) -> Report:
    """Repair everything under ``paths`` into ``report``; a signal (see
    :mod:`textfix.interrupts`) ends the run with ``report.interrupted``."""
    import dataclasses

    items: list[tuple[str, Job]] = []
    for path, root, error in collect(paths, exclude):
        if error:
            report.add(FileReport(path, ERROR, error=error))
            continue
        items.append((path, dataclasses.replace(job, root=root) if job.output_dir else job))
    reports: Iterable[FileReport] = run_files(items, executor)
    if progress is not None:
        reports = progress(reports, len(items))
    try:
        for r in reports:
            report.add(r)
        interrupts.check()
    except KeyboardInterrupt as exc:
        report.interrupted = getattr(exc, "name", "SIGINT")
    return report
