"""Emulator of the Chorus AI phone-number API (seed 000), written from the documentation, not from our models.

Auth: `Authorization: Bearer <key>`. Create answers 201 `{"data": {...}}`; validation errors answer 400
`{"error": "Validation failed", "details": [{"field", "message"}]}`; a bad key answers 401. Lists page
with `limit` (1-100, default 50) and `offset` (inferred from the documented `pagination` answer).
`PATCH /v1/phone-numbers/{id}` is partial: every body field optional, an omitted field keeps its value
(reference providers-chorus-vox-wavix.md 1.6, the updatePhoneNumber page).

The account starts with numbers already in it (`SEEDED`), so inventory and edits can be tried.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import TYPE_CHECKING, Any

from trunkwizard.sandbox._common import bearer_of, iso_now, json_body, new_uuid, no_content, reply

if TYPE_CHECKING:  # starlette is imported when an emulator is served (app()), not to read its account
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["API_KEY", "account", "app"]

API_KEY = "sandbox-chorus-key"

_PROVIDERS = ("twilio", "sip", "voximplant", "jambonz")
_TRANSPORTS = ("udp", "tcp", "tls")
_FIELDS = {
    "name",
    "number",
    "provider",
    "sipMode",
    "agentId",
    "twilioAccountSid",
    "twilioAuthToken",
    "sipUsername",
    "sipPassword",
    "sipProxy",
    "sipOutboundProxy",
    "sipAuthUser",
    "sipIp",
    "sipPort",
    "sipProtocol",
    "sipRegisterTransport",
}
_MAX_LENGTH = {"sipUsername": 60, "sipProxy": 100, "sipOutboundProxy": 100, "sipAuthUser": 60, "sipIp": 255}
_SECRET_FIELDS = ("twilioAuthToken", "sipPassword")


def account(root: str) -> dict[str, Any]:
    return {"api_key": API_KEY, "base_url": f"{root}/chorus/v1"}


def _problems(body: dict[str, Any]) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    for key in body:
        if key not in _FIELDS:
            bad(key, f"Unknown field '{key}'")
    # Seed 000 documents `number` as a string; E.164 is only what its examples show, so it is not refused.
    number = body.get("number")
    if not isinstance(number, str) or not number:
        bad("number", "Number is required")
    provider = body.get("provider", "twilio")
    if provider not in _PROVIDERS:
        bad("provider", "Provider must be one of: twilio, sip, voximplant, jambonz")
    sip_mode = body.get("sipMode", "registration")
    if sip_mode not in ("registration", "ip_allowlist"):
        bad("sipMode", "sipMode must be one of: registration, ip_allowlist")
    for field, limit in _MAX_LENGTH.items():
        value = body.get(field)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            bad(field, f"{field} must be a string of at most {limit} characters")
    agent = body.get("agentId")
    if agent is not None:
        try:
            uuid.UUID(str(agent))
        except ValueError:
            bad("agentId", "agentId must be a UUID")
    port = body.get("sipPort", 5060)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        bad("sipPort", "sipPort must be an integer from 1 to 65535")
    for field in ("sipProtocol", "sipRegisterTransport"):
        if field in body and body[field] not in _TRANSPORTS:
            bad(field, f"{field} must be one of: udp, tcp, tls")
    if provider == "twilio":
        for field in ("twilioAccountSid", "twilioAuthToken"):
            if not body.get(field):
                bad(field, f"{field} is required if provider is 'twilio'")
    if provider == "sip" and sip_mode == "registration":
        for field in ("sipUsername", "sipPassword", "sipProxy"):
            if not body.get(field):
                bad(field, f"{field} is required if provider is 'sip' and sipMode is 'registration'")
    if provider == "sip" and sip_mode == "ip_allowlist":
        ip = body.get("sipIp")
        if not ip:
            bad("sipIp", "sipIp is required if provider is 'sip' and sipMode is 'ip_allowlist'")
        else:
            try:
                ipaddress.ip_address(str(ip))
            except ValueError:
                bad("sipIp", "sipIp must be an IP address")
    return problems


# What the sandbox account already has: (name, number, provider, extra fields). Numbers no test creates.
SEEDED: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    (
        "Head office",
        "+12025550171",
        "sip",
        {"sipMode": "registration", "sipUsername": "hq-pbx", "sipProxy": "pbx.example.net", "sipPort": 5060},
    ),
    ("Sales line", "+12025550172", "twilio", {"twilioAccountSid": "AC" + "0" * 32}),
    (
        "Support queue",
        "+12025550173",
        "sip",
        {"sipMode": "ip_allowlist", "sipIp": "203.0.113.10", "sipPort": 5060, "sipProtocol": "udp"},
    ),
    ("Night service", "+12025550174", "voximplant", {}),
    ("Lab jambonz", "+12025550175", "jambonz", {}),
)
# PATCH /v1/phone-numbers/{id} body fields (the updatePhoneNumber page), all optional.
_PATCH_FIELDS = _FIELDS | {"metadata"}


class ChorusSandbox:
    def __init__(self) -> None:
        self.numbers: dict[str, dict[str, Any]] = {}

    def seed(self) -> None:
        for index, (name, number, provider, extra) in enumerate(SEEDED):
            record_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"trunkwizard-sandbox/chorus/{number}"))
            when = f"2026-0{index + 1}-15T09:30:00.000Z"
            record = {
                "id": record_id,
                "name": name,
                "number": number,
                "provider": provider,
                "sipMode": extra.get("sipMode") if provider == "sip" else None,
                "agentId": None,
                "createdAt": when,
                "updatedAt": when,
            }
            self.numbers[record_id] = {**record, **extra}

    async def update(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        record = self.numbers.get(request.path_params["id"])
        if record is None:
            return reply({"error": "Phone number not found", "details": []}, 404)
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return reply({"error": "Invalid JSON body", "details": []}, 400)
        unknown = [{"field": k, "message": f"Unknown field '{k}'"} for k in body if k not in _PATCH_FIELDS]
        # Each given field obeys its create rule; conditions on fields not sent are not re-checked.
        given = {k: v for k, v in body.items() if k != "metadata"}
        problems = unknown + [
            p for p in _problems({"number": record["number"], **given}) if p["field"] in given
        ]
        if problems:
            return reply({"error": "Validation failed", "details": problems}, 400)
        record.update({k: v for k, v in body.items() if k not in _SECRET_FIELDS})
        record["updatedAt"] = iso_now()
        public = ("id", "name", "number", "provider", "sipMode", "agentId", "createdAt", "updatedAt")
        return reply({"data": {k: record.get(k) for k in public}})

    def _denied(self, request: Request) -> Response | None:
        if bearer_of(request) != API_KEY:
            return reply({"error": "Unauthorized", "details": []}, 401)
        return None

    async def create(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return reply({"error": "Invalid JSON body", "details": []}, 400)
        problems = _problems(body)
        if problems:
            return reply({"error": "Validation failed", "details": problems}, 400)
        if any(n["number"] == body["number"] for n in self.numbers.values()):
            return reply(
                {
                    "error": "Phone number already exists",
                    "details": [{"field": "number", "message": "This number is already registered"}],
                },
                409,
            )
        now = iso_now()
        provider = body.get("provider", "twilio")
        record = {
            "id": new_uuid(),
            "name": body.get("name") or body["number"],
            "number": body["number"],
            "provider": provider,
            "sipMode": body.get("sipMode", "registration") if provider == "sip" else None,
            "agentId": body.get("agentId"),
            "createdAt": now,
            "updatedAt": now,
        }
        # Stored but, like the real API, never returned: credentials are write-only.
        stored = {**record, **{k: v for k, v in body.items() if k not in record and k not in _SECRET_FIELDS}}
        self.numbers[record["id"]] = stored
        return reply({"data": record}, 201)

    async def list(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        items = list(self.numbers.values())
        # The answer's shape is documented; the `limit` and `offset` parameters are inferred from it.
        limit, offset = request.query_params.get("limit", "50"), request.query_params.get("offset", "0")
        if not limit.isdigit() or not 1 <= int(limit) <= 100 or not offset.isdigit():
            details = [{"field": "limit", "message": "limit must be 1-100 and offset 0 or more"}]
            return reply({"error": "Validation failed", "details": details}, 400)
        start, size = int(offset), int(limit)
        page = items[start : start + size]
        return reply({"data": page, "pagination": {"total": len(items), "limit": size, "offset": start}})

    async def get(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        record = self.numbers.get(request.path_params["id"])
        if record is None:
            return reply({"error": "Phone number not found", "details": []}, 404)
        return reply({"data": record})

    async def delete(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        if self.numbers.pop(request.path_params["id"], None) is None:
            return reply({"error": "Phone number not found", "details": []}, 404)
        return no_content()


def app(*, seeded: bool = True) -> Starlette:
    from starlette.applications import Starlette
    from starlette.routing import Route

    sandbox = ChorusSandbox()
    if seeded:
        sandbox.seed()
    return Starlette(
        routes=[
            Route("/v1/phone-numbers", sandbox.create, methods=["POST"]),
            Route("/v1/phone-numbers", sandbox.list, methods=["GET"]),
            Route("/v1/phone-numbers/{id}", sandbox.get, methods=["GET"]),
            Route("/v1/phone-numbers/{id}", sandbox.delete, methods=["DELETE"]),
            Route("/v1/phone-numbers/{id}", sandbox.update, methods=["PATCH"]),
        ]
    )
