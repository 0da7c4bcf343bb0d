"""SIGHUP and SIGTERM end the wizard in bounded time at any moment of its first second, in a real pty.

Two ways the SSH link goes: it drops (sshd closes the pty master; writes then fail) and it stalls (the
master stays open and nobody reads it; writes then block, which is what hung Textual's shutdown: see
trunkwizard/tui/hangup.py). For moments spread over the first second, and a few later ones, the
process must end with 129 (143 for SIGTERM), or be killed by the signal itself when it arrives before
Python has even reached trunkwizard (nothing typed, nothing to keep). "Bounded" is a liveness limit of
LIMIT seconds, far above the 2 s grace: this is not a timing assert.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest
from ptyprocess import PtyProcess

from tests.support.secret_service import PrivateHome

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 20.0
MOMENTS = [round(0.1 * n, 1) for n in range(11)]  # 0.0 s .. 1.0 s


def _ended(pid: int) -> int | None:
    """The exit status (negative: killed by that signal), or None if still running after LIMIT."""
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        time.sleep(0.05)
    return None


def _run(env: dict[str, str], moment: float, how: str) -> int | None:
    process = PtyProcess.spawn(
        [sys.executable, "-m", "trunkwizard", "--sandbox"], env=env, dimensions=(24, 80), cwd=str(ROOT)
    )
    try:
        time.sleep(moment)
        if how == "dropped":
            os.close(process.fd)  # as sshd does: the kernel sends SIGHUP, writes fail from now on
            process.closed = True
        elif how == "stalled":
            os.kill(process.pid, signal.SIGHUP)  # the master stays open and nobody reads it
        else:
            os.kill(process.pid, signal.SIGTERM)
        status = _ended(process.pid)
        process.terminated = status is not None
        return status
    finally:
        if not process.terminated:
            os.kill(process.pid, signal.SIGKILL)
            os.waitpid(process.pid, 0)
            process.terminated = True
        if not process.closed:
            process.close(force=True)


@pytest.mark.slow
def test_sighup_and_sigterm_end_the_wizard_at_any_moment(private_home: PrivateHome) -> None:
    env = {**private_home.env, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    jitter = random.Random(12)
    failures = []
    for index, moment in enumerate(MOMENTS):
        at = moment + jitter.uniform(0, 0.05)
        for how in ("stalled", "dropped") if index % 2 else ("dropped", "stalled"):
            status = _run(env, at, how)
            if status not in (129, -signal.SIGHUP):
                failures.append(f"SIGHUP ({how}) at {at:.2f} s: {status}")
    for at in (0.3, 0.8, 1.5):
        status = _run(env, at, "terminated")
        if status not in (143, -signal.SIGTERM):
            failures.append(f"SIGTERM at {at:.2f} s: {status}")
    assert not failures, "\n".join(failures)
