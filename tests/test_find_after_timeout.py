"""After a create timed out, the client looks for what it would have created page after page of the
provider's listing. It says "created" when the resource is on a later page, and "safe to retry" only
when it searched the whole listing. When the listing goes on past the pages it searches, it says to
check the console.

End to end over loopback HTTP with the Chorus client (limit/offset paging), then each provider's paging
on its documented list answer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.canary import CANARY
from trunkwizard.client import MAX_FIND_PAGES, ProviderClient, load_account, prepare
from trunkwizard.errors import ProviderError
from trunkwizard.outcome import Outcome, Verdict
from trunkwizard.providers import get_provider
from trunkwizard.providers._base import FIND_PAGE_SIZE
from trunkwizard.sandbox import SandboxServer

CHORUS = get_provider("chorus")
FILLERS = [{"id": f"filler-{n}", "number": f"+1212555{n:04d}"} for n in range(2 * FIND_PAGE_SIZE + 30)]
received: list[str] = []  # numbers the slow create took in, newest last
listings: list[dict[str, str]] = []  # the query of every listing request


async def slow_create(request: Request) -> Response:
    received.append((await request.json())["number"])
    await asyncio.sleep(1.5)  # longer than the client's 0.5 s timeout
    return JSONResponse({"data": {"id": "late"}}, status_code=201)


async def paged_listing(request: Request) -> Response:
    listings.append(dict(request.query_params))
    limit, offset = int(request.query_params["limit"]), int(request.query_params["offset"])
    items = FILLERS + [{"id": f"late-{n}", "number": n} for n in received]
    page = items[offset : offset + limit]
    return JSONResponse({"data": page, "pagination": {"total": len(items), "limit": limit, "offset": offset}})


async def endless_listing(request: Request) -> Response:
    listings.append(dict(request.query_params))
    limit, offset = int(request.query_params["limit"]), int(request.query_params["offset"])
    return JSONResponse(
        {"data": FILLERS[:limit], "pagination": {"total": 10**6, "limit": limit, "offset": offset}}
    )


@pytest.fixture
def slow_provider() -> Iterator[str]:
    received.clear()
    listings.clear()
    app = Starlette(
        routes=[
            Route("/paged/phone-numbers", slow_create, methods=["POST"]),
            Route("/paged/phone-numbers", paged_listing, methods=["GET"]),
            Route("/endless/phone-numbers", slow_create, methods=["POST"]),
            Route("/endless/phone-numbers", endless_listing, methods=["GET"]),
        ]
    )
    with SandboxServer(app=app) as server:
        yield server.url


async def _timed_out_create(base_url: str, number: str) -> Outcome:
    account = load_account(CHORUS, {"api_key": CANARY, "base_url": base_url})
    prepared = prepare(CHORUS, "jambonz", {"number": number}, account)
    async with ProviderClient(CHORUS, account, timeout=0.5) as client:
        outcome = await client.submit(prepared)
    assert CANARY not in outcome.message
    return outcome


async def test_a_resource_on_a_later_page_is_found(slow_provider: str) -> None:
    outcome = await _timed_out_create(f"{slow_provider}/paged", "+14155550199")

    assert outcome.verdict is Verdict.CREATED and outcome.created is not None
    assert outcome.created.ref.id == "late-+14155550199" and "do not send it again" in outcome.message
    assert [query["offset"] for query in listings] == ["0", "100", "200"]
    assert received == ["+14155550199"]  # the POST was sent once


async def test_an_empty_search_of_the_whole_listing_is_not_called_safe(slow_provider: str) -> None:
    async def dropped() -> None:
        await asyncio.sleep(0.2)
        received.clear()  # the listing does not show it (yet)

    task = asyncio.create_task(dropped())
    outcome = await _timed_out_create(f"{slow_provider}/paged", "+14155550198")
    await task

    assert outcome.verdict is Verdict.UNKNOWN and outcome.looked_up_at is None
    assert "safe" not in outcome.message and "late" in outcome.message and "not listed yet" in outcome.message
    assert [query["offset"] for query in listings] == ["0", "100", "200"]


async def test_a_listing_longer_than_the_search_is_not_called_safe(slow_provider: str) -> None:
    outcome = await _timed_out_create(f"{slow_provider}/endless", "+14155550197")

    assert outcome.verdict is Verdict.UNKNOWN and outcome.looked_up_at is None
    assert not outcome.send_again_allowed
    text = outcome.message
    assert "safe" not in text
    assert f"not in the first {MAX_FIND_PAGES} pages" in text and "check in the provider's console" in text
    assert len(listings) == MAX_FIND_PAGES


# --- each provider's paging, on its documented list answer (../shared/reference) ------------------------


def _items(key: str, count: int) -> list[dict[str, Any]]:
    return [{"id": str(n), key: f"other-{n}"} for n in range(count)]


def _walk(provider_key: str, mode: str, answers: dict[str, Any], pages: list[Any]) -> list[Any]:
    """The calls `find_call` makes while `find_next` follows `pages`, and the last cursor (None)."""
    provider = get_provider(provider_key)
    selected = provider.mode(mode)
    request = selected.model.model_validate(answers)
    calls, cursor = [], None
    for body in pages:
        calls.append(provider.find_call(selected, request, cursor))
        cursor = provider.find_next(body, cursor)
    return [*calls, cursor]


def test_chorus_follows_offset_until_total() -> None:
    first = {"data": _items("number", 100), "pagination": {"total": 150, "limit": 100, "offset": 0}}
    last = {"data": _items("number", 50), "pagination": {"total": 150, "limit": 100, "offset": 100}}
    *calls, end = _walk("chorus", "jambonz", {"number": "+14155550100"}, [first, last])
    assert [c.params for c in calls] == [{"limit": "100", "offset": "0"}, {"limit": "100", "offset": "100"}]
    assert end is None


def test_wavix_follows_pages_until_total_pages() -> None:
    paging = {"per_page": 100, "total": 150, "total_pages": 2}
    first = {"sip_trunks": _items("label", 100), "pagination": {**paging, "current_page": 1}}
    last = {"sip_trunks": _items("label", 50), "pagination": {**paging, "current_page": 2}}
    from tests.test_provider_wavix import VALID

    *calls, end = _walk("wavix", "sip-trunk", VALID["digest-minimal"], [first, last])
    assert [c.params["page"] for c in calls] == ["1", "2"] and end is None
    assert all(c.params["per_page"] == "100" for c in calls)


def test_vox_follows_next_cursor() -> None:
    from tests.test_provider_vox import MODE, VALID

    first = {"items": _items("number", 100), "total_count": 150, "next_cursor": "b2Zmc2V0OjEwMA=="}
    last = {"items": _items("number", 50), "total_count": 150, "next_cursor": None}
    *calls, end = _walk("vox", MODE, VALID, [first, last])
    assert "cursor" not in calls[0].params and calls[1].params["cursor"] == "b2Zmc2V0OjEwMA=="
    assert end is None


def test_yeastar_follows_search_pages_of_near_namesakes() -> None:
    from tests.test_provider_yeastar import VALID

    first = {"errcode": 0, "total_number": 130, "data": _items("name", 100)}
    last = {"errcode": 0, "total_number": 130, "data": _items("name", 30)}
    *calls, end = _walk("yeastar", "peer", VALID["peer"], [first, last])
    assert [c.params["page"] for c in calls] == ["1", "2"] and end is None
    assert calls[0].params["search_value"] == VALID["peer"]["name"]


def test_signalwire_follows_links_next_and_refuses_a_foreign_link() -> None:
    from tests.test_provider_signalwire import MODE, VALID

    endpoints = "https://example.signalwire.com/api/fabric/resources/subscribers/s-1/sip_endpoints"
    following = f"{endpoints}?page_number=1&page_size=1000&page_token=PAxyz"
    first = {"data": _items("username", 1000), "links": {"self": endpoints, "next": following}}
    last = {"data": _items("username", 5), "links": {"self": following}}
    *calls, end = _walk("signalwire", MODE.key, VALID["minimal"], [first, last])
    assert calls[1].path == following and end is None

    foreign = {"data": [], "links": {"next": "https://example.signalwire.com/api/other/list"}}
    with pytest.raises(ProviderError, match="not a SIP endpoint list"):
        get_provider("signalwire").find_next(foreign, None)
