"""Steps are a declared type: every step screen says which Step it is; the indicator draws Steps."""

from __future__ import annotations

import importlib
import pkgutil

import trunkwizard.tui.screens as screens
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.steps import KEPT_STEPS, Step
from trunkwizard.tui.widgets.step_indicator import StepIndicator


def _subclasses(cls: type[WizardScreen]) -> list[type[WizardScreen]]:
    found: list[type[WizardScreen]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_step_screen_declares_its_step() -> None:
    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"{screens.__name__}.{module.name}")
    declared = {cls: cls.STEP for cls in _subclasses(WizardScreen)}
    assert declared and all(isinstance(step, Step) for step in declared.values()), declared
    assert {Step.ACCOUNT, Step.DETAILS, Step.RESULT} <= set(declared.values())
    assert Step.PROVIDER not in KEPT_STEPS and Step.RESULT not in KEPT_STEPS


def test_the_indicator_draws_the_declared_steps() -> None:
    line = StepIndicator(Step.DETAILS, skipped=frozenset({Step.MODE}))._parts(short=False)
    assert [text for text, _ in line] == [
        "✓Provider",
        "✓Account",
        "\u2013Mode",
        "▶Details",
        "Review",
        "Submit",
        "Result",
    ]
