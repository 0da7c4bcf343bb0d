"""The client over real loopback HTTP against misbehaving servers: every failure becomes a clear error."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.support.canary import CANARY
from trunkwizard.client import ProviderClient, load_account, prepare
from trunkwizard.errors import AuthenticationFailed, NetworkError, OutcomeUnknown
from trunkwizard.outcome import Outcome, Verdict
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import SandboxServer, free_port

CHORUS = get_provider("chorus")
SLOW_NUMBER = "+14155550111"
applied: list[str] = []


async def slow_create(request: Request) -> Response:
    body = await request.json()
    applied.append(body["number"])
    await asyncio.sleep(3)
    return JSONResponse({"data": {"id": "late"}}, status_code=201)


async def slow_listing(request: Request) -> Response:
    return JSONResponse({"data": [{"id": "id-of-late", "number": n} for n in applied]})


async def html_502(request: Request) -> Response:
    return Response("<html><body>Bad gateway</body></html>", status_code=502, media_type="text/html")


async def json_500(request: Request) -> Response:
    return JSONResponse({"error": "Internal Server Error", "details": []}, status_code=500)


async def text_200(request: Request) -> Response:
    return PlainTextResponse("Welcome to nginx!", status_code=200)


async def echo_auth_401(request: Request) -> Response:
    # A hostile server that echoes the credentials back in its error: they must still be masked.
    return JSONResponse(
        {"error": f"bad key {request.headers.get('authorization')}", "details": []}, status_code=401
    )


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[str]:
    app = Starlette(
        routes=[
            Route("/slow/phone-numbers", slow_create, methods=["POST"]),
            Route("/slow/phone-numbers", slow_listing, methods=["GET"]),
            Route("/html/phone-numbers", html_502, methods=["POST"]),
            Route("/json500/phone-numbers", json_500, methods=["POST"]),
            Route("/text/phone-numbers", text_200, methods=["POST"]),
            Route("/echo/phone-numbers", echo_auth_401, methods=["POST"]),
        ]
    )
    with SandboxServer(app=app) as server:
        yield server.url


async def _create(base_url: str, number: str = "+14155550100", timeout: float = 5.0) -> None:
    account = load_account(CHORUS, {"api_key": CANARY, "base_url": base_url})
    prepared = prepare(
        CHORUS,
        "sip-registration",
        {"number": number, "sipUsername": "u1", "sipPassword": CANARY, "sipProxy": "pbx.example.com"},
        account,
    )
    async with ProviderClient(CHORUS, account, timeout=timeout) as client:
        await client.create(prepared)


def _clean(error: Exception) -> str:
    text = str(error)
    assert CANARY not in text and CANARY not in repr(error)
    return text


async def _submit(base_url: str, number: str, timeout: float) -> Outcome:
    account = load_account(CHORUS, {"api_key": CANARY, "base_url": base_url})
    prepared = prepare(CHORUS, "jambonz", {"number": number}, account)
    async with ProviderClient(CHORUS, account, timeout=timeout) as client:
        return await client.submit(prepared)


async def test_timeout_then_lookup_finds_it_created(misbehaving: str) -> None:
    outcome = await _submit(f"{misbehaving}/slow", SLOW_NUMBER, timeout=0.5)
    assert outcome.verdict is Verdict.CREATED and outcome.created is not None
    assert outcome.created.ref.id == "id-of-late"
    assert "do not send it again" in outcome.message and not outcome.send_again_allowed
    assert applied.count(SLOW_NUMBER) == 1  # the POST was sent once, never retried


async def test_timeout_then_empty_lookup_is_still_unknown(misbehaving: str) -> None:
    applied.clear()

    async def forget() -> None:
        await asyncio.sleep(0.2)
        applied.clear()  # the listing shows nothing (yet): a late-applying server may still create it

    task = asyncio.create_task(forget())
    outcome = await _submit(f"{misbehaving}/slow", "+14155550112", timeout=0.5)
    await task
    assert outcome.verdict is Verdict.UNKNOWN and outcome.looked_up_at is None
    assert "safe" not in outcome.message and "not listed yet" in outcome.message
    assert not outcome.retry_offered


async def test_refused_connection() -> None:
    with pytest.raises(NetworkError) as failure:
        await _create(f"http://127.0.0.1:{free_port()}/v1")
    assert "refused" in _clean(failure.value)


async def test_html_5xx_is_a_server_error(misbehaving: str) -> None:
    with pytest.raises(OutcomeUnknown) as failure:
        await _create(f"{misbehaving}/html")
    text = _clean(failure.value)
    assert "server error" in text and "HTML page" in text and "Nothing was retried" in text
    assert "may have been applied" in text


async def test_json_500_keeps_the_provider_message_and_the_advice(misbehaving: str) -> None:
    with pytest.raises(OutcomeUnknown) as failure:
        await _create(f"{misbehaving}/json500")
    text = _clean(failure.value)
    assert "Internal Server Error" in text and "may have been applied" in text


async def test_non_json_success_body_is_unknown(misbehaving: str) -> None:
    with pytest.raises(OutcomeUnknown) as failure:
        await _create(f"{misbehaving}/text")
    text = _clean(failure.value)
    assert "not JSON" in text and "base URL" in text and "may have created" in text


async def test_credentials_echoed_by_a_server_are_masked(misbehaving: str) -> None:
    with pytest.raises(AuthenticationFailed) as failure:
        await _create(f"{misbehaving}/echo")
    assert failure.value.status == 401
    assert "********" in _clean(failure.value)


async def test_tls_verification_is_on_by_default() -> None:
    """A plain-HTTP listener spoken to over https fails the TLS handshake: verification is not skipped."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def answer_garbage() -> None:
        connection, _ = server.accept()
        connection.recv(1024)
        connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        connection.close()

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    try:
        with pytest.raises(NetworkError) as failure:
            await _create(f"https://127.0.0.1:{port}/v1")
        _clean(failure.value)
    finally:
        server.close()
