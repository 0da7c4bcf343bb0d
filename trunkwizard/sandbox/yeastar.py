"""Emulator of the Yeastar P-Series OpenAPI v1.0 (seed 003 and the developer guide), not of our models.

Documented behaviour: `POST get_token` with the Client ID/Secret as `username`/`password` answers
`access_token` (30 min) and `refresh_token` (24 h); `POST refresh_token`; `GET del_token`. Every other
call carries `?access_token=`; an expired token answers errcode 10004. Every call needs a User-Agent
header. Five failed logins in a row block the client IP (errcode 70004) until an admin removes it.
Everything answers HTTP 200 with `errcode`/`errmsg`; 40002 lists `invalid_param_list`, 40003
`duplicate_field_list`. Trunks: create, list, search, get, delete (GET).

Inferred, marked so: the errcode for a missing User-Agent (10005) or a missing/unknown token (10004),
that unknown body keys are refused (40002), that an enabled outbound proxy needs its server, and the
trunk status values given to new trunks. `trunk/update` takes `id` and any create field, all optional
(developer guide "Edit a SIP trunk"); `trunk/itsp_list` answers `total_number` and `data: [{id, country,
name}]` ("Query ITSP of SIP trunks"). The PBX of `app()` starts with trunks (`SEEDED`), one whose
registration fails (status 41), so inventory and edits can be tried. The clock and token lifetimes
are settable so tests can expire a token without waiting.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trunkwizard.sandbox._common import is_response, json_body, reply

if TYPE_CHECKING:  # starlette is imported when an emulator is served (app()), not to read its account
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "YeastarSandbox", "account", "app"]

CLIENT_ID = "sandbox-yeastar-client-id"
CLIENT_SECRET = "sandbox-yeastar-client-secret"
MAX_FAILED_LOGINS = 5

_CODECS = [
    "ulaw",
    "alaw",
    "g729",
    "gsm",
    "h264",
    "h263",
    "h263p",
    "ilbc",
    "g722",
    "g726",
    "speex",
    "adpcm",
    "mpeg4",
    "vp8",
    "opus",
]
_PEER_CODECS = tuple(c for c in _CODECS if c != "mpeg4")
_TRANSPORTS = ("udp", "tcp", "tls", "dnsnaptr")

_COMMON: dict[str, type] = {
    "name": str,
    "enable": int,
    "country": str,
    "itsp": str,
    "type": str,
    "transport": str,
    "codec_sel": str,
    "def_outbound_cid": str,
    "def_outbound_cid_name": str,
    "outbound_cid_list": list,
}
# Per trunk type: every field of the seed's table with its type, and the required ones.
_FIELDS: dict[str, dict[str, type]] = {
    "register": {
        **_COMMON,
        "hostname": str,
        "port": int,
        "domain": str,
        "username": str,
        "password": str,
        "auth_name": str,
        "enb_outbound_proxy": int,
        "outbound_proxy_server": str,
        "outbound_proxy_port": int,
        "did_list": list,
    },
    "peer": {**_COMMON, "hostname": str, "port": int, "domain": str, "did_list": list},
    "account": {**_COMMON, "number": str, "password": str, "auth_name": str},
}
_REQUIRED = {
    "register": (
        [
            "name",
            "country",
            "type",
            "transport",
            "hostname",
            "port",
            "domain",
            "username",
            "password",
            "auth_name",
            "codec_sel",
        ]
    ),
    "peer": ["name", "country", "type", "transport", "hostname", "port", "domain", "codec_sel"],
    "account": ["name", "country", "type", "transport", "number", "password", "auth_name", "codec_sel"],
}
_CID_FIELDS: dict[str, type] = {
    "outbound_cid_option": str,
    "outbound_cid": str,
    "outbound_cid_name": str,
    "outbound_cid_to_ext_range": str,
    "ext_list": list,
}
_EXT_FIELDS: dict[str, type] = {"type": str, "ext_number": str, "ext_name": str, "id": int}
_DID_FIELDS: dict[str, type] = {"did": str, "did_name": str}
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")

_ERRMSG = {
    0: "SUCCESS",
    -1: "FAILURE",
    10001: "INTERFACE NOT EXISTED",
    10004: "TOKEN EXPIRED",
    10005: "ACCESS DENIED",
    40001: "PARAMETER SYNTAX ERROR",
    40002: "PARAMETER ERROR",
    40003: "DUPLICATE KEY VALUE",
    60001: "DATA NOT FOUND",
    70004: "ACCOUNT IP BLOCKED",
}


def account(root: str) -> dict[str, Any]:
    return {"base_url": f"{root}/yeastar", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


def _answer(errcode: int, **extra: Any) -> Response:
    return reply({"errcode": errcode, "errmsg": _ERRMSG.get(errcode, "FAILURE"), **extra})


def _is_host(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        pass
    labels = value.rstrip(".").split(".")
    return bool(value) and all(_LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def _strong(password: str) -> bool:
    return (
        len(password) >= 10
        and any(c.isdigit() for c in password)
        and any(c.isupper() for c in password)
        and any(c.islower() for c in password)
    )


def _type_ok(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


class _Problems:
    """invalid_param_list entries; like the PBX, each echoes the value it refused."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, field: str, value: Any, validation_type: str) -> None:
        self.items.append({"field": field, "value": value, "validation_type": validation_type})

    def check_types(self, body: dict[str, Any], fields: Mapping[str, type], prefix: str = "") -> None:
        for key, value in body.items():
            expected = fields.get(key)
            if expected is None:
                self.add(prefix + key, value, "unsupported")  # [inferred] unknown keys are refused
            elif value is not None and not _type_ok(value, expected):
                self.add(prefix + key, value, f"type {expected.__name__}")

    def required(self, body: dict[str, Any], names: list[str], prefix: str = "") -> None:
        for name in names:
            if body.get(name) in (None, ""):
                self.add(prefix + name, body.get(name), "required")


def _trunk_problems(body: dict[str, Any]) -> list[dict[str, Any]]:
    problems = _Problems()
    kind = body.get("type")
    if kind not in _FIELDS:
        problems.add("type", kind, "enum register|peer|account")
        return problems.items
    problems.check_types(body, _FIELDS[kind])
    problems.required(body, _REQUIRED[kind])
    if problems.items:
        return problems.items
    # The name's length and characters are stated only for CSV import, not for trunk/create: not refused.
    transports = _TRANSPORTS if kind != "account" else _TRANSPORTS[:3]
    if body["transport"] not in transports:
        problems.add("transport", body["transport"], "enum " + "|".join(transports))
    codecs = body["codec_sel"].split(",")
    allowed = _PEER_CODECS if kind == "peer" else _CODECS
    if not all(codec in allowed for codec in codecs):
        problems.add("codec_sel", body["codec_sel"], "enum " + "|".join(allowed))
    for flag in ("enable", "enb_outbound_proxy"):
        if flag in body and body[flag] not in (0, 1):
            problems.add(flag, body[flag], "enum 0|1")
    for port in ("port", "outbound_proxy_port"):
        if port in body and not 1 <= body[port] <= 65535:
            problems.add(port, body[port], "range 1-65535")
    for host in ("hostname", "domain", "outbound_proxy_server"):
        if body.get(host) and not _is_host(body[host]):
            problems.add(host, body[host], "domain or IP address")
    # The guide states the password rule on the register trunk only.
    if kind == "register" and not _strong(body["password"]):
        problems.add("password", body["password"], "numbers, uppercase and lowercase letters, min length 10")
    for index, entry in enumerate(body.get("outbound_cid_list") or []):
        _caller_id_problems(problems, entry, f"outbound_cid_list[{index}].")
    for index, entry in enumerate(body.get("did_list") or []):
        prefix = f"did_list[{index}]."
        if not isinstance(entry, dict):
            problems.add(prefix.rstrip("."), entry, "object")
            continue
        problems.check_types(entry, _DID_FIELDS, prefix)
        problems.required(entry, ["did"], prefix)
    return problems.items


def _caller_id_problems(problems: _Problems, entry: Any, prefix: str) -> None:
    if not isinstance(entry, dict):
        problems.add(prefix.rstrip("."), entry, "object")
        return
    problems.check_types(entry, _CID_FIELDS, prefix)
    problems.required(entry, ["outbound_cid_option", "outbound_cid"], prefix)
    option = entry.get("outbound_cid_option")
    if option not in (None, "", "range", "shared"):
        problems.add(prefix + "outbound_cid_option", option, "enum range|shared")
    # seed 003 lines 90 and 92 mark outbound_cid_to_ext_range and ext_list "No": never refused here
    for index, ext in enumerate(entry.get("ext_list") or []):
        ext_prefix = f"{prefix}ext_list[{index}]."
        if not isinstance(ext, dict):
            problems.add(ext_prefix.rstrip("."), ext, "object")
            continue
        problems.check_types(ext, _EXT_FIELDS, ext_prefix)
        if ext.get("type") not in (None, "extension", "ext_group"):
            problems.add(ext_prefix + "type", ext.get("type"), "enum extension|ext_group")
        # The table marks id required; the guide's own example names the group by ext_number only.
        if ext.get("id") is None and not ext.get("ext_number"):
            problems.add(ext_prefix + "id", None, "required")


# Trunks the sandbox PBX already has: (id, trunk/list status, trunk/create body). Status codes from the
# trunk/list page: 1 idle, 3 SIP idle and unmonitored, 41 registration failed, 42 unreachable.
SEEDED: tuple[tuple[int, int, dict[str, Any]], ...] = (
    (
        11,
        1,
        {
            "name": "Carrier_Main",
            "enable": 1,
            "country": "general",
            "itsp": "",
            "type": "register",
            "transport": "udp",
            "hostname": "sip.carrier.example",
            "port": 5060,
            "domain": "sip.carrier.example",
            "username": "100200",
            "password": "Seeded0Main0Pass",
            "auth_name": "100200",
            "codec_sel": "ulaw,alaw,g729",
            "def_outbound_cid": "+14155550111",
            "did_list": [
                {"did": "4155550111", "did_name": "Main line"},
                {"did": "4155550112", "did_name": "Sales"},
            ],
        },
    ),
    (
        12,
        41,
        {
            "name": "Carrier_Backup",
            "enable": 1,
            "country": "general",
            "itsp": "",
            "type": "register",
            "transport": "udp",
            "hostname": "backup.carrier.example",
            "port": 5060,
            "domain": "backup.carrier.example",
            "username": "100201",
            "password": "Seeded0Backup0Pass",
            "auth_name": "100201",
            "codec_sel": "ulaw,alaw",
            "def_outbound_cid": "",
        },
    ),
    (
        13,
        3,
        {
            "name": "Office_Peer",
            "enable": 1,
            "country": "general",
            "itsp": "",
            "type": "peer",
            "transport": "udp",
            "hostname": "203.0.113.50",
            "port": 5060,
            "domain": "203.0.113.50",
            "codec_sel": "ulaw,alaw",
        },
    ),
    (
        14,
        42,
        {
            "name": "Old_Gateway",
            "enable": 1,
            "country": "general",
            "itsp": "",
            "type": "peer",
            "transport": "tcp",
            "hostname": "gw.old.example",
            "port": 5080,
            "domain": "gw.old.example",
            "codec_sel": "ulaw",
        },
    ),
    (
        15,
        43,
        {
            "name": "Remote_Branch",
            "enable": 1,
            "country": "general",
            "itsp": "",
            "type": "account",
            "transport": "udp",
            "number": "branch7",
            "password": "Seeded0Branch0Pass",
            "auth_name": "branch7",
            "codec_sel": "ulaw,alaw",
        },
    ),
)
# trunk/itsp_list of the sandbox PBX (the guide's example entry first).
ITSPS: tuple[dict[str, Any], ...] = (
    {"id": 65, "country": "Germany", "name": "Deutsche Telefon Standard"},
    {"id": 66, "country": "Germany", "name": "Sipgate"},
    {"id": 80, "country": "United Kingdom", "name": "Gamma"},
    {"id": 91, "country": "United States", "name": "Twilio Elastic SIP"},
    {"id": 92, "country": "United States", "name": "SignalWire"},
)


@dataclass
class _Token:
    owner: str
    expires: float


@dataclass
class YeastarSandbox:
    """One PBX: its tokens, its login counters and its trunks. Times come from `clock` (seconds)."""

    clock: Callable[[], float] = time.monotonic
    access_token_lifetime: int = 1800
    refresh_token_lifetime: int = 86400
    logins: int = 0
    failed_logins: dict[str, int] = field(default_factory=dict)
    blocked_ips: set[str] = field(default_factory=set)
    access_tokens: dict[str, _Token] = field(default_factory=dict)
    refresh_tokens: dict[str, _Token] = field(default_factory=dict)
    trunks: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 19
    # trunk/list status of a trunk, when it is not the one a new trunk gets
    statuses: dict[int, int] = field(default_factory=dict)

    def seed(self) -> None:
        for trunk_id, status, body in SEEDED:
            self.trunks[trunk_id] = {"id": trunk_id, **body}
            self.statuses[trunk_id] = status

    # --- gatekeeping ---------------------------------------------------------------------------------

    @staticmethod
    def _ip(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def _refused(self, request: Request) -> Response | None:
        """The checks every call passes first: User-Agent, blocked IP."""
        if not request.headers.get("user-agent"):
            return _answer(10005, submsg="User-Agent header required")  # [inferred] errcode
        if self._ip(request) in self.blocked_ips:
            return _answer(70004)
        return None

    def _token_refused(self, request: Request) -> Response | None:
        if (refused := self._refused(request)) is not None:
            return refused
        token = self.access_tokens.get(request.query_params.get("access_token", ""))
        if token is None or token.expires <= self.clock():
            return _answer(10004)
        return None

    def _issue_tokens(self, owner: str) -> dict[str, Any]:
        now = self.clock()
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access_tokens[access] = _Token(owner, now + self.access_token_lifetime)
        self.refresh_tokens[refresh] = _Token(owner, now + self.refresh_token_lifetime)
        return {
            "access_token_expire_time": self.access_token_lifetime,
            "access_token": access,
            "refresh_token_expire_time": self.refresh_token_lifetime,
            "refresh_token": refresh,
        }

    # --- token endpoints -------------------------------------------------------------------------------

    async def get_token(self, request: Request) -> Response:
        if (refused := self._refused(request)) is not None:
            return refused
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return _answer(40001)
        self.logins += 1
        ip = self._ip(request)
        if body.get("username") == CLIENT_ID and body.get("password") == CLIENT_SECRET:
            self.failed_logins[ip] = 0
            return _answer(0, **self._issue_tokens(CLIENT_ID))
        self.failed_logins[ip] = self.failed_logins.get(ip, 0) + 1
        if self.failed_logins[ip] >= MAX_FAILED_LOGINS:
            self.blocked_ips.add(ip)
        return _answer(-1, invalid_param_list=[{"field": "username or password", "value": "error"}])

    async def refresh_token(self, request: Request) -> Response:
        if (refused := self._refused(request)) is not None:
            return refused
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return _answer(40001)
        token = self.refresh_tokens.pop(str(body.get("refresh_token", "")), None)
        if token is None or token.expires <= self.clock():
            return _answer(10004)
        return _answer(0, **self._issue_tokens(token.owner))

    async def del_token(self, request: Request) -> Response:
        if (refused := self._token_refused(request)) is not None:
            return refused
        self.access_tokens.pop(request.query_params["access_token"], None)
        return _answer(0)

    # --- trunks ------------------------------------------------------------------------------------------

    async def create(self, request: Request) -> Response:
        if (refused := self._token_refused(request)) is not None:
            return refused
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return _answer(40001)
        problems = _trunk_problems(body)
        if problems:
            return _answer(40002, invalid_param_list=problems)
        if any(trunk["name"] == body["name"] for trunk in self.trunks.values()):
            return _answer(
                40003,
                duplicate_field_list=[
                    {
                        "field": "name",
                        "value": body["name"],
                        "external_source": "trunk",
                        "external_source_name": body["name"],
                    }
                ],
            )
        trunk_id = self.next_id
        self.next_id += 1
        self.trunks[trunk_id] = {"id": trunk_id, **body}
        return _answer(0, id=trunk_id)

    def _summary(self, trunk: dict[str, Any]) -> dict[str, Any]:
        kind = trunk["type"]
        # [inferred] a new trunk: register trunks are registering, account trunks wait for a device
        status = self.statuses.get(trunk["id"], {"register": 4, "peer": 3, "account": 43}[kind])
        item = {
            "id": trunk["id"],
            "status": status if trunk.get("enable", 1) == 1 else 44,
            "name": trunk["name"],
            "type": kind,
            "host_port": f"{trunk['hostname']}:{trunk['port']}" if "hostname" in trunk else "",
            "def_outbound_cid": trunk.get("def_outbound_cid", ""),
        }
        if kind in ("register", "account"):
            item["username"] = trunk.get("username") or trunk.get("number", "")
        return item

    def _page(self, request: Request, trunks: list[dict[str, Any]]) -> Response:
        query = request.query_params
        page, size = query.get("page", "1"), query.get("page_size", "20")
        if not page.isdigit() or not size.isdigit() or int(page) < 1 or int(size) < 1:
            return _answer(40002, invalid_param_list=[{"field": "page", "value": page}])
        sort_by = query.get("sort_by", "id")
        if sort_by not in ("id", "name", "type", "host_port", "def_outbound_cid", "username"):
            return _answer(40002, invalid_param_list=[{"field": "sort_by", "value": sort_by}])
        items = sorted(
            (self._summary(t) for t in trunks),
            key=lambda item: str(item.get(sort_by, "")) if sort_by != "id" else item["id"],
            reverse=query.get("order_by", "asc") == "desc",
        )
        start = (int(page) - 1) * int(size)
        return _answer(0, total_number=len(items), data=items[start : start + int(size)])

    async def list(self, request: Request) -> Response:
        if (refused := self._token_refused(request)) is not None:
            return refused
        return self._page(request, list(self.trunks.values()))

    async def search(self, request: Request) -> Response:
        if (refused := self._token_refused(request)) is not None:
            return refused
        needle = request.query_params.get("search_value", "").lower()
        found = [
            trunk
            for trunk in self.trunks.values()
            if any(needle in str(v).lower() for v in self._summary(trunk).values() if isinstance(v, str))
        ]
        return self._page(request, found)

    def _trunk_of(self, request: Request) -> dict[str, Any] | Response:
        raw = request.query_params.get("id", "")
        if not raw.isdigit():
            return _answer(40002, invalid_param_list=[{"field": "id", "value": raw}])
        trunk = self.trunks.get(int(raw))
        return trunk if trunk is not None else _answer(60001)

    async def get(self, request: Request) -> Response:
        if (refused := self._token_refused(request)) is not None:
            return refused
        trunk = self._trunk_of(request)
        if is_response(trunk):
            return trunk
        # Like the PBX, trunk/get returns every field, the password in clear text included.
        return _answer(0, data=trunk)

    async def delete(self, request: Request) -> Response:
        if (refused := self._token_refused(request)) is not None:
            return refused
        trunk = self._trunk_of(request)
        if is_response(trunk):
            return trunk
        del self.trunks[trunk["id"]]
        return _answer(0)

    async def update(self, request: Request) -> Response:
        if (refused := self._token_refused(request)) is not None:
            return refused
        body, ok = await json_body(request)
        if not ok or not isinstance(body, dict):
            return _answer(40001)
        raw = body.get("id")
        if not isinstance(raw, int) or isinstance(raw, bool):
            return _answer(
                40002, invalid_param_list=[{"field": "id", "value": raw, "validation_type": "required"}]
            )
        trunk = self.trunks.get(raw)
        if trunk is None:
            return _answer(60001)
        changes = {k: v for k, v in body.items() if k != "id"}
        if changes.get("type", trunk["type"]) != trunk["type"]:
            return _answer(40002, invalid_param_list=[{"field": "type", "value": changes["type"]}])
        # Every create rule holds for the trunk as it would be after the change.
        problems = [
            p
            for p in _trunk_problems({**{k: v for k, v in trunk.items() if k != "id"}, **changes})
            if p["field"].split("[")[0].split(".")[0] in changes
        ]
        if problems:
            return _answer(40002, invalid_param_list=problems)
        name = changes.get("name")
        if name and any(t["name"] == name and t["id"] != raw for t in self.trunks.values()):
            return _answer(40003, duplicate_field_list=[{"field": "name", "value": name}])
        trunk.update(changes)
        if {"password", "username", "auth_name", "hostname", "port"} & set(changes):
            self.statuses.pop(raw, None)  # re-registering with what changed
        return _answer(0)

    async def itsp_list(self, request: Request) -> Response:
        if (refused := self._token_refused(request)) is not None:
            return refused
        return _answer(0, total_number=len(ITSPS), data=list(ITSPS))

    async def unknown(self, request: Request) -> Response:
        if (refused := self._refused(request)) is not None:
            return refused
        return _answer(10001)


def app(sandbox: YeastarSandbox | None = None, *, seeded: bool = True) -> Starlette:
    from starlette.applications import Starlette
    from starlette.routing import Route

    pbx = sandbox
    if pbx is None:
        pbx = YeastarSandbox()
        if seeded:
            pbx.seed()
    base = "/openapi/v1.0"
    every_method = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    return Starlette(
        routes=[
            Route(f"{base}/get_token", pbx.get_token, methods=["POST"]),
            Route(f"{base}/refresh_token", pbx.refresh_token, methods=["POST"]),
            Route(f"{base}/del_token", pbx.del_token, methods=["GET"]),
            Route(f"{base}/trunk/create", pbx.create, methods=["POST"]),
            Route(f"{base}/trunk/list", pbx.list, methods=["GET"]),
            Route(f"{base}/trunk/search", pbx.search, methods=["GET"]),
            Route(f"{base}/trunk/get", pbx.get, methods=["GET"]),
            Route(f"{base}/trunk/delete", pbx.delete, methods=["GET"]),
            Route(f"{base}/trunk/update", pbx.update, methods=["POST"]),
            Route(f"{base}/trunk/itsp_list", pbx.itsp_list, methods=["GET"]),
            Route("/{path:path}", pbx.unknown, methods=every_method),
        ]
    )
