"""Every request the sandbox gets in the tests, checked against the official OpenAPI documents.

`SpecCheck` is ASGI middleware around the sandbox app. For a request to a Wavix or SignalWire operation
the official document declares, it validates the path parameters and the JSON body (Draft 2020-12,
OpenAPI's int32/int64 formats) and the answer. These outcomes are violations:
- the sandbox answers 5xx (the emulator crashed);
- the document refuses the request and the sandbox accepts it (2xx/3xx): the emulator is looser than
  the provider, so a sandbox run would hide a mismatch;
- the answer is not one the document declares for the operation: a status it does not list, or a body
  its response schema refuses (a required property missing, a type wrong, a property it does not know),
  or a body where it declares none. Our client's parsing would pass against such an emulator and fail
  against the provider.
A request the document allows may still be refused for what only the account knows (a caller ID that
is not on the account, a username taken): that is the provider's right, not a violation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from tests.support.openapi import _document, schema_errors, schema_validator
from trunkwizard.nesting import loads_json

__all__ = [
    "DOCUMENTS",
    "DeclaredResponse",
    "Operation",
    "SpecCheck",
    "load_documents",
    "operation_for",
    "response_problems",
    "spec_problems",
]

# sandbox mount -> the provider's official document in ../shared/openapi/
DOCUMENTS = {
    "wavix": "wavix-api.yaml",
    "signalwire": "signalwire-fabric-subscribers-sip-endpoints.openapi.yaml",
}
_METHODS = ("get", "put", "post", "delete", "patch")


def load_documents() -> None:
    for document in DOCUMENTS.values():
        _operations(document)


@dataclass(frozen=True)
class DeclaredResponse:
    """One entry of an operation's `responses`: a status code, a range ("4XX") or "default"."""

    code: str
    schema: str | None  # JSON pointer of its application/json schema
    content: bool  # False: the document declares no body at all (204 "There is no content")


@dataclass(frozen=True)
class Operation:
    document: str
    template: str
    method: str
    pattern: re.Pattern[str]
    parameters: tuple[tuple[str, str], ...]  # (path parameter name, JSON pointer of its schema)
    body: str | None  # JSON pointer of the application/json request body schema
    responses: tuple[DeclaredResponse, ...]

    def declared(self, status: int) -> DeclaredResponse | None:
        """The response the document declares for `status`: the exact code before its range before
        "default" (OAS 3.1, Responses Object)."""
        for kind in (str(status), f"{status // 100}XX", "default"):
            for response in self.responses:
                if response.code.upper() == kind.upper():
                    return response
        return None

    def answer_problems(self, status: int, content_type: str, raw: bytes) -> list[str]:
        """What the document refuses in the answer the emulator gave."""
        response = self.declared(status)
        if response is None:
            codes = ", ".join(r.code for r in self.responses)
            return [f"HTTP {status} is not a status the document declares (it declares {codes})"]
        if not response.content:
            return [] if not raw else [f"HTTP {status} declares no body, the sandbox sent {len(raw)} bytes"]
        if response.schema is None:
            return []  # content the document gives in some other media type: not ours to read
        if content_type.split(";")[0].strip().lower() != "application/json":
            return [f"HTTP {status} declares application/json, the sandbox sent {content_type or 'none'!r}"]
        try:
            body = loads_json(raw)
        except ValueError:
            return [f"HTTP {status}: the body is not JSON"]
        return [
            f"HTTP {status} {e}"
            for e in schema_errors(schema_validator(self.document, response.schema), body)
        ]

    def problems(self, path: str, body: Any) -> list[str]:
        match = self.pattern.fullmatch(path)
        assert match is not None
        found: list[str] = []
        for name, pointer in self.parameters:
            value: Any = match.group(name)
            validator = schema_validator(self.document, pointer)
            if (
                validator.schema
                and _is_integer_schema(self.document, pointer)
                and re.fullmatch(r"-?\d+", value)
            ):
                value = int(value)
            found += [f"path {name}: {e}" for e in schema_errors(validator, value)]
        if self.body is not None:
            if body is _NO_JSON:
                found.append("(body): not JSON")
            else:
                found += schema_errors(schema_validator(self.document, self.body), body)
        return found


_NO_JSON = object()


def _is_integer_schema(document: str, pointer: str) -> bool:
    node = _resolve(document, pointer)
    while isinstance(node, dict) and "$ref" in node:
        node = _resolve(document, node["$ref"])
    return isinstance(node, dict) and node.get("type") == "integer"


def _resolve(document: str, pointer: str) -> Any:
    node: Any = _document(document)
    for part in pointer.removeprefix("#/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _declared_responses(document: str, base: str, operation: dict[str, Any]) -> tuple[DeclaredResponse, ...]:
    declared: list[DeclaredResponse] = []
    for code, response in operation.get("responses", {}).items():
        declared.append(_response_at(document, f"{base}/{code}", str(code), response))
    secured = operation.get("security", _document(document).get("security"))
    unauthorized = _shared_unauthorized(document)
    if secured and unauthorized is not None and not any(r.code == "401" for r in declared):
        # The document is not consistent here: Wavix puts every operation behind bearerAuth and declares
        # 401 UnauthorizedErrorResponse on most trunk operations, but lists no 401 on GET /v1/trunks/{id}
        # or GET /v1/profile/config. A key refused there is the same 401 as on their siblings.
        declared.append(unauthorized)
    return tuple(declared)


def _response_at(document: str, pointer: str, code: str, response: dict[str, Any]) -> DeclaredResponse:
    if "$ref" in response:  # "#/components/responses/NotFoundErrorResponse"
        pointer, response = response["$ref"], _resolve(document, response["$ref"])
    content = response.get("content", {})
    schema = f"{pointer}/content/application~1json/schema" if "application/json" in content else None
    return DeclaredResponse(code, schema, bool(content))


@cache
def _shared_unauthorized(document: str) -> DeclaredResponse | None:
    """The 401 the document's operations declare, when every one that declares a 401 refers to the same
    shared response (Wavix's #/components/responses/UnauthorizedErrorResponse)."""
    refs = {
        response.get("$ref")
        for item in _document(document)["paths"].values()
        for method, operation in item.items()
        if method in _METHODS
        for code, response in operation.get("responses", {}).items()
        if str(code) == "401"
    }
    if len(refs) != 1 or None in refs:
        return None
    ref = refs.pop()
    return _response_at(document, ref, "401", {"$ref": ref})


@cache
def _operations(document: str) -> tuple[Operation, ...]:
    spec = _document(document)
    found: list[Operation] = []
    for template, item in spec["paths"].items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            base = f"#/paths/{_escape(template)}"
            parameters: list[tuple[str, str]] = []
            declared = [(f"{base}/parameters/{i}", p) for i, p in enumerate(item.get("parameters", []))]
            declared += [
                (f"{base}/{method}/parameters/{i}", p) for i, p in enumerate(operation.get("parameters", []))
            ]
            for pointer, parameter in declared:
                if "$ref" in parameter:
                    pointer, parameter = parameter["$ref"], _resolve(document, parameter["$ref"])
                if parameter.get("in") == "path" and "schema" in parameter:
                    parameters.append((parameter["name"], f"{pointer}/schema"))
            body = None
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = f"{base}/{method}/requestBody/content/application~1json/schema"
            regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            responses = _declared_responses(document, f"{base}/{method}/responses", operation)
            found.append(
                Operation(
                    document, template, method.upper(), re.compile(regex), tuple(parameters), body, responses
                )
            )
    # literal paths before templated ones: /subscribers before /subscribers/{id}
    return tuple(sorted(found, key=lambda o: o.template.count("{")))


def operation_for(mount: str, method: str, path: str) -> Operation | None:
    document = DOCUMENTS.get(mount)
    if document is None:
        return None
    for operation in _operations(document):
        if operation.method == method and operation.pattern.fullmatch(path):
            return operation
    return None


def spec_problems(mount: str, method: str, path: str, raw_body: bytes) -> list[str] | None:
    """What the official document refuses in this request; None when it declares no such operation."""
    operation = operation_for(mount, method, path)
    if operation is None:
        return None
    body: Any = None
    if operation.body is not None:
        try:
            # the nesting limit the sandbox reads with: json.loads alone raises RecursionError (not a
            # ValueError) on a deep body, depending on how deep the stack already is
            body = loads_json(raw_body) if raw_body else _NO_JSON
        except ValueError:
            body = _NO_JSON
    return operation.problems(path, body)


def response_problems(
    mount: str, method: str, path: str, status: int, content_type: str, raw_body: bytes
) -> list[str] | None:
    """What the official document refuses in this answer; None when it declares no such operation."""
    operation = operation_for(mount, method, path)
    if operation is None:
        return None
    return operation.answer_problems(status, content_type, raw_body)


class SpecCheck:
    """ASGI middleware: records a violation whenever the sandbox crashes, accepts what the spec refuses,
    or answers what the spec does not declare."""

    def __init__(self, app: Any, violations: list[str]) -> None:
        self.app = app
        self.violations = violations

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        mount, _, rest = scope["path"].lstrip("/").partition("/")
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}
            following: dict[str, Any] = await receive()
            return following

        status = 0
        content_type = ""
        answer: list[bytes] = []

        async def watch(message: dict[str, Any]) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        content_type = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                answer.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay, watch)
        where = f"{scope['method']} {scope['path']}"
        if status >= 500:
            self.violations.append(f"{where}: the sandbox answered HTTP {status}")
            return
        problems = spec_problems(mount, scope["method"], "/" + rest, raw)
        if problems and status < 400:
            self.violations.append(
                f"{where}: the official document refuses it ({'; '.join(problems)[:300]}) but the sandbox "
                f"answered HTTP {status}"
            )
        wrong = response_problems(mount, scope["method"], "/" + rest, status, content_type, b"".join(answer))
        if wrong:
            self.violations.append(
                f"{where}: the sandbox's answer is not what the official document declares: "
                f"{'; '.join(wrong)[:400]}"
            )
