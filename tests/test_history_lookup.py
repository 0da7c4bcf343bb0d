"""`trunkwizard history lookup ID`: an entry whose outcome is unknown (sent; may have been applied) is
settled in a later session by searching the provider's own listing (the sandbox served on loopback):
found gives the created id and exit 0; not found is recorded, exit 3, and said not to be proof."""

from __future__ import annotations

import json

from tests.support.secret_service import PrivateHome
from tests.test_history_delete import _create_endpoint, trunkwizard
from trunkwizard.store import AppDirs, HistoryStore


def _history(home: PrivateHome) -> HistoryStore:
    dirs = AppDirs(config=home.config_home / "trunkwizard", state=home.state_home / "trunkwizard")
    return HistoryStore(dirs)


def _unknown_copy_of(home: PrivateHome, entry: dict[str, object], username: str) -> str:
    """Record an unknown submission of the same endpoint with `username`, as a send that timed out would."""
    request = dict(entry["request"])  # type: ignore[call-overload]
    request["json"] = {**request["json"], "username": username}
    unknown = _history(home).append(
        provider="signalwire",
        profile=None,
        mode=str(entry["mode"]),
        created_id=None,
        request=request,
        sandbox=False,
        path_values=dict(entry["path_values"]),  # type: ignore[call-overload]
        outcome="unknown",
    )
    return unknown.id


def _entry(home: PrivateHome, entry_id: str) -> dict[str, object]:
    listing = trunkwizard(home, "history", "--json")
    found: dict[str, object] = next(e for e in json.loads(listing.stdout) if e["id"] == entry_id)
    return found


def test_a_lookup_that_finds_it_settles_the_entry_with_the_created_id(
    private_home: PrivateHome, sandbox_url: str
) -> None:
    created = _create_endpoint(private_home, sandbox_url, "history-lookup-found")
    # the same request again, sent and never answered: the endpoint exists under the same username
    entry_id = _unknown_copy_of(private_home, created, "history-lookup-found")
    assert _entry(private_home, entry_id)["outcome"] == "unknown"
    listed = trunkwizard(private_home, "history")
    assert "unknown: may have been applied" in listed.stdout

    result = trunkwizard(private_home, "history", "lookup", entry_id, "--sandbox-url", sandbox_url)

    assert result.returncode == 0, result.stderr
    assert f"id {created['created_id']}" in result.stderr
    assert "do not send it again" in result.stderr
    settled = _entry(private_home, entry_id)
    assert settled["outcome"] == "created"
    assert settled["created_id"] == created["created_id"]


def test_a_lookup_that_finds_nothing_is_recorded_and_not_called_proof(
    private_home: PrivateHome, sandbox_url: str
) -> None:
    created = _create_endpoint(private_home, sandbox_url, "history-lookup-base")
    entry_id = _unknown_copy_of(private_home, created, "history-lookup-never-made")

    result = trunkwizard(private_home, "history", "lookup", entry_id, "--sandbox-url", sandbox_url)

    assert result.returncode == 3, result.stderr
    assert "not proof" in result.stderr
    entry = _entry(private_home, entry_id)
    assert entry["outcome"] == "unknown"
    assert entry["looked_up_at"]
    assert "not found then" in trunkwizard(private_home, "history").stdout


def test_a_settled_entry_needs_no_lookup(private_home: PrivateHome, sandbox_url: str) -> None:
    created = _create_endpoint(private_home, sandbox_url, "history-lookup-settled")
    result = trunkwizard(private_home, "history", "lookup", str(created["id"]))
    assert result.returncode == 0
    assert "settled" in result.stderr


def test_lookup_help_says_what_the_exit_codes_mean(private_home: PrivateHome) -> None:
    result = trunkwizard(private_home, "history", "lookup", "--help")
    assert result.returncode == 0
    assert "not proof" in result.stdout
