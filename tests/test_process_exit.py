"""The command's process ends without the interpreter's teardown walking all it loaded (issue 16):
`trunkwizard` and `python -m trunkwizard` call `cli.run`, which freezes what is loaded once `main`
returns. Subprocesses, so the freeze is the command's own; `main`, which tests call in-process, never
freezes."""

from __future__ import annotations

import gc
import tomllib

from tests.support.python import ROOT, python_stdout
from trunkwizard.cli import main


def _frozen_after(code: str) -> int:
    return int(python_stdout(code + "\nimport gc; print(gc.get_freeze_count())").strip().splitlines()[-1])


def test_the_console_script_and_python_m_end_through_run() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"trunkwizard": "trunkwizard.cli:run"}
    via_m = "import contextlib, io, runpy, sys\nsys.argv = ['trunkwizard', 'providers']\n"
    via_m += "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
    via_m += "    runpy.run_module('trunkwizard', run_name='__main__')"
    assert _frozen_after(via_m) > 1000


def test_run_freezes_what_is_loaded_and_returns_mains_code() -> None:
    code = "import contextlib, io, sys\nfrom trunkwizard.cli import run\n"
    code += "sys.argv = ['trunkwizard', 'providers']\n"
    code += "with contextlib.redirect_stdout(io.StringIO()):\n    assert run() == 0\n"
    assert _frozen_after(code) > 1000
    code = code.replace("'providers'", "'providers', 'nosuchprovider'").replace("== 0", "== 2")
    assert _frozen_after(code) > 1000


def test_main_leaves_the_collector_alone() -> None:
    before = gc.get_freeze_count()
    assert main(["providers"]) == 0
    assert gc.get_freeze_count() == before
