"""The sandbox served by uvicorn on 127.0.0.1, and clients that talk to it over real loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest

from trunkwizard.client import ProviderClient, load_account
from trunkwizard.providers import get_provider
from trunkwizard.redact import forget_secrets
from trunkwizard.sandbox import SandboxServer, sandbox_account


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


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
