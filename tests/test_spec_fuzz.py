"""Fuzz the sandbox and the client together from the official Wavix and SignalWire documents.

Bodies come from the documents' own schemas (`from_schema`, for the JSON Schema these two documents use)
and from mutations of them (a
value of another type, a required key dropped, an unknown key added); answers come from the forms'
fields. Whatever is drawn, the sandbox never answers 5xx and never accepts a request the document
refuses (tests/support/spec_check.py), and what our validation accepts is a body the document accepts.

Budget: 60 examples per test in CI, derandomized (the same each run, about 10 s for the file); by hand,
`TRUNKWIZARD_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_spec_fuzz.py` draws afresh.
"""

from __future__ import annotations

import copy
import json
import os
import warnings
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.openapi import _document
from tests.support.spec_check import SpecCheck, operation_for, spec_problems
from trunkwizard.errors import ValidationFailed
from trunkwizard.fields import FormField, Kind, check_answers, wire_body
from trunkwizard.providers import all_providers, get_provider
from trunkwizard.sandbox import create_app, sandbox_account
from trunkwizard.sandbox import signalwire as signalwire_emulator
from trunkwizard.sandbox import wavix as wavix_emulator

if TYPE_CHECKING:
    from starlette.testclient import TestClient

EXAMPLES = int(os.environ.get("TRUNKWIZARD_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    # CI runs the same examples every time (no flaky red); a run by hand with a budget draws afresh
    derandomize="TRUNKWIZARD_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

WAVIX_CREATE = ("wavix", "/v1/trunks")
SUBSCRIBER = str(signalwire_emulator.SUBSCRIBERS[0]["id"])
SIGNALWIRE_CREATE = ("signalwire", f"/api/fabric/resources/subscribers/{SUBSCRIBER}/sip_endpoints")
HEADERS = {
    "wavix": {"Authorization": f"Bearer {wavix_emulator.API_KEY}"},
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[TestClient, list[str]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "install httpx2" (Starlette): httpx is what we have
        from starlette.testclient import TestClient
    violations: list[str] = []
    app = create_app()
    app.add_middleware(SpecCheck, violations=violations)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client, violations


def _auth(mount: str) -> dict[str, str]:
    if mount == "signalwire":
        import base64

        account = sandbox_account("signalwire", "http://127.0.0.1")
        token = base64.b64encode(f"{account['project_id']}:{account['api_token']}".encode()).decode()
        return {"Authorization": f"Basic {token}"}
    return HEADERS[mount]


def _inline(document: str, node: Any, seen: tuple[str, ...] = ()) -> Any:
    """The schema with its $refs written out, for hypothesis-jsonschema (which resolves none)."""
    if isinstance(node, dict):
        if "$ref" in node and node["$ref"] not in seen:
            target: Any = _document(document)
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _inline(document, target, (*seen, node["$ref"]))
        out = {k: _inline(document, v, seen) for k, v in node.items() if k not in ("examples", "example")}
        if out.get("unevaluatedProperties") == {"not": {}}:
            del out["unevaluatedProperties"]
            out["additionalProperties"] = False  # the same here: no allOf adds properties at this level
        return out
    if isinstance(node, list):
        return [_inline(document, item, seen) for item in node]
    return node


def _body_schema(mount: str, path: str) -> dict[str, Any]:
    operation = operation_for(mount, "POST", path)
    assert operation is not None and operation.body is not None
    node: Any = _document(operation.document)
    for part in operation.body.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/")]
    schema: dict[str, Any] = _inline(operation.document, node)
    # OpenAPI int32 (the generator knows no formats): keep drawn integers to the format's range
    for prop in schema.get("properties", {}).values():
        if prop.get("format") == "int32":
            prop.setdefault("minimum", -(2**31))
            prop.setdefault("maximum", 2**31 - 1)
    return schema


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values a schema accepts, for the keywords these request bodies use (hypothesis-jsonschema does
    not run with the Hypothesis we install)."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "allOf" in schema:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            merged = {**part, **merged}
        return from_schema(merged)
    kinds = schema.get("type", "object")
    if isinstance(kinds, list):
        return st.one_of([from_schema({**schema, "type": kind}) for kind in kinds])
    if kinds == "null":
        return st.none()
    if kinds == "boolean":
        return st.booleans()
    if kinds == "integer":
        return st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
    if kinds == "number":
        return st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6, allow_nan=False)
    if kinds == "string":
        if schema.get("format") == "uuid":
            return st.uuids().map(str)
        return st.text(max_size=24) | st.sampled_from(["13132847320", "+14632322867", "93.184.216.34", "1"])
    if kinds == "array":
        return st.lists(from_schema(schema.get("items", {})), max_size=3)
    properties: dict[str, Any] = schema.get("properties", {})
    required = [k for k in schema.get("required", []) if k in properties]
    optional = {k: from_schema(v) for k, v in properties.items() if k not in required}
    return st.fixed_dictionaries({k: from_schema(properties[k]) for k in required}, optional=optional)


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def bodies(draw: st.DrawFn, schema: dict[str, Any]) -> Any:
    """A body the schema accepts, or one mutated so that it (probably) does not."""
    body = draw(from_schema(schema))
    mutation = draw(st.sampled_from(["none", "retype", "drop", "extra", "int32"]))
    if not isinstance(body, dict) or mutation == "none":
        return body
    body = copy.deepcopy(body)
    keys = sorted(body)
    if mutation == "retype" and keys:
        body[draw(st.sampled_from(keys))] = draw(ANY_JSON)
    elif mutation == "drop" and keys:
        del body[draw(st.sampled_from(keys))]
    elif mutation == "extra":
        body[draw(st.text(min_size=1, max_size=12))] = draw(ANY_JSON)
    elif mutation == "int32":
        ints = [k for k, v in schema.get("properties", {}).items() if v.get("format") == "int32"]
        if ints:
            body[draw(st.sampled_from(ints))] = draw(st.sampled_from([2**31, -(2**31) - 1, 2**63]))
    return body


def _send(client: TestClient, mount: str, path: str, body: Any) -> int:
    response = client.post(f"/{mount}{path}", content=json.dumps(body), headers=_auth(mount))
    status: int = response.status_code
    return status


@pytest.mark.parametrize("target", [WAVIX_CREATE, SIGNALWIRE_CREATE], ids=["wavix", "signalwire"])
def test_the_sandbox_never_crashes_nor_accepts_what_the_spec_refuses(
    target: tuple[str, str], sandbox: tuple[TestClient, list[str]]
) -> None:
    client, violations = sandbox
    mount, path = target
    schema = _body_schema(mount, path)

    @FUZZ
    @given(body=bodies(schema))
    def run(body: Any) -> None:
        _send(client, mount, path, body)
        found = violations[:]
        violations.clear()
        assert not found, found

    run()


# --- the client's side: answers drawn from the form, validated by our rules, sent to the sandbox ---------


def _value(field: FormField) -> st.SearchStrategy[Any]:
    examples = [v for v in (field.placeholder, field.default) if v not in (None, "", [])]
    if field.kind is Kind.TOGGLE:
        return st.booleans()
    if field.kind is Kind.INTEGER:
        return st.integers(min_value=-(2**40), max_value=2**40) | st.sampled_from(
            [0, 1, 2, 3600, 2**31 - 1, 2**31]
        )
    if field.kind is Kind.NUMBER:
        return st.decimals(
            allow_nan=False, allow_infinity=False, places=2, min_value=-10, max_value=10**6
        ).map(Decimal)
    if field.kind in (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.ORDERED_CHOICE) and field.choices:
        values = [c.value for c in field.choices]
        if field.kind is Kind.CHOICE:
            return st.sampled_from(values)
        return st.lists(st.sampled_from(values), unique=True, max_size=3)
    if field.kind is Kind.ROWS:
        row = st.fixed_dictionaries({r.wire: _value(r) for r in field.rows})
        return st.lists(row, min_size=1, max_size=2)
    texts = st.text(max_size=16) | st.from_regex(r"[0-9]{1,15}", fullmatch=True)
    addresses = st.sampled_from(["93.184.216.34", "10.0.0.5", "2001:db8::1", "not an ip", "+14632322867"])
    return (st.sampled_from(examples) if examples else texts) | texts | addresses


def answers_for(fields: tuple[FormField, ...], fixed: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    drawn = {f.wire: _value(f) for f in fields if f.wire not in fixed and f.location == "body"}
    optional = {wire: strategy | st.none() for wire, strategy in drawn.items()}
    required = {wire: st.just(value) for wire, value in fixed.items()}
    return st.fixed_dictionaries(required, optional=optional).map(
        lambda a: {k: v for k, v in a.items() if v is not None}
    )


CLIENT_TARGETS = {
    "wavix": ("sip-trunk", {"callerid": "13132847320"}, WAVIX_CREATE),
    "signalwire": (
        "sip-endpoint",
        {"fabric_subscriber_id": SUBSCRIBER, "password": "p4ss", "password_confirmation": "p4ss"},
        SIGNALWIRE_CREATE,
    ),
}


@pytest.mark.parametrize("provider_key", list(CLIENT_TARGETS))
def test_what_our_rules_accept_the_spec_and_the_sandbox_accept(
    provider_key: str, sandbox: tuple[TestClient, list[str]]
) -> None:
    client, violations = sandbox
    mode_key, fixed, (mount, path) = CLIENT_TARGETS[provider_key]
    model = get_provider(provider_key).mode(mode_key).model
    fields = get_provider(provider_key).mode(mode_key).fields

    @FUZZ
    @given(answers=answers_for(fields, fixed))
    def run(answers: dict[str, Any]) -> None:
        try:
            request, _ = check_answers(model, answers)
        except ValidationFailed:
            return  # a documented rule refused it: nothing is sent
        body = wire_body(request, reveal=True)
        legacy = bool(answers.get("legacy_api_fields"))
        problems = spec_problems(mount, "POST", path, json.dumps(body).encode())
        if not legacy:
            assert problems == [], (answers, problems)
        status = _send(client, mount, path, body)
        found = violations[:]
        violations.clear()
        assert status < 500 and not found, found
        if not legacy:
            # refused only for what the account knows: its numbers and limits, a username taken
            assert status in (200, 201, 422), (status, body)

    run()


def test_the_spec_check_catches_a_sandbox_that_accepts_everything() -> None:
    """The check itself can fail: an emulator that says yes to a body the spec refuses is reported."""

    async def yes(request: Request) -> JSONResponse:
        return JSONResponse({"id": 1}, status_code=201)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    violations: list[str] = []
    loose = Starlette(routes=[Route("/wavix/v1/trunks", yes, methods=["POST"])])
    loose.add_middleware(SpecCheck, violations=violations)
    with TestClient(loose, base_url="http://127.0.0.1") as client:
        client.post("/wavix/v1/trunks", json={"label": "x"})
    assert "'password' is a required property" in violations[0]
    # and its answer is no SIPTrunkResponse (tests/test_spec_answers.py checks answers on their own)
    assert len(violations) == 2 and "HTTP 201 (body): 'name' is a required property" in violations[1]


def test_the_spec_check_reads_a_deep_body_as_no_json() -> None:
    """A body nested past Python's recursion limit is not JSON the spec could check, never a crash of the
    check (it made test_the_sandbox_answers_a_deep_body_with_4xx_not_500 fail now and then)."""
    deep = b"[" * 100_000 + b"]" * 100_000
    assert spec_problems("wavix", "POST", "/v1/trunks", deep)


async def test_the_wizards_in_process_sandbox_is_checked_too() -> None:
    """--sandbox in the TUI and the CLI builds each provider's emulator with create_app on its first
    request (LazyEmulators): in the tests every one of them carries the check."""
    import httpx

    from trunkwizard.sandbox import in_process_transport

    transport = in_process_transport()
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.invalid") as client:
        await client.get("/wavix/v1/trunks")
    built: dict[str, Any] = transport.app._apps  # type: ignore[attr-defined]
    assert list(built) == ["wavix"]
    assert any(m.cls is SpecCheck for m in built["wavix"].user_middleware)


RAW_LIBRARY_WORDS = ("Input should", "Value error", "String should", "must match ^", "type=", "pydantic")


@pytest.mark.parametrize(
    ("provider_key", "mode_key"),
    [(p.key, m.key) for p in all_providers() for m in p.modes],
)
def test_every_message_is_in_the_technicians_words(provider_key: str, mode_key: str) -> None:
    """Whatever is typed, a problem or a warning says what to type, never the library's own text."""
    mode = get_provider(provider_key).mode(mode_key)

    anything = {f.wire: _value(f) | ANY_JSON for f in mode.fields if f.location == "body"}

    @FUZZ
    @given(answers=st.fixed_dictionaries({}, optional=anything))
    def run(answers: dict[str, Any]) -> None:
        try:
            _, warnings = check_answers(mode.model, answers)
            messages = [w.message for w in warnings]
        except ValidationFailed as failure:
            messages = [p.message for p in (*failure.problems, *failure.warnings)]
        for message in messages:
            assert not any(words in message for words in RAW_LIBRARY_WORDS), message

    run()
