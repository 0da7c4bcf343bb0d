"""The provider contract, for every provider in the registry: modes are a discriminated union, auth is
declared once and previews itself, a declared matcher finds a resource again, help texts name them all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from pydantic import SecretStr

from tests.tui.driver import scenarios
from trunkwizard.client import load_account
from trunkwizard.providers import Provider, all_providers
from trunkwizard.sandbox import sandbox_account

ROOT = Path(__file__).resolve().parents[1]
PROVIDERS = [pytest.param(p, id=p.key) for p in all_providers()]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_modes_are_a_discriminated_union(provider: Provider) -> None:
    if len(provider.modes) > 1:
        named = [tuple((f.wire, f.default) for f in m.discriminators) for m in provider.modes]
        assert all(named), "every mode of a multi-mode provider declares what names it (Form(fixed=True))"
        assert len(set(named)) == len(named)
    for mode_key, answers in scenarios(provider):
        mode = provider.mode(mode_key)
        tagged: dict[str, Any] = {**answers, **{f.wire: f.default for f in mode.discriminators}}
        assert provider.detect_mode(tagged) == mode_key
        request = provider.request_union.validate_python(tagged)
        assert type(request) is mode.model
        assert provider.detect_mode(request) == mode_key


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_mode_chosen_by_its_endpoint_is_declared_as_such(provider: Provider) -> None:
    """Answers-file mode detection reads the declaration: a by-endpoint mode is the provider's only one
    and any answers are it; every other mode is named by its discriminators."""
    chosen = [m for m in provider.modes if m.by_endpoint]
    if chosen:
        assert list(provider.modes) == chosen and not chosen[0].discriminators
        assert provider.detect_mode({}) == provider.detect_mode({"anything": 1}) == chosen[0].key
    else:
        assert all(m.discriminators for m in provider.modes)
        assert provider.detect_mode({}) is None or provider.discriminator_defaults


def test_a_mode_must_say_how_it_is_chosen() -> None:
    from trunkwizard.providers._base import Mode
    from trunkwizard.providers.wavix import WavixTrunk
    from trunkwizard.providers.yeastar import YeastarPeerTrunk

    with pytest.raises(TypeError, match="by_endpoint"):
        Mode("trunk", "Trunk", "no field names it and it does not say so", WavixTrunk)
    with pytest.raises(TypeError, match="by_endpoint"):
        Mode("peer", "Peer", "a field names it", YeastarPeerTrunk, by_endpoint=True)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_request_type_is_the_union_of_the_modes(provider: Provider) -> None:
    """`Provider[Account, Request]`: the request a provider's methods take is typed as exactly its modes'
    models, so no method narrows it with an assert (nor any other assert isinstance in providers/)."""
    base = next(b for b in getattr(type(provider), "__orig_bases__", ()) if get_origin(b) is Provider)
    account, request = get_args(base)
    assert account is provider.account_model
    members = set(get_args(request)) or {request}
    assert members == {m.model for m in provider.modes}
    source = (ROOT / "trunkwizard" / "providers" / f"{type(provider).__module__.rsplit('.', 1)[1]}.py")
    assert "assert isinstance" not in source.read_text()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_auth_is_declared_once_and_previews_no_secret(provider: Provider) -> None:
    assert type(provider).auth is Provider.auth and type(provider).auth_preview is Provider.auth_preview
    account = load_account(provider, sandbox_account(provider.key))
    headers, query = provider.auth_preview(account)
    shown = " ".join([*headers.values(), *query.values()])
    assert "$TRUNKWIZARD_" in shown
    secrets = [v.get_secret_value() for v in account.__dict__.values() if isinstance(v, SecretStr)]
    assert secrets and not any(s in shown for s in secrets)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_declared_matcher_finds_the_resource_again(provider: Provider) -> None:
    assert type(provider).find_existing is Provider.find_existing
    for mode_key, answers in scenarios(provider)[:1]:
        mode = provider.mode(mode_key)
        request = mode.model.model_validate(answers)
        if provider.find_call(mode, request) is None:
            continue
        match = provider.existing
        assert match is not None
        wanted = answers[match.field or match.key]
        listing = {match.items: [{match.key: "someone else", "id": "1"}, {match.key: wanted, "id": "42"}]}
        assert provider.find_existing(mode, request, listing) == "42"
        assert provider.find_existing(mode, request, {match.items: []}) is None


@pytest.mark.parametrize("command", [["create", "--help"], ["profile", "add", "--help"], ["check", "--help"]])
def test_help_texts_name_every_registered_provider(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trunkwizard", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PYTHONPATH": str(ROOT), "COLUMNS": "400", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    for provider in all_providers():
        assert provider.key in result.stdout
