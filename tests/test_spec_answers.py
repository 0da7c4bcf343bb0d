"""The emulators' answers, held to the official OpenAPI documents (tests/support/spec_check.py).

Every answer the Wavix and SignalWire emulators give in the tests is checked by `SpecCheck`: a status the
operation declares, and a body its response schema accepts. Here each operation our providers use is
driven through the served sandbox over loopback HTTP to every status the emulator answers it with, so
each answer is checked whatever the other tests happen to send; and the check is shown to fail on each
kind of wrong answer.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.openapi import _document
from tests.support.sandbox import SPEC_VIOLATIONS
from tests.support.spec_check import SpecCheck
from trunkwizard.sandbox import signalwire as signalwire_emulator
from trunkwizard.sandbox import wavix as wavix_emulator

WAVIX_BODY: dict[str, Any] = {
    "label": "Spec answers",
    "password": "Spec-answers-1",
    "callerid": wavix_emulator.ACCOUNT_NUMBERS[0],
    "ip_restrict": False,
    "didinfo_enabled": True,
    "call_restrict": True,
    "call_limit": 600,
    "cost_limit": True,
    "max_call_cost": 0.18,
    "channels_restrict": False,
    "rewrite_enabled": False,
    "transcription_enabled": False,
    "transcription_threshold": 6,
}
NOT_ON_THE_ACCOUNT = "14155550100"
SUBSCRIBER = str(signalwire_emulator.SUBSCRIBERS[0]["id"])
SUBSCRIBERS = "/api/fabric/resources/subscribers"
ENDPOINTS = f"{SUBSCRIBERS}/{SUBSCRIBER}/sip_endpoints"
UNKNOWN = str(uuid.uuid5(uuid.NAMESPACE_URL, "trunkwizard-tests/no-such-record"))


class Caller:
    """Sends one request and insists on the status the emulator answers it with: the spec check (the
    autouse fixture in tests/support/sandbox.py) then holds that answer to the document."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def __call__(self, method: str, path: str, status: int, **options: Any) -> Any:
        answer = self.http.request(method, path, **options)
        assert answer.status_code == status, (method, path, answer.status_code, answer.text[:300])
        return answer.json() if answer.content else None


def _no_violations_yet() -> None:
    assert not SPEC_VIOLATIONS, "\n".join(SPEC_VIOLATIONS)


def test_every_wavix_answer_is_one_the_document_declares(sandbox_url: str) -> None:
    root = f"{sandbox_url}/wavix"
    with (
        httpx.Client(base_url=root, headers={"Authorization": f"Bearer {wavix_emulator.API_KEY}"}) as http,
        httpx.Client(base_url=root, headers={"Authorization": "Bearer not-a-key"}) as stranger,
        httpx.Client(
            base_url=root, headers={"Authorization": f"Bearer {wavix_emulator.NOT_PROVISIONED_KEY}"}
        ) as basic_plan,
    ):
        call, refused, unprovisioned = Caller(http), Caller(stranger), Caller(basic_plan)
        trunk = call("POST", "/v1/trunks", 201, json=WAVIX_BODY)
        path = f"/v1/trunks/{trunk['id']}"
        try:
            call("POST", "/v1/trunks", 400, json={**WAVIX_BODY, "password": ""})
            call("POST", "/v1/trunks", 422, json={**WAVIX_BODY, "callerid": NOT_ON_THE_ACCOUNT})
            call("GET", "/v1/trunks", 200)
            call("GET", "/v1/trunks", 200, params={"page": "2", "per_page": "2"})
            call("GET", "/v1/trunks", 200, params={"page": "first"})  # the operation declares no 400
            call("GET", path, 200)
            call("GET", "/v1/trunks/999999", 404)
            call("PUT", path, 200, json={**WAVIX_BODY, "label": "Spec answers, replaced"})
            call("PUT", path, 400, json={**WAVIX_BODY, "callerid": NOT_ON_THE_ACCOUNT})  # no 422 on PUT
            call("PUT", "/v1/trunks/999999", 404, json=WAVIX_BODY)
            call("GET", "/v1/profile/config", 200)
            for method, where in [
                ("POST", "/v1/trunks"),
                ("GET", "/v1/trunks"),
                ("GET", path),
                ("PUT", path),
                ("DELETE", path),
                ("GET", "/v1/profile/config"),
            ]:
                body = WAVIX_BODY if method in ("POST", "PUT") else None
                refused(method, where, 401, json=body)
                unprovisioned(method, where, 403, json=body)
            _no_violations_yet()
        finally:
            call("DELETE", path, 200)
        call("DELETE", path, 404)


def test_every_signalwire_answer_is_one_the_document_declares(sandbox_url: str) -> None:
    root = f"{sandbox_url}/signalwire"
    auth = (signalwire_emulator.PROJECT_ID, signalwire_emulator.API_TOKEN)
    with (
        httpx.Client(base_url=root, auth=auth) as http,
        httpx.Client(base_url=root, auth=(signalwire_emulator.PROJECT_ID, "wrong")) as stranger,
    ):
        call, refused = Caller(http), Caller(stranger)
        first = call("GET", SUBSCRIBERS, 200)
        following = call("GET", first["links"]["next"], 200)  # absolute, with its page_token
        assert following["links"]["prev"]
        call("GET", SUBSCRIBERS, 404, params={"page_number": "1"})  # no page_token: the lists declare no 422
        call("GET", SUBSCRIBERS, 404, params={"page_size": "0"})
        call("GET", f"{SUBSCRIBERS}/{SUBSCRIBER}", 200)
        call("GET", f"{SUBSCRIBERS}/{UNKNOWN}", 404)
        username = f"spec-answers-{uuid.uuid4().hex[:8]}"
        endpoint = call(
            "POST",
            ENDPOINTS,
            201,
            json={
                "username": username,
                "password": "Spec-answers-1",
                "codecs": ["PCMU"],
                "encryption": "optional",
            },
        )
        path = f"{ENDPOINTS}/{endpoint['id']}"
        try:
            call("POST", ENDPOINTS, 422, json={"username": username, "password": "Spec-answers-1"})  # taken
            call(
                "POST", f"{SUBSCRIBERS}/{UNKNOWN}/sip_endpoints", 404, json={"username": "x", "password": "y"}
            )
            call("GET", ENDPOINTS, 200, params={"page_size": "1000"})
            call("GET", path, 200)
            call("GET", f"{ENDPOINTS}/{UNKNOWN}", 404)
            call("PATCH", path, 200, json={"codecs": ["PCMA", "G722"], "caller_id": "Spec answers"})
            call("PATCH", path, 422, json={"encryption": "always"})
            call("PATCH", f"{ENDPOINTS}/{UNKNOWN}", 404, json={"codecs": ["PCMA"]})
            call("GET", "/api/relay/rest/sip_profile", 200)
            for method, where in [
                ("GET", SUBSCRIBERS),
                ("GET", f"{SUBSCRIBERS}/{SUBSCRIBER}"),
                ("POST", ENDPOINTS),
                ("GET", ENDPOINTS),
                ("GET", path),
                ("PATCH", path),
                ("DELETE", path),
                ("GET", "/api/relay/rest/sip_profile"),
            ]:
                refused(
                    method, where, 401, json={"codecs": ["PCMU"]} if method in ("POST", "PATCH") else None
                )
            _no_violations_yet()
        finally:
            call("DELETE", path, 204)
        call("DELETE", path, 404)


# --- the check itself fails on each kind of wrong answer --------------------------------------------


def _wavix_trunk() -> dict[str, Any]:
    """A trunk as the emulator answers it (its SIPTrunkResponse), to break one way at a time."""
    emulator = wavix_emulator.WavixSandbox()
    emulator.seed()
    return emulator._response(emulator.trunks[201])


def _signalwire_endpoint() -> dict[str, Any]:
    emulator = signalwire_emulator.SignalWireSandbox()
    emulator.seed()
    return copy.deepcopy(next(e for endpoints in emulator.endpoints.values() for e in endpoints.values()))


def _trunk_without(key: str) -> dict[str, Any]:
    trunk = _wavix_trunk()
    del trunk[key]
    return trunk


def _listing(total: Any) -> dict[str, Any]:
    pagination = {"current_page": 1, "per_page": 25, "total": total, "total_pages": 1}
    return {"sip_trunks": [], "pagination": pagination}


ENDPOINT = f"{ENDPOINTS}/{UNKNOWN}"
JSON = "application/json"

# (method, path, status, media type, body, what the check says)
WRONG_ANSWERS: dict[str, tuple[str, str, int, str, Any, str]] = {
    "a required property missing": (
        "GET",
        "/wavix/v1/trunks/201",
        200,
        JSON,
        _trunk_without("created_at"),
        "'created_at' is a required property",
    ),
    "a property the document does not know": (
        "GET",
        "/wavix/v1/trunks/201",
        200,
        JSON,
        {**_wavix_trunk(), "status": "active"},
        "Additional properties are not allowed ('status' was unexpected)",
    ),
    "a type wrong": (
        "GET",
        "/wavix/v1/trunks",
        200,
        JSON,
        _listing("5"),
        "pagination/total: '5' is not of type 'integer'",
    ),
    "a value outside its enum": (
        "GET",
        f"/signalwire{ENDPOINT}",
        200,
        JSON,
        {**_signalwire_endpoint(), "encryption": "always"},
        "encryption: 'always' is not one of",
    ),
    "a date-time that is not one": (
        "GET",
        "/wavix/v1/trunks/201",
        200,
        JSON,
        {**_wavix_trunk(), "created_at": "2026-05-10 08:00"},
        "created_at: '2026-05-10 08:00' is not a 'date-time'",
    ),
    "a relative link": (
        "GET",
        f"/signalwire{SUBSCRIBERS}",
        200,
        JSON,
        {"data": [], "links": {"self": f"{SUBSCRIBERS}?page_number=0", "first": "https://x.example/"}},
        "links/self: '/api/fabric/resources/subscribers?page_number=0' is not a 'uri'",
    ),
    "a status the operation does not declare": (
        "GET",
        "/wavix/v1/trunks",
        400,
        JSON,
        {"success": False, "message": "Missing or invalid parameter page"},
        "HTTP 400 is not a status the document declares (it declares 200, 401, 403)",
    ),
    "a 422 where only POST declares one": (
        "PUT",
        "/wavix/v1/trunks/201",
        422,
        JSON,
        {"success": False, "message": "x"},
        "HTTP 422 is not a status the document declares",
    ),
    "a 401 body of the wrong shape where the document implies the 401": (
        "GET",
        "/wavix/v1/trunks/201",
        401,
        JSON,
        {"success": False, "error": "yes"},
        "error: 'yes' is not of type 'boolean'",
    ),
    "a body where 204 declares none": (
        "DELETE",
        f"/signalwire{ENDPOINT}",
        204,
        JSON,
        {"deleted": True},
        "HTTP 204 declares no body",
    ),
    "another media type": (
        "GET",
        f"/signalwire{ENDPOINT}",
        200,
        "text/plain",
        "ok",
        "declares application/json, the sandbox sent",
    ),
    "a body that is not JSON": ("GET", f"/signalwire{ENDPOINT}", 404, JSON, None, "the body is not JSON"),
}


def _answering(status: int, media_type: str, body: Any) -> Starlette:
    if body is None:
        content = b"{not json"
    else:
        content = body.encode() if isinstance(body, str) else json.dumps(body).encode()

    async def answer(request: Request) -> Response:
        return Response(content, status_code=status, media_type=media_type)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    app = Starlette(routes=[Route("/{path:path}", answer, methods=methods)])
    return app


async def _violations(app: Starlette, method: str, path: str) -> list[str]:
    violations: list[str] = []
    app.add_middleware(SpecCheck, violations=violations)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as http:
        await http.request(method, path)
    return violations


@pytest.mark.parametrize("case", list(WRONG_ANSWERS))
async def test_the_check_catches(case: str) -> None:
    method, path, status, media_type, body, says = WRONG_ANSWERS[case]
    violations = await _violations(_answering(status, media_type, body), method, path)
    assert len(violations) == 1 and "answer is not what the official document declares" in violations[0]
    assert says in violations[0], violations[0]


RIGHT_ANSWERS: dict[str, tuple[str, str, int, Any]] = {
    "the emulator's own trunk": ("GET", "/wavix/v1/trunks/201", 200, _wavix_trunk()),
    "the document's example trunk": (
        "GET",
        "/wavix/v1/trunks/201",
        200,
        _document("wavix-api.yaml")["paths"]["/v1/trunks/{id}"]["get"]["responses"]["200"]["content"][JSON][
            "examples"
        ]["success"]["value"],
    ),
    "the 401 the document's sibling operations declare": (
        "GET",
        "/wavix/v1/trunks/201",
        401,
        {"success": False, "error": True, "message": "Unauthorized"},
    ),
    "a SignalWire endpoint": ("GET", f"/signalwire{ENDPOINT}", 200, _signalwire_endpoint()),
    "an operation the document does not declare": ("GET", "/wavix/v1/nothing-here", 418, {"x": 1}),
}


@pytest.mark.parametrize("case", list(RIGHT_ANSWERS))
async def test_the_check_passes(case: str) -> None:
    method, path, status, body = RIGHT_ANSWERS[case]
    assert await _violations(_answering(status, JSON, body), method, path) == []


async def test_an_empty_204_passes() -> None:
    async def gone(request: Request) -> Response:
        return Response(status_code=204)

    app = Starlette(routes=[Route("/{path:path}", gone, methods=["DELETE"])])
    assert await _violations(app, "DELETE", f"/signalwire{ENDPOINT}") == []
