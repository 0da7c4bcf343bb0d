"""`trunkwizard history delete`: a created resource deleted at the provider (the sandbox served on
loopback), the deletion recorded, and the entry's path values kept for providers whose resources live
under a parent (SignalWire endpoints under a subscriber)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak, assert_private_tree
from tests.support.secret_service import PrivateHome
from trunkwizard.client import ProviderClient
from trunkwizard.errors import ProviderError
from trunkwizard.providers import ResourceRef
from trunkwizard.sandbox import signalwire as emulator
from trunkwizard.store import AppDirs, HistoryStore

ROOT = Path(__file__).resolve().parents[1]
SUBSCRIBER = emulator.SUBSCRIBERS[2]["id"]


def trunkwizard(
    home: PrivateHome, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args],
        cwd=ROOT,
        env={**home.env, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert CANARY not in result.stdout + result.stderr
    return result


def _create_endpoint(home: PrivateHome, sandbox_url: str, username: str) -> dict[str, object]:
    answers = home.root / "tmp" / "endpoint.json"
    answers.write_text(json.dumps({"fabric_subscriber_id": SUBSCRIBER, "username": username}))
    created = trunkwizard(
        home,
        "create",
        "signalwire",
        "--answers",
        str(answers),
        "--sandbox-url",
        sandbox_url,
        env={
            "TRUNKWIZARD_SIGNALWIRE_PASSWORD": CANARY,
            "TRUNKWIZARD_SIGNALWIRE_PASSWORD_CONFIRMATION": CANARY,
        },
    )
    assert created.returncode == 0, created.stderr
    listing = trunkwizard(home, "history", "--json")
    entry: dict[str, object] = json.loads(listing.stdout)[-1]
    return entry


async def test_delete_from_the_command_line_removes_it_at_the_provider(
    private_home: PrivateHome,
    sandbox_url: str,
    sandbox_client: Callable[..., AbstractAsyncContextManager[ProviderClient]],
) -> None:
    entry = _create_endpoint(private_home, sandbox_url, "history-delete-cli")
    assert entry["path_values"] == {"fabric_subscriber_id": SUBSCRIBER}
    ref = ResourceRef(
        "signalwire", str(entry["mode"]), str(entry["created_id"]), {"fabric_subscriber_id": SUBSCRIBER}
    )
    async with sandbox_client("signalwire") as client:
        assert await client.fetch(ref)

    unconfirmed = trunkwizard(
        private_home, "history", "delete", str(entry["id"]), "--sandbox-url", sandbox_url
    )
    assert unconfirmed.returncode == 2
    assert unconfirmed.stderr == (
        "trunkwizard: not deleting without confirmation: add --confirm TEXT (or --yes)\n"
    )
    wrong = trunkwizard(
        private_home, "history", "delete", str(entry["id"]), "--confirm", "x", "--sandbox-url", sandbox_url
    )
    assert wrong.returncode == 2 and "that is not the username (history-delete-cli)" in wrong.stderr

    done = trunkwizard(
        private_home,
        "history",
        "delete",
        str(entry["id"]),
        "--confirm",
        "history-delete-cli",
        "--sandbox-url",
        sandbox_url,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("trunkwizard: deleted SignalWire ")
    async with sandbox_client("signalwire") as client:
        with pytest.raises(ProviderError) as gone:
            await client.fetch(ref)
    assert gone.value.status == 404

    again = trunkwizard(
        private_home, "history", "delete", str(entry["id"]), "--yes", "--sandbox-url", sandbox_url
    )
    assert again.returncode == 1 and "Already deleted at" in again.stderr
    listing = trunkwizard(private_home, "history").stdout.splitlines()
    (line,) = [line for line in listing if "signalwire/sip-endpoint" in line]
    assert "[sandbox, deleted " in line
    assert_no_leak(CANARY, private_home.scanned_roots())
    assert_private_tree(private_home.state_home / "trunkwizard")


def test_an_embedded_sandbox_entry_cannot_be_deleted_later(private_home: PrivateHome) -> None:
    history = HistoryStore(AppDirs.from_environment())
    entry = history.append(
        provider="chorus", profile=None, mode="jambonz", created_id="pn_1", request={}, sandbox=True
    )
    refused = trunkwizard(private_home, "history", "delete", entry.id, "--yes")
    assert refused.returncode == 1
    assert "embedded sandbox, which forgets what it created" in refused.stderr
    typed = history.append(
        provider="chorus", profile=None, mode="jambonz", created_id="pn_2", request={}, sandbox=False
    )
    no_account = trunkwizard(private_home, "history", "delete", typed.id, "--yes")
    assert no_account.returncode == 2 and "give --profile NAME" in no_account.stderr
    unknown = trunkwizard(private_home, "history", "delete", "nope", "--yes")
    assert unknown.returncode == 2 and "no history entry 'nope'" in unknown.stderr


def test_path_values_are_kept_and_redacted(private_home: PrivateHome) -> None:
    from trunkwizard.redact import register_secret

    register_secret(CANARY)
    history = HistoryStore(AppDirs.from_environment())
    history.append(
        provider="signalwire",
        profile="acme",
        mode="sip-endpoint",
        created_id="ep_1",
        request={"method": "post", "url": "https://x.example/api", "json": {"password": CANARY}},
        sandbox=False,
        path_values={"fabric_subscriber_id": "sub-1", "odd": CANARY},
    )
    (entry,) = history.entries()
    assert entry.path_values == {"fabric_subscriber_id": "sub-1", "odd": "********"}
    assert os.environ["HOME"] == str(private_home.root)
    assert_no_leak(CANARY, private_home.scanned_roots())


def test_the_plain_listing_gives_each_entrys_id(private_home: PrivateHome) -> None:
    """`history delete ID`, `check --connection ENTRY` and `connect --resume ENTRY` take the entry's id, and
    `check --help` says `trunkwizard history` lists them: the plain listing printed only the created id."""
    history = HistoryStore(AppDirs.from_environment())
    entry = history.append(
        provider="chorus", profile=None, mode="jambonz", created_id="pn_1", request={}, sandbox=True
    )
    listed = trunkwizard(private_home, "history")
    assert listed.returncode == 0
    (line,) = [line for line in listed.stdout.splitlines() if "chorus/jambonz" in line]
    assert f"entry {entry.id}" in line and "id=pn_1" in line
