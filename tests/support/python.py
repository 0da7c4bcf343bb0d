"""`python -c CODE` in a fresh interpreter at the project's root: what it imports, freezes or prints is
its own, not the test process's (whose imports other tests have made)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(
    code: str, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def python_stdout(code: str, *args: str, env: Mapping[str, str] | None = None) -> str:
    """The stdout of `python -c CODE ARGS`, once it exited 0 (else its stderr is the failure)."""
    result = run_python(code, *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout
