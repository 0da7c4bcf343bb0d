"""Credential schemes shared by providers, declared once on a provider (`auth_scheme`): a Bearer key,
HTTP Basic, or a token session. Each gives the httpx auth that sends the secret and the preview a
reviewer sees, secrets as `$TRUNKWIZARD_...` variables."""

from __future__ import annotations

import base64
import re
import shlex
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from trunkwizard.errors import ProviderError
from trunkwizard.redact import register_secret

__all__ = [
    "AuthScheme",
    "BasicScheme",
    "BearerKey",
    "BearerScheme",
    "SameOriginBasicAuth",
    "SessionAuth",
    "ShellExpression",
    "TokenSessionScheme",
    "env_var",
]

Preview = tuple[dict[str, str], dict[str, str]]


class ShellExpression(str):
    """A previewed value that a shell computes when a curl export runs, written for the inside of double
    quotes: every part that is not to expand is already quoted. The curl writer puts it as it is."""

    __slots__ = ()


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


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


class SameOriginBasicAuth(httpx.Auth):
    """HTTP Basic (user : secret), sent only to the base URL's own scheme, host and port.

    Paging may follow absolute `links.next` URLs from an answer; a link to any other host is refused
    here, before a connection is made, so the secret can never be sent elsewhere.
    """

    def __init__(self, user: str, secret: SecretStr, base_url: str, title: str) -> None:
        plain = secret.get_secret_value()
        encoded = base64.b64encode(f"{user}:{plain}".encode()).decode()
        register_secret(plain)
        register_secret(encoded)
        self._header = SecretStr(f"Basic {encoded}")
        self._origin = _origin(httpx.URL(base_url))
        self._title = title

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if _origin(request.url) != self._origin:
            scheme, host, port = self._origin
            raise ProviderError(
                f"{self._title} pointed to {request.url.scheme}://{request.url.host}, not "
                f"{scheme}://{host}:{port}: not followed, so the API token is never sent to another host"
            )
        request.headers["Authorization"] = self._header.get_secret_value()
        yield request

    def __repr__(self) -> str:
        return "SameOriginBasicAuth('********')"


class AuthScheme(ABC):
    """How a provider's requests carry the account's credentials. Fields are named by the account
    model's field names."""

    @abstractmethod
    def auth(self, account: Any, base_url: str, title: str) -> httpx.Auth:
        """The httpx auth; it never puts a secret anywhere but the request."""

    @abstractmethod
    def preview(self, provider_key: str, account: Any) -> Preview:
        """(headers, query) as a reviewer sees them, secrets as `$ENV_VAR` references."""


@dataclass(frozen=True)
class BearerScheme(AuthScheme):
    """`Authorization: Bearer <key>`."""

    key: str = "api_key"

    def auth(self, account: Any, base_url: str, title: str) -> httpx.Auth:
        return BearerKey(getattr(account, self.key))

    def preview(self, provider_key: str, account: Any) -> Preview:
        return {"Authorization": f"Bearer ${env_var(provider_key, self.key)}"}, {}


@dataclass(frozen=True)
class BasicScheme(AuthScheme):
    """HTTP Basic `user:secret`, only ever to the base URL's origin."""

    user: str
    secret: str

    def auth(self, account: Any, base_url: str, title: str) -> httpx.Auth:
        user, secret = getattr(account, self.user), getattr(account, self.secret)
        return SameOriginBasicAuth(user, secret, base_url, title)

    def preview(self, provider_key: str, account: Any) -> Preview:
        # The user is not secret; the secret stays a variable the shell expands into the header. The
        # user is quoted and the secret expands as one word, whatever characters either holds (a user
        # name is checked only by an inferred rule, so it may hold a space, a quote or a `$(`).
        secret = env_var(provider_key, self.secret)
        user = shlex.quote(f"{getattr(account, self.user)}:")
        computed = f'$(printf %s {user}"${secret}" | base64 | tr -d \'[:space:]\')'
        return {"Authorization": ShellExpression(f"Basic {computed}")}, {}


@dataclass(frozen=True)
class TokenSessionScheme(AuthScheme):
    """A login that yields a token (`session` opens it, the client signs out when it closes); the token
    travels in the query parameter `query`."""

    session: Callable[[Any, str], SessionAuth]
    query: str = "access_token"

    def auth(self, account: Any, base_url: str, title: str) -> httpx.Auth:
        return self.session(account, base_url)

    def preview(self, provider_key: str, account: Any) -> Preview:
        return {}, {self.query: f"${env_var(provider_key, self.query)}"}
