"""One malloc arena for all of the wizard's threads, where the C library is glibc.

glibc gives each thread that allocates its own arena (up to eight per core). The wizard's worker threads
(`asyncio.to_thread` for the registry, drafts and history; the draft writer; Textual's input thread)
each leave memory in theirs that no other thread reuses: about 3 MiB of the wizard's peak RSS on the
largest form (bench/tui_bench.py, "peak RSS on the form"). Under the GIL those threads seldom allocate at
the same moment, so more arenas buy no speed here. `MALLOC_ARENA_MAX`, when the user sets it, wins.
"""

from __future__ import annotations

import os
import sys

__all__ = ["limit_malloc_arenas"]

_M_ARENA_MAX = -8  # glibc's <malloc.h>


def limit_malloc_arenas(count: int = 1) -> bool:
    """Caps glibc's malloc arenas at `count` for threads that have none yet. True when it applied.

    Call it before the process starts threads: a thread that already has an arena keeps it."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    import ctypes  # ~2 ms, paid once by the wizard only

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    # musl's mallopt accepts nothing and answers 0, as glibc does for an option it does not know
    return bool(mallopt(_M_ARENA_MAX, count))
