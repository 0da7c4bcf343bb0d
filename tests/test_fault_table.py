"""The fault table, for every provider: a server (the sandbox behind a faulty front, over loopback HTTP)
that applies the POST late, answers `{}`, holds the answer past the client's timeout, or echoes the
request. Each outcome is right (created only with an id read from an answer or found by a look-up;
unknown otherwise, never "safe"), a second POST is impossible from the CLI without a look-up first,
and the canary (every secret of the request) appears in no form in any message, log or file."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.support.canary import CANARY, canary_leaks
from trunkwizard.client import ProviderClient, load_account, prepare
from trunkwizard.fields import form_fields
from trunkwizard.outcome import Outcome, Verdict
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import SandboxServer, create_app, sandbox_account

TIMEOUT = 0.5  # the client's timeout here; the faulty server holds answers for longer
HOLD = 1.5


def _answers() -> dict[str, tuple[str, dict[str, Any]]]:
    from tests import (
        test_provider_chorus,
        test_provider_signalwire,
        test_provider_vox,
        test_provider_wavix,
        test_provider_yeastar,
    )

    return {
        "chorus": ("sip-registration", test_provider_chorus.VALID["sip-registration"]),
        "signalwire": ("sip-endpoint", test_provider_signalwire.VALID["minimal"]),
        "wavix": ("sip-trunk", test_provider_wavix.VALID["digest-minimal"]),
        "yeastar": ("register", test_provider_yeastar.VALID["register"]),
        "vox": (test_provider_vox.MODE, test_provider_vox.VALID),
    }


def with_canary(provider_key: str) -> tuple[str, dict[str, Any]]:
    """The provider's valid answers with every secret (and its confirmation) set to the canary."""
    mode_key, answers = _answers()[provider_key]
    answers = dict(answers)
    for spec in form_fields(get_provider(provider_key).mode(mode_key).model):
        if spec.secret or spec.confirm_of:
            answers[spec.wire] = CANARY
    return mode_key, answers


@pytest.fixture
def answers_input(tmp_path: Path) -> Iterator[Path]:
    """Where a test puts the canary answers it hands the CLI; removed afterwards, because the suite's
    leak check reads every file under the temp dir and this one holds the canary on purpose."""
    path = tmp_path / "answers.json"
    yield path
    path.unlink(missing_ok=True)


@dataclass
class FaultyFront:
    """An ASGI front of the sandbox that misbehaves on the create call (POST ending in `create_path`)."""

    app: ASGIApp
    behaviour: str = "normal"
    create_path: str = ""
    posts: int = 0
    applied: list[Any] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        is_create = (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and self.create_path
            and scope["path"].endswith(self.create_path)
        )
        if scope["type"] == "http" and scope["path"].endswith("/del_token"):
            # a request already accepted is applied even after the session ends: keep the token valid
            await _answer(send, 200, b'{"errcode": 0, "errmsg": "SUCCESS"}')
            return
        if not is_create:
            await self.app(scope, receive, send)
            return
        self.posts += 1
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if self.behaviour == "late":  # no answer in time; applied only after the client looked
            self.tasks.append(asyncio.create_task(self._apply_later(scope, body)))
            await asyncio.sleep(HOLD * 2)
            await _answer(send, 504, b"")
        elif self.behaviour == "empty":  # applied, answered {}
            await self._apply(scope, body)
            await _answer(send, 201, b"{}")
        elif self.behaviour == "empty-lost":  # answered {} and not applied
            await _answer(send, 200, b"{}")
        elif self.behaviour == "hold":  # applied at once, answered after the client gave up
            status, answer = await self._apply(scope, body)
            await asyncio.sleep(HOLD)
            await _answer(send, status, answer)
        elif self.behaviour == "echo":  # a 2xx that echoes the request (secrets and all)
            await _answer(send, 201, body)
        elif self.behaviour == "echo-error":  # a 4xx echoing the request in every encoding
            echoed = body.decode()
            text = {
                "error": "invalid " + echoed,
                "base64": base64.b64encode(body).decode(),
                "form": quote(echoed),
            }
            await _answer(send, 400, json.dumps(text).encode())
        else:
            await self.app(scope, _replay(body), send)

    async def _apply_later(self, scope: Scope, body: bytes) -> None:
        await asyncio.sleep(HOLD)
        await self._apply(scope, body)

    async def _apply(self, scope: Scope, body: bytes) -> tuple[int, bytes]:
        answer: dict[str, Any] = {"status": 500, "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        await self.app(scope, _replay(body), capture)
        self.applied.append(json.loads(answer["body"] or b"null"))
        return int(answer["status"]), bytes(answer["body"])


def _replay(body: bytes) -> Receive:
    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _answer(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def faulty() -> Iterator[tuple[FaultyFront, str]]:
    front = FaultyFront(create_app())
    with SandboxServer(app=front) as server:
        yield front, server.url


PROVIDERS = ["chorus", "signalwire", "wavix", "yeastar", "vox"]


async def _submit(provider_key: str, url: str, front: FaultyFront) -> tuple[Outcome, Any, Any]:
    provider = get_provider(provider_key)
    mode_key, answers = with_canary(provider_key)
    account = load_account(provider, sandbox_account(provider_key, url))
    prepared = prepare(provider, mode_key, answers, account)
    front.create_path = prepared.call.path.split("?", 1)[0][-20:]
    async with ProviderClient(provider, account, timeout=TIMEOUT) as client:
        outcome = await client.submit(prepared)
    return outcome, prepared, account


def _no_leak(outcome: Outcome, caplog: pytest.LogCaptureFixture) -> None:
    texts = [outcome.message, repr(outcome), str(outcome.error), repr(outcome.error), caplog.text]
    if outcome.created is not None:
        texts.append(json.dumps(dict(outcome.created.returned), default=str))
    for text in texts:
        assert not canary_leaks(text), canary_leaks(text)


def _created_id(body: Any) -> str:
    """The id the sandbox gave the resource, from its own create answer."""
    data = body.get("data", body) if isinstance(body, dict) else {}
    return str(data.get("id"))


@pytest.mark.parametrize("provider_key", PROVIDERS)
async def test_late_apply_is_unknown_until_a_look_up_finds_it(
    provider_key: str, faulty: tuple[FaultyFront, str], caplog: pytest.LogCaptureFixture
) -> None:
    front, url = faulty
    front.behaviour = "late"
    outcome, prepared, account = await _submit(provider_key, url, front)
    assert outcome.verdict is Verdict.UNKNOWN, outcome.message
    assert outcome.looked_up_at is None and "safe" not in outcome.message.lower()
    assert "not listed yet" in outcome.message and not outcome.send_again_allowed
    _no_leak(outcome, caplog)
    await asyncio.sleep(HOLD + 0.3)
    assert len(front.applied) == 1, "the late server applied it after the empty look-up"
    async with ProviderClient(prepared.provider, account, timeout=5.0) as client:
        again = await client.look_up(prepared, outcome)
    assert again.verdict is Verdict.CREATED and again.created is not None
    assert again.created.ref.id == _created_id(front.applied[0])
    assert front.posts == 1
    _no_leak(again, caplog)


@pytest.mark.parametrize("provider_key", PROVIDERS)
async def test_an_empty_answer_is_never_a_success_on_its_own(
    provider_key: str, faulty: tuple[FaultyFront, str], caplog: pytest.LogCaptureFixture
) -> None:
    front, url = faulty
    front.behaviour = "empty"
    outcome, _, _ = await _submit(provider_key, url, front)
    # the look-up found what the server applied: created, with the id from the provider's listing
    assert outcome.verdict is Verdict.CREATED and outcome.created is not None, outcome.message
    assert outcome.created.ref.id == _created_id(front.applied[0]) and "Looked it up" in outcome.message
    _no_leak(outcome, caplog)

    front.behaviour = "empty-lost"
    mode_key, answers = with_canary(provider_key)
    provider = get_provider(provider_key)
    account = load_account(provider, sandbox_account(provider_key, url))
    other = _distinct(provider_key, answers)
    async with ProviderClient(provider, account, timeout=TIMEOUT) as client:
        lost = await client.submit(prepare(provider, mode_key, other, account))
    assert lost.verdict is Verdict.UNKNOWN and lost.created is None, lost.message
    assert "success but no id" in lost.message and not lost.send_again_allowed
    _no_leak(lost, caplog)


def _distinct(provider_key: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The same answers for a different resource (another number, name or username)."""
    changes = {
        "chorus": {"number": "+14155550177"},
        "signalwire": {"username": "another-desk"},
        "wavix": {"label": "Another trunk"},
        "yeastar": {"name": "ITSP_Other"},
        "vox": {"number": "07011117777"},
    }
    return {**answers, **changes[provider_key]}


@pytest.mark.parametrize("provider_key", PROVIDERS)
async def test_an_answer_held_past_the_timeout_is_found_by_the_look_up(
    provider_key: str, faulty: tuple[FaultyFront, str], caplog: pytest.LogCaptureFixture
) -> None:
    front, url = faulty
    front.behaviour = "hold"
    outcome, _, _ = await _submit(provider_key, url, front)
    assert outcome.verdict is Verdict.CREATED and outcome.created is not None, outcome.message
    assert outcome.created.ref.id == _created_id(front.applied[0])
    assert "do not send it again" in outcome.message and front.posts == 1
    _no_leak(outcome, caplog)


@pytest.mark.parametrize("provider_key", PROVIDERS)
@pytest.mark.parametrize("behaviour", ["echo", "echo-error"])
async def test_an_echoing_server_leaks_nothing(
    provider_key: str, behaviour: str, faulty: tuple[FaultyFront, str], caplog: pytest.LogCaptureFixture
) -> None:
    front, url = faulty
    front.behaviour = behaviour
    outcome, _, _ = await _submit(provider_key, url, front)
    if behaviour == "echo":
        assert outcome.verdict is Verdict.UNKNOWN and outcome.created is None, outcome.message
    else:
        assert outcome.verdict is Verdict.REFUSED and outcome.retry_offered, outcome.message
    _no_leak(outcome, caplog)


# --- the CLI: an unknown outcome is recorded, and the same request is not sent again before a look-up ---


def _cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DBUS_SESSION_BUS_ADDRESS"}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_DATA_HOME=str(home / ".local/share"),
        NO_COLOR="1",
    )
    return subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.parametrize("provider_key", PROVIDERS)
def test_cli_no_second_post_without_a_look_up(
    provider_key: str, faulty: tuple[FaultyFront, str], tmp_path: Path, answers_input: Path
) -> None:
    front, url = faulty
    front.behaviour = "empty-lost"
    mode_key, answers = with_canary(provider_key)
    provider = get_provider(provider_key)
    prepared = prepare(
        provider, mode_key, answers, load_account(provider, sandbox_account(provider_key, url))
    )
    front.create_path = prepared.call.path.split("?", 1)[0][-20:]
    answers_file = answers_input
    answers_file.write_text(json.dumps(answers))
    answers_file.chmod(0o600)
    command = [
        "create",
        provider_key,
        "--mode",
        mode_key,
        "--answers",
        str(answers_file),
        "--sandbox-url",
        url,
    ]

    first = _cli(command, tmp_path)
    assert first.returncode == 3, first.stderr
    assert "may have created" in first.stderr and front.posts == 1
    listed = _cli(["history"], tmp_path)
    assert "unknown" in listed.stdout

    second = _cli(command, tmp_path)
    assert second.returncode == 3 and "--look-up" in second.stderr and "nothing was sent" in second.stderr
    assert front.posts == 1, "no second POST before a look-up"

    looked = _cli([*command, "--look-up"], tmp_path)
    assert looked.returncode == 3 and "not proof" in looked.stdout + looked.stderr
    assert front.posts == 1
    assert "looked up" in _cli(["history"], tmp_path).stdout

    front.behaviour = "normal"
    third = _cli(command, tmp_path)  # after a look-up the user may send again, told what it risks
    assert third.returncode == 0, third.stderr
    assert front.posts == 2
    for run in (first, second, looked, third):
        assert not canary_leaks(run.stdout + run.stderr)


# --- status first, body second: each provider's own error shape keeps the status's guidance -----------

SHAPED = {
    "chorus": {"error": "Too many requests", "details": [{"field": "number", "message": "slow down"}]},
    "signalwire": {"errors": [{"code": "busy", "message": "try later", "attribute": "username"}]},
    "wavix": {"message": "Too many requests"},
    "yeastar": {"errcode": 10004, "errmsg": "busy"},
    "vox": {"error": {"code": "rate_limited", "message": "Too many requests"}},
}


@pytest.mark.parametrize("provider_key", PROVIDERS)
@pytest.mark.parametrize(
    ("status", "words"),
    [
        (429, ["rate limiting (HTTP 429)", "wait 30 s (Retry-After)", "nothing was created"]),
        (500, ["server error (HTTP 500)", "may have been applied"]),
        (503, ["server error (HTTP 503)", "may have been applied"]),
        (401, []),  # a credentials error, with the provider's own guidance or the generic one
    ],
)
def test_status_guidance_survives_every_body_shape(provider_key: str, status: int, words: list[str]) -> None:
    from trunkwizard.errors import AuthenticationFailed

    provider = get_provider(provider_key)
    error = provider.error_for(status, SHAPED[provider_key], retry_after=30.0)
    for word in words:
        assert word in error.message, error.message
    assert error.status == status
    if status == 401:
        assert isinstance(error, AuthenticationFailed)
    if status == 429:
        assert error.retry_after == 30.0


async def test_retry_after_is_read_from_the_answer(faulty: tuple[FaultyFront, str]) -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def limited(request: Request) -> JSONResponse:
        return JSONResponse({"error": "Too many requests"}, status_code=429, headers={"Retry-After": "90"})

    app = Starlette(routes=[Route("/v1/phone-numbers", limited, methods=["POST"])])
    with SandboxServer(app=app) as server:
        outcome, _, _ = await _submit_plain("chorus", f"{server.url}/v1")
    assert outcome.verdict is Verdict.REFUSED and outcome.retry_offered
    assert "wait 90 s (Retry-After)" in outcome.message and "Too many requests" in outcome.message


async def _submit_plain(provider_key: str, base_url: str) -> tuple[Outcome, Any, Any]:
    provider = get_provider(provider_key)
    mode_key, answers = with_canary(provider_key)
    account = load_account(provider, {"api_key": "a-real-looking-key", "base_url": base_url})
    prepared = prepare(provider, mode_key, answers, account)
    async with ProviderClient(provider, account, timeout=TIMEOUT) as client:
        return await client.submit(prepared), prepared, account


def test_ctrl_c_after_the_post_left_is_unknown(
    faulty: tuple[FaultyFront, str], tmp_path: Path, answers_input: Path
) -> None:
    import signal
    import time

    front, url = faulty
    front.behaviour = "late"  # the POST is taken in and never answered in time
    mode_key, answers = with_canary("chorus")
    provider = get_provider("chorus")
    prepared = prepare(provider, mode_key, answers, load_account(provider, sandbox_account("chorus", url)))
    front.create_path = prepared.call.path.split("?", 1)[0][-20:]
    answers_file = answers_input
    answers_file.write_text(json.dumps(answers))
    answers_file.chmod(0o600)
    env = {key: value for key, value in os.environ.items() if key != "DBUS_SESSION_BUS_ADDRESS"}
    env.update(
        HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"), XDG_CONFIG_HOME=str(tmp_path / "c")
    )
    command = [sys.executable, "-m", "trunkwizard", "create", "chorus", "--mode", mode_key]
    command += ["--answers", str(answers_file), "--sandbox-url", url]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while front.posts == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert front.posts == 1
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "POST was sent" in stderr and "may have applied it" in stderr and "--look-up" in stderr
    assert not canary_leaks(stderr)
    history = subprocess.run(
        [sys.executable, "-m", "trunkwizard", "history"], env=env, capture_output=True, text=True, timeout=60
    )
    assert "unknown: may have been applied" in history.stdout


def test_the_rule_between_refused_and_unknown() -> None:
    from trunkwizard.errors import (
        AuthenticationFailed,
        CredentialsUnavailable,
        NetworkError,
        ProviderError,
        ReadOnlyRefused,
        RequestTimedOut,
    )
    from trunkwizard.outcome import judge_failure

    provider = get_provider("chorus")
    call = prepare(
        provider, "jambonz", {"number": "+14155550100"}, load_account(provider, sandbox_account("chorus"))
    ).call
    verdicts = {
        "400": ProviderError("bad", status=400),
        "401": AuthenticationFailed("no", status=401),
        "429": ProviderError("slow down", status=429),
        "500": ProviderError("oops", status=500),
        "503": ProviderError("busy", status=503),
        "refused": NetworkError("connection refused"),
        "read timeout": RequestTimedOut("no answer", reached=True),
        "connect timeout": RequestTimedOut("not reached"),
        "dropped": NetworkError("connection reset", reached=True),
        "read-only": ReadOnlyRefused("create"),
        "no keyring": CredentialsUnavailable("locked"),
    }
    judged = {
        name: judge_failure(provider, call, error, can_look_up=True).verdict
        for name, error in verdicts.items()
    }
    assert judged == {
        "400": Verdict.REFUSED,
        "401": Verdict.REFUSED,
        "429": Verdict.REFUSED,
        "500": Verdict.UNKNOWN,
        "503": Verdict.UNKNOWN,
        "refused": Verdict.REFUSED,
        "read timeout": Verdict.UNKNOWN,
        "connect timeout": Verdict.REFUSED,
        "dropped": Verdict.UNKNOWN,
        "read-only": Verdict.REFUSED,
        "no keyring": Verdict.REFUSED,
    }


async def test_each_call_of_a_plan_gets_its_own_outcome(sandbox_url: str) -> None:
    """Vox: the create, then the agent mapping PATCH; mapped, and refused (an unknown agent)."""
    from tests.test_provider_vox import MODE, VALID, WITH_AGENTS

    vox = get_provider("vox")
    account = load_account(vox, sandbox_account("vox", sandbox_url))
    async with ProviderClient(vox, account, timeout=5.0) as client:
        mapped = await client.submit(prepare(vox, MODE, {**WITH_AGENTS, "number": "07011115555"}, account))
        unknown_agent = {
            "map_inbound_agent": True,
            "inbound_agent_id": "0f0f0f0f-1111-4222-8333-444455556666",
        }
        refused = await client.submit(
            prepare(vox, MODE, {**VALID, "number": "07011115556", **unknown_agent}, account)
        )
    assert mapped.verdict is Verdict.CREATED
    assert [o.verdict for o in mapped.follow_ups] == [Verdict.APPLIED]
    assert refused.verdict is Verdict.CREATED  # the number exists: never sent twice
    assert [o.verdict for o in refused.follow_ups] == [Verdict.REFUSED]
    assert refused.created is not None and "was refused" in refused.created.warnings[0]
