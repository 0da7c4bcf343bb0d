"""What the wizard imports before its first frame: the first screen's modules, and not the registry,
the HTTP stack, the keyring's backends or phone-number metadata (issue 16). A subprocess, so what
other tests imported does not count."""

from __future__ import annotations

from pathlib import Path

from tests.support.python import python_stdout

PROBE = """
import sys
from trunkwizard.tui import app as wizard_app
from trunkwizard.tui.persistent_app import PersistentWizardApp

seen = {}

def on_ready(self):
    seen["modules"] = sorted(sys.modules)
    redact = sys.modules["trunkwizard.redact"]
    seen["compiled"] = len(getattr(redact, "_carrier_patterns", "compiled at import"))
    # each prompt is a heading over a summary; the heading starts with a two-column gutter (the cursor
    # glyph on the highlighted one)
    headings = [o.prompt.renderables[0].plain for o in self.query_one("#providers").options]
    seen["list"] = [heading[2:].split("  ")[0] for heading in headings]
    self.exit(0)

wizard_app.WizardApp.on_ready = on_ready
PersistentWizardApp(sandbox=True).run(headless=True, size=(80, 24))
print("LIST", "|".join(seen["list"]))
print("COMPILED", seen["compiled"])
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


# the steps' messages and services (dozens of dataclasses and Protocols, ~6 ms), json
LATER = ("trunkwizard.tui.messages", "trunkwizard.tui.services", "json")


def test_the_first_frame_has_the_provider_list_and_none_of_the_heavy_imports(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "XDG_STATE_HOME": str(tmp_path / "s"),
        "XDG_DATA_HOME": str(tmp_path / "d"),
    }
    lines = python_stdout(PROBE, env=env).splitlines()
    listed = next(line for line in lines if line.startswith("LIST "))
    from trunkwizard.catalog import CATALOG

    assert listed.removeprefix("LIST ").split("|") == [entry.title for entry in CATALOG]
    heavy = [m for m in lines if m != "httpx._main" and any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == []
    # nor what only later steps use: they load with the registry, after the first frame
    assert [m for m in lines if m in LATER] == []
    assert "COMPILED 0" in lines  # the redaction patterns are compiled at the first redaction


WIZARD_SWITCHES = """
import sys
from trunkwizard import cli
from trunkwizard.tui import app

def run_app(**options):
    print(sorted(options.items()), "argparse" in sys.modules)
    return 0

app.run_app = run_app
cli.main(sys.argv[1:])
"""


def test_the_wizard_opens_without_argparse_when_only_switches_are_given() -> None:
    """`trunkwizard --sandbox` (the switches that take no value, in full): no argparse (~2 ms of the
    first frame), the same options as argparse gives; anything else goes through argparse."""

    def run(*words: str) -> str:
        return python_stdout(WIZARD_SWITCHES, *words).strip()

    expected = (
        "[('insecure_http', {h}), ('mouse', {m}), ('profile', {p}), ('read_only', {r}), ('sandbox', {s})] {a}"
    )
    assert run() == expected.format(h=False, m=True, p=None, r=False, s=False, a=False)
    assert run("--sandbox", "--no-mouse") == expected.format(
        h=False, m=False, p=None, r=False, s=True, a=False
    )
    assert run("--read-only", "--insecure-http", "--sandbox") == expected.format(
        h=True, m=True, p=None, r=True, s=True, a=False
    )
    # an abbreviation or a value: argparse, which reads them as before
    assert run("--sand") == expected.format(h=False, m=True, p=None, r=False, s=True, a=True)
    assert run("--profile", "acme", "--sandbox") == expected.format(
        h=False, m=True, p="'acme'", r=False, s=True, a=True
    )
