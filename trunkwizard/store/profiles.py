"""Profiles: named provider accounts, their non-secret settings in `profiles.toml` (config dir).

    version = 1

    [profiles.acme-pbx]
    provider = "yeastar"
    ca_file = "/etc/ssl/acme-pbx-ca.pem"

    read_only = true            # optional: look, never change (create, edit, rotate, delete refused)

    [profiles.acme-pbx.settings]
    base_url = "https://10.0.0.5:8088"

Secrets never appear here: they live in the keyring (see trunkwizard.secrets and trunkwizard.accounts).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trunkwizard.errors import Problem, StoreError, ValidationFailed
from trunkwizard.store.files import AppDirs, locked_dir, read_private_file, write_private_file
from trunkwizard.store.scrub import carries_secret, looks_secret_key

__all__ = [
    "PROFILE_NAME_RULE",
    "Profile",
    "ProfileExists",
    "ProfileNotFound",
    "ProfileStore",
    "SettingValue",
    "validate_profile_name",
]

SettingValue = str | int | bool

FORMAT_VERSION = 1
PROFILE_NAME_RULE = "1 to 64 letters, digits, '-', '_' or '.', not starting with '.'"
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")


class ProfileNotFound(StoreError):
    """No profile has this name."""


class ProfileExists(StoreError):
    """Another profile already has this name."""


def validate_profile_name(name: str) -> str:
    """Return `name` if it is a valid profile name; raise ValidationFailed naming the rule otherwise."""
    if not _PROFILE_NAME.fullmatch(name):
        raise ValidationFailed([Problem("name", f"profile names are {PROFILE_NAME_RULE}; got {name!r}")])
    return name


def _check_settings(settings: Mapping[str, Any]) -> dict[str, SettingValue]:
    problems: list[Problem] = []
    clean: dict[str, SettingValue] = {}
    for key, value in settings.items():
        if not isinstance(key, str) or not key:
            problems.append(Problem(str(key), "setting names must be non-empty text"))
        elif not isinstance(value, str | int | bool):
            problems.append(
                Problem(key, f"must be text, a whole number or true/false, not {type(value).__name__}")
            )
        elif looks_secret_key(key) or carries_secret(value):
            problems.append(
                Problem(key, "looks like a secret: secrets go to the keyring, never to profiles.toml")
            )
        else:
            clean[key] = value
    if problems:
        raise ValidationFailed(problems)
    return clean


@dataclass(frozen=True)
class Profile:
    """A named account at one provider. `settings` are non-secret wire-named values (base URL, ids)."""

    name: str
    provider: str
    settings: dict[str, SettingValue] = field(default_factory=dict)
    ca_file: str | None = None
    # k9s-style: this account is only looked at; every write is refused before a request leaves
    read_only: bool = False

    def __post_init__(self) -> None:
        validate_profile_name(self.name)
        if not self.provider:
            raise ValidationFailed([Problem("provider", "choose a provider")])
        object.__setattr__(self, "settings", _check_settings(self.settings))
        if self.ca_file is not None and not self.ca_file.strip():
            object.__setattr__(self, "ca_file", None)

    def renamed(self, name: str) -> Profile:
        return Profile(
            name=name,
            provider=self.provider,
            settings=dict(self.settings),
            ca_file=self.ca_file,
            read_only=self.read_only,
        )

    def to_toml_table(self) -> dict[str, Any]:
        table: dict[str, Any] = {"provider": self.provider}
        if self.ca_file:
            table["ca_file"] = self.ca_file
        if self.read_only:
            table["read_only"] = True
        table["settings"] = dict(self.settings)
        return table


def _profile_from_table(name: str, table: Any, path: str) -> Profile:
    if not isinstance(table, dict):
        raise StoreError(f"{path}: profile {name!r} is not a table")
    unknown = set(table) - {"provider", "ca_file", "settings", "read_only"}
    if unknown:
        raise StoreError(f"{path}: profile {name!r} has unknown keys: {', '.join(sorted(unknown))}")
    provider, ca_file, settings = table.get("provider"), table.get("ca_file"), table.get("settings", {})
    if not isinstance(provider, str) or not isinstance(settings, dict) or not isinstance(ca_file, str | None):
        raise StoreError(f'{path}: profile {name!r} needs provider = "..." and a [settings] table')
    read_only = table.get("read_only", False)
    if not isinstance(read_only, bool):
        raise StoreError(f"{path}: profile {name!r}: read_only must be true or false")
    try:
        return Profile(name=name, provider=provider, settings=settings, ca_file=ca_file, read_only=read_only)
    except ValidationFailed as exc:
        raise StoreError(f"{path}: profile {name!r}: {exc.message}") from None


class ProfileStore:
    """Reads and writes `profiles.toml`. Every change rewrites the file atomically (0600, 0700 dir)."""

    def __init__(self, dirs: AppDirs | None = None) -> None:
        self.dirs = dirs or AppDirs.from_environment()

    @property
    def path(self) -> str:
        return str(self.dirs.profiles_file)

    def _load(self) -> dict[str, Profile]:
        raw = read_private_file(self.dirs.profiles_file)
        if raw is None:
            return {}
        try:
            document = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise StoreError(f"{self.path} is not valid TOML ({exc}); fix or move it") from None
        version = document.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise StoreError(
                f"{self.path} has format version {version}; this trunkwizard reads {FORMAT_VERSION}"
            )
        tables = document.get("profiles", {})
        if not isinstance(tables, dict):
            raise StoreError(f"{self.path}: [profiles] must be a table")
        return {name: _profile_from_table(name, table, self.path) for name, table in tables.items()}

    def _write(self, profiles: Mapping[str, Profile]) -> None:
        import tomli_w

        document = {
            "version": FORMAT_VERSION,
            "profiles": {name: profiles[name].to_toml_table() for name in sorted(profiles)},
        }
        write_private_file(self.dirs.profiles_file, tomli_w.dumps(document).encode("utf-8"))

    def list(self) -> list[Profile]:
        profiles = self._load()
        return [profiles[name] for name in sorted(profiles)]

    def find(self, name: str) -> Profile | None:
        return self._load().get(name)

    def get(self, name: str) -> Profile:
        profile = self.find(name)
        if profile is None:
            raise ProfileNotFound(f"no profile named {name!r}; `trunkwizard profile list` shows them")
        return profile

    def exists(self, name: str) -> bool:
        return self.find(name) is not None

    def add(self, profile: Profile) -> None:
        """Save a new profile; ProfileExists when the name is taken (names are unique across providers)."""
        with locked_dir(self.dirs.config):
            profiles = self._load()
            if profile.name in profiles:
                taken = profiles[profile.name]
                raise ProfileExists(f"a profile named {profile.name!r} already exists ({taken.provider})")
            profiles[profile.name] = profile
            self._write(profiles)

    def save(self, profile: Profile) -> None:
        """Create or replace the profile with this name."""
        with locked_dir(self.dirs.config):
            profiles = self._load()
            profiles[profile.name] = profile
            self._write(profiles)

    def rename(self, old: str, new: str) -> Profile:
        validate_profile_name(new)
        with locked_dir(self.dirs.config):
            profiles = self._load()
            if old not in profiles:
                raise ProfileNotFound(f"no profile named {old!r}; `trunkwizard profile list` shows them")
            if new in profiles and new != old:
                raise ProfileExists(f"a profile named {new!r} already exists ({profiles[new].provider})")
            renamed = profiles.pop(old).renamed(new)
            profiles[new] = renamed
            self._write(profiles)
        return renamed

    def delete(self, name: str) -> Profile:
        with locked_dir(self.dirs.config):
            profiles = self._load()
            if name not in profiles:
                raise ProfileNotFound(f"no profile named {name!r}; `trunkwizard profile list` shows them")
            removed = profiles.pop(name)
            self._write(profiles)
        return removed
