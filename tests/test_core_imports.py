"""The core never imports Textual: scripts and the sandbox stay light, and the layering stays honest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CORE_MODULES = [
    "trunkwizard.fields",
    "trunkwizard.values",
    "trunkwizard.errors",
    "trunkwizard.redact",
    "trunkwizard.providers",
    "trunkwizard.client",
    "trunkwizard.sandbox",
    "trunkwizard.secrets",
    "trunkwizard.store",
    "trunkwizard.preflight",
    "trunkwizard.connect",
    "trunkwizard.connect.catalog",
    "trunkwizard.connect.export",
    "trunkwizard.cli",
]


def test_core_modules_import_without_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "import trunkwizard.cli as cli\n"
        "cli.build_parser()\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Textual was imported by the core: {result.stdout}"


def test_the_core_source_never_names_textual() -> None:
    offenders = []
    for path in (ROOT / "trunkwizard").rglob("*.py"):
        if "tui" in path.relative_to(ROOT / "trunkwizard").parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "import textual" in text or "from textual" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_tui_never_names_a_provider() -> None:
    """The TUI renders provider specs; a provider name or branch in tui/ is a design smell."""
    from trunkwizard.providers import all_providers

    names = tuple(p.key for p in all_providers())
    assert names
    offenders = []
    for path in (ROOT / "trunkwizard" / "tui").rglob("*"):
        if path.suffix not in (".py", ".tcss"):
            continue
        text = path.read_text(encoding="utf-8").lower()
        offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in text]
    assert offenders == []
