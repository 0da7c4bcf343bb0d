"""The form vocabulary: what a field is, when it shows, when it is required, what goes on the wire.

A provider declares each mode as a pydantic model whose fields carry the provider's wire names as
aliases and a `Form(...)` entry in their `Annotated` metadata. Everything else is derived from that
one declaration: the wizard's form (`form_fields`), validation and the request body (`wire_body`).
The condition that shows a field is the same object that makes it required and decides whether it is
sent, so the three can never disagree.

The one gate is `ProviderModel`'s model validator: every `model_validate` (the wizard, the CLI, saved
profiles) drops hidden and blank answers, enforces `required_when_shown` and `confirm_of`, and never
validates a hidden field. `validate_answers` is `model_validate` with the errors turned into Problems.
"""

from __future__ import annotations

import enum
import re
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails, PydanticCustomError, PydanticUndefined

from trunkwizard.errors import Problem, ValidationFailed
from trunkwizard.redact import MASK, register_secret
from trunkwizard.rules import Across, Rule

__all__ = [
    "Choice",
    "Form",
    "FormField",
    "Kind",
    "ProviderModel",
    "When",
    "applicable_answers",
    "check_answers",
    "check_row",
    "controllers",
    "describe_path",
    "describe_problem",
    "form_fields",
    "is_blank",
    "path_values",
    "problem_text",
    "problems_of",
    "required_problems",
    "shown_fields",
    "validate_answers",
    "when",
    "wire_body",
]


class Kind(enum.StrEnum):
    TEXT = "text"
    SECRET = "secret"
    INTEGER = "integer"
    NUMBER = "number"
    TOGGLE = "toggle"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    ORDERED_CHOICE = "ordered_choice"
    ROWS = "rows"


_TRUE_WORDS = {"1", "true", "yes", "on"}
_FALSE_WORDS = {"0", "false", "no", "off", ""}


def _coerce_like(value: Any, example: Any) -> Any:
    """Read `value` (typed, or text from a file or an input) as the type of `example`."""
    if isinstance(example, bool):
        if isinstance(value, str):
            word = value.strip().lower()
            return True if word in _TRUE_WORDS else False if word in _FALSE_WORDS else value
        return bool(value) if isinstance(value, int) else value
    if isinstance(example, int):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        return value
    if isinstance(example, str) and isinstance(value, enum.Enum):
        return value.value
    return value


@dataclass(frozen=True)
class When:
    """A condition on the value of another field of the same model, named by its wire name."""

    field: str
    values: tuple[Any, ...]

    def holds(self, value: Any) -> bool:
        return _coerce_like(value, self.values[0]) in self.values

    def describe(self) -> str:
        shown = " or ".join(_describe_value(v) for v in self.values)
        return f"when {self.field} is {shown}"


def _describe_value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def when(field: str, *values: Any) -> When:
    """`when("ip_restrict", True)`: the condition that shows, requires and sends a field."""
    return When(field, values)


@dataclass(frozen=True)
class Form:
    """How a model field appears in the wizard. Put it in the field's `Annotated` metadata.

    shown_when:  the field exists only while this holds; hidden fields are neither validated nor sent.
    required_when_shown:  the provider requires the field whenever it applies.
    sent / sent_when:  form-only fields (a confirmation) are never sent, or only while a condition holds.
    hidden_value:  sent while hidden, where the provider's schema requires the key regardless.
    confirm_of:  wire name of the field this one must repeat (password confirmation).
    choices_from:  the choices come from the provider account (a lookup the client performs).
    choices_of:  wire name of the field whose value the look-up lists choices of (Vox: the versions of
        the chosen agent); the choices are read again whenever that field changes.
    location:  "path" fields fill the URL, not the body.
    join:  a list sent as one string joined by this separator (Yeastar's codec_sel).
    wrap:  a value sent as a one-key object, {wrap: value} (Wavix's host_request {"host": ...}).
    placeholder:  an example value, shown "e.g. ..." in the empty field and in messages: it must pass
        every rule of the field, inferred ones too.
    described:  what an empty field shows instead, where no example would pass the field's rules (every
        public address is someone's, and the documentation ranges are not public): "your PBX's public
        IPv4 address", shown as it is.
    fixed:  the mode decides the value (its discriminator): never shown, always the model's default.
    """

    label: str
    help: str = ""
    shown_when: When | None = None
    required_when_shown: bool = False
    placeholder: str = ""
    described: str = ""
    section: str = ""
    legacy: bool = False
    sent: bool = True
    sent_when: When | None = None
    hidden_value: Any = None
    confirm_of: str | None = None
    choices_from: str | None = None
    choices_of: str | None = None
    choice_labels: tuple[tuple[Any, str], ...] = ()
    location: Literal["body", "path"] = "body"
    join: str | None = None
    kind: Kind | None = None
    wrap: str | None = None
    fixed: bool = False


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str


@dataclass(frozen=True)
class FormField:
    """One field of a form, derived from a model field. `wire` is the provider's own name."""

    name: str
    wire: str
    label: str
    help: str
    kind: Kind
    required: bool
    required_when_shown: bool
    default: Any
    choices: tuple[Choice, ...]
    min_length: int | None
    max_length: int | None
    minimum: float | None
    maximum: float | None
    pattern: str | None
    shown_when: When | None
    sent: bool
    sent_when: When | None
    hidden_value: Any
    confirm_of: str | None
    choices_from: str | None
    location: Literal["body", "path"]
    placeholder: str
    section: str
    legacy: bool
    join: str | None
    wrap: str | None
    rows: tuple[FormField, ...]
    optional_value: bool
    fixed: bool = False
    rules: tuple[Rule, ...] = ()
    row_model: type[BaseModel] | None = None
    choices_of: str | None = None
    described: str = ""

    @property
    def warned_by(self) -> tuple[Rule, ...]:
        """The inferred rules: they warn and never refuse."""
        return tuple(rule for rule in self.rules if not rule.documented)

    @property
    def secret(self) -> bool:
        return self.kind is Kind.SECRET

    @property
    def conditional(self) -> bool:
        return self.shown_when is not None

    def needed(self) -> bool:
        """True when the field must have a value whenever it is shown."""
        return self.required or self.required_when_shown

    @property
    def can_be_empty(self) -> bool:
        """True when an empty answer sends nothing. A field with a default cannot be emptied: the model
        fills a blank answer with that default and sends it, so the form must show it."""
        return not self.needed() and self.default is None

    def as_sent(self, value: Any) -> Any:
        """The value the request holds for `value`: a blank answer is the model's default."""
        return self.default if is_blank(value) and self.default is not None else value

    def shown(self, answers: Mapping[str, Any], siblings: Mapping[str, FormField]) -> bool:
        return _condition_holds(self.shown_when, answers, siblings)

    def constraint_hint(self) -> str:
        """A short text of the documented limits: "at most 60 characters", "1 to 65535"."""
        parts: list[str] = []
        if self.min_length is not None and self.max_length is not None:
            parts.append(f"{self.min_length} to {self.max_length} characters")
        elif self.max_length is not None:
            parts.append(f"at most {self.max_length} characters")
        elif self.min_length is not None and self.min_length > 1:
            parts.append(f"at least {self.min_length} characters")
        if self.minimum is not None and self.maximum is not None:
            parts.append(f"{_number(self.minimum)} to {_number(self.maximum)}")
        elif self.minimum is not None:
            parts.append(f"at least {_number(self.minimum)}")
        elif self.maximum is not None:
            parts.append(f"at most {_number(self.maximum)}")
        return ", ".join(parts)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _condition_holds(
    condition: When | None, answers: Mapping[str, Any], siblings: Mapping[str, FormField]
) -> bool:
    if condition is None:
        return True
    controller = siblings.get(condition.field)
    if controller is not None and not controller.shown(answers, siblings):
        return False
    value = answers.get(condition.field)
    if value is None and controller is not None:
        value = controller.default
    return condition.holds(value)


class ProviderModel(BaseModel):
    """Base of every provider request and account model: wire names in, nothing unknown accepted, and
    the form's rules (shown, blank, required, confirmed) applied on every validation."""

    model_config = ConfigDict(
        populate_by_name=True,
        extra="forbid",
        validate_default=False,
        frozen=True,
        # A validator is built when a model is first validated, not when its module loads: a run (a dry
        # run, the wizard's registry) loads every mode of a provider and validates one (issue 16).
        defer_build=True,
    )
    # Rules between fields (see trunkwizard.rules.Across): documented ones refuse here, inferred ones warn.
    across: ClassVar[tuple[Across, ...]] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _form_gate(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        if not isinstance(data, Mapping):
            return handler(data)
        fields = form_fields(cls)
        applicable = _trim_typed_text(fields, applicable_answers(fields, data, rows=False))
        errors = [_line_error(p) for p in _gate_problems(fields, applicable)]
        errors += [_line_error(p) for p in _across_problems(cls, applicable, documented=True)]
        try:
            instance = handler(applicable)
        except ValidationError as exc:
            reported = {error["loc"] for error in errors}
            for error in exc.errors(include_url=False):
                if tuple(error["loc"]) not in reported:
                    kind = PydanticCustomError(error["type"], _escape(error["msg"]), _script_context(error))
                    errors.append({"type": kind, "loc": tuple(error["loc"]), "input": error.get("input")})
            raise ValidationError.from_exception_data(cls.__name__, errors) from None
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return instance


def _trim_typed_text(fields: tuple[FormField, ...], answers: dict[str, Any]) -> dict[str, Any]:
    """Spaces around a typed name or number are trimmed; a secret is sent exactly as given, or the
    provider and the PBX would end up with different passwords."""
    secret = {f.wire for f in fields if f.kind is Kind.SECRET}
    return {
        key: value.strip() if isinstance(value, str) and key not in secret else value
        for key, value in answers.items()
    }


def _across_problems(model: type[BaseModel], values: Mapping[str, Any], *, documented: bool) -> list[Problem]:
    """The problems of the model's rules between fields: the documented ones (refused) or the inferred."""
    rules: tuple[Across, ...] = getattr(model, "across", ())
    return [
        Problem(rule.at, message)
        for rule in rules
        if rule.documented == documented and (message := rule.problem(values))
    ]


def _escape(message: str) -> str:
    # PydanticCustomError reads {name} as a template slot; a message may show a literal {id}.
    return message.replace("{", "{{").replace("}", "}}")


def _line_error(problem: Problem) -> InitErrorDetails:
    loc = tuple(int(part) if part.isdigit() else part for part in problem.field.split("."))
    kind = "confirm_mismatch" if problem.message.startswith("does not match") else "required_when_shown"
    # the script's words ride in the error's context, back to a Problem in _problem_from_error
    context = {"script_message": problem.script_message} if problem.script_message else None
    # the input is left out: the whole answers would show in str(error), secrets with them
    return {"type": PydanticCustomError(kind, _escape(problem.message), context), "loc": loc, "input": None}


def _script_context(error: Mapping[str, Any]) -> dict[str, Any] | None:
    script = (error.get("ctx") or {}).get("script_message")
    return {"script_message": script} if isinstance(script, str) else None


M = TypeVar("M", bound=ProviderModel)


# --- deriving form fields from models ---------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip Annotated and Optional; return (inner type, accepts None)."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, optional


def _literal_values(annotation: Any) -> tuple[Any, ...] | None:
    annotation, _ = _unwrap(annotation)
    if get_origin(annotation) is Literal:
        return get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return tuple(member.value for member in annotation)
    return None


def _kind_of(annotation: Any, form: Form) -> tuple[Kind, tuple[Any, ...], type[BaseModel] | None]:
    if form.kind is not None:
        values = _literal_values(annotation) or ()
        inner, _ = _unwrap(annotation)
        if get_origin(inner) is list:
            values = _literal_values(get_args(inner)[0]) or ()
        return form.kind, values, None
    inner, _ = _unwrap(annotation)
    literal = _literal_values(inner)
    if literal is not None:
        return Kind.CHOICE, literal, None
    if get_origin(inner) is list:
        item = _unwrap(get_args(inner)[0])[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return Kind.ROWS, (), item
        values = _literal_values(item) or ()
        return (Kind.ORDERED_CHOICE if form.join else Kind.MULTI_CHOICE), values, None
    if inner is SecretStr:
        return Kind.SECRET, (), None
    if inner is bool:
        return Kind.TOGGLE, (), None
    if inner is int:
        return Kind.INTEGER, (), None
    if inner in (float, Decimal):
        return Kind.NUMBER, (), None
    return Kind.TEXT, (), None


def _constraint(info: FieldInfo, name: str) -> Any:
    for item in info.metadata:
        value = getattr(item, name, None)
        if value is not None:
            return value
    return None


def _rules_in(annotation: Any) -> tuple[Rule, ...]:
    """Every Rule in an annotation's metadata, through Optional/Union arms and list items."""
    found: list[Rule] = []
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        found += _rules_in(inner)
        found += [item for item in metadata if isinstance(item, Rule)]
    elif origin in (Union, types.UnionType, list):
        for arg in get_args(annotation):
            found += _rules_in(arg)
    return tuple(dict.fromkeys(found))


def _form_of(info: FieldInfo, name: str) -> Form:
    for item in info.metadata:
        if isinstance(item, Form):
            return item
    return Form(label=name.replace("_", " "))


@cache
def form_fields(model: type[BaseModel]) -> tuple[FormField, ...]:
    """The fields of `model` in declaration order, as the wizard shows them."""
    fields: list[FormField] = []
    for name, info in model.model_fields.items():
        form = _form_of(info, name)
        annotation = info.rebuild_annotation()
        kind, values, row_model = _kind_of(annotation, form)
        labels = dict(form.choice_labels)
        default = None if info.default is PydanticUndefined else info.default
        if isinstance(default, enum.Enum):
            default = default.value
        _, optional_value = _unwrap(annotation)
        minimum = _constraint(info, "ge")
        maximum = _constraint(info, "le")
        fields.append(
            FormField(
                name=name,
                wire=info.alias or name,
                label=form.label,
                help=form.help or (info.description or ""),
                kind=kind,
                required=info.is_required(),
                required_when_shown=form.required_when_shown,
                default=default,
                choices=tuple(Choice(v, labels.get(v, str(v))) for v in values),
                min_length=_constraint(info, "min_length"),
                max_length=_constraint(info, "max_length"),
                minimum=float(minimum) if minimum is not None else None,
                maximum=float(maximum) if maximum is not None else None,
                pattern=_constraint(info, "pattern"),
                shown_when=form.shown_when,
                sent=form.sent,
                sent_when=form.sent_when,
                hidden_value=form.hidden_value,
                confirm_of=form.confirm_of,
                choices_from=form.choices_from,
                choices_of=form.choices_of,
                location=form.location,
                placeholder=form.placeholder,
                described=form.described,
                section=form.section,
                legacy=form.legacy,
                join=form.join,
                wrap=form.wrap,
                rows=form_fields(row_model) if row_model is not None else (),
                optional_value=optional_value,
                fixed=form.fixed,
                rules=_rules_in(annotation),
                row_model=row_model,
            )
        )
    return tuple(fields)


def _by_wire(fields: Iterable[FormField]) -> dict[str, FormField]:
    return {f.wire: f for f in fields}


def shown_fields(model: type[BaseModel], answers: Mapping[str, Any]) -> tuple[FormField, ...]:
    """The fields of `model` that apply to `answers` right now."""
    fields = form_fields(model)
    siblings = _by_wire(fields)
    return tuple(f for f in fields if f.shown(answers, siblings))


# --- the gate: what applies, what is required --------------------------------------------------------


def is_blank(value: Any) -> bool:
    """No answer: None, an empty or all-space text or secret, an empty list. The one blank rule."""
    if value is None:
        return True
    if isinstance(value, SecretStr):
        return value.get_secret_value().strip() == ""
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def _plain(value: Any) -> Any:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def controllers(fields: Iterable[FormField]) -> frozenset[str]:
    """Wire names whose value decides whether another field shows."""
    return frozenset(f.shown_when.field for f in fields if f.shown_when is not None)


def applicable_answers(
    fields: Iterable[FormField], values: Mapping[str, Any], *, rows: bool = True
) -> dict[str, Any]:
    """The answers that apply: keyed by wire name, shown and not blank. Keys no field knows are kept
    (the model reports them as not accepted); with `rows`, each row is reduced the same way."""
    fields = tuple(fields)
    siblings = _by_wire(fields)
    by_name = {f.name: f for f in fields}
    answers: dict[str, Any] = {}
    for key, value in values.items():
        field = siblings.get(key) or by_name.get(key)
        if field is None:
            answers[key] = value
        elif not is_blank(value):
            answers[field.wire] = value
    for key in list(answers):
        field = siblings.get(key)
        if field is None:
            continue
        if not field.shown(answers, siblings):
            del answers[key]
            continue
        value = answers[key]
        if field.kind is Kind.SECRET and isinstance(_plain(value), str):
            register_secret(_plain(value))
        if rows and field.kind is Kind.ROWS and field.rows and isinstance(value, list):
            answers[key] = [
                applicable_answers(field.rows, row) if isinstance(row, Mapping) else row for row in value
            ]
    return answers


def required_problems(fields: Iterable[FormField], answers: Mapping[str, Any]) -> list[Problem]:
    """A Problem for each field that is needed, shown and blank in `answers` (keyed by wire names)."""
    fields = tuple(fields)
    siblings = _by_wire(fields)
    return [
        _required_problem(f.wire, f, siblings)
        for f in fields
        if f.needed() and not f.fixed and f.shown(answers, siblings) and is_blank(answers.get(f.wire))
    ]


def _gate_problems(fields: tuple[FormField, ...], answers: Mapping[str, Any]) -> list[Problem]:
    """The form's own rules on applicable answers: required while shown, confirmations that match.
    Plain required fields are left to the model, which reports them as missing."""
    siblings = _by_wire(fields)
    problems = [p for p in required_problems(fields, answers) if siblings[p.field].required_when_shown]
    for field in fields:
        value = answers.get(field.wire)
        if field.kind is Kind.SECRET and value is not None and not isinstance(_plain(value), str):
            # By rule, a secret is text as typed: a JSON/TOML number would be sent in another form
            # (12345.0, 1e3, no leading zero), so it is refused rather than converted.
            kind = "a number" if isinstance(value, int | float) else f"a {type(value).__name__}"
            problems.append(
                Problem(
                    field.wire,
                    f'must be text, not {kind}: put it in quotes in the answers file, e.g. "12345"',
                )
            )
    for field in fields:
        if field.confirm_of is None or not field.shown(answers, siblings):
            continue
        original = answers.get(field.confirm_of)
        if not is_blank(original) and _plain(answers.get(field.wire)) != _plain(original):
            label = siblings[field.confirm_of].label if field.confirm_of in siblings else field.confirm_of
            problems.append(Problem(field.wire, f"does not match {label}: type it again"))
    return problems


def _condition_text(condition: When, siblings: Mapping[str, FormField], *, wire: bool = False) -> str:
    """`while Outbound proxy is on`: the controlling field by its label, switches as on/off; with
    `wire`, for a script's user, its wire name too: `while Outbound proxy (enb_outbound_proxy) is on`."""
    controller = siblings.get(condition.field)
    if controller is None:
        return condition.describe()
    if controller.kind is Kind.TOGGLE:
        shown = " or ".join("on" if v else "off" for v in condition.values)
    else:
        labels = {c.value: c.label for c in controller.choices}
        shown = " or ".join(str(labels.get(v, v)) for v in condition.values)
    named = f"{controller.label} ({controller.wire})" if wire else controller.label
    return f"while {named} is {shown}"


def _in_sentence(label: str) -> str:
    """`Proxy server` -> `proxy server`; `DID` and `SIP domain` keep their capitals."""
    return " ".join(word if word[1:2].isupper() else word.lower() for word in label.split(" "))


_PICKED = {Kind.CHOICE, Kind.MULTI_CHOICE, Kind.ORDERED_CHOICE}


def _required_message(field: FormField, siblings: Mapping[str, FormField], *, wire: bool = False) -> str:
    # a pick-list or a look-up is chosen, not typed
    picked = field.kind in _PICKED or field.choices_from is not None or field.choices_of is not None
    asked = f"{'choose' if picked else 'enter'} {_in_sentence(field.label)}"
    if field.shown_when is not None:
        condition = _condition_text(field.shown_when, siblings, wire=wire)
        return f"required {condition}: {asked}"
    return f"required: {asked}"


def _required_problem(path: str, field: FormField, siblings: Mapping[str, FormField]) -> Problem:
    """One message in two voices: labels only for the form, the controlling switch's wire name too
    for the command line."""
    return Problem(
        path,
        _required_message(field, siblings),
        _required_message(field, siblings, wire=True) if field.shown_when is not None else None,
    )


# --- problems as a person reads them --------------------------------------------------------------------


def _places(level: tuple[FormField, ...], parts: list[str]) -> list[str]:
    """Each part of a wire path as the form names it: a field by its label, a row index counted from 1."""
    where: list[str] = []
    for part in parts:
        if part.isdigit():
            where.append(f"row {int(part) + 1}")
            continue
        match = next((f for f in level if f.wire == part or f.name == part), None)
        where.append(match.label if match else part)
        level = match.rows if match else ()
    return where


def describe_path(fields: Iterable[FormField], path: str) -> str:
    """`allowed_ips.0.ip` as the form names it: `Allowed IPs, row 1, Public static IP`. The path counts
    rows from 0 (the wire's, and the JSON outputs'); a person counts them from 1, as the form shows them."""
    return ", ".join(_places(tuple(fields), path.split("."))) if path else ""


def describe_problem(field: FormField, problem: Problem) -> str:
    """A problem as the form shows it under its top-level `field`: `row 2, DID: required` for a row's
    field, the message alone for the field itself."""
    where = _places(field.rows, problem.field.split(".")[1:])
    return (", ".join(where) + ": " if where else "") + problem.message


def problem_text(fields: Iterable[FormField], problem: Problem) -> str:
    """A problem where its field is not in sight (the review's warnings, a banner): the field named as
    the form names it, `Allowed IPs, row 1, Public static IP: 10.0.0.1 is not a public IPv4 address`."""
    where = describe_path(fields, problem.field)
    return f"{where}: {problem.message}" if where else problem.message


# --- errors as Problems ---------------------------------------------------------------------------------


def _problem_from_error(error: Mapping[str, Any], fields: tuple[FormField, ...]) -> Problem:
    loc = [str(part) for part in error.get("loc", ())]
    path = ".".join(loc)
    kind = error.get("type", "")
    field, level = _field_at(loc, fields)
    message = str(error.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    elif message.startswith("Assertion failed, "):
        message = message[len("Assertion failed, ") :]
    if kind == "missing":
        if field is not None:
            return _required_problem(path, field, _by_wire(level))
        message = "required"
    elif kind == "extra_forbidden":
        message = "not accepted here: this provider and mode have no such field"
    elif kind in ("string_too_long", "too_long") and field and field.max_length is not None:
        message = f"at most {field.max_length} characters"
    elif kind in ("string_too_short", "too_short") and field and field.min_length is not None:
        message = f"at least {field.min_length} characters" if field.min_length > 1 else "must not be empty"
    elif kind in ("literal_error", "enum") and field and field.choices:
        message = "one of: " + ", ".join(str(c.value) for c in field.choices)
    elif kind == "string_pattern_mismatch":
        message = "not in the form the provider expects" + _example(field)
    elif kind in _PYDANTIC_WORDS:
        message = _PYDANTIC_WORDS[kind](field)
    elif kind in _BOUNDS:
        message = _range_words(field, error.get("ctx") or _bound_in(message))
    elif message.startswith("Input should be"):
        message = "not a value this field takes" + _example(field)  # never pydantic's own words
    script = _script_context(error)
    return Problem(path, message, script["script_message"] if script else None)


def _example(field: FormField | None) -> str:
    return f", e.g. {field.placeholder}" if field is not None and field.placeholder else ""


_BOUNDS = {
    "greater_than": "more than",
    "greater_than_equal": "at least",
    "less_than": "less than",
    "less_than_equal": "no larger than",
}


def _bound_in(message: str) -> dict[str, str]:
    """The bound in pydantic's own text ("less than or equal to 1"), when the error lost its context."""
    match = re.search(r"(greater|less) than( or equal to)? (-?[\d.]+)", message)
    if match is None:
        return {}
    key = ("g" if match.group(1) == "greater" else "l") + ("e" if match.group(2) else "t")
    return {key: match.group(3)}


def _range_words(field: FormField | None, ctx: Mapping[str, Any]) -> str:
    if field is not None and field.minimum is not None and field.maximum is not None:
        return f"enter a number from {_number(field.minimum)} to {_number(field.maximum)}"
    for key, words in (
        ("ge", "at least"),
        ("gt", "more than"),
        ("le", "no larger than"),
        ("lt", "less than"),
    ):
        if key in ctx:
            return f"enter a number {words} {ctx[key]}"
    return "enter a number in the allowed range"


# pydantic error type -> a sentence that says what to type (issue 11: never the library's own words)
_PYDANTIC_WORDS: dict[str, Any] = {
    "int_parsing": lambda f: "enter a whole number" + _example(f),
    "int_type": lambda f: "enter a whole number" + _example(f),
    "int_from_float": lambda f: "enter a whole number, without decimals" + _example(f),
    "float_parsing": lambda f: "enter a number" + _example(f),
    "float_type": lambda f: "enter a number" + _example(f),
    "decimal_parsing": lambda f: "enter a number, e.g. " + (f.placeholder if f and f.placeholder else "0.18"),
    "decimal_type": lambda f: "enter a number" + _example(f),
    "finite_number": lambda f: "enter a number" + _example(f),
    "bool_parsing": lambda f: "on or off: true/false, yes/no, 1/0",
    "bool_type": lambda f: "on or off: true/false, yes/no, 1/0",
    "string_type": lambda f: "enter text" + _example(f),
    "list_type": lambda f: "enter a list: one or more values",
    "dict_type": lambda f: "fill in each field of the row",
    "model_type": lambda f: "fill in each field of the row",
    "model_attributes_type": lambda f: "fill in each field of the row",
    "uuid_parsing": lambda f: "enter a UUID, e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "uuid_type": lambda f: "enter a UUID, e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6",
}


def _field_at(
    loc: list[str], fields: tuple[FormField, ...]
) -> tuple[FormField | None, tuple[FormField, ...]]:
    """The field a location names, and the fields beside it."""
    current: FormField | None = None
    beside = level = fields
    for part in loc:
        if part.isdigit():
            continue
        match = _by_wire(level).get(part) or {f.name: f for f in level}.get(part)
        if match is None:
            break
        current, beside, level = match, level, match.rows
    return current, beside


def problems_of(model: type[BaseModel], error: ValidationError) -> list[Problem]:
    """One Problem per field from a ValidationError of `model` (the first error of a field wins)."""
    fields = form_fields(model)
    problems: list[Problem] = []
    reported: set[str] = set()
    for item in error.errors(include_url=False, include_input=False):
        problem = _problem_from_error(item, fields)
        if problem.field not in reported:
            problems.append(problem)
            reported.add(problem.field)
    return problems


def validate_answers(model: type[M], answers: Mapping[str, Any]) -> M:
    """`model.model_validate(answers)`; raise ValidationFailed with one Problem per broken rule."""
    return check_answers(model, answers)[0]


def check_answers(model: type[M], answers: Mapping[str, Any]) -> tuple[M, tuple[Problem, ...]]:
    """Validate answers keyed by wire names: the model and the warnings of the inferred rules it breaks.

    A broken documented rule raises ValidationFailed (one Problem per field), which carries the
    warnings of the other fields too; an inferred rule never refuses (see trunkwizard.rules).
    """
    fields = form_fields(model)
    try:
        instance = model.model_validate(answers)
    except ValidationError as exc:
        problems = problems_of(model, exc)
        refused = {p.field for p in problems}
        applicable = applicable_answers(fields, answers)
        found = _warnings(fields, applicable, "") + _across_problems(model, applicable, documented=False)
        warnings = [w for w in found if w.field not in refused]
        raise ValidationFailed(problems, warnings=warnings) from None
    values = _answers_of(instance)
    return instance, tuple(_warnings(fields, values, "") + _across_problems(model, values, documented=False))


def check_row(field: FormField, row: Mapping[str, Any]) -> tuple[list[Problem], list[Problem]]:
    """One row of a list field checked alone, by the same rules the whole form applies on Next:
    (problems that block saving the row, warnings that do not), at the row's own field names."""
    if field.row_model is None or not issubclass(field.row_model, ProviderModel):
        return required_problems(field.rows, row), []
    try:
        _, warnings = check_answers(field.row_model, row)
    except ValidationFailed as failure:
        return list(failure.problems), list(failure.warnings)
    return [], list(warnings)


def _warnings(fields: tuple[FormField, ...], values: Mapping[str, Any], prefix: str) -> list[Problem]:
    """The messages of the inferred rules these values break, at their fields (rows included)."""
    found: list[Problem] = []
    for field in fields:
        value = values.get(field.wire, values.get(field.name))
        if value is None:
            continue
        if field.rows and isinstance(value, list | tuple):
            for index, row in enumerate(value):
                row_values = _answers_of(row) if isinstance(row, BaseModel) else row
                if isinstance(row_values, Mapping):
                    found += _warnings(field.rows, row_values, f"{prefix}{field.wire}.{index}.")
                    if field.row_model is not None:
                        found += [
                            Problem(f"{prefix}{field.wire}.{index}.{p.field}", p.message)
                            for p in _across_problems(field.row_model, row_values, documented=False)
                        ]
            continue
        for rule in field.warned_by:
            message = rule.problem(value)
            if message:
                found.append(Problem(prefix + field.wire, message))
                break
    return found


# --- what goes on the wire ------------------------------------------------------------------------------


def _wire_value(value: Any, field: FormField, secrets: _Secrets) -> Any:
    if isinstance(value, SecretStr):
        return value if secrets == "keep" else value.get_secret_value() if secrets == "reveal" else MASK
    if isinstance(value, BaseModel):
        return _body(value, secrets)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        items = [_wire_value(item, field, secrets) for item in value]
        return field.join.join(str(i) for i in items) if field.join is not None else items
    if field.wrap is not None:
        return {field.wrap: value}
    return value


_Secrets = Literal["mask", "reveal", "keep"]


def _answers_of(instance: BaseModel) -> dict[str, Any]:
    fields = form_fields(type(instance))
    return {f.wire: getattr(instance, f.name) for f in fields}


def wire_body(instance: BaseModel, *, reveal: bool = False, keep_secrets: bool = False) -> dict[str, Any]:
    """The JSON body for `instance`, under the provider's wire names. Secrets are masked, or kept as
    SecretStr (a plan's call: revealed only when the HTTP request is built), or revealed."""
    return _body(instance, "keep" if keep_secrets else "reveal" if reveal else "mask")


def _body(instance: BaseModel, secrets: _Secrets) -> dict[str, Any]:
    fields = form_fields(type(instance))
    siblings = _by_wire(fields)
    answers = _answers_of(instance)
    body: dict[str, Any] = {}
    for field in fields:
        if field.location != "body" or not field.sent:
            continue
        if not _condition_holds(field.sent_when, answers, siblings):
            continue
        if not field.shown(answers, siblings):
            if field.hidden_value is not None:
                body[field.wire] = field.hidden_value
            continue
        value = answers[field.wire]
        if value is None:
            continue
        body[field.wire] = _wire_value(value, field, secrets)
    return body


def path_values(instance: BaseModel) -> dict[str, str]:
    """The values of the fields that fill the request path (`fabric_subscriber_id`)."""
    return {
        f.wire: str(getattr(instance, f.name))
        for f in form_fields(type(instance))
        if f.location == "path" and getattr(instance, f.name) is not None
    }
