"""The sandbox account starts with history (resources it did not create this run), and its update calls
follow each provider's documented semantics: Wavix PUT replaces (no password: refused; omitted fields
revert), Chorus/SignalWire PATCH are partial, Vox PATCH sip wants auth_password with a new address,
Yeastar trunk/update takes the id. Over real loopback HTTP, on a sandbox of this module's own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from trunkwizard.sandbox import SandboxServer, sandbox_account
from trunkwizard.sandbox import signalwire as signalwire_emulator


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as served:
        yield served


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(headers={"User-Agent": "test"}) as client:
        yield client


def _bearer(key: str, server: SandboxServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox_account(key, server.url)['api_key']}"}


async def test_wavix_has_a_pending_trunk_over_more_than_one_page_and_put_replaces(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    base, headers = f"{server.url}/wavix/v1/trunks", _bearer("wavix", server)
    first = (await http.get(base, params={"per_page": 2}, headers=headers)).json()
    assert first["pagination"]["total_pages"] > 1
    everything = (await http.get(base, params={"per_page": 100}, headers=headers)).json()["sip_trunks"]
    assert {t["status"] for t in everything} >= {"active", "pending"}
    trunk_id = everything[0]["id"]
    body: dict[str, Any] = {
        "label": "Renamed",
        "callerid": "13132847320",
        "ip_restrict": False,
        "didinfo_enabled": False,
        "call_restrict": False,
        "cost_limit": False,
        "channels_restrict": False,
        "rewrite_enabled": False,
        "transcription_enabled": False,
        "transcription_threshold": 0,
    }
    refused = await http.put(f"{base}/{trunk_id}", json=body, headers=headers)
    assert refused.status_code == 400
    assert refused.json()["message"] == "Missing or invalid parameter password"
    with_recording = {**body, "password": "N3w-pass-word", "call_recording_enabled": True}
    assert (await http.put(f"{base}/{trunk_id}", json=with_recording, headers=headers)).status_code == 200
    replaced = await http.put(
        f"{base}/{trunk_id}", json={**body, "password": "N3w-pass-word"}, headers=headers
    )
    assert replaced.status_code == 200
    after = (await http.get(f"{base}/{trunk_id}", headers=headers)).json()
    assert after["label"] == "Renamed" and after["call_recording_enabled"] is False  # reverted


async def test_chorus_patch_is_partial(server: SandboxServer, http: httpx.AsyncClient) -> None:
    base, headers = f"{server.url}/chorus/v1/phone-numbers", _bearer("chorus", server)
    page = (await http.get(base, params={"limit": 2}, headers=headers)).json()
    assert page["pagination"]["total"] > 2
    number = page["data"][0]
    patched = await http.patch(f"{base}/{number['id']}", json={"name": "Reception"}, headers=headers)
    assert patched.status_code == 200
    data = patched.json()["data"]
    assert (data["name"], data["number"], data["provider"]) == (
        "Reception",
        number["number"],
        number["provider"],
    )
    bad = await http.patch(f"{base}/{number['id']}", json={"sipPort": 70000}, headers=headers)
    assert bad.status_code == 400 and bad.json()["details"][0]["field"] == "sipPort"


async def test_vox_patch_sip_needs_the_password_with_a_new_address(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    base, headers = f"{server.url}/vox/v3/organization-telephone-numbers", _bearer("vox", server)
    page = (await http.get(base, params={"limit": 2}, headers=headers)).json()
    assert page["next_cursor"] and page["total_count"] > 2
    number_id = page["items"][0]["id"]
    moved = {"address": "sip:new.example.net"}
    refused = await http.patch(f"{base}/{number_id}/sip", json=moved, headers=headers)
    assert refused.status_code == 400
    assert refused.json()["error"]["details"]["field"] == "auth_password"
    memo_only = await http.patch(f"{base}/{number_id}/sip", json={"memo": "note"}, headers=headers)
    assert memo_only.status_code == 200 and memo_only.json()["memo"] == "note"
    accepted = await http.patch(
        f"{base}/{number_id}/sip", json={**moved, "auth_password": "fresh-secret"}, headers=headers
    )
    assert accepted.status_code == 200 and accepted.json()["address"] == "sip:new.example.net"
    assert "fresh-secret" not in accepted.text


async def test_yeastar_has_a_failing_trunk_and_updates_by_id(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    account = sandbox_account("yeastar", server.url)
    api = f"{account['base_url']}/openapi/v1.0"
    credentials = {"username": account["client_id"], "password": account["client_secret"]}
    token = (await http.post(f"{api}/get_token", json=credentials)).json()["access_token"]
    listing = (await http.get(f"{api}/trunk/list", params={"access_token": token, "page_size": 2})).json()
    assert listing["total_number"] > 2 and len(listing["data"]) == 2
    every = (await http.get(f"{api}/trunk/list", params={"access_token": token})).json()["data"]
    failing = next(t for t in every if t["status"] == 41)
    refused = (
        await http.post(f"{api}/trunk/update", params={"access_token": token}, json={"port": 5070})
    ).json()
    assert refused["errcode"] == 40002 and refused["invalid_param_list"][0]["field"] == "id"
    weak = await http.post(
        f"{api}/trunk/update", params={"access_token": token}, json={"id": failing["id"], "password": "short"}
    )
    assert weak.json()["errcode"] == 40002
    updated = await http.post(
        f"{api}/trunk/update", params={"access_token": token}, json={"id": failing["id"], "port": 5070}
    )
    assert updated.json()["errcode"] == 0
    trunk = (await http.get(f"{api}/trunk/get", params={"access_token": token, "id": failing["id"]})).json()
    assert trunk["data"]["port"] == 5070 and trunk["data"]["name"] == failing["name"]
    itsps = (await http.get(f"{api}/trunk/itsp_list", params={"access_token": token})).json()
    assert {"id": 65, "country": "Germany", "name": "Deutsche Telefon Standard"} in itsps["data"]


async def test_signalwire_endpoints_page_and_patch_is_partial(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    account = sandbox_account("signalwire", server.url)
    auth = (account["project_id"], account["api_token"])
    subscriber = signalwire_emulator.SUBSCRIBERS[4]["id"]
    base = f"{server.url}/signalwire/api/fabric/resources/subscribers/{subscriber}/sip_endpoints"
    page = (await http.get(base, auth=auth)).json()
    assert "next" in page["links"]
    endpoint = page["data"][0]
    patched = await http.patch(f"{base}/{endpoint['id']}", json={"caller_id": "Front desk"}, auth=auth)
    assert patched.status_code == 200
    assert patched.json() | {"caller_id": endpoint["caller_id"]} == endpoint
    taken = await http.patch(f"{base}/{endpoint['id']}", json={"username": "hal-mobile"}, auth=auth)
    assert taken.status_code == 422 and taken.json()["errors"][0]["attribute"] == "username"
    own = await http.patch(f"{base}/{endpoint['id']}", json={"username": endpoint["username"]}, auth=auth)
    assert own.status_code == 200
