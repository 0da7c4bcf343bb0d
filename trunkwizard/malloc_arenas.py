"""One malloc arena for all of the wizard's threads, where the C library is glibc.

glibc gives each thread that allocates its own arena (up to eight per core). The wizard's worker threads
(`asyncio.to_thread` for the registry, drafts and history; the draft writer; Textual's input thread)
each leave memory in theirs that no other thread reuses: about 3 MiB of the wizard's peak RSS on the
largest form (bench/tui_bench.py, "peak RSS on the form"). Under the GIL those threads seldom allocate at
the same moment, so more arenas buy no speed here. The user's own setting wins: `MALLOC_ARENA_MAX`, or
`glibc.malloc.arena_max` in `GLIBC_TUNABLES`.
"""

from __future__ import annotations

import os
import sys

__all__ = ["limit_malloc_arenas"]

_M_ARENA_MAX = -8  # glibc's <malloc.h>


def limit_malloc_arenas(count: int = 1) -> bool:
    """Caps glibc's malloc arenas at `count` for threads that have none yet. True when it applied.

    Call it before the process starts threads: a thread that already has an arena keeps it."""
    if count < 1 or not sys.platform.startswith("linux") or _user_chose():
        return False
    import ctypes  # ~2 ms, paid once by the wizard only

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # musl has no mallopt (gcompat's answers 0, as below)
        return False
    return bool(mallopt(_M_ARENA_MAX, count))  # 0 from a C library that does not know the option


def _user_chose() -> bool:
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    return "MALLOC_ARENA_MAX" in os.environ or "glibc.malloc.arena_max" in tunables
