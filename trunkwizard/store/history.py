"""History: what was created, as append-only JSON Lines in `<state>/history.jsonl`.

Three record kinds: a submission (`{"kind": "submission", "id": ..., "time": ..., "outcome": "created"
or "unknown", ...}`), a deletion (`{"kind": "deletion", "id": <submission id>, "time": ...}`) appended
when the created resource was deleted from the history screen, and a look-up (`{"kind": "lookup", "id":
<submission id>, "time": ..., "found": <created id> or null}`) that settles an unknown submission (found)
or records that it was searched for and not found then. Nothing is ever rewritten in place.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from trunkwizard.errors import StoreError
from trunkwizard.redact import redact
from trunkwizard.store.drafts import utc_now
from trunkwizard.store.files import AppDirs, append_private_line, read_private_file
from trunkwizard.store.scrub import mask_secrets

__all__ = ["HistoryEntry", "HistoryStore"]

log = logging.getLogger("trunkwizard.store")


@dataclass(frozen=True)
class HistoryEntry:
    """One submission. `request` is the create call {method, url, json}, with the plan's follow-up calls
    (same shape) under "follow_ups"; secrets masked."""

    id: str
    time: str
    provider: str
    profile: str | None
    mode: str | None
    created_id: str | None
    request: dict[str, Any] = field(default_factory=dict)
    sandbox: bool = False
    deleted_at: str | None = None
    # the provider's path parameters the created resource lives under (e.g. its parent's id)
    path_values: dict[str, str] = field(default_factory=dict)
    # what the created resource offers the other side of a SIP connection (trunkwizard.connect), without
    # any password: the source of `trunkwizard export`
    offers: list[dict[str, Any]] = field(default_factory=list)
    # "created" (the id is known) or "unknown" (sent; may have been applied; a look-up settles it)
    outcome: str = "created"
    # an unknown submission was looked up then and not found
    looked_up_at: str | None = None
    # one half of a connection between two providers (trunkwizard.connect.joined): {"pair": id, "side":
    # "first" or "second", "other": {"provider", "mode"}}; the first half also keeps what was typed for the
    # second (secrets masked) so a half-done pair can be resumed
    connection: dict[str, Any] = field(default_factory=dict)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def unsettled(self) -> bool:
        """Sent, may have been applied, and never looked up since: no second POST before a look-up."""
        return self.outcome == "unknown" and self.looked_up_at is None

    def same_request(
        self, provider: str, mode: str | None, request: Mapping[str, Any], sandbox: bool
    ) -> bool:
        return (
            (self.provider, self.mode, self.sandbox) == (provider, mode, sandbox)
            and self.request.get("url") == request.get("url")
            and self.request.get("json") == request.get("json")
        )

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every call of the submission, in order (the create call first)."""
        if not self.request:
            return []
        first = {k: v for k, v in self.request.items() if k != "follow_ups"}
        follow_ups = self.request.get("follow_ups")
        more = [dict(c) for c in follow_ups if isinstance(c, Mapping)] if isinstance(follow_ups, list) else []
        return [first, *more]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "provider": self.provider,
            "profile": self.profile,
            "mode": self.mode,
            "created_id": self.created_id,
            "request": self.request,
            "sandbox": self.sandbox,
            "deleted_at": self.deleted_at,
            "path_values": self.path_values,
            "offers": self.offers,
            "outcome": self.outcome,
            "looked_up_at": self.looked_up_at,
            "connection": self.connection,
        }


def _entry_from_record(record: Mapping[str, Any]) -> HistoryEntry:
    def optional(key: str) -> str | None:
        value = record.get(key)
        return None if value is None else str(value)

    request = record.get("request")
    path_values = record.get("path_values")
    offers = record.get("offers")
    return HistoryEntry(
        id=str(record["id"]),
        time=str(record["time"]),
        provider=str(record["provider"]),
        profile=optional("profile"),
        mode=optional("mode"),
        created_id=optional("created_id"),
        request=dict(request) if isinstance(request, Mapping) else {},
        sandbox=bool(record.get("sandbox", False)),
        path_values=(
            {str(k): str(v) for k, v in path_values.items()} if isinstance(path_values, Mapping) else {}
        ),
        offers=[dict(o) for o in offers if isinstance(o, Mapping)] if isinstance(offers, list) else [],
        outcome="unknown" if record.get("outcome") == "unknown" else "created",
        connection=dict(connection) if isinstance(connection := record.get("connection"), Mapping) else {},
    )


class HistoryStore:
    def __init__(self, dirs: AppDirs | None = None) -> None:
        self.dirs = dirs or AppDirs.from_environment()

    @property
    def path(self) -> str:
        return str(self.dirs.history_file)

    def _append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
        append_private_line(self.dirs.history_file, line.encode("utf-8"))

    def append(
        self,
        *,
        provider: str,
        profile: str | None,
        mode: str | None,
        created_id: str | None,
        request: Mapping[str, Any],
        sandbox: bool,
        secret_fields: Collection[str] = (),
        time: str | None = None,
        path_values: Mapping[str, str] | None = None,
        offers: Sequence[Mapping[str, Any]] = (),
        outcome: str = "created",
        connection: Mapping[str, Any] | None = None,
    ) -> HistoryEntry:
        """Record a submission; the request is masked again: secret-named keys, known secrets, URL tokens."""

        def one_call(call: Mapping[str, Any]) -> dict[str, Any]:
            return {
                "method": str(call.get("method", "")).upper(),
                "url": str(call.get("url", "")),
                "json": call.get("json"),
            }

        follow_ups = request.get("follow_ups") or []
        masked = mask_secrets(one_call(request), secret_fields)
        if follow_ups:
            masked["follow_ups"] = [mask_secrets(one_call(c), secret_fields) for c in follow_ups]
        entry = HistoryEntry(
            id=uuid.uuid4().hex[:12],
            time=time or utc_now(),
            provider=provider,
            profile=profile,
            mode=mode,
            created_id=created_id,
            request=masked,
            sandbox=sandbox,
            path_values={str(k): redact(str(v)) for k, v in (path_values or {}).items()},
            # offers never hold a password; masked again all the same, like the request
            offers=[mask_secrets(dict(offer), secret_fields) for offer in offers],
            outcome="unknown" if outcome == "unknown" else "created",
            connection=mask_secrets(dict(connection), secret_fields) if connection else {},
        )
        record = {"kind": "submission", **entry.to_json()}
        record.pop("deleted_at")
        record.pop("looked_up_at")
        if not entry.connection:
            record.pop("connection")
        self._append(record)
        return entry

    def mark_deleted(self, entry_id: str) -> None:
        """Record that the resource created by entry `entry_id` was deleted at the provider."""
        if not any(e.id == entry_id for e in self.entries()):
            raise StoreError(f"no history entry {entry_id!r}")
        self._append({"kind": "deletion", "id": entry_id, "time": utc_now()})

    def link_connection(self, entry_id: str, connection: Mapping[str, Any]) -> None:
        """Record that entry `entry_id` became one half of a connection (the wizard connects what it
        created after the fact); the latest link wins. Never holds a secret: masked all the same."""
        if not any(e.id == entry_id for e in self.entries()):
            raise StoreError(f"no history entry {entry_id!r}")
        record = {"kind": "connection", "id": entry_id, "time": utc_now()}
        self._append({**record, "connection": mask_secrets(dict(connection))})

    def record_lookup(self, entry_id: str, found: str | None) -> None:
        """Record a look-up of an unknown submission: `found` is the created id, None when not found."""
        self._append({"kind": "lookup", "id": entry_id, "time": utc_now(), "found": found})

    def unsettled(
        self, provider: str, mode: str | None, request: Mapping[str, Any], sandbox: bool
    ) -> list[HistoryEntry]:
        """Unknown submissions of this same request that no look-up has settled since."""
        return [e for e in self.entries() if e.unsettled and e.same_request(provider, mode, request, sandbox)]

    def half_done(self) -> list[HistoryEntry]:
        """First halves of connections whose second half was never created (and that still exist). A
        second half sent with an unknown outcome joins the pair only once a look-up found its id."""
        entries = self.entries()
        joined = {
            str(e.connection.get("pair"))
            for e in entries
            if e.connection.get("side") == "second" and e.created_id
        }
        return [
            e
            for e in entries
            if e.connection.get("side") == "first"
            and str(e.connection.get("pair")) not in joined
            and e.created_id
            and not e.deleted
        ]

    def entries(self) -> list[HistoryEntry]:
        """Every submission, oldest first, with `deleted_at` set from deletion records and an unknown
        outcome settled by look-up records."""
        raw = read_private_file(self.dirs.history_file)
        if not raw:
            return []
        submissions: dict[str, HistoryEntry] = {}
        deletions: dict[str, str] = {}
        lookups: dict[str, tuple[str, str | None]] = {}
        links: dict[str, dict[str, Any]] = {}
        lines = raw.decode("utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if record.get("kind") == "deletion":
                    deletions[str(record["id"])] = str(record["time"])
                elif record.get("kind") == "connection":
                    links[str(record["id"])] = dict(record["connection"])
                elif record.get("kind") == "lookup":
                    found = record.get("found")
                    lookups[str(record["id"])] = (str(record["time"]), None if found is None else str(found))
                else:
                    entry = _entry_from_record(record)
                    submissions[entry.id] = entry
            except (ValueError, KeyError, TypeError, AttributeError):
                # a torn last line after a crash, or a hand edit: skip it, keep the rest
                log.warning("%s line %d is not a history record; skipped", self.path, number)
        return [
            _settled(entry, deletions.get(entry.id), lookups.get(entry.id), links.get(entry.id))
            for entry in submissions.values()
        ]


def _settled(
    entry: HistoryEntry,
    deleted_at: str | None,
    lookup: tuple[str, str | None] | None,
    link: dict[str, Any] | None = None,
) -> HistoryEntry:
    if link is not None:
        entry = replace(entry, connection=link)
    if deleted_at is not None:
        entry = replace(entry, deleted_at=deleted_at)
    if lookup is not None and entry.outcome == "unknown":
        time, found = lookup
        if found:
            entry = replace(entry, outcome="created", created_id=found, looked_up_at=time)
        else:
            entry = replace(entry, looked_up_at=time)
    return entry
