"""The sandbox served by uvicorn on 127.0.0.1, and clients that talk to it over real loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.support.spec_check import SpecCheck, load_documents
from trunkwizard import sandbox as sandbox_module
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.providers import get_provider
from trunkwizard.redact import forget_secrets
from trunkwizard.sandbox import SandboxServer, create_app, sandbox_account

# What the spec check saw the sandbox do wrong (tests/support/spec_check.py); each test fails on its own.
SPEC_VIOLATIONS: list[str] = []


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    app = create_app()
    app.add_middleware(SpecCheck, violations=SPEC_VIOLATIONS)
    load_documents()  # before the first request: a client's timeout must not pay for parsing them
    with SandboxServer(app=app) as server:
        yield server


def _checked_app(keys: Iterable[str] | None = None) -> Starlette:
    app = _create_app(keys)
    app.add_middleware(SpecCheck, violations=SPEC_VIOLATIONS)
    load_documents()
    return app


_create_app = sandbox_module.create_app


@pytest.fixture(autouse=True)
def _sandbox_keeps_to_the_official_documents(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every Wavix and SignalWire request a test sends to the sandbox, served or in-process (the
    wizard's --sandbox), is checked against the official OpenAPI document: a crash, or a request the
    document refuses being accepted, fails the test."""
    monkeypatch.setattr(sandbox_module, "create_app", _checked_app)
    before = len(SPEC_VIOLATIONS)
    yield
    found = SPEC_VIOLATIONS[before:]
    del SPEC_VIOLATIONS[before:]
    assert not found, "the sandbox drifted from the official spec:\n" + "\n".join(found)


@pytest.fixture
def sandbox_url(sandbox_server: SandboxServer) -> str:
    return sandbox_server.url


@pytest.fixture
def sandbox_client(sandbox_url: str) -> Callable[..., AbstractAsyncContextManager[ProviderClient]]:
    """`async with sandbox_client("chorus") as client:` a client for the served sandbox account."""

    @asynccontextmanager
    async def open_client(provider_key: str, **overrides: Any) -> AsyncIterator[ProviderClient]:
        provider = get_provider(provider_key)
        account = load_account(provider, {**sandbox_account(provider_key, sandbox_url), **overrides})
        async with ProviderClient(provider, account, timeout=5.0) as client:
            yield client

    return open_client


@pytest.fixture(autouse=True)
def _fresh_redaction() -> Iterator[None]:
    yield
    forget_secrets()
