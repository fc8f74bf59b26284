"""Signals: SIGINT, SIGTERM and SIGHUP all stop a run the same way.

:func:`signals_as_interrupt` (installed by the CLI around a run) turns each
of them into :class:`Interrupted`, a ``KeyboardInterrupt``, raised in the
main thread. Code that must not be cut in half — replacing a file and
recording that it was replaced — runs inside :func:`critical`: a signal that
arrives there is held back and raised when the outermost critical block
ends (or at the next :func:`check`). A leaf module.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

STOP_SIGNALS = tuple(s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None)


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (Ctrl-C, SIGTERM, SIGHUP)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:  # pragma: no cover - an unnamed signal
            return str(self.signum)


_depth = 0
_pending: int | None = None


def _handler(signum, _frame) -> None:
    global _pending
    if _depth:
        _pending = signum
        return
    raise Interrupted(signum)


def check() -> None:
    """Raise a signal held back by a critical block that is now over."""
    global _pending
    if _pending is not None and not _depth:
        signum, _pending = _pending, None
        raise Interrupted(signum)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A block no signal interrupts; one that arrives is raised at its end."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
    check()


@contextlib.contextmanager
def signals_as_interrupt() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` while the block
    runs (main thread only; elsewhere the block runs unchanged)."""
    global _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {}
    for s in STOP_SIGNALS:
        try:
            old[s] = signal.signal(s, _handler)
        except (OSError, ValueError):  # pragma: no cover - not settable here
            pass
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        _pending = None


def worker_signals() -> None:
    """In a worker process: Ctrl-C (sent to the whole process group by a
    terminal) is the main process's to handle; SIGTERM and SIGHUP end the
    worker at once (it computes only, it never writes a file)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for s in STOP_SIGNALS:
        if s != signal.SIGINT:
            signal.signal(s, signal.SIG_DFL)
