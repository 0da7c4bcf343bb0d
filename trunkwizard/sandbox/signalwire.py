"""Emulator of SignalWire's Fabric subscribers and subscriber SIP endpoints, from the documentation.

Sources: the current official spec
(../shared/openapi/signalwire-fabric-subscribers-sip-endpoints.openapi.yaml) and the error-code reference
(reference/providers-signalwire-yeastar.md section 1.6). Not our models.

- Auth: HTTP Basic, project id : API token; otherwise 401 `{"error": "Unauthorized"}`.
- Unknown subscriber or endpoint: 404 `{"error": "Not Found"}`.
- Create: 201 with the endpoint itself; invalid bodies 422
  `{"errors": [{type, code, message, attribute, url}]}`, every broken rule one entry. The current schema
  has `unevaluatedProperties: {not: {}}`, so the older API's `password_confirmation` and `call_handler`
  are rejected as unknown parameters.
- Lists: `{"data": [...], "links": {self, first, next?, prev?}}` with absolute links carrying page_number,
  page_size and page_token (required past the first page: without it, 404 `{"error": "Not Found"}`, a
  status the list operations declare). The sandbox's default page size is 3, so its 7 subscribers take
  three pages and paging is exercised.
- `PATCH .../sip_endpoints/{id}`: every body field optional (update_subscriber_sip_credential), each
  given one checked as on create; 200 with the endpoint.

The project starts with SIP endpoints already in it (`SEEDED`, on subscribers no test creates for).
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from trunkwizard.sandbox._common import json_body, new_uuid, no_content, reply

if TYPE_CHECKING:  # starlette is imported when an emulator is served (app()), not to read its account
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = [
    "API_TOKEN",
    "PROJECT_ID",
    "SEND_AS_NUMBERS",
    "SIP_DOMAIN",
    "SPACE",
    "SUBSCRIBERS",
    "account",
    "app",
]

PROJECT_ID = "b2f1c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
API_TOKEN = "PTsandbox0signalwire0token"
SPACE = "sandbox"
SIP_DOMAIN = "sandbox-4f2a9c.sip.signalwire.com"
# Numbers purchased or verified in the sandbox project: the only valid send_as values.
SEND_AS_NUMBERS = ("+14632322867", "+14155550142")
DEFAULT_PAGE_SIZE = 3
MAX_PAGE_SIZE = 1000

_ERRORS_URL = "https://signalwire.com/docs/apis/error-codes"
_CIPHERS = (
    "AEAD_AES_256_GCM_8",
    "AES_256_CM_HMAC_SHA1_80",
    "AES_CM_128_HMAC_SHA1_80",
    "AES_256_CM_HMAC_SHA1_32",
    "AES_CM_128_HMAC_SHA1_32",
)
_CODECS = (
    "PCMU",
    "PCMA",
    "G722",
    "G729",
    "OPUS",
    "OPUS@48000H@20I",
    "OPUS@24000H@20I",
    "OPUS@16000H@20I",
    "OPUS@8000H@20I",
    "VP8",
    "H264",
)
_ENCRYPTIONS = ("required", "optional", "default")
_BODY_KEYS = ("username", "password", "caller_id", "send_as", "ciphers", "codecs", "encryption")
_PEOPLE = (
    ("Diana Prince", "diana@example.com"),
    ("Bruce Wayne", "bruce@example.com"),
    ("Clark Kent", "clark@example.com"),
    ("Barry Allen", "barry@example.com"),
    ("Hal Jordan", "hal@example.com"),
    ("Arthur Curry", "arthur@example.com"),
    ("Victor Stone", "victor@example.com"),
)


def _subscriber(name: str, email: str) -> dict[str, Any]:
    sid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"trunkwizard-sandbox/signalwire/{email}"))
    first, _, last = name.partition(" ")
    return {
        "id": sid,
        "project_id": PROJECT_ID,
        "display_name": name,
        "type": "subscriber",
        "created_at": "2026-01-05T09:00:00Z",
        "updated_at": "2026-01-05T09:00:00Z",
        "subscriber": {
            "id": sid,
            "email": email,
            "first_name": first,
            "last_name": last,
            "display_name": name,
            "job_title": "",
            "timezone": "America/New_York",
            "country": "United States",
            "company_name": "Justice League",
        },
    }


SUBSCRIBERS: tuple[dict[str, Any], ...] = tuple(_subscriber(name, email) for name, email in _PEOPLE)
# SIP endpoints the project already has: (subscriber index, username, caller_id, codecs).
SEEDED: tuple[tuple[int, str, str, tuple[str, ...]], ...] = (
    (4, "hal-desk", "Hal Jordan", ("PCMU", "PCMA")),
    (4, "hal-mobile", "Hal Jordan", ("OPUS",)),
    (4, "hal-car", "Hal Jordan", ("PCMU",)),
    (4, "hal-lab", "Hal Jordan", ("G722",)),
    (5, "arthur-desk", "Arthur Curry", ("PCMU", "G722")),
    (5, "arthur-lab", "Arthur Curry", ("PCMA",)),
)


def account(root: str) -> dict[str, Any]:
    return {
        "space": SPACE,
        "project_id": PROJECT_ID,
        "api_token": API_TOKEN,
        "base_url": f"{root}/signalwire",
    }


def _error(code: str, message: str, attribute: str | None) -> dict[str, Any]:
    """One entry of a 422's `errors` (Types.StatusCodes.RestApiErrorItem). The document contradicts itself
    around it: SipEndpointCreateStatusCode422 and SipEndpointUpdateStatusCode422 give an example with a
    top-level `"statusCode": 422` that their own `unevaluatedProperties: {not: {}}` refuses. The 422 here
    follows the schema: `{"errors": [...]}` and nothing else."""
    return {
        "type": "validation_error",
        "code": code,
        "message": message,
        "attribute": attribute,
        "url": _ERRORS_URL,
    }


def _enum_list(body: dict[str, Any], key: str, allowed: tuple[str, ...], label: str) -> list[dict[str, Any]]:
    if key not in body:
        return []
    value = body[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
        return [_error("invalid_parameter", f"{label} are invalid", key)]
    return []


class SignalWireSandbox:
    def __init__(self) -> None:
        self.subscribers = {s["id"]: s for s in SUBSCRIBERS}
        self.endpoints: dict[str, dict[str, dict[str, Any]]] = {sid: {} for sid in self.subscribers}
        self.passwords: dict[str, str] = {}  # kept like the real API keeps them: never returned
        self.page_token = "PA" + new_uuid()

    def seed(self) -> None:
        for index, (subscriber, username, caller_id, codecs) in enumerate(SEEDED):
            endpoint_id = str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"trunkwizard-sandbox/signalwire/sip/{username}")
            )
            self.endpoints[SUBSCRIBERS[subscriber]["id"]][endpoint_id] = {
                "id": endpoint_id,
                "username": username,
                "caller_id": caller_id,
                "send_as": SEND_AS_NUMBERS[index % 2],
                "ciphers": [],
                "codecs": list(codecs),
                "encryption": "default",
            }
            self.passwords[endpoint_id] = f"Seeded-{username}-1"

    async def update_endpoint(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        endpoint = (self._endpoints_of(request) or {}).get(request.path_params["id"])
        if endpoint is None:
            return reply({"error": "Not Found"}, 404)
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return reply(
                {"errors": [_error("invalid_parameter", "Request body must be a JSON object", None)]}, 422
            )
        # The create rules for what is given; the endpoint's own username is not "already taken".
        probe = {"username": "probe-" + endpoint["id"], "password": "x", **body}
        own_username, endpoint["username"] = endpoint["username"], ""
        try:
            errors = [e for e in self._problems(probe) if e["attribute"] in body or e["attribute"] is None]
        finally:
            endpoint["username"] = own_username
        if errors:
            return reply({"errors": errors}, 422)
        endpoint.update({k: v for k, v in body.items() if k != "password"})
        if "password" in body:
            self.passwords[endpoint["id"]] = body["password"]
        return reply(endpoint)

    def _denied(self, request: Request) -> Response | None:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user = password = ""
        if scheme.lower() != "basic" or user != PROJECT_ID or password != API_TOKEN:
            return reply({"error": "Unauthorized"}, 401)
        return None

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        # The spec's two list operations (GET /api/fabric/resources/subscribers and
        # .../{fabric_subscriber_id}/sip_endpoints) declare no query parameters and only 200, 401, 404 and
        # 500: not the 422 `page_token_is_invalid` other SignalWire lists answer. A page the links did not
        # lead to (past the first without their page_token, or page parameters out of range) is therefore
        # a page not found.
        query = request.query_params
        try:
            number = int(query.get("page_number", "0"))
            size = int(query.get("page_size", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            return reply({"error": "Not Found"}, 404)
        if number < 0 or not 1 <= size <= MAX_PAGE_SIZE:
            return reply({"error": "Not Found"}, 404)
        if number > 0 and query.get("page_token") != self.page_token:
            return reply({"error": "Not Found"}, 404)

        def link(page: int) -> str:
            params: dict[str, str | int] = {"page_number": page, "page_size": size}
            if page > 0:
                params["page_token"] = self.page_token
            return str(request.url.replace(query=urlencode(params)))

        links = {"self": link(number), "first": link(0)}
        if (number + 1) * size < len(items):
            links["next"] = link(number + 1)
        if number > 0:
            links["prev"] = link(number - 1)
        return reply({"data": items[number * size : (number + 1) * size], "links": links})

    async def list_subscribers(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        return self._page(request, list(self.subscribers.values()))

    async def get_subscriber(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        subscriber = self.subscribers.get(request.path_params["id"])
        return reply(subscriber) if subscriber else reply({"error": "Not Found"}, 404)

    def _problems(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = []
        for key in body:
            if key not in _BODY_KEYS:
                errors.append(_error("invalid_parameter", f"{key} is not a permitted parameter", key))
        for key in ("username", "password"):
            if key not in body or body[key] in (None, ""):
                errors.append(_error("missing_required_parameter", f"{key} is required", key))
            elif not isinstance(body[key], str):
                errors.append(_error("invalid_parameter", f"{key} must be a string", key))
        username = body.get("username")
        if isinstance(username, str) and (re.search(r"\s", username) or "@" in username):
            # Documented for SIP endpoint usernames on the relay API; the same SIP URI rule applies here.
            errors.append(
                _error("invalid_parameter", "username must not contain whitespace or @", "username")
            )
        elif isinstance(username, str) and any(
            e["username"] == username for endpoints in self.endpoints.values() for e in endpoints.values()
        ):
            errors.append(_error("not_unique_within_project", "username has already been taken", "username"))
        if "caller_id" in body and not isinstance(body["caller_id"], str):
            errors.append(
                _error(
                    "not_valid_for_caller_id",
                    "must be an E.164 number, caller ID string or SIP URI",
                    "caller_id",
                )
            )
        # The spec types send_as as a string; E.164 is only its example. What it must be is a number of
        # the project (or "random"), which only the account knows: that is the refusal.
        send_as = body.get("send_as")
        if "send_as" in body and not isinstance(send_as, str):
            errors.append(_error("send_as_is_invalid", "send_as must be a string", "send_as"))
        elif isinstance(send_as, str) and send_as not in (*SEND_AS_NUMBERS, "random"):
            errors.append(
                _error(
                    "not_purchased_or_verified", "send_as is not a purchased or verified number", "send_as"
                )
            )
        errors += _enum_list(body, "ciphers", _CIPHERS, "Ciphers")
        errors += _enum_list(body, "codecs", _CODECS, "Codecs")
        if "encryption" in body and body["encryption"] not in _ENCRYPTIONS:
            errors.append(
                _error(
                    "invalid_parameter_value",
                    "encryption must be one of: required, optional, default",
                    "encryption",
                )
            )
        return errors

    async def create_endpoint(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        subscriber_id = request.path_params["subscriber"]
        if subscriber_id not in self.subscribers:
            return reply({"error": "Not Found"}, 404)
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return reply(
                {"errors": [_error("invalid_parameter", "Request body must be a JSON object", None)]}, 422
            )
        errors = self._problems(body)
        if errors:
            return reply({"errors": errors}, 422)
        endpoint = {
            "id": new_uuid(),
            "username": body["username"],
            "caller_id": body.get("caller_id", ""),
            "send_as": body.get("send_as", ""),
            "ciphers": body.get("ciphers", []),
            "codecs": body.get("codecs", []),
            "encryption": body.get("encryption", "default"),
        }
        self.endpoints[subscriber_id][endpoint["id"]] = endpoint
        self.passwords[endpoint["id"]] = body["password"]
        return reply(endpoint, 201)

    def _endpoints_of(self, request: Request) -> dict[str, dict[str, Any]] | None:
        return self.endpoints.get(request.path_params["subscriber"])

    async def list_endpoints(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        endpoints = self._endpoints_of(request)
        if endpoints is None:
            return reply({"error": "Not Found"}, 404)
        return self._page(request, list(endpoints.values()))

    async def get_endpoint(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        endpoint = (self._endpoints_of(request) or {}).get(request.path_params["id"])
        return reply(endpoint) if endpoint else reply({"error": "Not Found"}, 404)

    async def delete_endpoint(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        endpoints = self._endpoints_of(request) or {}
        if endpoints.pop(request.path_params["id"], None) is None:
            return reply({"error": "Not Found"}, 404)
        self.passwords.pop(request.path_params["id"], None)
        return no_content()

    async def sip_profile(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        return reply(
            {
                "domain": SIP_DOMAIN,
                "domain_identifier": SIP_DOMAIN.split(".", 1)[0],
                "default_codecs": ["OPUS", "G722", "PCMU", "PCMA"],
                "default_ciphers": list(_CIPHERS[:3]),
                "default_encryption": "optional",
                "default_send_as": SEND_AS_NUMBERS[0],
            }
        )


def app(*, seeded: bool = True) -> Starlette:
    from starlette.applications import Starlette
    from starlette.routing import Route

    sandbox = SignalWireSandbox()
    if seeded:
        sandbox.seed()
    subscribers = "/api/fabric/resources/subscribers"
    endpoints = subscribers + "/{subscriber}/sip_endpoints"
    return Starlette(
        routes=[
            Route(subscribers, sandbox.list_subscribers, methods=["GET"]),
            Route(subscribers + "/{id}", sandbox.get_subscriber, methods=["GET"]),
            Route(endpoints, sandbox.create_endpoint, methods=["POST"]),
            Route(endpoints, sandbox.list_endpoints, methods=["GET"]),
            Route(endpoints + "/{id}", sandbox.get_endpoint, methods=["GET"]),
            Route(endpoints + "/{id}", sandbox.delete_endpoint, methods=["DELETE"]),
            Route(endpoints + "/{id}", sandbox.update_endpoint, methods=["PATCH"]),
            Route("/api/relay/rest/sip_profile", sandbox.sip_profile, methods=["GET"]),
        ]
    )
