"""The saved curl script (review, s) run as a user runs it, by sh (dash) and bash, against the sandbox
served on loopback: each secret comes from the environment at run time and reaches the provider exactly
as set, whatever characters it holds; the answers' own text reaches it as typed; no secret is written."""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.support.canary import CANARY
from trunkwizard import sandbox as sandbox_module
from trunkwizard.client import load_account, prepare
from trunkwizard.providers import get_provider
from trunkwizard.providers._auth import env_var
from trunkwizard.sandbox import SandboxServer, sandbox_account
from trunkwizard.sandbox import signalwire as signalwire_emulator
from trunkwizard.tui.export import curl_script, save_private_text

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl (Debian package curl)")

# Every character a shell or JSON could trip on: quote, backslash, $, backquote, a command substitution,
# a space, non-ASCII, and control characters (a tab, a newline).
SECRET = f'{CANARY} a"b\\c $HOME `id` $(id) é€漢\tend\nline'
# An answer that reads like the secret's own reference, or a command: it must stay text.
TEXT = 'Desk ${%s} $(id) `id` \\ "q"'


@dataclass(frozen=True)
class Case:
    mode: str
    answers: dict[str, Any]
    secret_field: str  # the body field that carries SECRET
    text_field: str | None = None  # a body field that carries TEXT


CASES: dict[str, Case] = {
    "chorus": Case(
        "sip-registration",
        {"number": "+14155550190", "sipUsername": "chorus-1001", "sipProxy": "pbx.example.com"},
        "sipPassword",
        "name",
    ),
    "vox": Case(
        "custom-sip",
        {"number": "07011119999", "address": "sip:trunk.example.com:5060", "auth_username": "vox-12"},
        "auth_password",
        "memo",
    ),
    "signalwire": Case(
        "sip-endpoint",
        {
            "fabric_subscriber_id": signalwire_emulator.SUBSCRIBERS[0]["id"],
            "username": "script-desk",
            "password_confirmation": SECRET,  # the form's check; only the password is sent
        },
        "password",
    ),
    "wavix": Case("sip-trunk", {"callerid": "13132847320"}, "password", "label"),
}


@dataclass
class BodyTap:
    """The sandbox app, with each request's method, path, body and answer status kept."""

    app: ASGIApp
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def receive_kept() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self.requests.append((scope["method"], scope["path"], b"".join(chunks)))
            return message

        async def send_kept(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.statuses.append(message["status"])
            await send(message)

        await self.app(scope, receive_kept, send_kept)


@pytest.fixture
def tapped_sandbox(provider_key: str) -> Iterator[tuple[SandboxServer, BodyTap]]:
    """The emulator of the test's provider, fresh, served on loopback behind a BodyTap."""
    # through the module, so the suite's check against the official OpenAPI documents applies
    tap = BodyTap(sandbox_module.create_app([provider_key]))
    with SandboxServer(app=tap) as server:
        yield server, tap


def _script(provider_key: str, url: str, export_dir: Path) -> tuple[Path, dict[str, str]]:
    """The script the review's s saves for CASES[provider_key], and the environment that runs it."""
    provider, case = get_provider(provider_key), CASES[provider_key]
    values = sandbox_account(provider_key, url)
    answers = {**case.answers, case.secret_field: SECRET}
    if case.text_field:
        answers[case.text_field] = TEXT % env_var(provider_key, case.secret_field)
    prepared = prepare(provider, case.mode, answers, load_account(provider, values))
    environment = {"PATH": os.environ["PATH"]}
    for account_field in provider.account_fields:
        if account_field.secret:
            environment[env_var(provider_key, account_field.wire)] = values[account_field.wire]
    assert prepared.call.json is not None
    for wire, value in prepared.call.json.items():
        if isinstance(value, SecretStr):
            environment[env_var(provider_key, wire)] = value.get_secret_value()
    path = save_private_text(export_dir, f"{provider_key}-{case.mode}", curl_script(prepared.as_curl()))
    return path, environment


@pytest.mark.parametrize("shell", ["sh", "bash"])
@pytest.mark.parametrize("provider_key", list(CASES))
def test_the_saved_script_sends_each_secret_exactly_as_set(
    provider_key: str, tapped_sandbox: tuple[SandboxServer, BodyTap], shell: str, tmp_path: Path
) -> None:
    server, tap = tapped_sandbox
    case = CASES[provider_key]
    path, environment = _script(provider_key, server.url, tmp_path / "exports")
    script = path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert CANARY not in script and "漢" not in script, "the secret is never written into the script"

    run = subprocess.run([shell, str(path)], env=environment, capture_output=True, text=True, timeout=30)

    assert run.returncode == 0, run.stderr
    assert tap.statuses and all(status // 100 == 2 for status in tap.statuses), run.stdout
    method, _path, body = tap.requests[0]  # the create (SignalWire's plan reads its SIP domain after)
    assert method == "POST"
    sent = json.loads(body)
    assert sent[case.secret_field] == SECRET, "the provider received the secret exactly as set"
    if case.text_field:
        assert sent[case.text_field] == TEXT % env_var(provider_key, case.secret_field)


@pytest.mark.parametrize("provider_key", ["chorus"])
def test_without_awk_the_script_stops_before_sending(
    provider_key: str, tapped_sandbox: tuple[SandboxServer, BodyTap], tmp_path: Path
) -> None:
    server, tap = tapped_sandbox
    path, environment = _script(provider_key, server.url, tmp_path / "exports")
    tools = tmp_path / "bin"  # curl and nothing else: no awk
    tools.mkdir()
    (tools / "curl").symlink_to(str(shutil.which("curl")))
    sh = str(shutil.which("sh"))

    run = subprocess.run(
        [sh, str(path)], env={**environment, "PATH": str(tools)}, capture_output=True, text=True, timeout=30
    )

    assert run.returncode == 1 and "needs awk" in run.stderr, run.stderr
    assert not tap.requests, "nothing was sent"


def _printing_curl(tmp_path: Path) -> str:
    """A PATH whose curl prints its arguments, a NUL after each, reads its input and sends nothing."""
    tools = tmp_path / "bin"
    tools.mkdir()
    script = '#!/bin/sh\nfor arg in "$@"; do printf "%s\\0" "$arg"; done\ncat >/dev/null\n'
    (tools / "curl").write_text(script)
    (tools / "curl").chmod(0o700)
    return f"{tools}:{os.environ['PATH']}"


# A user name an inferred rule only warns about: a space, both quotes, a command substitution, a backquote,
# a backslash and a $ that reads like a variable.
ODD_USER = "p r'o\"j $(touch pwned) `touch pwned` \\ $HOME"


@pytest.mark.parametrize("shell", ["sh", "bash"])
def test_basic_auth_sends_the_user_and_the_secret_exactly_as_set(shell: str, tmp_path: Path) -> None:
    """SignalWire's curl computes its HTTP Basic header at run time (printf | base64): the user name
    reaches it as typed, never run, and the secret as set, as one word."""
    provider, case = get_provider("signalwire"), CASES["signalwire"]
    values = {**sandbox_account("signalwire", "http://127.0.0.1:9"), "project_id": ODD_USER}
    account = load_account(provider, values)
    prepared = prepare(provider, case.mode, {**case.answers, "password": SECRET}, account)
    environment = {
        "PATH": _printing_curl(tmp_path),
        env_var("signalwire", "api_token"): SECRET,
        env_var("signalwire", "password"): SECRET,
    }

    run = subprocess.run(
        [shell, "-c", prepared.as_curl()], env=environment, cwd=tmp_path, capture_output=True, timeout=30
    )

    assert run.returncode == 0, run.stderr
    arguments = run.stdout.decode().split("\0")
    headers = [value for flag, value in itertools.pairwise(arguments) if flag == "-H"]
    sent = [header for header in headers if header.startswith("Authorization")]
    assert len(sent) == len(prepared.calls)
    for header in sent:
        scheme, _, encoded = header.removeprefix("Authorization: ").partition(" ")
        assert scheme == "Basic"
        assert base64.b64decode(encoded).decode() == f"{ODD_USER}:{SECRET}"
    assert not (tmp_path / "pwned").exists(), "the user name was run as a command"


@pytest.mark.parametrize("shell", ["sh", "bash"])
def test_a_url_with_a_reference_expands_the_reference_and_nothing_else(shell: str, tmp_path: Path) -> None:
    from trunkwizard.client import RequestPreview

    url = "https://pbx.example.com/api/$(touch pwned)/`touch pwned`/$HOME/$TRUNKWIZARD_CREATED_ID?q=\"x\\"
    preview = RequestPreview("GET", url, {"Accept": "application/json"}, None, None)
    environment = {"PATH": _printing_curl(tmp_path), "TRUNKWIZARD_CREATED_ID": "42"}

    run = subprocess.run(
        [shell, "-c", preview.as_curl()], env=environment, cwd=tmp_path, capture_output=True, timeout=30
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().split("\0")[2] == url.replace("$TRUNKWIZARD_CREATED_ID", "42")
    assert not (tmp_path / "pwned").exists()
