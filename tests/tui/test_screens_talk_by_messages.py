"""Screens reach the app only by messages, notifications and pushing or popping screens: what else a
screen needs is passed to it at construction (tui/services.py). Screens not yet converted are listed."""

from __future__ import annotations

import ast
from pathlib import Path

import trunkwizard.tui.screens as screens_package

SCREENS = Path(screens_package.__file__).parent
ALLOWED = frozenset({"post_message", "notify", "push_screen", "pop_screen"})

# Issue 9 item 5, not done yet: these still read or call the app directly. Remove a module once converted.
NOT_YET_CONVERTED = frozenset(
    {
        "account.py",
        "base.py",
        "details.py",
        "history.py",
        "inventory.py",
        "inventory_edit.py",
        "result.py",
        "review.py",
        "submit.py",
    }
)


def reaches_into_app(source: str) -> list[str]:
    """`self.wizard.x` / `self.app.x` accesses whose `x` is not messaging, notify, push or pop."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if (
            isinstance(owner, ast.Attribute)
            and owner.attr in ("wizard", "app")
            and isinstance(owner.value, ast.Name)
            and owner.value.id == "self"
            and (owner.attr == "wizard" or node.attr not in ALLOWED)
        ):
            found.append((node.lineno, f"self.{owner.attr}.{node.attr}"))
    return [f"line {line}: {access}" for line, access in sorted(found)]


def test_the_check_sees_an_app_call() -> None:
    assert reaches_into_app("self.wizard.state.account\nself.app.export_dir\nself.app.notify('x')\n") == [
        "line 1: self.wizard.state",
        "line 2: self.app.export_dir",
    ]


def test_screens_reach_the_app_only_by_messages() -> None:
    offenders = {
        path.name: reaches_into_app(path.read_text())
        for path in sorted(SCREENS.glob("*.py"))
        if path.name not in NOT_YET_CONVERTED
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_not_yet_converted_list_only_holds_unconverted_screens() -> None:
    still_reaching = {name for name in NOT_YET_CONVERTED if reaches_into_app((SCREENS / name).read_text())}
    assert sorted(NOT_YET_CONVERTED - still_reaching) == []
