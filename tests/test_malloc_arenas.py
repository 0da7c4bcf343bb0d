"""The wizard's threads share glibc's one malloc arena (trunkwizard/malloc_arenas.py), read from the
process's own memory map: a thread's arena is a heap glibc maps at a 64 MiB boundary, 64 MiB long
(what it has not used yet mapped without access)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.tui.test_terminal_pty import Pty
from trunkwizard.malloc_arenas import limit_malloc_arenas

ROOT = Path(__file__).resolve().parents[1]
HEAP_MAX = 64 * 2**20  # glibc's HEAP_MAX_SIZE on 64-bit

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
USERS_SETTINGS = ("MALLOC_ARENA_MAX", "GLIBC_TUNABLES")


def thread_arenas(pid: int | str = "self") -> int:
    """How many thread arenas the process has mapped."""
    maps = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        fields = line.split()
        start, end = (int(part, 16) for part in fields[0].split("-"))
        maps.append((start, end, fields[1], len(fields) > 5))
    arenas = 0
    for index, (start, end, perms, named) in enumerate(maps):
        if start % HEAP_MAX or perms != "rw-p" or named:
            continue
        reserved_end = end
        if index + 1 < len(maps) and maps[index + 1][0] == end and maps[index + 1][2] == "---p":
            reserved_end = maps[index + 1][1]
        arenas += reserved_end - start == HEAP_MAX
    return arenas


THREADS_THAT_ALLOCATE = textwrap.dedent(
    """
    import sys, threading
    from tests.test_malloc_arenas import thread_arenas
    from trunkwizard.malloc_arenas import limit_malloc_arenas
    applied = limit_malloc_arenas() if sys.argv[1] == "capped" else False
    kept = []
    def allocate():
        kept.append([bytes(1024) + bytes([n % 256]) for n in range(2000)])  # above pymalloc's 512 bytes
    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(applied, thread_arenas())
    """
)


def run_threads(mode: str, **env: str) -> tuple[str, int]:
    environment = {k: v for k, v in os.environ.items() if k not in USERS_SETTINGS} | env
    environment["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", THREADS_THAT_ALLOCATE, mode],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
        cwd=ROOT,
    )
    applied, arenas = done.stdout.split()
    return applied, int(arenas)


def test_threads_that_allocate_get_arenas_of_their_own_without_the_cap() -> None:
    applied, arenas = run_threads("free")
    assert applied == "False"
    assert arenas >= 1


def test_after_the_cap_threads_allocate_in_the_one_arena() -> None:
    assert run_threads("capped") == ("True", 0)


@pytest.mark.parametrize(
    ("name", "value"), [("MALLOC_ARENA_MAX", "4"), ("GLIBC_TUNABLES", "glibc.malloc.arena_max=4")]
)
def test_the_users_own_setting_wins(name: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, value)
    assert limit_malloc_arenas() is False
    applied, arenas = run_threads("capped", **{name: value})
    assert applied == "False"
    assert arenas >= 1


def test_no_arena_at_all_is_not_a_cap() -> None:
    assert limit_malloc_arenas(0) is False


def test_the_wizard_keeps_one_arena_while_its_steps_load_in_worker_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in USERS_SETTINGS:  # a machine's own (containers often set MALLOC_ARENA_MAX) would win
        monkeypatch.delenv(name, raising=False)
    terminal = Pty({"TERM": "xterm-256color", "SSH_CONNECTION": "10.0.0.1 5 10.0.0.2 22"}, tmp_path)
    try:
        terminal.wait_for("Yeastar")
        terminal.process.write(b"\r")  # the first provider: its models and emulator load off the loop
        terminal.wait_for("which account?")
        terminal.quiet()
        assert thread_arenas(terminal.process.pid) == 0
    finally:
        terminal.close()
