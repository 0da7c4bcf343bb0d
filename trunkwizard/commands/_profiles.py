"""The bridge `trunkwizard create --profile` uses: a saved account, its CA file, the history entry.

Kept apart from create.py so the command stays about requests; everything here is profiles, the
keyring and the history file (trunkwizard.accounts, trunkwizard.secrets, trunkwizard.store).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.client import PreparedRequest
    from trunkwizard.fields import ProviderModel
    from trunkwizard.providers import Created, Provider
    from trunkwizard.store import HistoryEntry

__all__ = ["account_from_profile", "ca_file_of", "history_request", "record_history"]


def account_from_profile(provider: Provider, name: str, *, insecure_http: bool = False) -> ProviderModel:
    """The provider's account model from profile `name`: settings from profiles.toml, secrets from the
    keyring, or from TRUNKWIZARD_<PROVIDER>_<FIELD> when the keyring has none this session."""
    from pydantic import SecretStr

    from trunkwizard.accounts import Accounts
    from trunkwizard.client import load_account
    from trunkwizard.errors import Problem, ValidationFailed
    from trunkwizard.providers._auth import env_var
    from trunkwizard.secrets import SecretMissing, SecretVault
    from trunkwizard.store import ProfileStore

    accounts = Accounts(ProfileStore(), SecretVault.open())
    account = accounts.load(name)
    if account.profile.provider != provider.key:
        raise ValidationFailed(
            [Problem("profile", f"{name!r} is a {account.profile.provider} profile, not {provider.key}")]
        )
    values: dict[str, Any] = account.answers()
    for wire in account.missing:
        from_env = os.environ.get(env_var(provider.key, wire))
        if from_env:
            values[wire] = SecretStr(from_env)
    required = {f.wire for f in provider.account_fields if f.secret and f.required}
    still_missing = [w for w in account.missing if w not in values and w in required]
    if still_missing:
        wire = still_missing[0]
        label = {f.wire: f.label for f in provider.account_fields}.get(wire, wire)
        hint = (
            f"set {env_var(provider.key, wire)}, or store it: trunkwizard profile edit {name} --secret {wire}"
        )
        try:
            values[wire] = accounts.vault.fetch(name, wire, label=label)
        except SecretMissing as exc:
            raise SecretMissing(exc.message, profile=name, field=wire, hint=hint) from None
    return load_account(provider, values, insecure_http=insecure_http)


def ca_file_of(name: str) -> str | None:
    from trunkwizard.store import ProfileStore

    return ProfileStore().get(name).ca_file


def record_history(
    prepared: PreparedRequest,
    created: Created | None,
    *,
    profile: str | None,
    sandbox: bool,
    offers: Sequence[Mapping[str, Any]] = (),
    outcome: str = "created",
    connection: Mapping[str, Any] | None = None,
) -> HistoryEntry:
    """Append the submission (masked request, created id) to the history file. An unknown outcome is
    recorded too, with no id, so a later look-up can settle it."""
    from trunkwizard.store import HistoryStore

    secret_fields = {f.wire for f in prepared.mode.fields if f.secret}
    return HistoryStore().append(
        provider=prepared.provider.key,
        profile=profile,
        mode=prepared.mode.key,
        created_id=created.ref.id if created is not None else None,
        request=history_request(prepared),
        sandbox=sandbox,
        secret_fields=secret_fields,
        path_values=created.ref.path_values if created is not None else None,
        offers=offers,
        outcome=outcome,
        connection=connection,
    )


def history_request(prepared: PreparedRequest) -> dict[str, Any]:
    """The request as history keeps it (masked), also the key that finds earlier attempts of it."""
    from trunkwizard.store.scrub import mask_secrets

    secret_fields = {f.wire for f in prepared.mode.fields if f.secret}
    first, *follow_ups = (
        mask_secrets({"method": p.method.upper(), "url": p.url, "json": p.json}, secret_fields)
        for p in prepared.previews
    )
    masked: dict[str, Any] = {**first, "follow_ups": follow_ups} if follow_ups else first
    return masked
