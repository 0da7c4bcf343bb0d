"""The real command in a real pty (pyte screen): it draws and quits under TERM=xterm-256color, TERM=xterm
(16 colours) and NO_COLOR, and over SSH it writes nothing while idle (no cursor blink, no animation)."""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

import pyte
import pytest
from ptyprocess import PtyProcess

ROOT = Path(__file__).resolve().parents[2]


class Pty:
    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        full = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR", "SSH_CONNECTION")}
        for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            full[name] = str(tmp / name.lower())
        full.update(PYTHONPATH=str(ROOT), **env)
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.process = PtyProcess.spawn(
            [sys.executable, "-m", "trunkwizard", "--sandbox"], env=full, dimensions=(24, 80), cwd=str(ROOT)
        )
        self.received = 0

    def read(self, seconds: float) -> int:
        """Read for `seconds`; return the bytes received."""
        got = 0
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.process.fd], [], [], min(left, 0.05))
            if ready:
                try:
                    data = os.read(self.process.fd, 65536)
                except OSError:
                    break
                got += len(data)
                self.stream.feed(data)
        self.received += got
        return got

    def wait_for(self, text: str, limit: float = 30.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if text in "\n".join(self.screen.display):
                return
            self.read(0.05)
        raise AssertionError(f"{text!r} never showed:\n" + "\n".join(self.screen.display))

    def wait_for_all(self, words: tuple[str, ...], limit: float = 30.0) -> str:
        """Wait until every word is on the screen at once (the whole screen, not its first part)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            text = "\n".join(self.screen.display)
            if all(word in text for word in words):
                return text
            self.read(0.05)
        missing = [word for word in words if word not in "\n".join(self.screen.display)]
        raise AssertionError(f"{missing!r} never showed:\n" + "\n".join(self.screen.display))

    def quiet(self, seconds: float = 0.5, limit: float = 10.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self.read(seconds):
            pass

    def close(self) -> int | None:
        if self.process.isalive():
            self.process.terminate(force=True)
        return self.process.exitstatus  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "env",
    [{"TERM": "xterm-256color"}, {"TERM": "xterm"}, {"TERM": "xterm-256color", "NO_COLOR": "1"}],
    ids=["256-colours", "16-colours", "no-color"],
)
def test_draws_every_provider_and_quits_cleanly(env: dict[str, str], tmp_path: Path) -> None:
    pty = Pty(env, tmp_path)
    try:
        pty.wait_for_all(
            ("Chorus AI", "SignalWire", "Wavix", "Yeastar P-Series", "Vox.ai", "Provider", "SANDBOX", "Quit")
        )
        pty.process.write(b"\x11")  # ctrl+q: nothing typed yet, so no confirmation
        deadline = time.monotonic() + 10
        while pty.process.isalive() and time.monotonic() < deadline:
            pty.read(0.1)
        assert not pty.process.isalive()
        assert pty.process.exitstatus == 0
    finally:
        pty.close()


def test_over_ssh_nothing_is_written_while_idle(tmp_path: Path) -> None:
    pty = Pty({"TERM": "xterm-256color", "SSH_CONNECTION": "127.0.0.1 50000 127.0.0.1 22"}, tmp_path)
    try:
        pty.wait_for("Yeastar P-Series")
        pty.process.write(b"yea")  # the filter input has focus: a blinking cursor would draw now
        pty.wait_for("yea")
        pty.quiet()
        # A blinking cursor redraws every 0.5 s; two seconds of silence shows it is off.
        assert pty.read(2.0) == 0
    finally:
        pty.close()


@pytest.mark.parametrize(
    "env",
    [
        {"TERM": "xterm"},
        {"TERM": "xterm-256color", "NO_COLOR": "1"},
        {"TERM": "xterm", "NO_COLOR": "1"},
    ],
    ids=["16-colours", "no-color", "16-colours-no-color"],
)
def test_every_character_is_drawn_unlike_its_background(env: dict[str, str], tmp_path: Path) -> None:
    # Found in tmux with TERM=xterm NO_COLOR=1: every cell was black on black, an empty screen.
    pty = Pty(env, tmp_path)
    try:
        pty.wait_for_all(("Chorus AI", "Vox.ai", "Quit"))
        pty.quiet()
        unreadable = [
            (y, x, cell.data, cell.fg, cell.bg)
            for y in range(pty.screen.lines)
            for x, cell in pty.screen.buffer[y].items()
            if cell.data.strip() and cell.fg == cell.bg and cell.fg != "default"
        ]
        assert not unreadable, unreadable[:10]
    finally:
        pty.close()
