"""Answers as the form holds them, and the part of them that applies right now.

Editors keep every typed value, hidden or not, so toggling a condition back restores what was typed.
Only the values of shown fields go to validation and to the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import SecretStr

from trunkwizard.errors import Problem
from trunkwizard.fields import FormField, Kind

__all__ = [
    "controllers",
    "first_field",
    "is_blank",
    "is_fixed",
    "problems_under",
    "visible_answers",
]


def is_fixed(field: FormField) -> bool:
    """A choice with a single value is a discriminator the mode already decided: never shown."""
    return field.kind is Kind.CHOICE and len(field.choices) == 1 and field.choices_from is None


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, SecretStr):
        return value.get_secret_value() == ""
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def visible_answers(fields: Iterable[FormField], values: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that apply: shown fields with a value, rows reduced the same way, fixed choices set."""
    fields = tuple(fields)
    siblings = {f.wire: f for f in fields}
    answers: dict[str, Any] = {}
    for field in fields:
        if is_fixed(field):
            answers[field.wire] = field.choices[0].value
            continue
        if not field.shown(values, siblings):
            continue
        value = values.get(field.wire)
        if field.kind is Kind.ROWS and field.rows and isinstance(value, list):
            value = [visible_answers(field.rows, row) if isinstance(row, Mapping) else row for row in value]
        if is_blank(value):
            continue
        answers[field.wire] = value
    return answers


def controllers(fields: Iterable[FormField]) -> frozenset[str]:
    """Wire names whose value decides whether another field shows."""
    return frozenset(f.shown_when.field for f in fields if f.shown_when is not None)


def first_field(path: str) -> str:
    """`outbound_cid_list.0.ext_list` -> `outbound_cid_list`."""
    return path.split(".", 1)[0]


def problems_under(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    """The problems inside `prefix` (e.g. `did_list.2.`), with the prefix removed from their path."""
    return [Problem(p.field[len(prefix) :], p.message) for p in problems if p.field.startswith(prefix)]
