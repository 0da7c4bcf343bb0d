"""Emulator of the Wavix SIP trunk API, from the official spec (../shared/openapi/wavix-api.yaml), not
our models.

- Auth: `Authorization: Bearer <key>`; otherwise 401
  `{"success": false, "error": true, "message": "Unauthorized"}`.
  A second sandbox key belongs to an account without SIP trunks: 403 "The service is not provisioned for
  your account." (trunks are a Flex Pro feature).
- `POST /v1/trunks` (`SIPTrunkCreateRequest`, `additionalProperties: false`): 201 with the trunk; a broken
  rule answers `{"success": false, "message": "Missing or invalid parameter <param_name>"}`, one parameter
  per answer: 400 for a missing, unknown or malformed parameter, 422 for one the account refuses (caller ID
  not active or verified, limits above the account's, see `GET /v1/profile/config`).
- A value behind a toggle is checked only while the toggle is on ("Ignored when call_restrict is false");
  allowed_ips is documented as required with ip_restrict. Only documented rules refuse: types,
  `format: int32` bounds, IP addresses where the spec says "IP address", digits where it says "digits",
  and the account's own limits and numbers. What we only infer (call_limit required with call_restrict,
  positive limits, public addresses, callerid as bare digits) is accepted, as the spec accepts it.
- `GET /v1/trunks` (page, per_page; one that is not a number reads as its default, the operation declares
  no 400), `GET /v1/trunks/{id}`, `DELETE /v1/trunks/{id}` (200 `{"success": true}`), 404
  `{"success": false, "message": "Record not found"}`.
- `PUT /v1/trunks/{id}`: the create body again ("Replaces the configuration... Omitted fields revert to
  their defaults"), so a PUT without `password` is refused like a create without it; 200 with the trunk.
  PUT declares no 422: what the account refuses is a 400 there.

The account starts with trunks already in it (`SEEDED`), one of them pending IP-auth review.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
from typing import TYPE_CHECKING, Any

from trunkwizard.sandbox._common import bearer_of, iso_now, json_body, reply

if TYPE_CHECKING:  # starlette is imported when an emulator is served (app()), not to read its account
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = [
    "ACCOUNT_NUMBERS",
    "API_KEY",
    "MAX_CALL_DURATION",
    "MAX_SIP_CHANNELS",
    "NOT_PROVISIONED_KEY",
    "WavixSandbox",
    "account",
    "app",
]

API_KEY = "sandbox-wavix-key"
NOT_PROVISIONED_KEY = "sandbox-wavix-basic-plan-key"
# Active or verified numbers of the sandbox account: the only valid callerid values.
ACCOUNT_NUMBERS = ("13132847320", "14155550143")
MAX_CALL_DURATION = 3600
MAX_SIP_CHANNELS = 8

_REQUIRED: dict[str, type] = {
    "label": str,
    "password": str,
    "callerid": str,
    "ip_restrict": bool,
    "didinfo_enabled": bool,
    "call_restrict": bool,
    "cost_limit": bool,
    "channels_restrict": bool,
    "rewrite_enabled": bool,
    "transcription_enabled": bool,
    "transcription_threshold": int,
}
_OPTIONAL: dict[str, type] = {
    "host_request": dict,
    "multiple_numbers": bool,
    "allowed_ips": list,
    "call_limit": int,
    "max_call_cost": float,
    "max_channels": int,
    "rewrite_prefix": str,
    "rewrite_cond": str,
    "call_recording_enabled": bool,
    "machine_detection_enabled": bool,
    "encrypted_media": bool,
}


# The required booleans' defaults (what an omitted field reverts to on PUT).
_DEFAULTS: dict[str, Any] = {
    "ip_restrict": False,
    "didinfo_enabled": False,
    "call_restrict": False,
    "cost_limit": False,
    "channels_restrict": False,
    "rewrite_enabled": False,
    "transcription_enabled": False,
    "transcription_threshold": 0,
}

_NULLABLE = frozenset({"allowed_ips"})

_SUMMARY_KEYS = (
    "id",
    "name",
    "callerid",
    "multiple_numbers",
    "label",
    "passthrough",
    "call_recording_enabled",
    "machine_detection_enabled",
    "transcription_enabled",
    "transcription_threshold",
    "encrypted_media",
    "access_token",
    "status",
)


def account(root: str) -> dict[str, Any]:
    return {"api_key": API_KEY, "base_url": f"{root}/wavix"}


class Invalid(Exception):
    def __init__(self, parameter: str, status: int = 400) -> None:
        super().__init__(parameter)
        self.parameter = parameter
        self.status = status


def _is(value: Any, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    return isinstance(value, kind)


INT32 = (-(2**31), 2**31 - 1)


def _ip(value: Any) -> bool:
    """An IP address, as the spec's "public static IP address" says; whether it is public is not checked."""
    try:
        return isinstance(value, str) and ipaddress.ip_address(value) is not None
    except ValueError:
        return False


def _int32(value: Any) -> bool:
    return _is(value, int) and INT32[0] <= value <= INT32[1]


def _positive(raw: str | None, default: int) -> int:
    """A page parameter: a positive int32 (the parameters' `format: int32`), else its default."""
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default
    return value if 1 <= value <= INT32[1] else default


def _check(body: dict[str, Any]) -> None:
    """Raise Invalid naming the first broken rule, as the documented error message does."""
    for key in body:
        if key not in _REQUIRED and key not in _OPTIONAL:
            raise Invalid(key)
    for key, kind in _REQUIRED.items():
        if key not in body or not _is(body[key], kind) or body[key] == "":
            raise Invalid(key)
    # Only allowed_ips is nullable (type: [array, "null"]); a null anywhere else is refused.
    for key, kind in _OPTIONAL.items():
        if key in body and not (key in _NULLABLE and body[key] is None) and not _is(body[key], kind):
            raise Invalid(key)
    # The items' shape is the schema's, toggle or not; whether they are addresses matters once they apply.
    for index, item in enumerate(body.get("allowed_ips") or []):
        if not isinstance(item, dict) or set(item) != {"ip"} or not isinstance(item["ip"], str):
            raise Invalid(f"allowed_ips[{index}].ip")
        if body["ip_restrict"] and not _ip(item["ip"]):
            raise Invalid(f"allowed_ips[{index}].ip")
    if body["ip_restrict"] and not body.get("allowed_ips"):
        raise Invalid("allowed_ips")
    host_request = body.get("host_request")
    if host_request is not None and (set(host_request) != {"host"} or not _ip(host_request["host"])):
        raise Invalid("host_request.host")
    # format: int32 (call_limit, max_channels, transcription_threshold), whatever the toggles say
    for key in ("call_limit", "max_channels", "transcription_threshold"):
        if body.get(key) is not None and not _int32(body[key]):
            raise Invalid(key)
    # "Must not exceed the maximum duration / outbound channel capacity set for the account"
    if body["call_restrict"] and (body.get("call_limit") or 0) > MAX_CALL_DURATION:
        raise Invalid("call_limit", 422)
    if body["channels_restrict"] and (body.get("max_channels") or 0) > MAX_SIP_CHANNELS:
        raise Invalid("max_channels", 422)
    # "Digits to automatically prepend" / "leading digits to remove": ASCII digits
    for key in ("rewrite_prefix", "rewrite_cond"):
        value = body.get(key)
        if body["rewrite_enabled"] and value and not (value.isascii() and value.isdigit()):
            raise Invalid(key)
    # "Must be an active or verified number on the account"
    if body["callerid"] not in ACCOUNT_NUMBERS:
        raise Invalid("callerid", 422)


# What the sandbox account already has: (id, login, label, host_request IP or None, status).
SEEDED: tuple[tuple[int, str, str, str | None, str], ...] = (
    (201, "67701", "Head office PBX", None, "active"),
    (202, "67702", "Call centre", None, "active"),
    (203, "67703", "Branch Lisbon", "198.51.100.23", "pending"),
    (204, "67704", "Old PBX", "198.51.100.40", "rejected"),
    (205, "67705", "Backup route", None, "active"),
)


class WavixSandbox:
    def __init__(self) -> None:
        self.trunks: dict[int, dict[str, Any]] = {}
        # each trunk's SIP password: kept as a registrar keeps it, never returned by any call
        self.passwords: dict[int, str] = {}
        self.next_id = 293
        self.next_login = 67758

    def seed(self) -> None:
        for trunk_id, login, label, host, status in SEEDED:
            body: dict[str, Any] = {
                **_DEFAULTS,
                "label": label,
                "password": "Seeded-" + login,
                "callerid": ACCOUNT_NUMBERS[0],
            }
            if host:
                body["host_request"] = {"host": host}
            trunk = {**self._trunk(body), "id": trunk_id, "name": login, "status": status}
            trunk["created_at"] = f"2026-0{trunk_id - 200}-10T08:00:00.000Z"
            self.trunks[trunk_id] = trunk
            self.passwords[trunk_id] = body["password"]
        self.next_id, self.next_login = 293, 67758

    async def replace(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        trunk = self._find(request)
        if trunk is None:
            return reply({"success": False, "message": "Record not found"}, 404)
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return reply({"success": False, "message": "Missing or invalid parameter body"}, 400)
        try:
            _check(body)
        except Invalid as invalid:
            # PUT /v1/trunks/{id} declares 400 ValidationErrorResponse and no 422 (POST declares both):
            # what the account refuses is a 400 here.
            return reply(
                {"success": False, "message": f"Missing or invalid parameter {invalid.parameter}"}, 400
            )
        # Omitted fields revert to their defaults: the trunk is rebuilt from this body alone.
        kept = {k: trunk[k] for k in ("id", "name", "created_at", "access_token")}
        fresh = self._trunk(body)
        self.next_id, self.next_login = self.next_id - 1, self.next_login - 1
        same_host = fresh["host"] == trunk["host"]
        replaced = {**fresh, **kept, "status": trunk["status"] if same_host else fresh["status"]}
        self.trunks[trunk["id"]] = replaced
        self.passwords[trunk["id"]] = str(body["password"])
        return reply(self._response(replaced))

    def _denied(self, request: Request) -> Response | None:
        key = bearer_of(request)
        if key == NOT_PROVISIONED_KEY:
            return reply(
                {"success": False, "message": "The service is not provisioned for your account."}, 403
            )
        if key != API_KEY:
            # UnauthorizedErrorResponse, on every operation: the document lists no 401 on GET /v1/trunks/{id}
            # or GET /v1/profile/config, yet puts them behind bearerAuth like their siblings that declare it.
            return reply({"success": False, "error": True, "message": "Unauthorized"}, 401)
        return None

    async def create(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return reply({"success": False, "message": "Missing or invalid parameter body"}, 400)
        try:
            _check(body)
        except Invalid as invalid:
            return reply(
                {"success": False, "message": f"Missing or invalid parameter {invalid.parameter}"},
                invalid.status,
            )
        trunk = self._trunk(body)
        self.trunks[trunk["id"]] = trunk
        self.passwords[trunk["id"]] = str(body["password"])
        return reply(self._response(trunk), 201)

    def _trunk(self, body: dict[str, Any]) -> dict[str, Any]:
        trunk_id, login = self.next_id, str(self.next_login)
        self.next_id += 1
        self.next_login += 1
        ips = body.get("allowed_ips") if body["ip_restrict"] else None
        host_request = body.get("host_request")
        cost = body.get("max_call_cost")
        return {
            "id": trunk_id,
            "name": login,
            "callerid": "" if body.get("multiple_numbers") else body["callerid"],
            "label": body["label"],
            "ip_restrict": body["ip_restrict"],
            "allowed_ips": [{"id": 6712 + n, "ip": item["ip"]} for n, item in enumerate(ips or [])],
            "channels_restrict": body["channels_restrict"],
            "max_channels": body.get("max_channels"),
            "cost_limit": body["cost_limit"],
            "max_call_cost": None if cost is None else f"{cost:g}",
            "call_restrict": body["call_restrict"],
            "call_limit": body.get("call_limit"),
            "didinfo_enabled": body["didinfo_enabled"],
            "rewrite_enabled": body["rewrite_enabled"],
            "rewrite_prefix": body.get("rewrite_prefix", ""),
            "rewrite_cond": body.get("rewrite_cond", ""),
            "call_recording_enabled": body.get("call_recording_enabled", False),
            "machine_detection_enabled": body.get("machine_detection_enabled", False),
            "transcription_enabled": body["transcription_enabled"],
            "transcription_threshold": body["transcription_threshold"],
            "created_at": iso_now(),
            "host": host_request["host"] if host_request else "dynamic",
            "multiple_numbers": body.get("multiple_numbers", False),
            "encrypted_media": body.get("encrypted_media", False),
            "passthrough": False,
            "access_token": "sip" + secrets.token_hex(32),
            "status": "pending" if host_request else "active",
        }

    @staticmethod
    def _response(trunk: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in trunk.items() if k != "status"}

    @staticmethod
    def _summary(trunk: dict[str, Any]) -> dict[str, Any]:
        summary = {k: trunk[k] for k in _SUMMARY_KEYS}
        ip_auth = trunk["host"] != "dynamic"
        summary["auth_method"] = "IP auth" if ip_auth else "Digest"
        summary["host_request"] = {"host": trunk["host"], "status": trunk["status"]} if ip_auth else None
        summary["talk_time"] = 0
        summary["charge"] = "0.0"
        return summary

    async def list(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        # GET /v1/trunks declares 200, 401 and 403 only, no 400: a page or per_page that is not a positive
        # number is read as its documented default ("Default `1`", "Default `25`"), never refused.
        page = _positive(request.query_params.get("page"), 1)
        per_page = _positive(request.query_params.get("per_page"), 25)
        trunks = list(self.trunks.values())
        shown = trunks[(page - 1) * per_page : page * per_page]
        pagination = {
            "current_page": page,
            "per_page": per_page,
            "total": len(trunks),
            "total_pages": max(1, math.ceil(len(trunks) / per_page)),
        }
        return reply({"sip_trunks": [self._summary(t) for t in shown], "pagination": pagination})

    def _find(self, request: Request) -> dict[str, Any] | None:
        raw = request.path_params["id"]
        return self.trunks.get(int(raw)) if raw.isdigit() else None

    async def get(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        trunk = self._find(request)
        if trunk is None:
            return reply({"success": False, "message": "Record not found"}, 404)
        return reply(self._response(trunk))

    async def delete(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        trunk = self._find(request)
        if trunk is None:
            return reply({"success": False, "message": "Record not found"}, 404)
        del self.trunks[trunk["id"]]
        return reply({"success": True})

    async def profile_config(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        limits = {
            "max_call_duration": MAX_CALL_DURATION,
            "max_sip_channels": MAX_SIP_CHANNELS,
            "max_call_rate": "99.0",
        }
        return reply({"balance": "309.06", "global_limits": limits})


def app(sandbox: WavixSandbox | None = None, *, seeded: bool = True) -> Starlette:
    from starlette.applications import Starlette
    from starlette.routing import Route

    if sandbox is None:
        sandbox = WavixSandbox()
        if seeded:
            sandbox.seed()
    return Starlette(
        routes=[
            Route("/v1/trunks", sandbox.create, methods=["POST"]),
            Route("/v1/trunks", sandbox.list, methods=["GET"]),
            Route("/v1/trunks/{id}", sandbox.get, methods=["GET"]),
            Route("/v1/trunks/{id}", sandbox.delete, methods=["DELETE"]),
            Route("/v1/trunks/{id}", sandbox.replace, methods=["PUT"]),
            Route("/v1/profile/config", sandbox.profile_config, methods=["GET"]),
        ]
    )
