"""The wizard's steps, in order: what a step screen declares (`WizardScreen.STEP`), what the step
indicator draws and what the draft keeper keeps, one type instead of strings."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["KEPT_STEPS", "Step"]


class Step(StrEnum):
    PROVIDER = "provider"
    ACCOUNT = "account"
    MODE = "mode"
    DETAILS = "details"
    REVIEW = "review"
    SUBMIT = "submit"
    RESULT = "result"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# steps worth a draft: before the account there is nothing typed; after the result nothing is left to do
KEPT_STEPS = frozenset({Step.ACCOUNT, Step.MODE, Step.DETAILS, Step.REVIEW, Step.SUBMIT})
