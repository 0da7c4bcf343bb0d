"""Emulator of the Vox.ai v3 telephone-number API (seed 004 and docs.tryvox.co), not of our models.

Documented behaviour: Bearer organization key; `POST /v3/telephone-numbers/register` answers 200 with
the flat `OrganizationTelephoneNumber` (`number` 1-20 digits, `address` required, `memo` <= 200);
`GET /v3/organization-telephone-numbers` pages with `limit` (1-100, default 50) and `cursor` ->
`{items, total_count, next_cursor}`, `status` defaulting to active; `GET`/`DELETE` one number (a custom
number expires at once); `PATCH .../{id}/agent` with `{inbound_agent, outbound_agent}` (omitted keeps,
null clears, `{}` is a 400); `PATCH .../{id}/sip` with `{address, auth_username, auth_password, memo}`, all
optional, `auth_password` required whenever `address` or `auth_username` changes (custom numbers only);
`GET /v3/agents`, `GET /v3/agents/{id}/versions`. The organization starts with numbers (`SEEDED`).
Errors: `{"error": {"code", "message", "details": {"field", "reason"}}}`.

Inferred, marked so: the HTTP status and code of each error (400 validation_error, 401, 404, 409 for a
number already registered), that `address` must be a sip:/sips: URI, that unknown body keys are
refused, and that a mapped agent and version must exist.
"""

from __future__ import annotations

import base64
import re
import time
import uuid
from typing import TYPE_CHECKING, Any

from trunkwizard.sandbox._common import bearer_of, is_response, json_body, new_uuid, reply

if TYPE_CHECKING:  # starlette is imported when an emulator is served (app()), not to read its account
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["AGENTS", "API_KEY", "VoxSandbox", "account", "app"]

API_KEY = "sandbox-vox-key"

# The organization's agents in the sandbox: agent_id -> (name, type, production_version)
AGENTS: dict[str, tuple[str, str, int]] = {
    "3c90c3cc-0d44-4b50-8888-8dd25736052a": ("상담 안내 에이전트", "single_prompt", 3),
    "8d0f5a3e-6a7b-4f1e-9c2d-1b3a5c7e9f20": ("Outbound reminder", "flow", 1),
}

# Seed 004 line 77 `^\d+$`, an ECMA pattern: \d is an ASCII digit and $ is the end (no trailing newline).
_NUMBER = re.compile(r"[0-9]+")
_AGENT_VERSION = re.compile(r"^(current|production|v[1-9][0-9]*)$")
_REGISTER_FIELDS = {"number", "address", "auth_username", "auth_password", "memo"}
_STATUSES = ("active", "scheduled", "cancel_requested", "expired")


def account(root: str) -> dict[str, Any]:
    return {"api_key": API_KEY, "base_url": f"{root}/vox/v3"}


def _error(status: int, code: str, message: str, field: str | None = None, reason: str = "") -> Response:
    details = {"field": field, "reason": reason} if field else None
    return reply({"error": {"code": code, "message": message, "details": details}}, status)


def _invalid(field: str, reason: str) -> Response:
    return _error(400, "validation_error", "요청 값이 올바르지 않습니다.", field, reason)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _register_problem(body: dict[str, Any]) -> Response | None:
    for key in body:
        if key not in _REGISTER_FIELDS:
            return _invalid(key, "unknown field; agents are mapped with PATCH .../{id}/agent")  # [inferred]
    number = body.get("number")
    if not isinstance(number, str) or not number:
        return _invalid("number", "required")
    if len(number) > 20:
        return _invalid("number", "string length must be 1 - 20")
    if not _NUMBER.fullmatch(number):
        return _invalid("number", "must match pattern ^\\d+$")
    # `address` is documented as a required string ("SIP 주소"); sip: is only its example's form.
    address = body.get("address")
    if not isinstance(address, str) or not address:
        return _invalid("address", "required")
    for key in ("auth_username", "auth_password", "memo"):
        if body.get(key) is not None and not isinstance(body[key], str):
            return _invalid(key, "must be a string or null")
    memo = body.get("memo")
    if isinstance(memo, str) and len(memo) > 200:
        return _invalid("memo", "maximum string length is 200")
    return None


def _agent_problem(field: str, value: Any) -> Response | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"agent_id", "agent_version"}:
        return _invalid(field, "must be {agent_id, agent_version} or null")
    agent_id = value.get("agent_id")
    try:
        uuid.UUID(str(agent_id))
    except ValueError:
        return _invalid(f"{field}.agent_id", "must be a UUID")
    version = value.get("agent_version", "current")
    if not isinstance(version, str):
        return _invalid(f"{field}.agent_version", "must be a string")
    agent = AGENTS.get(str(agent_id))
    if agent is None:
        return _error(404, "not_found", "에이전트를 찾을 수 없습니다.", f"{field}.agent_id", "no such agent")
    # The version grammar comes only from a secondary source: a version the agent does not have is
    # "not found", the one answer the documented agent lookup gives for it.
    known = _AGENT_VERSION.fullmatch(version) and not (
        version.startswith("v") and int(version[1:]) > agent[2]
    )
    if not known:
        return _error(
            404, "not_found", "에이전트 버전을 찾을 수 없습니다.", f"{field}.agent_version", "no such version"
        )
    return None


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int | None:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(value) if kind == "offset" and value.isdigit() else None


def _page_params(request: Request) -> tuple[int, int] | Response:
    raw_limit = request.query_params.get("limit", "50")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100:
        return _invalid("limit", "must be an integer from 1 to 100")
    cursor = request.query_params.get("cursor")
    offset = 0
    if cursor:
        decoded = _decode_cursor(cursor)
        if decoded is None:
            return _invalid("cursor", "invalid cursor")
        offset = decoded
    return int(raw_limit), offset


def _page(items: list[dict[str, Any]], limit: int, offset: int) -> Response:
    end = offset + limit
    return reply(
        {
            "items": items[offset:end],
            "total_count": len(items),
            "next_cursor": _encode_cursor(end) if end < len(items) else None,
        }
    )


# Numbers the sandbox organization already has: (number, address, auth_username, memo).
SEEDED: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("0215550101", "sip:pbx.seoul.example:5060", "seoul-hq", "Seoul head office"),
    ("0215550102", "sip:pbx.seoul.example:5060", "seoul-sales", "Sales"),
    ("0315550103", "sip:203.0.113.77", None, "Busan branch (IP auth)"),
    ("0215550104", "sips:sbc.example.net:5061", "night-desk", None),
)


class VoxSandbox:
    def __init__(self) -> None:
        self.numbers: dict[str, dict[str, Any]] = {}
        self.secrets: dict[str, str | None] = {}  # number id -> auth_password, never returned
        self.auth_usernames: dict[str, str | None] = {}  # not part of OrganizationTelephoneNumber either

    def seed(self) -> None:
        for index, (number, address, auth_username, memo) in enumerate(SEEDED):
            when = 1_767_225_600_000 + index * 86_400_000
            record_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"trunkwizard-sandbox/vox/{number}"))
            self.numbers[record_id] = {
                "id": record_id,
                "number": number,
                "provider": "custom",
                "status": "active",
                "start_at": when,
                "created_at": when,
                "updated_at": when,
                "monthly_fee": None,
                "address": address,
                "inbound_trunk_id": f"ST_seed{index:07d}",
                "outbound_trunk_id": f"ST_seed{index + 50:07d}",
                "inbound_agent": None,
                "outbound_agent": None,
                "memo": memo,
                "end_at": None,
                "cancel_requested_at": None,
            }
            self.secrets[record_id] = "Seeded-vox-" + number if auth_username else None
            self.auth_usernames[record_id] = auth_username

    async def update_sip(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        record = self._find(request)
        if is_response(record):
            return record
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return _error(400, "invalid_json", "요청 본문이 올바른 JSON이 아닙니다.")
        if not body:
            return _invalid("body", "empty PATCH body")
        for key in body:
            if key not in ("address", "auth_username", "auth_password", "memo"):
                return _invalid(key, "unknown field")
        if record["provider"] != "custom":
            return _invalid("organization_telephone_number_id", "SIP settings exist on custom numbers only")
        for key, value in body.items():
            if value is not None and not isinstance(value, str):
                return _invalid(key, "must be a string or null")
        if body.get("memo") is not None and len(body["memo"]) > 200:
            return _invalid("memo", "maximum string length is 200")
        # "auth_password must be sent whenever address or auth_username changes" (PATCH sip page)
        known = {"address": record.get("address"), "auth_username": self.auth_usernames.get(record["id"])}
        changes = any(k in body and body[k] != known[k] for k in known)
        if changes and not body.get("auth_password"):
            return _invalid("auth_password", "required when address or auth_username changes")
        for key in ("address", "memo"):
            if key in body:
                record[key] = body[key]
        if "auth_username" in body:
            self.auth_usernames[record["id"]] = body["auth_username"]
        if "auth_password" in body:
            self.secrets[record["id"]] = body["auth_password"]
        record["updated_at"] = _now_ms()
        return reply(record)

    async def agent_versions(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        agent = AGENTS.get(request.path_params["agent_id"])
        if agent is None:
            return _error(404, "not_found", "에이전트를 찾을 수 없습니다.")
        production = agent[2]
        versions = [
            {
                "version": f"v{n}",
                "is_production": n == production,
                "created_at": 1_767_225_600_000 + n,
                "description": f"version {n}",
            }
            for n in range(production + 1, 0, -1)
        ]
        return reply({"versions": versions, "total_count": len(versions)})

    def _denied(self, request: Request) -> Response | None:
        if bearer_of(request) != API_KEY:
            return _error(401, "unauthorized", "유효하지 않은 API 키입니다.")
        return None

    def _find(self, request: Request) -> dict[str, Any] | Response:
        number_id = request.path_params["id"]
        try:
            uuid.UUID(number_id)
        except ValueError:
            return _invalid("organization_telephone_number_id", "must be a UUID")
        record = self.numbers.get(number_id)
        if record is None:
            return _error(404, "not_found", "전화번호를 찾을 수 없습니다.")
        return record

    async def register(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return _error(400, "invalid_json", "요청 본문이 올바른 JSON이 아닙니다.")
        if (problem := _register_problem(body)) is not None:
            return problem
        if any(n["number"] == body["number"] and n["status"] != "expired" for n in self.numbers.values()):
            return _error(409, "conflict", "이미 등록된 전화번호입니다.", "number", "already registered")
        now = _now_ms()
        record = {
            "id": new_uuid(),
            "number": body["number"],
            "provider": "custom",
            "status": "active",
            "start_at": now,
            "created_at": now,
            "updated_at": now,
            "monthly_fee": None,
            "address": body["address"],
            "inbound_trunk_id": f"ST_{uuid.uuid4().hex[:12]}",
            "outbound_trunk_id": f"ST_{uuid.uuid4().hex[:12]}",
            "inbound_agent": None,
            "outbound_agent": None,
            "memo": body.get("memo"),
            "end_at": None,
            "cancel_requested_at": None,
        }
        self.numbers[record["id"]] = record
        self.secrets[record["id"]] = body.get("auth_password")
        self.auth_usernames[record["id"]] = body.get("auth_username")
        return reply(record)

    async def list(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        paging = _page_params(request)
        if is_response(paging):
            return paging
        statuses = request.query_params.getlist("status") or ["active"]
        if any(s not in _STATUSES for s in statuses):
            return _invalid("status", "one of: " + ", ".join(_STATUSES))
        provider = request.query_params.get("provider")
        if provider not in (None, "vox", "custom"):
            return _invalid("provider", "one of: vox, custom")
        order = request.query_params.get("sort_order", "desc")
        if order not in ("asc", "desc"):
            return _invalid("sort_order", "one of: asc, desc")
        items = [
            n
            for n in self.numbers.values()
            if n["status"] in statuses and (provider is None or n["provider"] == provider)
        ]
        # Kept in creation order (sort_by created_at), which also orders numbers of the same millisecond.
        if order == "desc":
            items.reverse()
        return _page(items, *paging)

    async def get(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        record = self._find(request)
        return record if is_response(record) else reply(record)

    async def delete(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        record = self._find(request)
        if is_response(record):
            return record
        if record["status"] == "expired":
            return _error(409, "conflict", "이미 해지된 전화번호입니다.")
        now = _now_ms()
        # A custom number ends at once; a Vox-bought one would end with its billing period.
        record.update(status="expired", end_at=now, cancel_requested_at=now, updated_at=now)
        return reply(
            {
                "id": record["id"],
                "number": record["number"],
                "provider": record["provider"],
                "effective_at": now,
            }
        )

    async def map_agent(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        record = self._find(request)
        if is_response(record):
            return record
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return _error(400, "invalid_json", "요청 본문이 올바른 JSON이 아닙니다.")
        if not body:
            return _invalid("body", "empty PATCH body")
        for key in body:
            if key not in ("inbound_agent", "outbound_agent"):
                return _invalid(key, "unknown field")
        for key, value in body.items():
            if (problem := _agent_problem(key, value)) is not None:
                return problem
        for key, value in body.items():
            record[key] = (
                None if value is None else {**value, "agent_version": value.get("agent_version", "current")}
            )
        record["updated_at"] = _now_ms()
        return reply(record)

    async def agents(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        paging = _page_params(request)
        if is_response(paging):
            return paging
        items = [
            {
                "agent_id": agent_id,
                "name": name,
                "type": kind,
                "created_at": 1_767_225_600_000,
                "updated_at": 1_767_225_600_000,
                "production_version": production,
            }
            for agent_id, (name, kind, production) in AGENTS.items()
        ]
        return _page(items, *paging)


def app(*, seeded: bool = True) -> Starlette:
    from starlette.applications import Starlette
    from starlette.routing import Route

    sandbox = VoxSandbox()
    if seeded:
        sandbox.seed()
    numbers = "/v3/organization-telephone-numbers"
    return Starlette(
        routes=[
            Route("/v3/telephone-numbers/register", sandbox.register, methods=["POST"]),
            Route(numbers, sandbox.list, methods=["GET"]),
            Route(numbers + "/{id}", sandbox.get, methods=["GET"]),
            Route(numbers + "/{id}", sandbox.delete, methods=["DELETE"]),
            Route(numbers + "/{id}/agent", sandbox.map_agent, methods=["PATCH"]),
            Route(numbers + "/{id}/sip", sandbox.update_sip, methods=["PATCH"]),
            Route("/v3/agents", sandbox.agents, methods=["GET"]),
            Route("/v3/agents/{agent_id}/versions", sandbox.agent_versions, methods=["GET"]),
        ]
    )
