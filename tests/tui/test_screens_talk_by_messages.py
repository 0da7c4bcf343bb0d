"""Screens reach the app only by messages, notifications and pushing or popping screens: what else a
screen needs is passed to it at construction (tui/services.py), with no exception."""

from __future__ import annotations

import ast
from pathlib import Path

import trunkwizard.tui.screens as screens_package

SCREENS = Path(screens_package.__file__).parent
ALLOWED = frozenset({"post_message", "notify", "push_screen", "pop_screen"})
APP_MODULES = frozenset({"trunkwizard.tui.app", "trunkwizard.tui.persistent_app"})


def reaches_into_app(source: str) -> list[str]:
    """Every way a screen module reaches the app other than `<x>.app.<messaging, notify, push, pop>`:
    any `.wizard`, any other use of `.app` (an alias `app = self.app`, a cast, an argument), and any
    import of the app's modules."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "wizard":
            found.append((node.lineno, f"{ast.unparse(node)}"))
        elif isinstance(node, ast.Attribute) and node.attr == "app":
            used = parents.get(node)
            if not (isinstance(used, ast.Attribute) and used.attr in ALLOWED):
                shown = used if isinstance(used, ast.Attribute) else node
                found.append((node.lineno, ast.unparse(shown)))
        elif isinstance(node, ast.ImportFrom) and node.module in APP_MODULES:
            found.append((node.lineno, f"import from {node.module}"))
    return [f"line {line}: {access}" for line, access in sorted(set(found))]


def test_the_check_sees_an_app_call() -> None:
    assert reaches_into_app("self.wizard.state.account\nself.app.export_dir\nself.app.notify('x')\n") == [
        "line 1: self.wizard",
        "line 2: self.app.export_dir",
    ]


def test_the_check_sees_an_alias_of_the_app() -> None:
    source = (
        "app = self.app\n"
        "app = self.wizard\n"
        "wizard = cast('WizardApp', self.app)\n"
        "open_check(self.app, submitted=True)\n"
        "self.inventory.wizard.is_read_only('x')\n"
        "from trunkwizard.tui.app import WizardApp\n"
        "self.app.push_screen(screen)\n"
        "self.app.pop_screen()\n"
    )
    assert reaches_into_app(source) == [
        "line 1: self.app",
        "line 2: self.wizard",
        "line 3: self.app",
        "line 4: self.app",
        "line 5: self.inventory.wizard",
        "line 6: import from trunkwizard.tui.app",
    ]


def test_screens_reach_the_app_only_by_messages() -> None:
    offenders = {path.name: reaches_into_app(path.read_text()) for path in sorted(SCREENS.glob("*.py"))}
    assert {name: found for name, found in offenders.items() if found} == {}
