"""Validators for request bodies against the providers' official OpenAPI documents in ../shared/openapi/."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# CI checks shared/ out beside the clone, as here: /work/main and /work/shared.
OPENAPI_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "openapi"


@cache
def _document(name: str) -> dict[str, Any]:
    with (OPENAPI_DIR / name).open(encoding="utf-8") as handle:
        # libyaml's loader when present: the Wavix document takes seconds with the pure-Python one
        document: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return document


# OpenAPI's integer formats (OAS 3.1 "Data Types"): a value outside them is refused, as a server that
# validates the document refuses it. JSON Schema alone treats `format` as an annotation.
OPENAPI_FORMATS = FormatChecker()


def _integer_within(bits: int) -> Callable[[object], bool]:
    def holds(value: object) -> bool:
        return (
            not isinstance(value, int)
            or isinstance(value, bool)
            or -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)
        )

    return holds


OPENAPI_FORMATS.checks("int32")(_integer_within(32))
OPENAPI_FORMATS.checks("int64")(_integer_within(64))

# The answers' formats (created_at, links.next): jsonschema checks these only with optional packages
# (rfc3339-validator, rfc3987) that we do not install; a client that parses them must get what they say.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


@OPENAPI_FORMATS.checks("date-time", raises=ValueError)
def _rfc3339_date_time(value: object) -> bool:
    """RFC 3339 section 5.6 date-time: a full date, T, a full time and an offset."""
    if not isinstance(value, str):
        return True
    if _RFC3339.fullmatch(value) is None:
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # a real date and time, or ValueError
    return True


@OPENAPI_FORMATS.checks("uri")
def _absolute_uri(value: object) -> bool:
    """RFC 3986 URI (not a relative reference): a scheme, then no space."""
    return not isinstance(value, str) or re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", value) is not None


def schema_validator(document_name: str, pointer: str) -> Draft202012Validator:
    """A Draft 2020-12 validator for the schema at `pointer` ("#/components/schemas/X"), refs resolved
    within the same document, OpenAPI's int32/int64 formats checked."""
    uri = f"urn:trunkwizard:openapi:{document_name}"
    resource = Resource.from_contents(_document(document_name), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(uri, resource)
    return Draft202012Validator(
        {"$ref": f"{uri}{pointer}"}, registry=registry, format_checker=OPENAPI_FORMATS
    )


def request_body_pointer(document_name: str, path: str, method: str) -> str:
    """The JSON pointer of an operation's application/json request body schema."""
    operation = _document(document_name)["paths"][path][method]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    ref = schema.get("$ref")
    assert isinstance(ref, str) and ref.startswith("#/"), schema
    return ref


def schema_errors(validator: Draft202012Validator, body: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(body)'}: {e.message}"
        for e in validator.iter_errors(body)
    ]
