"""Validation rules that say where they come from.

A rule is one object in a field's `Annotated` metadata: what it checks, the document line it follows,
and the words a technician reads when a value breaks it.

    number: Annotated[str, Rule("E.164, e.g. +14155550124", inferred("Chorus' examples"), check=..., ...)]

A rule a document states (a seed line or an official spec) refuses the value: pydantic runs it like an
`AfterValidator`, and its message is the problem. A rule we only infer from examples never refuses:
`fields.check_answers` runs it beside validation and returns its message as a warning, so a technician
with a valid value the documents allow never hits a dead end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "Across",
    "Rule",
    "Source",
    "at_least",
    "at_most",
    "inferred",
    "length",
    "matches",
    "reference",
    "seed",
    "spec",
    "stated",
]


@dataclass(frozen=True)
class Source:
    """Where a rule comes from. `kind` "seed", "spec" or "reference" (a verified line of
    ../shared/reference/) is a document; "inferred" is our reading."""

    kind: Literal["seed", "spec", "reference", "inferred"]
    where: str

    @property
    def documented(self) -> bool:
        return self.kind != "inferred"

    def __str__(self) -> str:
        return self.where if self.documented else f"inferred: {self.where}"


def seed(number: str, lines: str) -> Source:
    """A line of ../shared/seeds/<number>_*.txt, the authority on each provider's API."""
    return Source("seed", f"seed {number} line {lines}")


def spec(document: str, where: str) -> Source:
    """A place in an official OpenAPI document of ../shared/openapi/."""
    return Source("spec", f"{document} {where}")


def reference(document: str, lines: str) -> Source:
    """A line of ../shared/reference/<document>.md marked verified ([V]) against the provider's docs."""
    return Source("reference", f"reference {document} line {lines}")


def inferred(why: str) -> Source:
    """No document states the rule; `why` says what it is read from (an example, another page)."""
    return Source("inferred", why)


def _no_check(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Rule:
    """One rule on a field's value.

    says:  the rule in a few words, for `trunkwizard providers` ("at most 60 characters").
    source:  where it comes from; documented rules refuse, inferred rules warn.
    check:  returns the value (a documented rule may normalise it) or raises ValueError with a message
        that says what to type; an inferred rule's message says what the provider may refuse.
    The constraint attributes (max_length, ge, ...) are what the form shows as a hint; set them only on
    documented rules, as the form must not stop a technician typing what an inferred rule dislikes.
    """

    says: str
    source: Source
    check: Callable[[Any], Any] = field(default=_no_check, compare=False)
    min_length: int | None = None
    max_length: int | None = None
    ge: float | None = None
    le: float | None = None
    pattern: str | None = None

    @property
    def documented(self) -> bool:
        return self.source.documented

    def problem(self, value: Any) -> str | None:
        """The message for `value`, or None when it keeps the rule. None (no value) keeps every rule."""
        if value is None:
            return None
        try:
            self.check(value)
        except ValueError as exc:
            return str(exc)
        except (TypeError, AttributeError, ArithmeticError):
            # not of the field's type yet (raw answers of a form that failed): the type's own problem
            return None
        return None

    def __get_pydantic_core_schema__(self, source_type: Any, handler: GetCoreSchemaHandler) -> Any:
        schema = handler(source_type)
        if not self.documented:
            return schema
        return core_schema.no_info_after_validator_function(self._enforce, schema)

    def _enforce(self, value: Any) -> Any:
        if value is None:
            return value
        try:
            return self.check(value)
        except ValueError as exc:
            # a custom error: its message is the problem as written, with no "Value error, " before it
            raise PydanticCustomError("rule", str(exc).replace("{", "{{").replace("}", "}}")) from None


def _size(value: Any) -> int:
    return len(value.get_secret_value() if hasattr(value, "get_secret_value") else value)


def length(source: Source, *, at_most: int | None = None, at_least: int | None = None) -> Rule:
    """A length rule on text (or a list): "at most 60 characters"."""
    if at_most is not None and at_least is not None:
        says = f"{at_least} to {at_most} characters"
    elif at_most is not None:
        says = f"at most {at_most} characters"
    else:
        says = f"at least {at_least} characters"

    def check(value: Any) -> Any:
        size = _size(value)
        if at_most is not None and size > at_most:
            raise ValueError(
                _length_message(source, f"at most {at_most} characters", size - at_most, over=True)
            )
        if at_least is not None and size < at_least:
            raise ValueError(
                _length_message(source, f"at least {at_least} characters", at_least - size, over=False)
            )
        return value

    documented = source.documented
    return Rule(
        says,
        source,
        check,
        min_length=at_least if documented else None,
        max_length=at_most if documented else None,
    )


def _length_message(source: Source, rule: str, off_by: int, *, over: bool) -> str:
    characters = f"character{'s' if off_by > 1 else ''}"
    if source.documented:
        return f"{rule}: type {off_by} {'fewer' if over else 'more'} {characters}"
    return (
        f"{rule} is what the provider's other pages allow; this is {off_by} {characters} "
        f"too {'many' if over else 'few'}: the provider may refuse it"
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def at_most(limit: float, source: Source, *, why: str = "") -> Rule:
    """An upper bound on a number: "at most 2147483647 (int32)"."""
    says = f"at most {_number(limit)}" + (f" ({why})" if why else "")

    def check(value: Any) -> Any:
        if value > limit:
            if source.documented:
                raise ValueError(
                    f"enter a number no larger than {_number(limit)}" + (f" ({why})" if why else "")
                )
            raise ValueError(
                f"larger than {_number(limit)}: the provider may refuse it" + (f" ({why})" if why else "")
            )
        return value

    return Rule(says, source, check, le=limit if source.documented else None)


def at_least(limit: float, source: Source, *, why: str = "", strictly: bool = False) -> Rule:
    """A lower bound on a number: "at least 1", or "more than 0" when `strictly`."""
    words = f"more than {_number(limit)}" if strictly else f"at least {_number(limit)}"
    says = words + (f" ({why})" if why else "")

    def check(value: Any) -> Any:
        if value < limit or (strictly and value == limit):
            if source.documented:
                raise ValueError(f"enter a number {words}")
            raise ValueError(f"{says} is what makes sense here: the provider may refuse {value}")
        return value

    return Rule(says, source, check, ge=limit if source.documented and not strictly else None)


def matches(regex: str, source: Source, *, says: str, message: str) -> Rule:
    """The whole value matches `regex` (no trailing newline slips through, unlike `re.match` with $)."""
    compiled = re.compile(regex)

    def check(value: Any) -> Any:
        if not compiled.fullmatch(str(value)):
            raise ValueError(message)
        return value

    return Rule(says, source, check, pattern=regex if source.documented else None)


def stated(says: str, source: Source) -> Rule:
    """The source of a rule pydantic itself enforces (a type, a choice, a required field): it checks
    nothing more, so `trunkwizard providers` can say where the built-in rule comes from."""
    return Rule(says, source)


@dataclass(frozen=True)
class Across:
    """A rule between fields of one model (a toggle and the value it turns on; an ID or a number),
    declared in the model's `across` and reported at the field `at` (a wire name).

    check:  the model's values by wire name (validated, or the raw answers of a form that failed) ->
        the message when they break the rule, else None.
    Like a Rule, a documented one refuses (the form's gate) and an inferred one only warns.
    """

    says: str
    source: Source
    at: str
    check: Callable[[Mapping[str, Any]], str | None] = field(compare=False)

    @property
    def documented(self) -> bool:
        return self.source.documented

    def problem(self, values: Mapping[str, Any]) -> str | None:
        try:
            return self.check(values)
        except (TypeError, AttributeError, ArithmeticError, ValueError):
            return None  # values not of their types yet: their own fields say what is wrong
