"""For tui_bench.py: the wizard's WizardApp alone (no CLI parsing, no profiles, drafts or history), to
show how the first-screen time of `trunkwizard` splits between the wizard and what wraps it."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trunkwizard.tui.app import WizardApp

if __name__ == "__main__":
    WizardApp(sandbox=True).run()
