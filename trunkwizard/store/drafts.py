"""Drafts: the wizard's non-secret answers, saved as they are typed, so a dropped SSH link loses nothing.

One JSON file per draft under `<state>/drafts/`; the id defaults to "current". `save` is cheap (one
small atomic write, skipped when nothing changed) and safe to call from a SIGHUP/SIGTERM handler: it
takes only a reentrant lock, and when the handler's save interrupts another save, the handler's
(newer) draft is the one left on disk.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trunkwizard.errors import StoreError
from trunkwizard.refusals import Refusal, refusals_from_json, refusals_to_json
from trunkwizard.store.files import AppDirs, read_private_file, remove_file, write_private_file
from trunkwizard.store.profiles import validate_profile_name
from trunkwizard.store.scrub import strip_secrets

__all__ = ["DEFAULT_DRAFT", "Draft", "DraftStore"]

DEFAULT_DRAFT = "current"
log = logging.getLogger("trunkwizard.store")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Draft:
    """Where the wizard was: provider, profile, mode, step, and the non-secret answers (wire names)."""

    provider: str
    profile: str | None
    mode: str | None
    step: str
    answers: dict[str, Any] = field(default_factory=dict)
    saved_at: str = ""
    id: str = DEFAULT_DRAFT
    # answer paths `save` refused to write because they looked secret (not stored in the file)
    dropped: tuple[str, ...] = ()
    # what the provider refused on the details step, with its words: marked again when resumed
    refused: tuple[Refusal, ...] = ()


def _draft_from_json(data: Any, path: Path) -> Draft:
    if not isinstance(data, dict):
        raise StoreError(f"{path} is not a draft")
    try:
        return Draft(
            provider=str(data["provider"]),
            profile=None if data.get("profile") is None else str(data["profile"]),
            mode=None if data.get("mode") is None else str(data["mode"]),
            step=str(data["step"]),
            answers=dict(data.get("answers") or {}),
            saved_at=str(data.get("saved_at", "")),
            id=str(data.get("id", path.stem)),
            refused=refusals_from_json(data.get("refused")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"{path} is not a usable draft ({exc})") from None


class DraftStore:
    def __init__(self, dirs: AppDirs | None = None) -> None:
        self.dirs = dirs or AppDirs.from_environment()
        self._lock = threading.RLock()
        self._generations = itertools.count(1)
        # per draft id: (generation, file bytes, content without the time stamp) of the last write
        self._landed: dict[str, tuple[int, bytes, bytes]] = {}

    def next_generation(self) -> int:
        """A place in the order of saves: a save made with it loses to every save given a later one."""
        return next(self._generations)

    def path(self, draft_id: str = DEFAULT_DRAFT) -> Path:
        validate_profile_name(draft_id)
        return self.dirs.drafts_dir / f"{draft_id}.json"

    def save(
        self,
        *,
        provider: str,
        profile: str | None,
        mode: str | None,
        step: str,
        answers: Mapping[str, Any],
        secret_fields: Collection[str] = (),
        draft_id: str = DEFAULT_DRAFT,
        generation: int | None = None,
        refused: Iterable[Refusal] = (),
    ) -> Draft:
        """Write the draft, dropping keys in `secret_fields`, secret-looking keys and known secret values.

        `refused`: what the provider refused on the details step (`trunkwizard.refusals`), kept without
        secrets. `generation` (from `next_generation`, taken when the answers were read) orders this
        save among the others; by default it is taken now. A save never covers one made after it."""
        # first: a signal handler that interrupts this call gets a later generation, so its save wins
        if generation is None:
            generation = self.next_generation()
        clean, dropped = strip_secrets(answers, secret_fields)
        path = self.path(draft_id)
        body: dict[str, Any] = {"id": draft_id, "provider": provider, "profile": profile, "mode": mode}
        body.update(step=step, answers=clean)
        refusals = refusals_to_json(refused, secret_fields)
        if refusals:
            body["refused"] = refusals
        try:
            content = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise StoreError(f"draft answers cannot be saved as JSON ({exc})") from None
        kept = refusals_from_json(refusals)
        draft = Draft(provider, profile, mode, step, clean, utc_now(), draft_id, tuple(dropped), kept)
        with self._lock:
            landed = self._landed.get(draft_id)
            if landed is not None and (landed[0] > generation or landed[2] == content) and path.exists():
                return draft  # a newer save already landed, or nothing changed
            stamped = {**body, "saved_at": draft.saved_at}
            data = json.dumps(stamped, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
            self._commit(path, draft_id, (generation, data, content))
        return draft

    def _commit(self, path: Path, draft_id: str, write: tuple[int, bytes, bytes]) -> None:
        # A signal handler runs on the main thread between two bytecodes, possibly in the middle of
        # this write; its own save then lands first and ours would cover it with older answers. So after
        # each write, look whether a newer save landed meanwhile, and if so write that one again.
        while True:
            write_private_file(path, write[1], durable=False)
            newest = self._landed.get(draft_id)
            if newest is None or newest[0] <= write[0]:
                self._landed[draft_id] = write
                return
            write = newest

    def load(self, draft_id: str = DEFAULT_DRAFT) -> Draft | None:
        path = self.path(draft_id)
        raw = read_private_file(path)
        if raw is None:
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise StoreError(f"{path} is not valid JSON; discard it to start afresh") from None
        return _draft_from_json(data, path)

    def list(self) -> list[Draft]:
        """Every readable draft, newest first. Unreadable ones are skipped with a warning."""
        directory = self.dirs.drafts_dir
        if not directory.is_dir():
            return []
        drafts: list[Draft] = []
        for entry in sorted(os.listdir(directory)):
            if not entry.endswith(".json") or entry.startswith("."):
                continue
            try:
                draft = self.load(entry[: -len(".json")])
            except (StoreError, ValueError) as exc:
                log.warning("skipping draft %s: %s", entry, exc)
                continue
            if draft is not None:
                drafts.append(draft)
        return sorted(drafts, key=lambda d: d.saved_at, reverse=True)

    def latest(self) -> Draft | None:
        """The draft to offer on start: the most recently saved one."""
        drafts = self.list()
        return drafts[0] if drafts else None

    def discard(self, draft_id: str = DEFAULT_DRAFT) -> bool:
        """Remove the draft (after a successful submit). True when there was one."""
        with self._lock:
            self._landed.pop(draft_id, None)
            return remove_file(self.path(draft_id))
