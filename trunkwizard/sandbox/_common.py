"""Helpers the provider emulators share: JSON bodies, bearer checks, ids and times."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from trunkwizard.nesting import TooDeep, loads_json

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from typing_extensions import TypeIs  # for mypy only (typing.TypeIs is Python 3.13)

__all__ = ["bearer_of", "is_response", "iso_now", "json_body", "new_uuid", "no_content", "reply"]


def reply(body: Any, status: int = 200) -> Response:
    from starlette.responses import JSONResponse  # loaded with the app that serves this (app())

    return JSONResponse(body, status_code=status)


def is_response(value: object) -> TypeIs[Response]:
    """An answer already made (an error), rather than a record to reply with."""
    from starlette.responses import Response

    return isinstance(value, Response)


def no_content() -> Response:
    from starlette.responses import Response

    return Response(status_code=204)


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
