"""The SIP check inside the wizard, against sipp on 127.0.0.1: from the review screen (before submit) and
the result screen (after), keys only. A REGISTER goes out only after the confirmation; Esc cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.support.canary import CANARY
from tests.support.kamailio import KamailioRegistrars
from tests.support.sip import SipPeers
from tests.tui.driver import KeyboardDriver
from trunkwizard.client import load_account, prepare
from trunkwizard.preflight import CheckResult, CheckStatus, PreflightTarget
from trunkwizard.preflight.checks import OnResult
from trunkwizard.providers import Created, ResourceRef, get_provider
from trunkwizard.sandbox import sandbox_account
from trunkwizard.store.profiles import Profile, ProfileStore
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.sip_check import RegisterConfirmScreen, SipCheckScreen
from trunkwizard.tui.sip_check import sip_check_screen
from trunkwizard.tui.widgets.check_row import CheckRow

pytestmark = pytest.mark.sipp

CHORUS = get_provider("chorus")
USERNAME = "chorus-1001"


def _answers(port: int) -> dict[str, Any]:
    return {
        "number": "+14155550124",
        "sipUsername": USERNAME,
        "sipPassword": CANARY,
        "sipProxy": "127.0.0.1",
        "sipPort": port,
        "sipRegisterTransport": "udp",
    }


async def _review(pilot: Pilot[Any], port: int, **answers: Any) -> KeyboardDriver:
    """From the first screen to the review of a Chorus SIP-registration number whose registrar is sipp
    (or Kamailio); `answers` change or add form answers."""
    keys = KeyboardDriver(pilot)
    await keys.to_details(CHORUS, "sip-registration")
    details = pilot.app.screen
    assert isinstance(details, DetailsScreen)
    await keys.fill_form(details.form, {**_answers(port), **answers})
    await keys.press("ctrl+n")
    await keys.settle()
    assert _step(pilot.app) == "review"
    return keys


def _step(app: Any) -> str:
    return str(getattr(app.screen, "STEP", ""))


def _rows(app: WizardApp) -> dict[str, CheckRow]:
    return {row.check_name: row for row in app.screen.query(CheckRow)}


def _result(app: WizardApp, name: str) -> CheckResult:
    result = _rows(app)[name].result
    assert result is not None, f"the {name} check shows no result"
    return result


def _screen_text(app: WizardApp) -> str:
    """The screenshot's SVG with the non-breaking spaces it writes turned back into spaces."""
    return app.export_screenshot().replace("&#160;", " ")


def _status_line(app: WizardApp) -> str:
    return str(app.screen.query_one("#sip-status", Static).render())


async def test_options_pass_from_the_review_screen(
    make_app: Callable[..., WizardApp], sip_peers: SipPeers
) -> None:
    uas = sip_peers.options_uas()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = await _review(pilot, uas.port)
        assert str(app.screen.query_one("#status", Static).render()).endswith(" · p: check SIP")

        await keys.press("p")
        await keys.settle()

        assert isinstance(app.screen, SipCheckScreen)
        assert list(_rows(app)) == ["dns", "options", "nat"]
        options = _result(app, "options")
        assert options.status is CheckStatus.PASS, options
        assert options.summary.startswith(f"200 OK from 127.0.0.1:{uas.port}/udp")
        assert "✓ PASS" in str(_rows(app)["options"].query_one(".check-status", Static).render())
        assert _status_line(app).startswith("Done: 3 passed, 0 warned, 0 failed")
        screenshot = _screen_text(app)
        assert "SIP OPTIONS" in screenshot
        # One OPTIONS from the wizard (the fixture's own readiness probe is not ours).
        assert len([m for m in uas.received("OPTIONS") if "User-Agent: trunkwizard/" in m]) == 1
        assert not uas.received("REGISTER")
        assert CANARY not in screenshot

        await keys.press("escape")
        await keys.settle()
        assert _step(app) == "review"


@pytest.mark.parametrize(
    ("registrar_password", "status", "summary"),
    [
        (CANARY, CheckStatus.PASS, f"user {USERNAME}: accepted (200 OK); unregistered again"),
        ("the-right-one", CheckStatus.FAIL, "rejected: wrong password or auth ID (403 Forbidden)"),
    ],
    ids=["right-password-accepted", "wrong-password-rejected"],
)
async def test_register_after_confirmation(
    make_app: Callable[..., WizardApp],
    sip_peers: SipPeers,
    registrar_password: str,
    status: CheckStatus,
    summary: str,
) -> None:
    registrar = sip_peers.registrar(USERNAME, registrar_password)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = await _review(pilot, registrar.port)
        await keys.press("p")
        await keys.settle()
        assert "register" not in _rows(app)
        assert not registrar.received("REGISTER"), "a REGISTER went out before any confirmation"

        await keys.press("r")
        await keys.settle()
        assert isinstance(app.screen, RegisterConfirmScreen)
        question = _screen_text(app)
        assert f"127.0.0.1:{registrar.port}/UDP" in question
        assert USERNAME in question
        assert CANARY not in question

        await keys.press("y")
        await keys.settle()

        assert isinstance(app.screen, SipCheckScreen)
        register = _result(app, "register")
        assert register.status is status, register
        assert register.summary == summary
        # One attempt with credentials, never a loop: challenge + answer (+ the unregister when accepted).
        assert len(registrar.received("REGISTER")) == (3 if status is CheckStatus.PASS else 2)
        body = str(_rows(app)["register"].query_one(".check-body", Static).render())
        if status is CheckStatus.FAIL:
            # Why, what next, and the provider's own note for this outcome (from Chorus's sip_hints).
            assert "why: the password is wrong" in body
            assert "note: Chorus answers the PBX's challenge as sipAuthUser" in body
        else:
            assert "why:" not in body and "note:" not in body
        await keys.press("d")  # the details (messages sent, the challenge) show too, still without the secret
        await pilot.pause()
        assert CANARY not in _screen_text(app)


async def test_declining_the_confirmation_sends_no_register(
    make_app: Callable[..., WizardApp], sip_peers: SipPeers
) -> None:
    registrar = sip_peers.registrar(USERNAME, CANARY)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = await _review(pilot, registrar.port)
        await keys.press("p")
        await keys.settle()
        await keys.press("r")
        await keys.settle()
        await keys.press("n")
        await keys.settle()

        assert isinstance(app.screen, SipCheckScreen)
        assert _status_line(app) == "REGISTER not sent."
        assert registrar.received("REGISTER") == []


async def test_escape_cancels_a_running_check_and_the_screen_stays_live(
    make_app: Callable[..., WizardApp], sip_peers: SipPeers
) -> None:
    silent = sip_peers.silent_udp()  # reads every OPTIONS, answers none: the check would wait its limit
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = await _review(pilot, silent)
        await keys.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SipCheckScreen) and screen.running
        assert _rows(app)["options"].result is None

        await keys.press("escape")
        await pilot.pause()

        assert not screen.running
        assert app.screen is screen
        assert _status_line(app).startswith("Cancelled.")
        assert "- STOP" in str(_rows(app)["options"].query_one(".check-status", Static).render())
        await keys.press("escape")
        await keys.settle()
        assert _step(app) == "review"


async def test_from_the_result_screen_by_the_command_palette(
    make_app: Callable[..., WizardApp], sip_peers: SipPeers
) -> None:
    uas = sip_peers.options_uas()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = await _review(pilot, uas.port)
        await keys.press("enter")
        await keys.settle()
        assert _step(app) == "result"

        await keys.press("ctrl+p")
        await keys.settle()
        await keys.type_text("Check SIP side")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()

        assert isinstance(app.screen, SipCheckScreen) and app.screen.submitted
        assert "after submit" in _screen_text(app)
        assert _result(app, "options").status is CheckStatus.PASS
        assert CANARY not in _screen_text(app)


# --- without a network peer --------------------------------------------------------------------------------


class RecordingRunner:
    """Stands in for run_checks where no check may run: it records that it was asked."""

    def __init__(self) -> None:
        self.targets: list[PreflightTarget] = []

    async def __call__(
        self, target: PreflightTarget, *, on_result: OnResult | None = None
    ) -> list[CheckResult]:
        self.targets.append(target)
        return []


async def test_the_sandbox_never_contacts_a_providers_real_server(make_app: Callable[..., WizardApp]) -> None:
    wavix = get_provider("wavix")
    account = load_account(wavix, sandbox_account("wavix"))
    prepared = prepare(
        wavix, "sip-trunk", {"label": "My trunk", "password": CANARY, "callerid": "13132847320"}, account
    )
    runner = RecordingRunner()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.state.provider, app.state.account, app.state.prepared = wavix, account, prepared
        app.state.created = Created(ResourceRef("wavix", "sip-trunk", "42"), "trunk", {"name": "wx-1"})
        screen = sip_check_screen(app, submitted=True, runner=runner)
        assert screen is not None
        await app.push_screen(screen)
        await pilot.pause()
        assert "not contacted" in str(screen.query_one("#sip-plan-note", Static).render())

        await pilot.press("enter", "r")
        await pilot.pause()

        assert runner.targets == []
        assert app.screen is screen
        assert not screen.check_action("register", ())


@pytest.mark.parametrize(
    ("mode_key", "answers"),
    [
        ("sip-ip-allowlist", {"number": "+14155550124", "sipIp": "203.0.113.10"}),
        ("sip-registration", {**_answers(5060), "sipProxy": "pbx.example.com"}),
        ("sip-registration", {**_answers(5060), "sipOutboundProxy": "edge.example.com:5070"}),
    ],
    ids=["pbx-address", "pbx-name", "proxy-name"],
)
async def test_the_sandbox_never_contacts_a_host_off_this_machine(
    make_app: Callable[..., WizardApp], mode_key: str, answers: dict[str, Any]
) -> None:
    # The sandbox's promise: "nothing leaves this machine": no DNS lookup, no OPTIONS, no REGISTER.
    account = load_account(CHORUS, sandbox_account("chorus"))
    runner = RecordingRunner()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.state.provider, app.state.account, app.state.mode_key = CHORUS, account, mode_key
        app.state.prepared = prepare(CHORUS, mode_key, answers, account)
        screen = sip_check_screen(app, submitted=False, runner=runner)
        assert screen is not None
        await app.push_screen(screen)
        await pilot.pause()
        assert "nothing leaves this machine" in str(screen.query_one("#sip-plan-note", Static).render())

        await pilot.press("enter", "r")
        await pilot.pause()

        assert runner.targets == []
        assert not screen.check_action("register", ())


async def test_the_sandbox_checks_a_peer_on_this_machine(make_app: Callable[..., WizardApp]) -> None:
    account = load_account(CHORUS, sandbox_account("chorus"))
    runner = RecordingRunner()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.state.provider, app.state.account, app.state.mode_key = CHORUS, account, "sip-registration"
        app.state.prepared = prepare(CHORUS, "sip-registration", _answers(5070), account)
        screen = sip_check_screen(app, submitted=False, runner=runner)
        assert screen is not None
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.pause()

        assert [target.host for target in runner.targets] == ["127.0.0.1"]


async def test_a_request_without_a_sip_side_says_so(make_app: Callable[..., WizardApp]) -> None:
    account = load_account(CHORUS, sandbox_account("chorus"))
    prepared = prepare(CHORUS, "voximplant", {"number": "+14155550126"}, account)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.state.provider, app.state.account, app.state.mode_key = CHORUS, account, "voximplant"
        app.review(prepared)
        await pilot.pause()
        assert "p: check SIP" not in str(app.screen.query_one("#status", Static).render())

        await pilot.press("p")
        await pilot.pause()

        assert _step(app) == "review"
        assert [n.message for n in app._notifications] == [
            "This request has no SIP host to check before submitting."
        ]


@pytest.mark.parametrize("with_profile", [True, False], ids=["profile-ca-trusted", "no-ca-untrusted"])
async def test_tls_peer_is_verified_with_the_profiles_ca_file(
    make_app: Callable[..., WizardApp],
    sip_peers: SipPeers,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_profile: bool,
) -> None:
    backend = sip_peers.options_uas("tcp")
    tls_port = sip_peers.tls_terminator(backend.port)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    ca_file = str(sip_peers.certificates.ca_file)
    ProfileStore().save(Profile(name="acme-pbx", provider="chorus", ca_file=ca_file))
    account = load_account(CHORUS, sandbox_account("chorus"))
    answers = {**_answers(tls_port), "sipRegisterTransport": "tls"}
    app = make_app(profile="acme-pbx" if with_profile else None)
    async with app.run_test(size=(80, 24)) as pilot:
        app.state.provider, app.state.account, app.state.mode_key = CHORUS, account, "sip-registration"
        app.review(prepare(CHORUS, "sip-registration", answers, account))
        await pilot.pause()
        await pilot.press("p")
        await KeyboardDriver(pilot).settle()

        screen = app.screen
        assert isinstance(screen, SipCheckScreen)
        assert screen.ca_file == (ca_file if with_profile else None)
        options = _result(app, "options")
        if with_profile:
            assert options.status is CheckStatus.PASS, options
            assert options.summary.startswith(f"200 OK from 127.0.0.1:{tls_port}/tls")
        else:
            assert options.status is CheckStatus.FAIL
            assert "is not trusted" in options.summary and "CA file" in options.advice


@pytest.mark.kamailio
async def test_a_refusal_from_kamailio_is_explained_with_the_providers_note(
    make_app: Callable[..., WizardApp], kamailio_registrars: KamailioRegistrars
) -> None:
    kamailio = kamailio_registrars.get("MD5")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = await _review(pilot, kamailio.udp_port, sipUsername="6701", sipAuthUser="alice")
        await keys.press("p")
        await keys.settle()
        await keys.press("r")
        await keys.settle()
        await keys.press("y")
        await keys.settle()

        register = _result(app, "register")
        assert register.outcome == "auth-id-refused", register
        assert register.summary == (
            "rejected: the registrar does not let auth ID alice register user 6701 "
            "(403 Auth ID not allowed for this user)"
        )
        body = str(_rows(app)["register"].query_one(".check-body", Static).render())
        assert "why: the auth ID may not register this user" in body
        assert "note: Chorus sends sipAuthUser as the auth ID" in body
        assert _result(app, "nat").outcome == "no-nat"
        assert CANARY not in _screen_text(app)
