"""Accounts: a profile with its secrets. Settings go to profiles.toml, secrets to the vault (keyring).

The provider says which account fields exist and which are secret (`get_provider(key).account_fields`);
a setting that names a secret field is refused, so a secret can only ever reach the vault.

    accounts = Accounts(ProfileStore(), SecretVault.open())
    profile = accounts.build_profile("acme-pbx", "yeastar", {"base_url": "https://10.0.0.5:8088"})
    accounts.add(profile, {"client_id": "...", "client_secret": SecretStr("...")})
    account = accounts.load("acme-pbx")       # .secrets, .missing, .status, .answers()
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import SecretStr

from trunkwizard.errors import Problem, ValidationFailed
from trunkwizard.secrets import KeyringStatus, KeyringUnavailable, SecretVault
from trunkwizard.store import Profile, ProfileExists, ProfileStore, SettingValue, validate_profile_name

__all__ = [
    "SIP_PASSWORD",
    "Account",
    "AccountField",
    "AccountSpec",
    "Accounts",
    "RemoveOutcome",
    "SaveOutcome",
    "check_ca_file",
    "provider_spec",
]


class AccountField(Protocol):
    """What accounts need of a provider's account field (trunkwizard.fields.FormField fits)."""

    @property
    def wire(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def secret(self) -> bool: ...
    @property
    def required(self) -> bool: ...
    @property
    def default(self) -> Any: ...


class AccountSpec(Protocol):
    """What accounts need of a provider (trunkwizard.providers.Provider fits)."""

    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def account_fields(self) -> tuple[AccountField, ...]: ...


SpecSource = Callable[[str], AccountSpec]

# A secret any profile may hold besides its provider's: the password of the SIP trunk the profile's
# PBX registers with, for `trunkwizard check --register --profile NAME`. Never sent to the provider API.
SIP_PASSWORD = "sip_password"


@dataclass(frozen=True)
class _ProfileSecret:
    wire: str
    label: str
    secret: bool = True
    required: bool = False
    default: Any = None


_SIP_PASSWORD_FIELD = _ProfileSecret(SIP_PASSWORD, "SIP password")


def provider_spec(key: str) -> AccountSpec:
    """The registered provider `key`, or ValidationFailed naming the known ones."""
    from trunkwizard.providers import get_provider

    try:
        return get_provider(key)
    except KeyError as exc:
        raise ValidationFailed([Problem("provider", str(exc.args[0]) if exc.args else key)]) from None


def check_ca_file(path: str) -> str:
    """The absolute path of a readable PEM CA bundle, or ValidationFailed saying what is wrong with it."""
    absolute = os.path.abspath(os.path.expanduser(path))
    if not os.path.isfile(absolute):
        raise ValidationFailed([Problem("ca_file", f"no such file: {absolute}")])
    context = ssl.create_default_context()
    try:
        context.load_verify_locations(cafile=absolute)
    except (ssl.SSLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or type(exc).__name__
        raise ValidationFailed(
            [
                Problem(
                    "ca_file",
                    f"{absolute} is not a PEM certificate bundle ({reason}); give the PBX's CA in PEM",
                )
            ]
        ) from None
    if not context.get_ca_certs():
        raise ValidationFailed(
            [Problem("ca_file", f"{absolute} holds no CA certificate (need a CA, not a leaf)")]
        )
    return absolute


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _coerce(field: AccountField, value: Any) -> Any:
    """Text from the command line read as the field's type (toggle, integer); other values unchanged."""
    kind = str(getattr(field, "kind", ""))
    if not isinstance(value, str):
        return value
    text = value.strip()
    if kind == "toggle" or isinstance(field.default, bool):
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValidationFailed([Problem(field.wire, "on or off: true/false, yes/no, 1/0")])
    if kind == "integer" or (isinstance(field.default, int) and not isinstance(field.default, bool)):
        try:
            return int(text)
        except ValueError:
            raise ValidationFailed([Problem(field.wire, "a whole number")]) from None
    return text


@dataclass(frozen=True)
class Account:
    """A profile with the secrets this session could get. `status` says where secrets live now."""

    profile: Profile
    secrets: dict[str, SecretStr]
    missing: tuple[str, ...]
    status: KeyringStatus

    def answers(self) -> dict[str, Any]:
        """Settings and secrets keyed by wire name, ready for the provider's account model."""
        return {**self.profile.settings, **self.secrets}


@dataclass(frozen=True)
class SaveOutcome:
    profile: Profile
    stored: tuple[str, ...]
    status: KeyringStatus


@dataclass(frozen=True)
class RemoveOutcome:
    profile: Profile
    # False when the keyring could not be reached: entries of an earlier session may remain there
    keyring_cleared: bool
    status: KeyringStatus


class Accounts:
    def __init__(self, profiles: ProfileStore, vault: SecretVault, specs: SpecSource = provider_spec) -> None:
        self.profiles = profiles
        self.vault = vault
        self._specs = specs

    def spec(self, provider: str) -> AccountSpec:
        return self._specs(provider)

    def secret_fields(self, provider: str) -> tuple[AccountField, ...]:
        return tuple(f for f in self.spec(provider).account_fields if f.secret)

    def profile_secret_fields(self, provider: str) -> tuple[AccountField, ...]:
        """Every secret a profile may keep: the provider's account secrets, then the SIP password."""
        provider_secrets = self.secret_fields(provider)
        if any(f.wire == SIP_PASSWORD for f in provider_secrets):
            return provider_secrets
        return (*provider_secrets, _SIP_PASSWORD_FIELD)

    def build_profile(
        self, name: str, provider: str, settings: Mapping[str, Any], ca_file: str | None = None
    ) -> Profile:
        """Check name, provider, settings (known, non-secret, typed, required ones present) and CA file."""
        validate_profile_name(name)
        spec = self.spec(provider)
        by_wire = {f.wire: f for f in spec.account_fields}
        problems: list[Problem] = []
        clean: dict[str, SettingValue] = {}
        for key, value in settings.items():
            field = by_wire.get(key)
            if field is None:
                known = ", ".join(f.wire for f in spec.account_fields if not f.secret)
                problems.append(
                    Problem(key, f"{spec.title} accounts have no such setting; settings: {known}")
                )
            elif field.secret:
                problems.append(
                    Problem(key, "is a secret: it goes to the keyring, never to the profile file")
                )
            else:
                try:
                    clean[key] = _coerce(field, value)
                except ValidationFailed as exc:
                    problems.extend(exc.problems)
        for field in spec.account_fields:
            if not field.secret and field.required and field.default is None and field.wire not in clean:
                problems.append(Problem(field.wire, f"required: set {field.wire}=<{field.label.lower()}>"))
        problems.extend(_model_check(spec, clean)[0])  # https base URL, id formats
        if ca_file is not None:
            try:
                ca_file = check_ca_file(ca_file)
            except ValidationFailed as exc:
                problems.extend(exc.problems)
        if problems:
            raise ValidationFailed(problems)
        return Profile(name=name, provider=provider, settings=clean, ca_file=ca_file)

    def setting_warnings(self, profile: Profile) -> list[Problem]:
        """What the provider's inferred rules say about a profile's settings (e.g. an id that does not
        look like the documented examples): said, never a reason to refuse it (trunkwizard.rules)."""
        return _model_check(self.spec(profile.provider), profile.settings)[1]

    def _check_secrets(self, provider: str, secrets: Mapping[str, SecretStr | str]) -> dict[str, SecretStr]:
        by_wire = {f.wire: f for f in self.profile_secret_fields(provider)}
        problems: list[Problem] = []
        clean: dict[str, SecretStr] = {}
        for key, value in secrets.items():
            if key not in by_wire:
                known = ", ".join(by_wire) or "none"
                problems.append(Problem(key, f"not a secret of this provider's accounts; secrets: {known}"))
                continue
            secret = value if isinstance(value, SecretStr) else SecretStr(value)
            if secret.get_secret_value():
                clean[key] = secret
        if problems:
            raise ValidationFailed(problems)
        return clean

    def _store_secrets(self, profile: Profile, secrets: Mapping[str, SecretStr]) -> SaveOutcome:
        status = self.vault.status
        for wire, value in secrets.items():
            status = self.vault.store(profile.name, wire, value)
        return SaveOutcome(profile, tuple(secrets), status)

    def add(self, profile: Profile, secrets: Mapping[str, SecretStr | str] | None = None) -> SaveOutcome:
        """Save a new profile and its secrets; ProfileExists when the name is taken."""
        clean = self._check_secrets(profile.provider, secrets or {})
        self.profiles.add(profile)
        return self._store_secrets(profile, clean)

    def update(self, profile: Profile, secrets: Mapping[str, SecretStr | str] | None = None) -> SaveOutcome:
        """Replace an existing profile's settings; the secrets given replace stored ones, others stay."""
        current = self.profiles.get(profile.name)
        if current.provider != profile.provider:
            raise ValidationFailed(
                [
                    Problem(
                        "provider",
                        f"{profile.name!r} is a {current.provider} profile; add a new profile instead",
                    )
                ]
            )
        clean = self._check_secrets(profile.provider, secrets or {})
        self.profiles.save(profile)
        return self._store_secrets(profile, clean)

    def load(self, name: str) -> Account:
        """The profile with every secret this session can get; the others are listed in `missing`."""
        profile = self.profiles.get(name)
        secrets: dict[str, SecretStr] = {}
        missing: list[str] = []
        for field in self.secret_fields(profile.provider):
            try:
                value = self.vault.lookup(name, field.wire)
            except KeyringUnavailable:
                value = None
            if value is None:
                missing.append(field.wire)
            else:
                secrets[field.wire] = value
        return Account(profile, secrets, tuple(missing), self.vault.status)

    def account_values(self, name: str) -> dict[str, Any]:
        """Settings and secrets of a profile keyed by wire name, secrets as SecretStr.

        Raises SecretMissing for the first required secret this session cannot get (the caller asks
        for it), with the keyring's own message when the keyring is the reason.
        """
        account = self.load(name)
        required = {f.wire: f for f in self.secret_fields(account.profile.provider) if f.required}
        for wire in account.missing:
            if wire in required:
                self.vault.fetch(name, wire, label=required[wire].label)  # raises with the right message
        return account.answers()

    def profiles_for(self, provider: str) -> list[Profile]:
        """The saved profiles of one provider (no keyring access)."""
        return [p for p in self.profiles.list() if p.provider == provider]

    def secret_presence(self, name: str) -> dict[str, bool | None]:
        """For each secret of the profile: stored (True), not stored (False), or unknown (None) when
        the keyring did not answer (locked, hanging): "missing" would send the user to re-enter it."""
        from trunkwizard.secrets import KeyringState

        profile = self.profiles.get(name)
        presence: dict[str, bool | None] = {}
        for field in self.secret_fields(profile.provider):
            try:
                presence[field.wire] = self.vault.lookup(name, field.wire) is not None
            except KeyringUnavailable:
                presence[field.wire] = None
            # a keyring that stopped answering (or stayed locked) may well hold what memory lacks
            silent = self.vault.status.state in (KeyringState.TIMED_OUT, KeyringState.LOCKED)
            if silent and presence[field.wire] is False:
                presence[field.wire] = None
        return presence

    def rename(self, old: str, new: str) -> Profile:
        """Rename the profile and move its keyring entries; nothing changes if the keyring fails midway."""
        validate_profile_name(new)
        profile = self.profiles.get(old)
        if new == old:
            return profile
        if self.profiles.exists(new):
            raise ProfileExists(f"a profile named {new!r} already exists")
        was_persistent = self.vault.persistent
        wires = [f.wire for f in self.profile_secret_fields(profile.provider)]
        for wire in wires:
            value = self.vault.lookup(old, wire)
            if value is not None:
                self.vault.store(new, wire, value)
        if was_persistent and not self.vault.persistent:
            raise KeyringUnavailable(self.vault.status)
        renamed = self.profiles.rename(old, new)
        for wire in wires:
            self.vault.remove(old, wire)
        return renamed

    def delete(self, name: str) -> RemoveOutcome:
        """Remove the profile's keyring entries, then the profile."""
        profile = self.profiles.get(name)
        for field in self.profile_secret_fields(profile.provider):
            self.vault.remove(name, field.wire)
        cleared = self.vault.persistent
        self.profiles.delete(name)
        return RemoveOutcome(profile, cleared, self.vault.status)


def _model_check(
    spec: AccountSpec, settings: Mapping[str, SettingValue]
) -> tuple[list[Problem], list[Problem]]:
    """What the account model refuses in the settings and what it warns about, secrets left out (a
    profile's settings never hold them; their absence is not a problem of the settings)."""
    model = getattr(spec, "account_model", None)
    if model is None:
        return [], []
    from trunkwizard.fields import check_answers

    secret_wires = {f.wire for f in spec.account_fields if f.secret}

    def settings_only(found: Iterable[Problem]) -> list[Problem]:
        return [p for p in found if p.field.split(".")[0] not in secret_wires]

    try:
        _, warnings = check_answers(model, settings)
    except ValidationFailed as exc:
        return settings_only(exc.problems), settings_only(exc.warnings)
    return [], settings_only(warnings)
