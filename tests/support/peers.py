"""Plumbing for the real network peers the preflight tests start: free ports, readiness, clean stops."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

__all__ = ["free_port", "port_is_bound", "require_binary", "stop_process", "wait_until"]


def require_binary(name: str, package: str) -> str:
    """The path of `name`; a missing peer fails the test (CI installs it), it never skips."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: apt-get install -y --no-install-recommends {package}")
    return path


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1 right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free port on 127.0.0.1")


def port_is_bound(port: int, protocol: str) -> bool:
    """Whether some socket is bound to `port` (UDP) or listening on it (TCP), from /proc/net."""
    for table in (f"/proc/net/{protocol}", f"/proc/net/{protocol}6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            state = fields[3]
            if local_port == port and (protocol == "udp" or state == "0A"):
                return True
    return False


def wait_until(
    condition: Callable[[], bool],
    *,
    what: str,
    process: subprocess.Popen[bytes],
    log: Path,
    limit: float = 10.0,
) -> None:
    """Poll `condition()` until true; fail with the peer's stderr when it died or never became ready."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        if condition():
            return
        time.sleep(0.02)
    stop_process(process)
    pytest.fail(f"{what} was not ready after {limit:g} s: {log.read_text(errors='replace')[-2000:]}")


def stop_process(process: subprocess.Popen[bytes], first_signal: int = signal.SIGTERM) -> None:
    if process.poll() is not None:
        return
    process.send_signal(first_signal)
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
