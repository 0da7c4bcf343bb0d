"""Credential schemes shared by providers: a Bearer key, and the base of auths that open a session."""

from __future__ import annotations

import re
from collections.abc import Generator

import httpx
from pydantic import SecretStr

from trunkwizard.redact import register_secret

__all__ = ["BearerKey", "SessionAuth", "env_var"]


def env_var(provider_key: str, wire: str) -> str:
    """The variable that carries a secret for scripts and curl exports: TRUNKWIZARD_CHORUS_API_KEY."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", wire)
    return f"TRUNKWIZARD_{provider_key.upper()}_{re.sub(r'[^A-Za-z0-9]+', '_', snake).upper()}"


class BearerKey(httpx.Auth):
    """`Authorization: Bearer <key>`, the key kept as a SecretStr until the request is sent."""

    def __init__(self, key: SecretStr) -> None:
        register_secret(key.get_secret_value())
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._key.get_secret_value()}"
        yield request

    def __repr__(self) -> str:
        return "BearerKey('********')"


class SessionAuth(httpx.Auth):
    """An auth that logs in to the provider (a token) and can log out again.

    `ProviderClient` sends `sign_out()` when it closes, so a session never outlives its client: some
    providers allow only a few live tokens per API application.
    """

    def sign_out(self, user_agent: str) -> httpx.Request | None:
        """The request that ends the open session (and forgets it here), or None when none is open."""
        return None
