"""What the wizard imports before its first frame: the first screen's modules, and not the registry,
the HTTP stack, the keyring's backends or phone-number metadata (issue 16). A subprocess, so what
other tests imported does not count."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys
from trunkwizard.tui import app as wizard_app
from trunkwizard.tui.persistent_app import PersistentWizardApp

seen = {}

def on_ready(self):
    seen["modules"] = sorted(sys.modules)
    # each prompt is a heading over a summary; the heading starts with a two-column gutter (the cursor
    # glyph on the highlighted one)
    headings = [o.prompt.renderables[0].plain for o in self.query_one("#providers").options]
    seen["list"] = [heading[2:].split("  ")[0] for heading in headings]
    self.exit(0)

wizard_app.WizardApp.on_ready = on_ready
PersistentWizardApp(sandbox=True).run(headless=True, size=(80, 24))
print("LIST", "|".join(seen["list"]))
for name in seen["modules"]:
    print(name)
"""

HEAVY = (
    "pydantic",
    "pydantic_core",
    "httpx",
    "httpcore",
    "keyring",
    "phonenumbers",
    "trunkwizard.providers",
    "trunkwizard.client",
    "trunkwizard.sandbox",
    "trunkwizard.store",
    "secretstorage",
    "jeepney",
)


def test_the_first_frame_has_the_provider_list_and_none_of_the_heavy_imports(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "XDG_STATE_HOME": str(tmp_path / "s"),
        "XDG_DATA_HOME": str(tmp_path / "d"),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    listed = next(line for line in lines if line.startswith("LIST "))
    from trunkwizard.catalog import CATALOG

    assert listed.removeprefix("LIST ").split("|") == [entry.title for entry in CATALOG]
    heavy = [m for m in lines if m != "httpx._main" and any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == []
