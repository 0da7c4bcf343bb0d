"""The SSH link drops mid-form, for real: `python -m trunkwizard --sandbox` in a pty, part of a form
typed (a secret included), then the pty master is closed as sshd does (the kernel sends SIGHUP). The
app must leave with 129 and a 0600 draft without the secret; started again, it offers the draft, and
resuming brings every non-secret answer back at the same step, read off the emulated screen (pyte).
The secret is neither restored nor in any file the app wrote, nor in anything the terminal received.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyte
from ptyprocess import PtyProcess

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak, assert_private_tree
from tests.support.secret_service import PrivateHome

ROOT = Path(__file__).resolve().parents[2]
COLUMNS, LINES = 80, 24
ANSWERS = {
    "number": "+14155550124",
    "name": "Main line",
    "sipUsername": "chorus-1001",
    "sipProxy": "pbx.example.com",
}


class Terminal:
    """The app in a pty; everything it writes goes to a pyte screen and is kept for the leak check."""

    def __init__(self, env: dict[str, str]) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.received = bytearray()
        self.process = PtyProcess.spawn(
            [sys.executable, "-m", "trunkwizard", "--sandbox"],
            env=env,
            dimensions=(LINES, COLUMNS),
            cwd=str(ROOT),
        )

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.process.fd], [], [], timeout)
        if ready:
            try:
                data = os.read(self.process.fd, 65536)
            except OSError:
                return
            self.received += data
            self.stream.feed(data)

    def wait_for(self, predicate: Callable[[str], bool], what: str, limit: float = 30.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if predicate(self.text()):
                return
            self.pump(0.02)
        raise AssertionError(f"never saw {what}; the screen shows:\n{self.text()}")

    def settle(self, quiet: float = 0.3) -> None:
        """Read until the app has been quiet for `quiet` seconds."""
        last = len(self.received)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.pump(quiet)
            if len(self.received) == last:
                return
            last = len(self.received)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.process.write(key.encode())
            self.settle(0.15)

    def hang_up(self) -> int:
        """Close the master side, as sshd does when the link drops; return the exit status."""
        os.close(self.process.fd)
        self.process.closed = True
        _, status = os.waitpid(self.process.pid, 0)
        self.process.terminated = True
        if os.WIFSIGNALED(status):
            return -os.WTERMSIG(status)
        return os.WEXITSTATUS(status)

    def quit(self) -> None:
        if self.process.terminated:
            return
        if self.process.isalive():
            self.process.kill(signal.SIGKILL)
        self.process.close(force=True)


TAB, ENTER, DOWN, CTRL_N = "\t", "\r", "\x1b[B", "\x0e"


def _row_of(text: str, label: str) -> str:
    (line,) = [line for line in text.splitlines() if line.strip().startswith(label)]
    return line


def test_sighup_keeps_the_draft_and_resume_brings_the_answers_back(private_home: PrivateHome) -> None:
    env = {**private_home.env, "TERM": "xterm-256color", "SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"}
    env["PYTHONPATH"] = str(ROOT)
    outputs: list[bytes] = []

    first = Terminal(env)
    try:
        first.wait_for(lambda t: "Which provider?" in t and "Chorus AI" in t, "the provider list")
        first.keys(*"Chorus", ENTER)
        first.wait_for(lambda t: "which account?" in t, "the account step")
        first.keys(CTRL_N)
        first.wait_for(lambda t: "which kind of" in t, "the mode step")
        first.keys(DOWN, ENTER)
        first.wait_for(lambda t: "Phone number" in t or "* required" in t, "the details step")
        first.keys(*ANSWERS["number"], TAB, *ANSWERS["name"], TAB, TAB, *ANSWERS["sipUsername"], TAB)
        first.keys(*CANARY, TAB, *ANSWERS["sipProxy"])
        first.wait_for(lambda t: ANSWERS["sipProxy"] in t, "the last answer on screen")
        status = first.hang_up()
        outputs.append(bytes(first.received))
    finally:
        first.quit()
    assert status == 129

    drafts = private_home.state_home / "trunkwizard" / "drafts"
    (draft_file,) = list(drafts.iterdir())
    draft = json.loads(draft_file.read_text())
    assert (
        draft["step"] == "details" and draft["provider"] == "chorus" and draft["mode"] == "sip-registration"
    )
    assert {k: draft["answers"]["details"][k] for k in ANSWERS} == ANSWERS
    assert "sipPassword" not in draft["answers"]["details"]
    assert_private_tree(private_home.state_home / "trunkwizard")

    second = Terminal(env)
    try:
        second.wait_for(lambda t: "Resume where you left off?" in t, "the resume question")
        second.settle()
        assert "Chorus AI · SIP, registration" in second.text()
        assert "Step: Details · 4 answers · sandbox" in second.text(), second.text()
        second.keys("r")
        second.wait_for(lambda t: ANSWERS["sipProxy"] in t, "the answers back")
        shown = second.text()
        for value in ANSWERS.values():
            assert value in shown, f"{value!r} is not back:\n{shown}"
        assert "Details" in shown.splitlines()[0]
        second.keys("\x14")  # ctrl+t shows secrets: the password field must be empty
        second.settle()
        password_row = _row_of(second.text(), "SIP password")
        assert "•" not in password_row and CANARY not in password_row
        outputs.append(bytes(second.received))
        second.hang_up()
    finally:
        second.quit()

    assert_no_leak(CANARY, private_home.scanned_roots(), *outputs)
    assert_private_tree(private_home.state_home / "trunkwizard", private_home.config_home)
