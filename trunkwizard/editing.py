"""Edits and password rotations of what an account already has, with each provider's update semantics.

    details = await show(client, key)                       # the get call's answer
    edit = plan_edit(provider, details, {"label": "HQ"})    # ValidationFailed: read-only field, rule
    edit.changes                                            # old -> new; secrets "changed"/"unchanged"
    edit.plan(account).as_curl()                            # every call, as review and dry run show it
    after = await apply_edit(client, edit)                  # the update, then the get call again

The diff is what the review shows; the call is what the provider's documented update takes (a partial
PATCH, Wavix's full-replace PUT, Yeastar's trunk/update with the id). A rotation is an edit of the
password field with a generated password meeting the provider's documented rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from trunkwizard.errors import Problem, ValidationFailed
from trunkwizard.fields import FormField, Kind
from trunkwizard.readable import returned_text, value_text
from trunkwizard.redact import MASK, register_secret

if TYPE_CHECKING:
    from trunkwizard.client import PreparedUpdate, ProviderClient
    from trunkwizard.fields import ProviderModel
    from trunkwizard.inventory import Details
    from trunkwizard.providers import Call, Provider
    from trunkwizard.providers._listing import Listing

__all__ = [
    "Change",
    "Edit",
    "EditForm",
    "apply_edit",
    "edit_form",
    "form_value",
    "plan_edit",
    "plan_rotation",
]


@dataclass(frozen=True)
class Change:
    """One field of an edit: its old and new value, or for a secret only whether it changes."""

    wire: str
    old: Any
    new: Any
    secret: bool = False

    def text(self) -> str:
        if self.secret:
            return f"{self.wire}: changed"
        return f"{self.wire}: {_shown(self.old)} -> {_shown(self.new)}"


def _shown(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(row, Mapping) for row in value):
        # a list of rows: how many, and each row's values (a DID and its name), not a Python repr; a
        # change to a row's second value shows too
        rows = [" · ".join(value_text(v) for v in row.values()) for row in value]
        return f"{len(value)} row{'s' if len(value) != 1 else ''}" + (f": {', '.join(rows)}" if rows else "")
    return '""' if value == "" else value_text(value)  # an empty string, told apart from null


@dataclass(frozen=True)
class Edit:
    """The reviewed edit: the diff, and the calls as they will be sent, in order (secrets SecretStr until
    sent; masked in `preview` and in the plan)."""

    provider: Provider
    details: Details
    changes: tuple[Change, ...]
    calls: tuple[Call, ...]
    semantics: str
    unchanged_secrets: tuple[str, ...] = ()

    @property
    def call(self) -> Call:
        """The update call itself."""
        return self.calls[0]

    @property
    def preview(self) -> dict[str, Any]:
        body = None
        if self.call.json is not None:
            body = {k: (MASK if isinstance(v, SecretStr) else v) for k, v in self.call.json.items()}
        return {"method": self.call.method, "path": self.call.path, "json": body}

    def plan(self, account: ProviderModel) -> PreparedUpdate:
        """The calls as a plan like a create's: what the review, the dry run and curl show."""
        from trunkwizard.client import prepare_update

        return prepare_update(self.provider, account, self.calls)

    def lines(self) -> list[str]:
        lines = [change.text() for change in self.changes]
        lines += [f"{wire}: unchanged" for wire in self.unchanged_secrets]
        return lines


def _listing(provider: Provider) -> Listing:
    from trunkwizard.inventory import listing_of

    return listing_of(provider)


def _plain(value: Any) -> Any:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _row_fields(provider: Provider, mode_key: str) -> dict[str, tuple[FormField, ...]]:
    """The row fields of each list field of the mode (none when the mode is not known)."""
    try:
        mode = provider.mode(mode_key)
    except KeyError:
        return {}
    return {field.wire: field.rows for field in mode.fields if field.rows}


def plan_edit(provider: Provider, details: Details, answers: Mapping[str, Any]) -> Edit:
    """The edit of the resource `details` shows to the values `answers` gives (wire names). Refused
    (ValidationFailed) for a field the update call does not take, or a documented rule it breaks."""
    listing = _listing(provider)
    current = dict(details.body)
    for path, held in details.secrets.items():
        current[path] = held.get_secret_value()
    problems = [
        Problem(wire, f"cannot be changed here: {listing.read_only_fields[wire]}")
        for wire in answers
        if wire in listing.read_only_fields and _plain(answers[wire]) != current.get(wire)
    ]
    changes: dict[str, Any] = {}
    diff: list[Change] = []
    row_fields = _row_fields(provider, details.ref.mode)
    for wire, raw in answers.items():
        if wire in listing.read_only_fields:
            continue
        value = _plain(raw)
        secret = wire in listing.secret_fields
        if secret and isinstance(value, str):
            register_secret(value)
        if value == current.get(wire) and not (secret and wire not in details.secrets):
            continue
        changes[wire] = SecretStr(value) if secret and isinstance(value, str) else value
        old = current.get(wire)
        if isinstance(value, list) and wire in row_fields:
            old = _rows_in_the_form(row_fields[wire], old)  # without what the get call adds (a row's id)
        diff.append(Change(wire, None if secret else old, None if secret else value, secret))
    problems += listing.update_problems(current, changes)
    if problems:
        raise ValidationFailed(problems)
    if not changes:
        raise ValidationFailed([Problem("", "nothing changes: every value given is the current one")])
    call = listing.update_call(details.ref, current, changes)
    unchanged = tuple(sorted(w for w in listing.secret_fields if w not in changes and w in current))
    return Edit(provider, details, tuple(diff), (call,), listing.update_semantics, unchanged)


@dataclass(frozen=True)
class EditForm:
    """The form of the resource's mode, filled from the get call: the fields the update takes (a secret
    empty: unchanged), and those it does not take, each with its value as shown and the reason."""

    fields: tuple[FormField, ...]
    values: Mapping[str, Any]
    read_only: tuple[tuple[str, str, str], ...]  # (label, value shown, reason)

    def changes(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """What the form's answers change, as the update takes it (wire names and shapes); a secret only
        when one was typed."""
        changes: dict[str, Any] = {}
        for field in self.fields:
            value = answers.get(field.wire)
            if field.kind is Kind.SECRET:
                if _plain(value):
                    changes[field.wire] = value
                continue
            if field.kind is Kind.ROWS and field.rows:
                # the whole list is sent (the update replaces it), only when a row changed
                rows = _rows_in_the_form(field.rows, value or [])
                if rows != self.values.get(field.wire, []):
                    changes[field.wire] = rows
                continue
            if not _same(value, self.values.get(field.wire)):
                changes[field.wire] = _on_the_wire(field, value)
        return changes


def _same(new: Any, old: Any) -> bool:
    blank: tuple[Any, ...] = (None, "", [])
    return new == old or (new in blank and old in blank) or str(new) == str(old)


def _on_the_wire(field: FormField, value: Any) -> Any:
    if field.join is not None and isinstance(value, list):
        return field.join.join(str(v) for v in value)
    if field.wrap is not None and value not in (None, ""):
        return {field.wrap: value}
    return value


def _rows_in_the_form(fields: tuple[FormField, ...], value: Any) -> list[Any]:
    """Rows as the row editor holds them: each reduced to its row fields' filled values (the get call
    may add its own keys, e.g. an id per row, that the update does not take)."""
    if not isinstance(value, list):
        return []
    rows: list[Any] = []
    for row in value:
        if not isinstance(row, Mapping):
            rows.append(row)
            continue
        kept: dict[str, Any] = {}
        for field in fields:
            item = row.get(field.wire)
            if field.rows and isinstance(item, list):
                item = _rows_in_the_form(field.rows, item)
            if item not in (None, "", []):
                kept[field.wire] = item
        rows.append(kept)
    return rows


def _shown_list(field: FormField, value: Any) -> str:
    """A read-only list in one line: how many rows, and what tells each apart."""
    if value is None:
        return value_text(value)
    rows = _rows_in_the_form(field.rows, value)
    if not rows:
        return "0 rows"
    first = [str(next(iter(row.values()), "")) if isinstance(row, Mapping) else str(row) for row in rows]
    return f"{len(rows)} row{'s' if len(rows) != 1 else ''}: {', '.join(first)}"


def _in_the_form(field: FormField, value: Any) -> Any:
    if field.kind is Kind.ROWS and field.rows:
        return _rows_in_the_form(field.rows, value)
    if field.join is not None and isinstance(value, str):
        return [v for v in value.split(field.join) if v]
    if field.wrap is not None and isinstance(value, Mapping):
        return value.get(field.wrap)
    return value


def form_value(field: FormField, value: Any) -> Any:
    """A value as a request or an answers file carries it (a joined list, a wrapped object), as the
    field's editor holds it; a value already in the form's shape is left as it is."""
    return _in_the_form(field, value)


def edit_form(provider: Provider, details: Details) -> EditForm | None:
    """The form of the mode `details` was created in, filled from the get call (None: no such mode)."""
    listing = _listing(provider)
    try:
        mode = provider.mode(details.ref.mode)
    except KeyError:
        return None
    fields: list[FormField] = []
    values: dict[str, Any] = {}
    read_only: list[tuple[str, str, str]] = []
    # secrets the update refuses to go without, even when nothing else changes
    asked_again = {problem.field for problem in listing.update_problems(details.body, {})}
    for field in mode.fields:
        if field.fixed or field.confirm_of or field.location == "path":
            continue
        current = details.body.get(field.wire)
        shown = returned_text(provider, field.wire, current)
        reason = listing.read_only_fields.get(field.wire)
        if reason is None and not field.sent:
            reason = "not part of this update call"
        # a list the update takes (a DID list, allowed IPs) is edited in the row editor, as in the create
        if reason is not None:
            read_only.append((field.label, _shown_list(field, current) if field.rows else shown, reason))
            continue
        if field.kind is Kind.SECRET and field.wire in asked_again:
            # the update takes it every time (Wavix's full-replace PUT): required, as the semantics say
            field = replace(field, required=True, required_when_shown=True, placeholder="")
        elif field.kind is Kind.SECRET:
            # never returned (or masked): empty means the provider keeps the one it has
            field = replace(field, required=False, required_when_shown=False, placeholder="unchanged")
        fields.append(field)
        if field.kind is not Kind.SECRET and current is not None:
            values[field.wire] = _in_the_form(field, current)
    taken = {f.wire for f in mode.fields}
    for wire, reason in listing.read_only_fields.items():
        if wire not in taken and wire in details.body and not isinstance(details.body[wire], Mapping | list):
            value = details.body[wire]
            read_only.append((wire, returned_text(provider, wire, value), reason))
    return EditForm(tuple(fields), values, tuple(read_only))


def plan_rotation(provider: Provider, details: Details) -> tuple[Edit, SecretStr]:
    """An edit that sets a new password meeting the provider's documented rules, and the password."""
    from trunkwizard.connect.passwords import generate_password

    listing = _listing(provider)
    current = {**details.body, **{k: v.get_secret_value() for k, v in details.secrets.items()}}
    reason = listing.can_rotate(current)
    if reason is not None or listing.password_field is None:
        raise ValidationFailed([Problem(listing.password_field or "", reason or "nothing to rotate")])
    password = generate_password(listing.password_rules)
    answers: dict[str, Any] = {listing.password_field: password}
    # Wavix's PUT carries every other field as it is; partial updates send the password alone
    return plan_edit(provider, details, answers), password


async def apply_edit(client: ProviderClient, edit: Edit, *, action: str = "edit") -> Details:
    """Send the update (refused on a read-only account before anything leaves), then read it back."""
    from trunkwizard.inventory import show

    for call in edit.calls:
        await client.update(call, action)
    key = edit.details.ref.id
    parents = "/".join(edit.details.ref.path_values.values())
    return await show(client, f"{parents}/{key}" if parents else key)
