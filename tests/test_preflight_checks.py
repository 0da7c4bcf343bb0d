"""`run_checks`: concurrent checks streamed to a callback, one time limit, REGISTER only on request."""

from __future__ import annotations

import asyncio
import logging

import pytest
from pydantic import SecretStr

from tests.support.canary import CANARY
from tests.support.sip import SipPeers
from trunkwizard.preflight import CheckResult, CheckStatus, PreflightTarget, planned_checks, run_checks

pytestmark = pytest.mark.sipp


async def test_results_stream_to_the_callback_as_each_check_ends_and_return_in_plan_order(
    sip_peers: SipPeers,
) -> None:
    registrar = sip_peers.registrar("tw1001", CANARY)
    silent = sip_peers.silent_udp()
    target = PreflightTarget(
        host="127.0.0.1",
        port=registrar.port,
        proxy=f"127.0.0.1:{silent}",
        username="tw1001",
        password=SecretStr(CANARY),
        register=True,
        sip_timeout=1.0,
    )
    heard: list[str] = []

    results = await run_checks(target, on_result=lambda result: heard.append(result.name))

    assert [r.name for r in results] == planned_checks(target)
    assert planned_checks(target) == ["dns", "options", "proxy", "paths", "register", "nat"]
    # The silent proxy holds up the "proxy" check and the REGISTER (which goes via the proxy);
    # the callback heard the quick ones first, without waiting for the slow ones.
    assert heard[:2] == ["dns", "options"]
    assert sorted(heard) == sorted(planned_checks(target))
    statuses = {r.name: r.status for r in results}
    assert statuses == {
        "dns": CheckStatus.PASS,
        "options": CheckStatus.PASS,
        "proxy": CheckStatus.FAIL,
        "paths": CheckStatus.WARN,
        "register": CheckStatus.FAIL,
        "nat": CheckStatus.PASS,
    }


async def test_unfinished_checks_fail_at_the_overall_limit_and_are_still_reported(
    sip_peers: SipPeers,
) -> None:
    silent = sip_peers.silent_udp()
    target = PreflightTarget(host="127.0.0.1", port=silent, sip_timeout=30.0, overall_timeout=0.5)
    heard: list[CheckResult] = []

    async def show(result: CheckResult) -> None:
        heard.append(result)

    dns, options, nat = await run_checks(target, on_result=show)

    assert dns.status is CheckStatus.PASS
    assert options.status is CheckStatus.FAIL
    assert options.summary == "did not finish within the overall limit of 0.5 s"
    assert options.outcome == "overall-timeout" and options.causes
    assert nat.status is CheckStatus.FAIL  # it waited for the OPTIONS answer
    assert [r.name for r in heard] == ["dns", "options", "nat"]


async def test_no_register_is_sent_unless_asked(sip_peers: SipPeers) -> None:
    registrar = sip_peers.registrar("tw1001", CANARY)
    target = PreflightTarget(
        host="127.0.0.1", port=registrar.port, username="tw1001", password=SecretStr(CANARY), sip_timeout=1.0
    )

    results = await run_checks(target)

    assert [r.name for r in results] == ["dns", "options", "nat"]
    assert registrar.received("REGISTER") == []


async def test_a_broken_callback_does_not_stop_the_checks(
    sip_peers: SipPeers, caplog: pytest.LogCaptureFixture
) -> None:
    sipp = sip_peers.options_uas("udp")
    target = PreflightTarget(host="127.0.0.1", port=sipp.port, sip_timeout=1.0)

    def broken(result: CheckResult) -> None:
        raise RuntimeError("display gone")

    with caplog.at_level(logging.ERROR, logger="trunkwizard.preflight"):
        results = await run_checks(target, on_result=broken)

    assert [r.status for r in results] == [CheckStatus.PASS, CheckStatus.PASS, CheckStatus.PASS]
    assert "on_result callback failed" in caplog.text


async def test_cancelling_the_run_stops_every_check(sip_peers: SipPeers) -> None:
    silent = sip_peers.silent_udp()
    target = PreflightTarget(host="127.0.0.1", port=silent, sip_timeout=30.0, overall_timeout=30.0)
    run = asyncio.create_task(run_checks(target))
    await asyncio.sleep(0.2)

    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run

    leftovers = [t for t in asyncio.all_tasks() if t.get_name().startswith("preflight-") and not t.done()]
    assert leftovers == []
