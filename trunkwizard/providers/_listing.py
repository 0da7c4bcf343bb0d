"""What a provider declares about its own listing: how to page through it, what tells rows apart, the
live status in words, what a delete does. Read by trunkwizard.inventory; each provider module declares
one `Listing` subclass from its documented list and get calls."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trunkwizard.errors import Problem
from trunkwizard.providers._base import Call, ResourceRef

if TYPE_CHECKING:
    from trunkwizard.connect.offers import PasswordRule

__all__ = ["Column", "Item", "Listing", "Send"]

Send = Callable[[Call], Awaitable[Any]]

UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
DIGITS_PATTERN = r"[0-9]+"
# pages followed at most, whatever the page size (a runaway cursor must not loop forever)
MAX_PAGES = 200


@dataclass(frozen=True)
class Column:
    """One column of the inventory table: `key` into `Item.cells`, a title, a width at 80 columns."""

    key: str
    title: str
    width: int


@dataclass(frozen=True)
class Item:
    """One row of a provider's own listing.

    `cells` are the values that tell rows apart (number, trunk name, username, host); `status` is the
    live status in words ("" when the listing has none); `confirm` is what a technician types to
    delete it (its number or trunk name); `summary` is the listing's own row, secrets still in it
    (trunkwizard.inventory masks them before anyone sees it)."""

    ref: ResourceRef
    cells: Mapping[str, str]
    status: str = ""
    confirm: str = ""
    summary: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """What `show`/`delete` take to name it: the id, with its parent's when it lives under one."""
        parents = "/".join(self.ref.path_values.values())
        return f"{parents}/{self.ref.id}" if parents else self.ref.id


class Listing(ABC):
    """A provider's inventory: its documented list call, page after page."""

    # what is listed, plural ("SIP trunks")
    what: str
    columns: tuple[Column, ...]
    # what happens when one is deleted, in plain words (shown before the type-to-confirm)
    delete_consequence: str
    # which identifying value the technician types to confirm a delete ("number", "trunk name"), and the
    # create request's wire name that holds it (a history entry's request is read with it)
    confirm_label: str
    confirm_wire: str
    # whether the listing's rows carry a live status (Item.status); `show` reads it from there
    shows_status: bool = False

    @abstractmethod
    def first_call(self, page_size: int) -> Call: ...

    @abstractmethod
    def page(self, body: Any, call: Call, page_size: int) -> tuple[list[Item], Call | None]:
        """The items of one answer and the call for the next page (None after the last)."""

    # --- edits (the documented update call and its semantics) -----------------------------------------
    # fields the update call does not take, with the reason shown beside them
    read_only_fields: Mapping[str, str] = {}
    # wire names of secrets the update takes (a diff says "changed"/"unchanged", never the value)
    secret_fields: frozenset[str] = frozenset()
    # how the update treats what is not sent, in words ("partial: omitted fields keep their value")
    update_semantics: str = ""
    # the password a rotation replaces, and the documented rules a new one must meet
    password_field: str | None = None
    password_rules: tuple[PasswordRule, ...] = ()

    def update_call(self, ref: ResourceRef, current: Mapping[str, Any], changes: Mapping[str, Any]) -> Call:
        """The documented update call for `changes` (wire names) to the resource `current` describes."""
        raise NotImplementedError(f"no documented update call for {self.what}")

    def update_problems(self, current: Mapping[str, Any], changes: Mapping[str, Any]) -> list[Problem]:
        """What a documented rule of the update call refuses in `changes` (default: nothing)."""
        return []

    def mode_of(self, resource: Mapping[str, Any]) -> str:
        """The mode the get call's answer was created in ("" when it does not say)."""
        return ""

    def can_rotate(self, current: Mapping[str, Any]) -> str | None:
        """Why this resource has no password to rotate, or None when it has one."""
        return None if self.password_field else f"{self.what} have no password to rotate"

    # what the provider's ids look like; anything else typed (a number, a trunk name) is looked up
    id_pattern: str = UUID_PATTERN

    def ref_of(self, key: str) -> ResourceRef | None:
        """The reference `key` names, when the key alone is enough (None: look it up in the listing)."""
        if not re.fullmatch(self.id_pattern, key):
            return None
        return ResourceRef(provider="", mode="", id=key)

    async def items(self, send: Send, page_size: int) -> AsyncIterator[Item]:
        """Every item, following the provider's paging."""
        call: Call | None = self.first_call(page_size)
        for _ in range(MAX_PAGES):
            if call is None:
                return
            items, call = self.page(await send(call), call, page_size)
            for item in items:
                yield item


def text(value: Any) -> str:
    """A cell's text: nothing for None, the value otherwise."""
    return "" if value is None else str(value)
