"""Yeastar P-Series OpenAPI plumbing: the errcode envelope and the access-token flow.

Every answer is HTTP 200 with `{"errcode": 0, "errmsg": "SUCCESS", ...}`; a non-zero errcode is the
error, sometimes with `invalid_param_list` or `duplicate_field_list` naming fields. Calls carry
`?access_token=` from `POST /openapi/v1.0/get_token` (Client ID and Secret). A token that expired
answers errcode 10004: log in again once and re-send. A refused login is never retried: the PBX
blocks the IP after 5 failed logins.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Any

import httpx
from pydantic import SecretStr

from trunkwizard.errors import AuthenticationFailed, NetworkError, Problem, ProviderError
from trunkwizard.providers._auth import SessionAuth
from trunkwizard.redact import redact, register_secret

__all__ = [
    "AUTH_ERRCODES",
    "ERRCODES",
    "TOKEN_EXPIRED",
    "YeastarToken",
    "errcode_of",
    "remember_secrets",
    "yeastar_error",
]

TOKEN_EXPIRED = 10004
_LOGIN_REFUSED = -1
_IP_BLOCKED = 70004

# errcode -> (errmsg, what it means for the technician). From the P-Series developer guide,
# "Error Code and Error Message"; 10009 from the Cloud edition's note on adding trunks.
ERRCODES: Mapping[int, tuple[str, str]] = {
    -2: ("INTERNAL SERVER ERROR", "the PBX hit an internal error; try again later or check the PBX logs"),
    -1: ("FAILURE", "the request failed"),
    1: ("PARTIAL SUCCESS", "only part of the request was applied; check the trunk in the PBX"),
    2: ("PROCESSING", "the PBX is still processing the request"),
    10001: (
        "INTERFACE NOT EXISTED",
        "this API does not exist here: check the base URL, and that the PBX edition and firmware "
        "have the API",
    ),
    10002: ("API VERSION OUT OF MAINTENANCE", "the PBX no longer maintains API v1.0; update the firmware"),
    10003: ("API VERSION UNSUPPORTED", "the PBX does not support API v1.0; check the firmware"),
    10004: ("TOKEN EXPIRED", "the access token timed out"),
    10005: (
        "ACCESS DENIED",
        "the API application has no permission for this; check Integrations > API on the PBX",
    ),
    10009: (
        "NO PERMISSION",
        "you don't have the permission: on Yeastar Cloud the service provider may have disabled "
        "trunk configuration for this PBX",
    ),
    40001: ("PARAMETER SYNTAX ERROR", "the request body is not valid JSON for the PBX"),
    40002: ("PARAMETER ERROR", "a parameter is invalid"),
    40003: ("DUPLICATE KEY VALUE", "a value must be unique and is already used (e.g. the trunk name)"),
    40004: ("FILE SIZE EXCEEDED", "the file is too large"),
    60001: ("DATA NOT FOUND", "no such item on the PBX (deleted, or a wrong id)"),
    60002: ("MAX LIMITATION EXCEEDED", "the PBX reached its maximum number of these items (e.g. trunks)"),
    60101: ("ROLE NOT EXISTED", "the role does not exist"),
    70004: (
        "ACCOUNT IP BLOCKED",
        "the PBX blocked this computer's IP address after repeated failed logins; an administrator "
        "must remove it under Security > Security Rules > Blocked IPs",
    ),
    70082: ("OVERLOAD_TASK_RUNNING", "the PBX is busy with a heavy task; try again in a few minutes"),
    70084: ("ACTION FORBIDDEN", "the PBX forbids this action"),
    70087: (
        "IP FORBIDDEN",
        "the PBX does not accept API requests from this IP address; check the allowed IPs under "
        "Integrations > API",
    ),
    70091: (
        "CONNECTION_RELATION_EXISTED",
        "the item is used elsewhere (e.g. a trunk in a route); remove it there first",
    ),
    70093: ("PHONEBOOK_NOT_EXISTED", "the phonebook does not exist"),
    70106: ("RATE_NOT_EXISTED", "the rate does not exist"),
    70120: ("ORGANIZATION DISABLED", "the organization is disabled"),
}

# Codes that mean "these credentials or this client may not use the API": AuthenticationFailed.
# Not -1: the guide's table calls it a generic "FAILURE" (seed 003 line 279, "FAILURE: Failed."); only
# get_token's -1 is a refused login, and YeastarToken reads that one itself.
AUTH_ERRCODES = frozenset({TOKEN_EXPIRED, 10005, _IP_BLOCKED, 70087})

# Values of these fields are never repeated in a message, even when the PBX echoes them.
_SECRET_KEYS = frozenset({"password", "client_secret", "access_token", "refresh_token"})


def errcode_of(body: Any) -> int | None:
    """The errcode of a Yeastar answer, or None when the body is not the Yeastar envelope."""
    if not isinstance(body, Mapping):
        return None
    code = body.get("errcode")
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.lstrip("-").isdigit():
        return int(code)
    return None


def _shown_value(field: str, entry: Mapping[str, Any]) -> str | None:
    """The refused value as the PBX echoed it, unless the field holds a secret."""
    if field.rsplit(".", 1)[-1] in _SECRET_KEYS or "password" in field:
        return None
    value = entry.get("value")
    return None if value is None or value == "" else repr(str(value)[:60])


def _problems(body: Mapping[str, Any], our_field: Callable[[str], str | None]) -> list[Problem]:
    problems: list[Problem] = []
    for entry in body.get("invalid_param_list") or []:
        if not isinstance(entry, Mapping):
            continue
        field = str(entry.get("field", ""))
        kind = entry.get("validation_type")
        value = _shown_value(field, entry)
        reason = f"invalid: {kind}" if kind else "invalid value"
        problems.append(Problem(our_field(field) or "", reason + (f" (got {value})" if value else "")))
    for entry in body.get("duplicate_field_list") or []:
        if not isinstance(entry, Mapping):
            continue
        field = str(entry.get("field", ""))
        value = _shown_value(field, entry) or "this value"
        source = " ".join(str(entry[k]) for k in ("external_source", "external_source_name") if entry.get(k))
        where = f" by {source}" if source else ""
        problems.append(Problem(our_field(field) or "", f"{value} is already used{where}: choose another"))
    return problems


def yeastar_error(
    body: Mapping[str, Any],
    *,
    status: int | None = None,
    our_field: Callable[[str], str | None] = lambda field: field or None,
    action: str = "",
) -> ProviderError:
    """A Yeastar errcode answer as a ProviderError (AuthenticationFailed for credential problems)."""
    code = errcode_of(body)
    errmsg = str(body.get("errmsg") or "")
    known_msg, meaning = ERRCODES.get(code, ("", "")) if code is not None else ("", "")
    submsg = str(body.get("submsg") or "")
    problems = _problems(body, our_field)
    head = f"Yeastar P-Series{' ' + action if action else ''}: errcode {code} {errmsg or known_msg}".rstrip()
    parts = [head]
    if meaning:
        parts.append(meaning)
    if submsg and submsg != errmsg:
        parts.append(submsg)
    text = " - ".join(parts)
    if problems:
        text += " (" + "; ".join(str(p) for p in problems) + ")"
    cls = AuthenticationFailed if code in AUTH_ERRCODES else ProviderError
    first = next((p.field for p in problems if p.field), None)
    return cls(
        redact(text),
        status=status,
        field=first,
        code=str(code) if code is not None else None,
        problems=problems,
    )


def remember_secrets(body: Any) -> None:
    """Register secret-looking values the PBX returns (trunk/get echoes the trunk password)."""
    if isinstance(body, Mapping):
        for key, value in body.items():
            if isinstance(value, str) and str(key) in _SECRET_KEYS:
                register_secret(value)
            else:
                remember_secrets(value)
    elif isinstance(body, list):
        for item in body:
            remember_secrets(item)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class YeastarToken(SessionAuth):
    """Client ID/Secret -> access token in the query of every call, kept in memory only.

    Per call: log in if there is no token yet, send with `access_token`, and on errcode 10004 log in
    again once and re-send (the PBX checks the token before acting, so the first send changed
    nothing). A refused login raises at once and is remembered: this client never tries again, as
    the PBX blocks an IP after 5 failed logins. Signing out revokes the token (`GET del_token`):
    Yeastar Cloud allows only a few live tokens per API application.
    """

    requires_response_body = True

    def __init__(self, api_url: str, client_id: str, client_secret: SecretStr) -> None:
        register_secret(client_secret.get_secret_value())
        self._api_url = api_url.rstrip("/")
        self._token_url = self._api_url + "/get_token"
        self._client_id = client_id
        self._client_secret = client_secret
        self._access_token: str | None = None
        self._refused: ProviderError | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._access_token is None:
            yield from self._log_in(request)
        self._add_token(request)
        response = yield request
        if errcode_of(_json(response)) != TOKEN_EXPIRED:
            return
        self._access_token = None
        yield from self._log_in(request)
        self._add_token(request)
        yield request  # whatever it answers now is the answer: one re-login per call, no more

    def sign_out(self, user_agent: str) -> httpx.Request | None:
        token, self._access_token = self._access_token, None
        if token is None:
            return None
        return httpx.Request(
            "GET",
            self._api_url + "/del_token",
            params={"access_token": token},
            headers={"User-Agent": user_agent, "Accept": "application/json"},
        )

    def _add_token(self, request: httpx.Request) -> None:
        assert self._access_token is not None
        request.url = request.url.copy_set_param("access_token", self._access_token)

    def _log_in(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._refused is not None:
            raise self._refused
        login = httpx.Request(
            "POST",
            self._token_url,
            json={"username": self._client_id, "password": self._client_secret.get_secret_value()},
            headers={
                "User-Agent": request.headers.get("User-Agent", "trunkwizard"),
                "Accept": "application/json",
            },
            extensions=request.extensions,
        )
        response = yield login
        body = _json(response)
        code = errcode_of(body)
        if code is None or not isinstance(body, Mapping):
            raise NetworkError(
                f"Yeastar P-Series: get_token answered HTTP {response.status_code} without the Yeastar "
                "errcode envelope: is the base URL the PBX web address (e.g. https://192.168.5.150:8088)?"
            )
        token = body.get("access_token")
        if code == 0 and isinstance(token, str) and token:
            register_secret(token)
            refresh = body.get("refresh_token")
            register_secret(refresh if isinstance(refresh, str) else None)
            self._access_token = token
            return
        if code == _LOGIN_REFUSED:
            self._refused = AuthenticationFailed(
                "Yeastar P-Series refused the login (get_token: errcode -1 FAILURE): check the Client ID "
                "and Client Secret under Integrations > API on the PBX. Not retried: the PBX blocks this "
                "IP after 5 failed logins.",
                status=response.status_code,
                field="client_secret",
                code=str(code),
                problems=[Problem("client_secret", "the PBX refused this Client ID and Client Secret")],
            )
            raise self._refused
        error = yeastar_error(body, status=response.status_code, action="login (get_token)")
        if code in AUTH_ERRCODES:
            self._refused = error  # blocked or forbidden: asking again cannot help and may count
        raise error

    def __repr__(self) -> str:
        return f"YeastarToken({self._token_url!r}, client_secret='********')"
