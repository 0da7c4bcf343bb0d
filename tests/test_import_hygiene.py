"""No import that does nothing (issue 16): httpx's command-line client (click, pygments), phone-number
metadata before a number is checked, pydantic's plugin scan. Subprocesses, so other tests' imports do
not count."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _probe(code: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert isinstance(loaded, dict)
    return loaded


_REPORT = (
    "import json, sys\n"
    "import pydantic.plugin._loader as plugins\n"
    "print(json.dumps({'modules': sorted(sys.modules), 'plugins_scanned': plugins._plugins is not None}))\n"
)


def test_the_registry_and_client_skip_httpx_cli_phone_metadata_and_plugin_scan() -> None:
    report = _probe(
        "import trunkwizard.client, trunkwizard.providers\n"
        "from trunkwizard.providers import all_providers\n"
        "[m.fields for p in all_providers() for m in p.modes]\n" + _REPORT
    )
    modules = report["modules"]
    assert isinstance(modules, list)
    assert "httpx" in modules
    assert [m for m in modules if m.split(".")[0] in ("click", "pygments", "phonenumbers")] == []
    assert report["plugins_scanned"] is False


def test_a_phone_number_check_loads_the_metadata_then() -> None:
    report = _probe(
        "from trunkwizard.values import e164\nassert e164('+1 415 555 0124') == '+14155550124'\n" + _REPORT
    )
    modules = report["modules"]
    assert isinstance(modules, list) and "phonenumbers" in modules


def test_httpx_main_says_where_the_cli_is() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import trunkwizard, httpx; httpx.main()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "run `httpx`" in result.stderr
