"""SIGHUP (the SSH link dropped) and SIGTERM end the wizard in bounded time, the draft saved, at any
moment from start to exit.

Why not `loop.add_signal_handler`: its callback runs only when the event loop gets to run. Textual
writes to the terminal through a thread fed by a bounded queue (textual/drivers/_writer_thread.py,
MAX_QUEUED_WRITES = 30). When the terminal stops reading (an SSH link that stalls before sshd gives up
and hangs up; a pty nobody reads), the writer thread blocks in `write()`, the queue fills, and the main
thread blocks in `Queue.put()` from inside the event loop, during start-up (the first frames are many
writes) or during shutdown (restoring the terminal). The loop never runs again, so the queued SIGHUP
callback never runs, nor a later SIGTERM's: the process stayed for ever. (Also, if the writer thread
dies on an exception, e.g. EIO from a closed pty, nothing drains the queue any more and the same
happens.)

A Python-level handler (`signal.signal`) runs in the main thread even while it waits on the queue's
lock or a thread join (lock waits are interruptible on POSIX). So the handler itself keeps the draft
(and records a create that was in flight as "unknown"). On SIGHUP the terminal is gone: the process
ends at once with 129. On SIGTERM the terminal may still be there: the app is asked to exit (restoring
the terminal) and a watchdog ends the process with 143 after GRACE seconds if that exit is stuck.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any, Protocol

__all__ = ["GRACE", "SIGNAL_EXIT_CODES", "attach", "detach", "finished", "install"]

# the shell's convention: 128 + the signal number
SIGNAL_EXIT_CODES = {signal.SIGHUP: 129, signal.SIGTERM: 143}
GRACE = 2.0  # seconds a graceful exit may take before the process is ended


class KeepsWork(Protocol):
    _loop: Any

    def keep_before_exit(self) -> None: ...

    def exit(self, result: Any = None, return_code: int = 0, message: Any = None) -> None: ...


_app: KeepsWork | None = None
_watchdog = False  # only for the real process (run_app): a test's process must never be ended
_previous: dict[int, Any] = {}


def install() -> None:
    """Install the handlers (main thread only; elsewhere the draft relies on autosave alone)."""
    if threading.current_thread() is not threading.main_thread() or sys.platform == "win32":
        return
    for number in SIGNAL_EXIT_CODES:
        with contextlib.suppress(ValueError, OSError):
            previous = signal.signal(number, _handler)
            if previous is not _handler:
                _previous[number] = previous


def attach(app: KeepsWork, *, watchdog: bool = False) -> None:
    """From now on a signal keeps this app's work and ends it; with `watchdog` (the real process), in
    bounded time even when the graceful exit is stuck. A second attach (on_mount) keeps the watchdog."""
    global _app, _watchdog
    if _app is not app:
        _watchdog = watchdog
    _app = app
    install()


def detach(app: KeepsWork) -> None:
    """The app unmounted. In a test (no watchdog) the signals go back to whoever had them; the real
    process keeps its handlers until `finished`, as its shutdown (restoring the terminal) may still
    block after the unmount."""
    if _app is app and not _watchdog:
        finished(app)


def finished(app: KeepsWork) -> None:
    """The app has ended: stop the watchdog and give the signals back."""
    global _app
    if _app is not app:
        return
    _app = None
    for number, previous in list(_previous.items()):
        with contextlib.suppress(ValueError, OSError, TypeError):
            signal.signal(number, previous)
        del _previous[number]


def _handler(number: int, frame: FrameType | None) -> None:
    code = SIGNAL_EXIT_CODES.get(signal.Signals(number), 128 + number)
    app = _app
    if app is None:
        os._exit(code)  # before the wizard exists there is nothing to keep nor restore
    with contextlib.suppress(BaseException):  # a handler must not raise into what it interrupted
        app.keep_before_exit()
    if _watchdog and number == signal.SIGHUP:
        os._exit(code)  # the terminal is gone: there is nothing to restore, and writing may block
    if _watchdog:
        threading.Thread(target=_end_after_grace, args=(code,), name="trunkwizard-exit", daemon=True).start()
    loop = getattr(app, "_loop", None)
    if loop is None or loop.is_closed():
        if _watchdog:
            os._exit(code)
        return
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(_exit_when_started, app, code)


def _exit_when_started(app: Any, code: int) -> None:
    """Exit once the first screen is up: exiting while it mounts fails inside Textual."""
    if not getattr(app, "_is_mounted", False) or not app.screen_stack:
        app.set_timer(0.05, lambda: _exit_when_started(app, code))
        return
    app.call_after_refresh(lambda: app.exit(return_code=code))


def _end_after_grace(code: int) -> None:
    time.sleep(GRACE)
    os._exit(code)  # no flush: a flush to a stalled terminal is exactly what blocks
