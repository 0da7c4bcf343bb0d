"""What a provider returned, as people read it (trunkwizard.readable): JSON's scalars (`true`, `false`,
`null`, never Python's `True`/`None`), and the fields a provider declares as unix milliseconds (Vox's
`start_at`, seed 004 line 143) as a UTC date-time beside the number. Through the real parts: the sandbox
on loopback, `trunkwizard create` and `show` in a subprocess, whose `--json` keeps the provider's values."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.readable import PYTHON_WORDS
from tests.support.secret_service import PrivateHome
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.editing import Change, edit_form, plan_edit
from trunkwizard.inventory import show
from trunkwizard.providers import all_providers, get_provider
from trunkwizard.readable import epoch_ms_text, returned_text, value_text
from trunkwizard.sandbox import SandboxServer, sandbox_account

ROOT = Path(__file__).resolve().parents[1]
VOX = get_provider("vox")
WAVIX = get_provider("wavix")
# a date-time then the number the provider returned, in brackets
WHEN = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((\d+)\)")

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)


@given(scalars)
def test_a_scalar_reads_as_json_writes_it(value: Any) -> None:
    assert value_text(value) == json.dumps(value)


@given(st.text())
def test_a_string_reads_as_it_is(value: str) -> None:
    assert value_text(value) == value


def test_objects_and_lists_read_as_compact_json() -> None:
    assert value_text({"agent_id": "a", "on": True, "version": None}) == (
        '{"agent_id": "a", "on": true, "version": null}'
    )
    assert value_text(["본사", False]) == '["본사", false]'


def test_unix_milliseconds_read_as_a_utc_date_time_beside_the_number() -> None:
    assert epoch_ms_text(1764460800000) == "2025-11-30 00:00:00 UTC (1764460800000)"
    assert epoch_ms_text(1764460799999) == "2025-11-29 23:59:59 UTC (1764460799999)"


@pytest.mark.parametrize("value", [None, True, "1764460800000", 10**30, [1764460800000]])
def test_what_is_not_unix_milliseconds_is_shown_as_it_is(value: Any) -> None:
    assert epoch_ms_text(value) is None
    assert returned_text(VOX, "start_at", value) == value_text(value)


def test_only_the_fields_the_provider_declares_read_as_times() -> None:
    assert returned_text(VOX, "start_at", 1764460800000) == "2025-11-30 00:00:00 UTC (1764460800000)"
    assert returned_text(VOX, "monthly_fee", 1764460800000) == "1764460800000"
    # Wavix's created_at is an ISO 8601 string it writes itself: not declared, left as it is
    assert returned_text(WAVIX, "created_at", 1764460800000) == "1764460800000"


def test_vox_declares_every_time_of_its_answer() -> None:
    # seed 004: start_at "unix timestamp (ms)" (143), created_at/updated_at "unix milliseconds" (149, 155),
    # end_at (195), cancel_requested_at (200)
    times = {"start_at", "created_at", "updated_at", "end_at", "cancel_requested_at"}
    assert times <= VOX.epoch_ms_fields
    assert {p.key for p in all_providers() if p.epoch_ms_fields} == {"vox"}


# --- through the sandbox on loopback ----------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded_url() -> Iterator[str]:
    """A sandbox of its own: no other test has edited or deleted its seeded numbers."""
    with SandboxServer() as server:
        yield server.url


def _client(provider_key: str, url: str) -> ProviderClient:
    provider = get_provider(provider_key)
    return ProviderClient(provider, load_account(provider, sandbox_account(provider_key, url)), timeout=5.0)


async def test_details_read_times_and_flags_as_people_read_them(seeded_url: str) -> None:
    async with _client("vox", seeded_url) as client:
        number = await show(client, "0215550101")  # the first seeded number: 2026-01-01 00:00 UTC
    fields = dict(number.fields)
    assert fields["start_at"] == "2026-01-01 00:00:00 UTC (1767225600000)"
    assert number.body["start_at"] == 1767225600000  # the answer itself keeps the number
    assert fields["end_at"] == "null" and fields["inbound_agent"] == "null"
    async with _client("wavix", seeded_url) as client:
        trunk = await show(client, "202")
    flags = {k: v for k, v in trunk.fields if isinstance(trunk.body.get(k), bool)}
    assert flags and set(flags.values()) <= {"true", "false"}, trunk.fields
    assert not [f for f in trunk.fields if PYTHON_WORDS.search(f[1])], trunk.fields


def _trunkwizard(home: PrivateHome, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args],
        cwd=ROOT,
        env={**home.env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def _answers(tmp_path: Path, name: str, answers: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def test_create_prints_times_and_flags_as_people_read_them_and_json_keeps_the_values(
    private_home: PrivateHome, sandbox_url: str, tmp_path: Path
) -> None:
    url = ["--sandbox-url", sandbox_url]
    vox = _answers(tmp_path, "vox.json", {"number": "07011119001", "address": "sip:pbx.example.com:5060"})
    printed = _trunkwizard(private_home, "create", "vox", "--answers", vox, *url).stdout
    started = re.search(r"^  start_at: (.*)$", printed, re.MULTILINE)
    assert started is not None and WHEN.fullmatch(started.group(1)), printed

    vox = _answers(tmp_path, "vox2.json", {"number": "07011119002", "address": "sip:pbx.example.com:5060"})
    created = _trunkwizard(private_home, "create", "vox", "--answers", vox, *url, "--json")
    document = json.loads(created.stdout)
    assert isinstance(document["returned"]["start_at"], int) and document["returned"]["end_at"] is None

    wavix = {"label": "Branch", "password": "Xk7#mPq2vL9!", "callerid": "13132847320"}
    path = _answers(tmp_path, "wavix.json", wavix)
    printed = _trunkwizard(private_home, "create", "wavix", "--answers", path, *url).stdout
    assert "  ip_restrict: false" in printed and not PYTHON_WORDS.search(printed), printed
    document = json.loads(
        _trunkwizard(private_home, "create", "wavix", "--answers", path, *url, "--json").stdout
    )
    assert document["returned"]["ip_restrict"] is False


async def test_an_edit_diff_reads_a_flag_as_true_and_false(seeded_url: str) -> None:
    async with _client("wavix", seeded_url) as client:
        trunk = await show(client, "201")
    assert trunk.body["didinfo_enabled"] is False
    edit = plan_edit(WAVIX, trunk, {"didinfo_enabled": True, "password": "Xk7#mPq2vL9!"})
    assert "didinfo_enabled: false -> true" in edit.lines(), edit.lines()


async def test_an_edit_reads_null_as_the_details_do(seeded_url: str) -> None:
    # Found reviewing: the details and the result said `null`, the edit's read-only lines and its diff
    # `(none)` for the same value: two words for one thing.
    async with _client("vox", seeded_url) as client:
        number = await show(client, "0215550101")
    assert number.body["inbound_agent"] is None and dict(number.fields)["inbound_agent"] == "null"
    form = edit_form(get_provider("vox"), number)
    assert form is not None
    read_only = {label: shown for label, shown, _ in form.read_only}
    assert read_only["inbound_agent"] == "null" and read_only["Inbound agent"] == "null", read_only
    assert "(none)" not in read_only.values() and "" not in read_only.values(), read_only

    edit = plan_edit(get_provider("vox"), number, {"memo": None})
    assert "memo: Seoul head office -> null" in edit.lines(), edit.lines()
    # an empty string is not null: it reads as JSON writes it
    assert Change("rewrite_prefix", "", "9").text() == 'rewrite_prefix: "" -> 9'
