"""Run the preflight checks concurrently under one time limit, reporting each as it finishes."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from trunkwizard.preflight.dns import DnsLookups, check_dns
from trunkwizard.preflight.model import CheckResult, CheckStatus, PreflightTarget
from trunkwizard.preflight.nat import Echoes, check_nat
from trunkwizard.preflight.options import check_options
from trunkwizard.preflight.paths import check_paths
from trunkwizard.preflight.register import check_register
from trunkwizard.redact import redact

__all__ = ["OnResult", "planned_checks", "run_checks", "run_checks_sync"]

log = logging.getLogger("trunkwizard.preflight")

OnResult = Callable[[CheckResult], Awaitable[None] | None]
"""Called once per check as it finishes; may be a plain function or a coroutine function."""


def planned_checks(target: PreflightTarget) -> list[str]:
    """The checks `run_checks` will run for `target`, in result order (a UI can show placeholders)."""
    names = ["dns", "options"]
    if target.proxy:
        names += ["proxy", "paths"]
    if target.register:
        names.append("register")
    names.append("nat")
    return names


async def _deliver(on_result: OnResult | None, result: CheckResult) -> None:
    if on_result is None:
        return
    try:
        outcome = on_result(result)
        if inspect.isawaitable(outcome):
            await outcome
    except Exception:
        # A broken display must not stop the other checks; the result is still returned.
        log.exception("the on_result callback failed for the %s check", result.name)


async def run_checks(target: PreflightTarget, *, on_result: OnResult | None = None) -> list[CheckResult]:
    """Run DNS, OPTIONS (direct, and via the proxy when set) and REGISTER (only when `target.register`),
    then judge from their answers whether the two paths agree and whether NAT or a SIP ALG is on the way.

    Every check runs at once; `on_result` hears each as it ends. After `target.overall_timeout`
    seconds the unfinished ones are cancelled and reported as failed. The list comes back in the
    order of `planned_checks`. Only the target host (and the proxy) are contacted.
    """
    lookups = DnsLookups(target)
    echoes = Echoes([name for name in planned_checks(target) if name in ("options", "proxy", "register")])
    loop = asyncio.get_running_loop()
    # The paths check compares the two OPTIONS checks once both have ended.
    finished: dict[str, asyncio.Future[CheckResult]] = {
        "options": loop.create_future(),
        "proxy": loop.create_future(),
    }
    jobs: dict[str, Coroutine[Any, Any, CheckResult]] = {
        "dns": check_dns(target, lookups),
        "options": check_options(target, lookups, echoes=echoes),
    }
    if target.proxy:
        jobs["proxy"] = check_options(target, lookups, via_proxy=True, echoes=echoes)
        jobs["paths"] = check_paths(finished["options"], finished["proxy"])
    if target.register:
        jobs["register"] = check_register(target, lookups, echoes=echoes)
    jobs["nat"] = check_nat(echoes)
    results: dict[str, CheckResult] = {}

    async def run_one(name: str, job: Coroutine[Any, Any, CheckResult]) -> None:
        try:
            result = await job
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("the %s check crashed", name)
            result = CheckResult(
                name,
                CheckStatus.FAIL,
                f"the check stopped unexpectedly: {redact(str(exc)) or type(exc).__name__}",
                "this is a bug in trunkwizard; please report it with the log",
                outcome="crash",
            )
        results[name] = result
        if name in finished:
            finished[name].set_result(result)
        await _deliver(on_result, result)

    tasks = [asyncio.create_task(run_one(name, job), name=f"preflight-{name}") for name, job in jobs.items()]
    try:
        await asyncio.wait(tasks, timeout=target.overall_timeout)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        lookups.cancel()

    for name in jobs:
        if name not in results:
            results[name] = CheckResult(
                name,
                CheckStatus.FAIL,
                f"did not finish within the overall limit of {target.overall_timeout:g} s",
                "raise the time limit, or look at the other checks for a slow DNS or a silent host",
                (),
                target.overall_timeout * 1000,
                outcome="overall-timeout",
            )
            await _deliver(on_result, results[name])
    return [results[name] for name in jobs]


def run_checks_sync(
    target: PreflightTarget, *, on_result: Callable[[CheckResult], None] | None = None
) -> list[CheckResult]:
    """`run_checks` for callers without an event loop (the CLI)."""
    return asyncio.run(run_checks(target, on_result=on_result))
