"""Helpers the provider emulators share: JSON bodies, bearer checks, ids and times."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from trunkwizard.nesting import TooDeep, loads_json

__all__ = ["bearer_of", "iso_now", "json_body", "new_uuid", "reply"]


def reply(body: Any, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status)


async def json_body(request: Request) -> tuple[Any, bool]:
    """(body, ok): ok is False when the body is not JSON, or nested deeper than any API here accepts
    (the emulator answers 400, as a real API does, never 500)."""
    raw = await request.body()
    try:
        return loads_json(raw or b"null", "the request body"), True
    except (json.JSONDecodeError, UnicodeDecodeError, TooDeep):
        return None, False


def bearer_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def new_uuid() -> str:
    return str(uuid.uuid4())


def iso_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
