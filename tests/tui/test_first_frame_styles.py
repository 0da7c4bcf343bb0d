"""The first screen is styled once before its first frame (issue 16): Textual styles every widget again
when a screen resumes, and a step's first resume comes right after its widgets were mounted and
styled. A subprocess, so the count starts with the app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import collections
from textual.app import App
from textual.css.stylesheet import Stylesheet
from trunkwizard.tui.persistent_app import PersistentWizardApp

styled = collections.Counter()
apply = Stylesheet.apply

def counting_apply(self, node, *args, **kwargs):
    styled[node] += 1
    return apply(self, node, *args, **kwargs)

Stylesheet.apply = counting_apply
display = App._display

def first_display(self, screen, renderable):
    display(self, screen, renderable)
    if not getattr(self, "probed", False):
        self.probed = True
        for node in screen.walk_children():
            print(type(node).__name__, node.id, styled[node])
        self.exit(0)

App._display = first_display
PersistentWizardApp(sandbox=True).run(headless=True, size=(80, 24))
"""

# widgets whose classes do not change while the first screen mounts (focus, the footer's compact
# style and the buttons' variants restyle the others, each for its own reason)
STEADY = {
    ("StepIndicator", "None"),
    ("Static", "heading"),
    ("Static", "banner"),
    ("StepBody", "body"),
    ("OptionList", "providers"),
    ("Horizontal", "nav"),
    ("Static", "status"),
    ("StepFooter", "None"),
}


def test_the_first_screen_is_styled_once_before_its_first_frame(tmp_path: Path) -> None:
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
    counts = {}
    for line in result.stdout.splitlines():
        kind, name, times = line.split()
        counts[(kind, name)] = int(times)
    assert counts.keys() >= STEADY
    assert {widget: counts[widget] for widget in STEADY} == dict.fromkeys(STEADY, 1)
