"""A time limit on the long computing a request may start (reading articles, aligning them).

A server worker that computes past its timeout is killed, and the reader sees a failed
request without a reason. Under ``WORK_TIME_LIMIT`` seconds of reading and aligning, a
request goes on; past it, the work stops with a 413 that says the articles are too long.
Written by hand on ``signal.setitimer``: a timer in the worker's main thread is the one way
to stop pure-Python work without a second process. Elsewhere (threaded servers, tests in
threads) there is no timer and the work runs to its end.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from flask import current_app

from annotations.errors import InputTooLargeError

__all__ = ["WorkTooLongError", "work_budget"]


class WorkTooLongError(InputTooLargeError):
    """Reading or aligning the articles took longer than ``WORK_TIME_LIMIT``."""

    code = "work_too_long"


@contextlib.contextmanager
def work_budget(what: str) -> Iterator[None]:
    """Stop the block with WorkTooLongError after ``WORK_TIME_LIMIT`` seconds."""
    limit = float(current_app.config["WORK_TIME_LIMIT"] or 0)
    if limit <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    error = WorkTooLongError(
        f"{what} took longer than {limit:g} s, the limit for one request; "
        "try a shorter text, or split it into parts"
    )
    expired = False

    def expire(signum: int, frame: FrameType | None) -> None:
        nonlocal expired
        expired = True
        raise error

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # The signal may land in a callback (a weakref's, a __del__), where Python prints the
    # exception and goes on: the work then ends late, but still as a refusal.
    if expired:
        raise error
