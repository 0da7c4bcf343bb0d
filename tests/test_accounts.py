"""Profiles with their secrets: settings in profiles.toml, secrets in a real Secret Service."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak, assert_private_tree
from tests.support.secret_service import KeyringSession, PrivateHome
from trunkwizard.accounts import Accounts, AccountSpec
from trunkwizard.errors import ValidationFailed
from trunkwizard.secrets import KeyringState, KeyringUnavailable, SecretMissing, SecretVault
from trunkwizard.store import ProfileExists, ProfileStore

pytestmark = pytest.mark.keyring


@dataclass(frozen=True)
class _Field:
    wire: str
    label: str
    secret: bool = False
    required: bool = True
    default: Any = None


@dataclass(frozen=True)
class _Spec:
    """A Yeastar-like account: a URL, an id, two secrets (one optional)."""

    key: str = "pbx"
    title: str = "Test PBX"
    account_fields: tuple[_Field, ...] = (
        _Field("base_url", "Base URL"),
        _Field("client_id", "Client ID"),
        _Field("port", "Port", required=False, default=8088),
        _Field("client_secret", "Client secret", secret=True),
        _Field("sip_secret", "SIP secret", secret=True, required=False),
    )


def _specs(key: str) -> AccountSpec:
    if key != "pbx":
        raise ValidationFailed([])
    return _Spec()


def _accounts(vault: SecretVault) -> Accounts:
    return Accounts(ProfileStore(), vault, specs=_specs)


def _make_ca(directory: Path) -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "acme PBX CA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = directory / "acme-ca.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def test_store_read_update_delete_through_profiles(secret_service: KeyringSession) -> None:
    accounts = _accounts(SecretVault.open())
    profile = accounts.build_profile(
        "acme-pbx", "pbx", {"base_url": "https://10.0.0.5:8088", "client_id": "id-1"}
    )
    outcome = accounts.add(profile, {"client_secret": CANARY})
    assert outcome.status.persistent and outcome.stored == ("client_secret",)
    assert secret_service.lookup("acme-pbx:client_secret") == CANARY

    account = _accounts(SecretVault.open()).load("acme-pbx")
    assert account.secrets["client_secret"].get_secret_value() == CANARY
    assert account.missing == ("sip_secret",)
    assert account.answers()["client_id"] == "id-1"

    changed = accounts.build_profile(
        "acme-pbx", "pbx", {"base_url": "https://10.0.0.6:8088", "client_id": "id-1"}
    )
    accounts.update(changed, {"client_secret": SecretStr(CANARY + "-new"), "sip_secret": "sip-1"})
    assert secret_service.lookup("acme-pbx:client_secret") == CANARY + "-new"
    assert accounts.profiles.get("acme-pbx").settings["base_url"] == "https://10.0.0.6:8088"
    accounts.update(changed)  # settings only: the stored secrets stay
    assert secret_service.lookup("acme-pbx:sip_secret") == "sip-1"

    removed = accounts.delete("acme-pbx")
    assert removed.keyring_cleared
    assert secret_service.lookup("acme-pbx:client_secret") is None
    assert secret_service.lookup("acme-pbx:sip_secret") is None
    assert accounts.profiles.list() == []
    assert_no_leak(CANARY, secret_service.home.scanned_roots())
    assert_private_tree(secret_service.home.config_home)


def test_rename_moves_the_keyring_entries(secret_service: KeyringSession) -> None:
    accounts = _accounts(SecretVault.open())
    profile = accounts.build_profile("acme", "pbx", {"base_url": "https://pbx", "client_id": "i"})
    accounts.add(profile, {"client_secret": CANARY, "sip_secret": "sip-1"})
    accounts.add(accounts.build_profile("taken", "pbx", {"base_url": "https://pbx", "client_id": "i"}))
    with pytest.raises(ProfileExists):
        accounts.rename("acme", "taken")
    assert secret_service.lookup("acme:client_secret") == CANARY

    accounts.rename("acme", "acme-hq")
    assert secret_service.lookup("acme:client_secret") is None
    assert secret_service.lookup("acme:sip_secret") is None
    assert secret_service.lookup("acme-hq:client_secret") == CANARY
    assert secret_service.lookup("acme-hq:sip_secret") == "sip-1"
    assert [p.name for p in accounts.profiles.list()] == ["acme-hq", "taken"]


def test_rename_changes_nothing_when_the_keyring_hangs_midway(secret_service: KeyringSession) -> None:
    accounts = _accounts(SecretVault.open(timeout=1.0))
    accounts.add(
        accounts.build_profile("acme", "pbx", {"base_url": "https://pbx", "client_id": "i"}),
        {"client_secret": CANARY},
    )
    secret_service.freeze()
    with pytest.raises(KeyringUnavailable) as unavailable:
        accounts.rename("acme", "acme-hq")
    assert unavailable.value.status.state is KeyringState.TIMED_OUT
    assert [p.name for p in accounts.profiles.list()] == ["acme"]


def test_secrets_are_refused_as_settings_and_unknown_fields_named(private_home: PrivateHome) -> None:
    accounts = _accounts(SecretVault.session_only())
    with pytest.raises(ValidationFailed) as failed:
        accounts.build_profile(
            "acme", "pbx", {"client_secret": CANARY, "colour": "red", "base_url": "https://x"}
        )
    problems = {p.field: p.message for p in failed.value.problems}
    assert problems["client_secret"] == "is a secret: it goes to the keyring, never to the profile file"
    assert problems["colour"].startswith(
        "Test PBX accounts have no such setting; settings: base_url, client_id"
    )
    assert problems["client_id"] == "required: set client_id=<client id>"
    assert CANARY not in str(failed.value)
    with pytest.raises(ValidationFailed, match="port: a whole number"):
        accounts.build_profile("acme", "pbx", {"base_url": "https://x", "client_id": "i", "port": "eighty"})
    typed = accounts.build_profile("acme", "pbx", {"base_url": "https://x", "client_id": "i", "port": "5061"})
    assert typed.settings["port"] == 5061
    with pytest.raises(ValidationFailed, match="not a secret of this provider"):
        accounts.add(typed, {"client_id": "x"})


def test_the_provider_model_checks_settings(private_home: PrivateHome) -> None:
    accounts = Accounts(ProfileStore(), SecretVault.session_only())  # the real provider registry
    profile = accounts.build_profile("chorus-main", "chorus", {})
    assert profile.settings == {}
    with pytest.raises(ValidationFailed) as failed:
        accounts.build_profile("sw", "signalwire", {"space": "not a space!", "project_id": "nope"})
    # the space is documented (the spec's server URL); a Project ID's UUID form is only inferred: a warning
    assert [p.field for p in failed.value.problems] == ["space"]
    with pytest.raises(ValidationFailed) as failed:
        accounts.build_profile("x", "no-such-provider", {})
    assert failed.value.problems[0].field == "provider"
    assert "unknown provider 'no-such-provider'" in failed.value.problems[0].message


def test_a_ca_file_is_checked_and_stored_as_an_absolute_path(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    accounts = _accounts(SecretVault.session_only())
    settings = {"base_url": "https://10.0.0.5:8088", "client_id": "i"}
    ca = _make_ca(tmp_path)
    profile = accounts.build_profile("acme", "pbx", settings, ca_file=str(ca))
    assert profile.ca_file == str(ca.resolve())
    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("hello")
    with pytest.raises(ValidationFailed, match="is not a PEM certificate bundle"):
        accounts.build_profile("acme", "pbx", settings, ca_file=str(not_pem))
    with pytest.raises(ValidationFailed, match="no such file"):
        accounts.build_profile("acme", "pbx", settings, ca_file=str(tmp_path / "missing.pem"))


def test_session_only_accounts_work_end_to_end(private_home: PrivateHome) -> None:
    vault = SecretVault.open()
    assert vault.status.state is KeyringState.NO_BACKEND
    accounts = _accounts(vault)
    profile = accounts.build_profile("acme", "pbx", {"base_url": "https://pbx", "client_id": "i"})
    outcome = accounts.add(profile, {"client_secret": CANARY})
    assert not outcome.status.persistent
    assert accounts.account_values("acme")["client_secret"].get_secret_value() == CANARY
    accounts.rename("acme", "acme-hq")
    assert accounts.load("acme-hq").secrets["client_secret"].get_secret_value() == CANARY

    # the next session (a new process) has the profile but not the secret
    next_session = _accounts(SecretVault.open())
    assert next_session.load("acme-hq").missing == ("client_secret", "sip_secret")
    with pytest.raises(SecretMissing) as missing:
        next_session.account_values("acme-hq")
    assert "No Client secret for profile 'acme-hq' in this session" in missing.value.message
    removed = next_session.delete("acme-hq")
    assert not removed.keyring_cleared
    assert_no_leak(CANARY, private_home.scanned_roots())


def test_a_locked_keyring_reads_as_missing_with_its_reason(
    locked_secret_service: KeyringSession,
) -> None:
    accounts = _accounts(SecretVault.open())
    accounts.add(accounts.build_profile("acme", "pbx", {"base_url": "https://pbx", "client_id": "i"}))
    account = accounts.load("acme")
    assert account.status.state is KeyringState.LOCKED
    assert account.missing == ("client_secret", "sip_secret")
    with pytest.raises(SecretMissing) as missing:
        accounts.account_values("acme")
    assert missing.value.hint.startswith("The Secret Service is locked")
