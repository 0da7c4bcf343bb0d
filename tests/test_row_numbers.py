"""A row's problem as a person reads it: rows counted from 1, as the form counts them. The core says it
both ways, by label (the wizard: `Outbound caller IDs, row 2, Extension range`) and by wire name (the
command line: `outbound_cid_list, row 2, outbound_cid_to_ext_range`); the Problem keeps the wire path,
counted from 0, for what machines read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.home import private_home
from tests.test_cli_create import trunkwizard, write
from tests.test_provider_yeastar import VALID
from tests.test_rule_sources import WAVIX_ANSWERS
from trunkwizard.client import load_account, prepare
from trunkwizard.fields import describe_path, describe_problem, problem_text
from trunkwizard.providers import get_provider

YEASTAR = get_provider("yeastar")
NO_RANGE = "without its extension range"
PRIVATE = "10.0.0.1 is not a public IPv4 address"


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private_home(tmp_path, monkeypatch)


def _three_caller_ids() -> dict[str, Any]:
    """The second of three caller ID rows is a range without its extension range (an inferred rule)."""
    rows = [
        {
            "outbound_cid_option": "range",
            "outbound_cid": "5503310-5503319",
            "outbound_cid_to_ext_range": "1010-1019",
        },
        {"outbound_cid_option": "range", "outbound_cid": "5503320-5503329"},
        {
            "outbound_cid_option": "range",
            "outbound_cid": "5503330-5503339",
            "outbound_cid_to_ext_range": "1030-1039",
        },
    ]
    return {**VALID["register"], "outbound_cid_list": rows}


def test_the_second_row_is_row_2_by_label_and_by_wire_name() -> None:
    account = load_account(
        YEASTAR, {"base_url": "https://192.0.2.10:8088", "client_id": "c", "client_secret": "s"}
    )
    prepared = prepare(YEASTAR, "register", _three_caller_ids(), account)
    (warning,) = prepared.warnings
    assert warning.field == "outbound_cid_list.1.outbound_cid_to_ext_range", "the path stays the wire's"
    assert NO_RANGE in warning.message
    fields = prepared.mode.fields
    assert problem_text(fields, warning) == f"Outbound caller IDs, row 2, Extension range: {warning.message}"
    (field,) = (f for f in fields if f.wire == "outbound_cid_list")
    assert describe_problem(field, warning) == f"row 2, Extension range: {warning.message}"
    assert str(warning) == f"outbound_cid_list, row 2, outbound_cid_to_ext_range: {warning.message}"
    assert warning.for_script() == str(warning)


def test_rows_inside_rows_are_counted_from_1_at_each_level() -> None:
    fields = YEASTAR.mode("register").fields
    path = "outbound_cid_list.1.ext_list.0.ext_number"
    assert (
        describe_path(fields, path) == "Outbound caller IDs, row 2, Extensions, row 1, Number or group name"
    )
    assert describe_path(fields, "def_outbound_cid") == "Default outbound caller ID"
    assert describe_path(fields, "no_such_field.3") == "no_such_field, row 4", (
        "an unknown name stays as it is"
    )


def test_the_command_line_says_the_row_from_1_and_json_stays_as_it_was(tmp_path: Path) -> None:
    """`trunkwizard create` without --json said `allowed_ips.0.ip` for the answers file's first row."""
    answers = write(
        tmp_path, "a.json", json.dumps({**WAVIX_ANSWERS, "ip_restrict": True, "allowed_ips": ["10.0.0.1"]})
    )
    human = trunkwizard("create", "wavix", "--answers", str(answers), "--dry-run")
    assert human.returncode == 0, human.stderr
    warnings = [line for line in human.stderr.splitlines() if line.startswith("warning: ")]
    said = f"warning: allowed_ips, row 1, ip: {PRIVATE}"
    assert any(line.startswith(said) for line in warnings), human.stderr
    assert "allowed_ips.0" not in human.stderr
    machine = trunkwizard("create", "wavix", "--answers", str(answers), "--dry-run", "--json")
    assert machine.returncode == 0, machine.stderr
    (call,) = json.loads(machine.stdout)["calls"]
    assert call["json"]["allowed_ips"] == [{"ip": "10.0.0.1"}]
