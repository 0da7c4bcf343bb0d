"""No cleartext credentials by accident: an http:// base URL to a host other than this machine is refused
for every provider (they all send a key) unless the user passes --insecure-http; the review then says so
in red."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.canary import CANARY
from trunkwizard.client import ProviderClient, cleartext_credentials, load_account
from trunkwizard.errors import NetworkError, ValidationFailed
from trunkwizard.fields import validate_answers
from trunkwizard.providers import all_providers, get_provider
from trunkwizard.sandbox import sandbox_account

PROVIDERS = [p for p in all_providers() if any(f.wire == "base_url" for f in p.account_fields)]


def _account_values(provider: Any, base_url: str) -> dict[str, Any]:
    values = sandbox_account(provider.key, "http://127.0.0.1:9")
    values["base_url"] = base_url
    for field in provider.account_fields:
        if field.secret:
            values[field.wire] = CANARY
    return values


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.key)
def test_http_to_another_host_is_refused_unless_allowed(provider: Any) -> None:
    values = _account_values(provider, "http://pbx.example.com")
    with pytest.raises(ValidationFailed) as failure:
        load_account(provider, values)
    [problem] = failure.value.problems
    assert (
        problem.field == "base_url" and "in clear" in problem.message and "--insecure-http" in problem.message
    )
    assert cleartext_credentials(provider, load_account(provider, values, insecure_http=True))


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.key)
@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://pbx.example.com"],
)
def test_loopback_and_https_are_accepted(provider: Any, base_url: str) -> None:
    account = load_account(provider, _account_values(provider, base_url))
    assert cleartext_credentials(provider, account) is None


async def test_the_client_refuses_before_connecting() -> None:
    chorus = get_provider("chorus")
    account = validate_answers(chorus.account_model, _account_values(chorus, "http://pbx.example.com"))
    with pytest.raises(NetworkError, match="in clear"):
        async with ProviderClient(chorus, account):
            pass


def test_cli_refuses_and_accepts_with_the_flag(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text('{"number": "+14155550100", "account": {"base_url": "http://pbx.example.com"}}')
    command = [sys.executable, "-m", "trunkwizard", "create", "chorus", "--mode", "jambonz"]
    command += ["--answers", str(answers), "--dry-run"]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "in clear" in refused.stderr and "--insecure-http" in refused.stderr
    allowed = subprocess.run([*command, "--insecure-http"], capture_output=True, text=True, timeout=60)
    assert allowed.returncode == 0, allowed.stderr


async def test_the_review_says_it_in_red(tmp_path: Path) -> None:
    from tests.tui.driver import KeyboardDriver
    from trunkwizard.tui.app import WizardApp
    from trunkwizard.tui.screens.account import AccountScreen

    chorus = get_provider("chorus")
    for insecure in (False, True):
        app = WizardApp(export_dir=tmp_path, insecure_http=insecure)
        async with app.run_test(size=(80, 24)) as pilot:
            keys = KeyboardDriver(pilot)
            await keys.pick_provider(chorus)
            account = app.screen
            assert isinstance(account, AccountScreen)
            await keys.fill_form(
                account.form, {"api_key": "a-real-looking-key", "base_url": "http://pbx.example.com"}
            )
            await keys.press("ctrl+n")
            await keys.settle()
            if not insecure:
                assert "in clear" in (account.form.rows["base_url"].error or "")
                assert app.screen is account, "the account step keeps the user"
                continue
            await keys.pick_mode(chorus, "jambonz")
            await keys.fill_form(app.screen.form, {"number": "+14155550162"})  # type: ignore[attr-defined]
            await keys.press("ctrl+n")
            await keys.settle()
            assert app.screen.STEP == "review"  # type: ignore[attr-defined]
            banner = app.screen.query_one("#banner")
            assert "INSECURE" in str(banner.render()) and "in clear" in str(banner.render())
            assert banner.has_class("-shown")
