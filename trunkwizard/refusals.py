"""What a provider refused: a field's value and the provider's words, kept for as long as the value stays.

A refused create brings the form back with each field the provider named marked with its message. The
mark belongs to the value, not to the moment: it stays while the field holds the refused value (leaving
the field, going back and on, quitting and resuming the draft) and goes when the value changes; it
comes back if the refused value is typed again. It is shown as the refusal was (the provider's words
under the field) but does not block Next: that the provider would refuse the value again is inferred, not
documented (the clash may have been removed at the provider since), and an inferred rule lets the user go
on (DESIGN.md). Secret fields' refusals are kept in memory only: a draft never holds a secret
(store/drafts.py).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from trunkwizard.errors import Problem, ProviderError, first_field
from trunkwizard.redact import redact

__all__ = [
    "Refusal",
    "kept_refusals",
    "refusal_headline",
    "refusal_problems",
    "refusals_from_json",
    "refusals_of",
    "refusals_to_json",
    "same_value",
    "standing",
    "with_refusals",
]

# refusals kept per form: the newest first; older ones beyond this are forgotten
MOST_KEPT = 20


@dataclass(frozen=True)
class Refusal:
    """The provider refused `value` (the form's value of the field `field` starts in) with `message`;
    `headline` is the whole refusal as the form's banner showed it. Both texts are redacted."""

    field: str  # the wire path the provider named: `name`, `did_list.0.did`
    value: Any = dataclass_field(repr=False)
    message: str
    headline: str = ""

    def holds_for(self, values: Mapping[str, Any]) -> bool:
        """Does the form still hold the refused value?"""
        wire = first_field(self.field)
        return wire in values and same_value(values[wire], self.value)


def same_value(a: Any, b: Any) -> bool:
    """Equal as a draft keeps them (a tuple and a list with the same items are the same value)."""
    if a == b:
        return True
    try:
        return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return False


def refusals_of(error: ProviderError, values: Mapping[str, Any]) -> tuple[Refusal, ...]:
    """The fields a provider's refusal names, each with the value the form held (`values`: the form's
    values by wire name). A refusal that names no field of the form is the banner's alone."""
    problems = list(error.problems)
    if error.field and not any(p.field == error.field for p in problems):
        problems.insert(0, Problem(error.field, error.message))
    headline = redact(error.message)
    refusals: list[Refusal] = []
    for problem in problems:
        wire = first_field(problem.field)
        if problem.field and wire in values:
            value = copy.deepcopy(values[wire])
            refusals.append(Refusal(problem.field, value, redact(problem.message), headline))
    return tuple(refusals)


def kept_refusals(earlier: Iterable[Refusal], new: Iterable[Refusal]) -> tuple[Refusal, ...]:
    """The refusals to keep after `new` ones: newest first, one per field and value."""
    kept: list[Refusal] = []
    for refusal in (*new, *earlier):
        if not any(k.field == refusal.field and same_value(k.value, refusal.value) for k in kept):
            kept.append(refusal)
    return tuple(kept[:MOST_KEPT])


def standing(refusals: Iterable[Refusal], values: Mapping[str, Any]) -> tuple[Refusal, ...]:
    """The refusals whose field still holds the refused value, newest first."""
    return tuple(refusal for refusal in refusals if refusal.holds_for(values))


def refusal_problems(refusals: Iterable[Refusal], values: Mapping[str, Any]) -> list[Problem]:
    """One problem per refused field that still holds the refused value (the newest refusal's words)."""
    problems: dict[str, Problem] = {}
    for refusal in standing(refusals, values):
        problems.setdefault(refusal.field, Problem(refusal.field, refusal.message))
    return list(problems.values())


def with_refusals(
    problems: Iterable[Problem], refusals: Iterable[Refusal], values: Mapping[str, Any]
) -> list[Problem]:
    """`problems` (the rules'), and the refusals that stand on the fields no rule marks: a broken rule
    is what blocks, so its message is the one shown."""
    problems = list(problems)
    marked = {first_field(p.field) for p in problems}
    return problems + [p for p in refusal_problems(refusals, values) if first_field(p.field) not in marked]


def refusal_headline(refusals: Iterable[Refusal], values: Mapping[str, Any]) -> str | None:
    """The newest standing refusal's whole message, for the banner; None when no refusal stands."""
    return next((r.headline for r in standing(refusals, values) if r.headline), None)


def refusals_to_json(refused: Iterable[Refusal], secret_fields: Collection[str]) -> list[dict[str, Any]]:
    """The refusals as a file keeps them (a draft, a half-done connection in the history): texts
    redacted, none of a secret field or with a secret value (a secret is never written, not even to
    recognise it again)."""
    from trunkwizard.store.scrub import strip_secrets

    kept = []
    for refusal in refused:
        wire = first_field(refusal.field)
        _, dropped = strip_secrets({wire: refusal.value}, secret_fields)
        if dropped:
            continue
        kept.append(
            {
                "field": refusal.field,
                "value": refusal.value,
                "message": redact(refusal.message),
                "headline": redact(refusal.headline),
            }
        )
    return kept


def refusals_from_json(data: Any) -> tuple[Refusal, ...]:
    """The refusals a file keeps; an entry that is not one (edited by hand, a newer version) is skipped."""
    if not isinstance(data, list):
        return ()
    return tuple(
        Refusal(item["field"], item.get("value"), item["message"], str(item.get("headline") or ""))
        for item in data
        if isinstance(item, dict)
        and isinstance(item.get("field"), str)
        and isinstance(item.get("message"), str)
    )
