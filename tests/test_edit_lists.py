"""List fields in an edit, over real loopback HTTP: a list the provider's update takes (Yeastar's DID
list: trunk/update takes any create field; Wavix's allowed IPs: the PUT takes the create body) is in the
edit form, filled from the get call as the row editor holds it; the whole list is sent only when a row
changed, and the provider holds the new list afterwards."""

from __future__ import annotations

from typing import Any

from tests.support.canary import CANARY
from tests.test_editing import _client, served  # noqa: F401  (the fixture)
from trunkwizard.editing import apply_edit, edit_form, plan_edit
from trunkwizard.inventory import show
from trunkwizard.providers import get_provider

YEASTAR, WAVIX = get_provider("yeastar"), get_provider("wavix")
SEEDED_DIDS = [{"did": "4155550111", "did_name": "Main line"}, {"did": "4155550112", "did_name": "Sales"}]


async def test_a_did_list_is_edited_in_the_form_and_sent_whole(served: Any) -> None:  # noqa: F811
    server, recorder, _, pbx = served
    async with _client("yeastar", server.url) as client:
        trunk = await show(client, "Carrier_Main")
        form = edit_form(YEASTAR, trunk)
        assert form is not None
        assert "did_list" in {f.wire for f in form.fields}
        assert all(label != "DID list" for label, _, _ in form.read_only)
        assert form.values["did_list"] == SEEDED_DIDS
        # untouched, the list is not sent
        assert "did_list" not in form.changes(dict(form.values))
        answers = {**form.values, "did_list": [SEEDED_DIDS[1], {"did": "4155550113"}]}
        changes = form.changes(answers)
        assert changes == {"did_list": [SEEDED_DIDS[1], {"did": "4155550113"}]}
        edit = plan_edit(YEASTAR, trunk, changes)
        assert edit.call.json == {"id": 11, "did_list": changes["did_list"]}
        after = await apply_edit(client, edit)
    assert pbx.trunks[11]["did_list"] == [SEEDED_DIDS[1], {"did": "4155550113"}]
    assert after.body["did_list"] == pbx.trunks[11]["did_list"]
    assert len(recorder.writes) == 1


async def test_wavix_allowed_ips_are_edited_and_the_put_carries_them(served: Any) -> None:  # noqa: F811
    server, _, trunks, _ = served
    trunks.trunks[202].update(ip_restrict=True, allowed_ips=[{"id": 6712, "ip": "198.51.100.7"}])
    async with _client("wavix", server.url) as client:
        trunk = await show(client, "202")
        form = edit_form(WAVIX, trunk)
        assert form is not None and form.values["allowed_ips"] == [{"ip": "198.51.100.7"}]
        answers = {**form.values, "allowed_ips": [{"ip": "198.51.100.7"}, {"ip": "198.51.100.8"}]}
        changes = {**form.changes(answers), "password": CANARY}
        edit = plan_edit(WAVIX, trunk, changes)
        assert edit.call.json is not None and edit.call.json["allowed_ips"] == answers["allowed_ips"]
        # the diff shows the addresses, not the id the get call gives each row ("1 row: 6712 -> ...")
        assert "allowed_ips: 1 row: 198.51.100.7 -> 2 rows: 198.51.100.7, 198.51.100.8" in edit.lines()
        await apply_edit(client, edit)
    assert [item["ip"] for item in trunks.trunks[202]["allowed_ips"]] == ["198.51.100.7", "198.51.100.8"]


def test_a_list_change_reads_as_rows_not_as_a_repr() -> None:
    from trunkwizard.editing import Change

    change = Change("did_list", SEEDED_DIDS, [{"did": "4155550113"}])
    shown = "did_list: 2 rows: 4155550111 · Main line, 4155550112 · Sales -> 1 row: 4155550113"
    assert change.text() == shown
    assert Change("did_list", None, []).text() == "did_list: null -> 0 rows"


async def test_a_renamed_did_shows_in_the_diff(served: Any) -> None:  # noqa: F811
    """Only a DID's name changed: the diff read "1 row: X -> 1 row: X" (each row by its first value)."""
    server, _, _, _ = served
    async with _client("yeastar", server.url) as client:
        trunk = await show(client, "Carrier_Main")
    renamed = [{"did": "4155550111", "did_name": "Head office"}, SEEDED_DIDS[1]]
    edit = plan_edit(YEASTAR, trunk, {"did_list": renamed})
    assert edit.lines()[0] == (
        "did_list: 2 rows: 4155550111 · Main line, 4155550112 · Sales -> "
        "2 rows: 4155550111 · Head office, 4155550112 · Sales"
    )


async def test_the_password_a_put_needs_again_is_required_in_the_edit_form(served: Any) -> None:  # noqa: F811
    """Wavix's PUT needs the password every time: its edit form says so (required, no "unchanged");
    a partial update (Yeastar's) keeps the password when it is left empty."""
    server, _, _, _ = served
    async with _client("wavix", server.url) as client:
        form = edit_form(WAVIX, await show(client, "202"))
    assert form is not None
    (password,) = [f for f in form.fields if f.wire == "password"]
    assert password.required and password.placeholder == ""
    async with _client("yeastar", server.url) as client:
        pbx_form = edit_form(YEASTAR, await show(client, "Carrier_Main"))
    assert pbx_form is not None
    (kept,) = [f for f in pbx_form.fields if f.wire == "password"]
    assert not kept.required and kept.placeholder == "unchanged"
