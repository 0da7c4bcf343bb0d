"""A joined connection whose second half ends with an unknown outcome (Pilot, the embedded sandbox behind
the fault table's faulty front): the PBX's create answers `{}` and applies nothing, so the look-up finds
nothing and the outcome stays unknown. The wizard records it on the first half's history entry, and a
retry from the second form goes through the look-up guard: no second POST before a look-up."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import PrivateHome
from tests.test_fault_table import FaultyFront
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready
from tests.tui.test_connect_two import to_the_joined_review
from trunkwizard.outcome import Verdict
from trunkwizard.sandbox import LazyEmulators, in_process_transport
from trunkwizard.store import HistoryStore
from trunkwizard.tui.screens.connect import ConnectDetailsScreen
from trunkwizard.tui.screens.submit import SubmitScreen


async def test_an_unknown_second_half_is_recorded_and_not_sent_again_without_a_look_up(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path)
    front = FaultyFront(LazyEmulators())
    app._sandbox_transport = in_process_transport(front)  # the app's own sandbox, behind the faulty front
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        review = await to_the_joined_review(keys, {"name": "pair_unknown", "codec_sel": ["ulaw"]})
        second_call = review.plan.calls()[1]
        assert second_call["provider"] == "yeastar" and second_call["method"] == "POST"
        front.create_path = urlsplit(second_call["url"]).path[-20:]
        front.behaviour = "empty-lost"  # the PBX answers {} and creates nothing
        await keys.press("enter")  # sends both, in order
        for _ in range(300):
            if isinstance(app.screen, ConnectDetailsScreen) and app.screen.failed:
                break
            await pilot.pause(0.02)
        form = app.screen
        assert isinstance(form, ConnectDetailsScreen) and form.failed
        assert front.posts == 1
        banner = str(form.query_one("#banner").render())
        assert "this side was not created" in banner and "F6" in banner and "F7" in banner
        # the first half's entry says its second half was sent with an unknown outcome
        noted = ""
        for _ in range(300):
            firsts = [e for e in HistoryStore().entries() if e.connection.get("side") == "first"]
            noted = str(firsts[0].connection.get("failed", {}).get("problem", "")) if firsts else ""
            if "outcome is unknown" in noted:
                break
            await pilot.pause(0.02)
        assert "outcome is unknown: look it up before sending it again" in noted
        everything = [(e.provider, e.outcome, e.connection) for e in HistoryStore().entries()]
        halves = HistoryStore().half_done()
        assert [h.provider for h in halves] == ["wavix"], everything
        unknown = [e for e in HistoryStore().entries() if e.provider == "yeastar"]
        assert [e.outcome for e in unknown] == ["unknown"]

        # a retry, with the answers as they were: the guard stops it before a second POST
        await keys.press("ctrl+n")
        await keys.settle()
        assert getattr(app.screen, "STEP", None) == "review"
        await keys.press("enter")
        for _ in range(300):
            if isinstance(app.screen, SubmitScreen) and app.screen.outcome is not None:
                break
            await pilot.pause(0.02)
        submit = app.screen
        assert isinstance(submit, SubmitScreen) and submit.outcome is not None
        assert submit.outcome.verdict is Verdict.UNKNOWN
        assert "Nothing was sent now" in submit.outcome.message
        assert front.posts == 1, "a second POST went out without a look-up"
        assert not submit.check_action("send_again", ())  # no "send again anyway" before a look-up
        assert submit.check_action("look_up", ())
        # the look-up finds nothing (the PBX applied nothing): only then may it be sent again
        await keys.press("l")
        for _ in range(300):
            if not submit._busy_now() and submit.outcome is not None and submit.outcome.send_again_allowed:
                break
            await pilot.pause(0.02)
        assert submit.outcome is not None and submit.outcome.send_again_allowed, submit.outcome
        assert front.posts == 1
        front.behaviour = "normal"
        await keys.press("s")
        for _ in range(300):
            if app.state.created is not None and app.state.created.ref.provider == "yeastar":
                break
            await pilot.pause(0.02)
        assert app.state.created is not None and app.state.created.ref.provider == "yeastar"
        assert front.posts == 2
    assert_no_leak(CANARY, private_home.scanned_roots())
