"""Stopping a scoring run cleanly on Ctrl-C (SIGINT) or SIGTERM.

Within :func:`stop_on_signals` the first SIGINT or SIGTERM raises :class:`Interrupted` in the main thread, so
the run unwinds like after any error: the worker processes are stopped, the outputs' context managers close
(the HTML report writes its index) and the command prints one line and exits 130 or 143 (128 + the signal's
number, as a shell reports a process ended by the signal). Further signals are ignored while that happens, so
a second Ctrl-C cannot cut the index short.

Code that must not be cut in the middle, such as writing one article's records to every output, runs inside
:func:`deferred`: a signal arriving there is raised when the block ends. So an interrupted run drops the article
it was preparing or classifying, keeps every finished one whole, and ``--resume`` continues from there.
"""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import ParamSpec, TypeVar

#: The signals a run stops on: Ctrl-C in a terminal, and the polite kill of ``kill``, systemd or a job scheduler.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

P = ParamSpec("P")
R = TypeVar("R")


class Interrupted(BaseException):
    """The run was stopped by a signal (a ``BaseException``, like ``KeyboardInterrupt``: no ``except Exception``
    swallows it). ``finished`` is the number of articles written whole before it, where the run knows it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.finished: int | None = None

    @property
    def exit_code(self) -> int:
        """The shell's code for a process ended by this signal: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum

    def __str__(self) -> str:
        name = signal.Signals(self.signum).name
        after = f" after {self.finished} article{'s' if self.finished != 1 else ''}" if self.finished is not None \
            else ""
        return (f"interrupted ({name}){after}; the outputs hold the finished articles; rerun with --resume to "
                "continue")


@dataclass
class _State:
    installed: bool = False
    depth: int = 0  # nesting of deferred() blocks
    pending: int | None = None  # a signal received inside a deferred() block
    stopping: bool = False  # Interrupted was raised: the run is unwinding


_state = _State()


def _handler(signum: int, frame: FrameType | None) -> None:
    if _state.stopping:
        return  # already unwinding: let the outputs close
    if _state.depth:
        if _state.pending is None:
            _state.pending = signum
        return
    _state.stopping = True
    raise Interrupted(signum)


@contextmanager
def stop_on_signals(signals: tuple[int, ...] = STOP_SIGNALS) -> Iterator[None]:
    """Within the block, the first of ``signals`` raises :class:`Interrupted`; the previous handlers come back
    after it. Outside the main thread (where Python cannot install handlers) it changes nothing."""
    if threading.current_thread() is not threading.main_thread() or _state.installed:
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in signals}
    _state.__init__(installed=True)
    try:
        for signum in signals:
            signal.signal(signum, _handler)
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _state.__init__()


def interruptible(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` run within :func:`stop_on_signals`."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with stop_on_signals():
            return func(*args, **kwargs)

    return run


@contextmanager
def deferred() -> Iterator[None]:
    """A stop signal arriving within the block is raised as :class:`Interrupted` when the block ends without an
    error (an article's records are written to every output, or to none). A no-op without :func:`stop_on_signals`.
    """
    _state.depth += 1
    try:
        yield
    finally:
        _state.depth -= 1
    if _state.depth == 0 and _state.pending is not None and not _state.stopping:
        signum, _state.pending, _state.stopping = _state.pending, None, True
        raise Interrupted(signum)
