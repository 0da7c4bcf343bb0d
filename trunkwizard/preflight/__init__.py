"""SIP preflight: check that a trunk's host answers SIP, and optionally that its credentials register.

Asyncio, no Textual: the wizard runs `run_checks` in a worker and streams each `CheckResult` as it
arrives; `trunkwizard check` prints them. Only the host (and outbound proxy) the user entered are
contacted, one request per check, with an honest `User-Agent: trunkwizard/<version>`.

    target = PreflightTarget(host="pbx.example.com", transport="tls", ca_file="/path/ca.pem")
    results = await run_checks(target, on_result=show)
"""

from __future__ import annotations

from trunkwizard.preflight.checks import OnResult, planned_checks, run_checks, run_checks_sync
from trunkwizard.preflight.dns import DnsLookups, Route, check_dns, plan_route
from trunkwizard.preflight.message import USER_AGENT
from trunkwizard.preflight.model import (
    CHECK_TITLES,
    CheckResult,
    CheckStatus,
    PreflightTarget,
    Transport,
    split_host_port,
)
from trunkwizard.preflight.options import check_options
from trunkwizard.preflight.register import TEST_BINDING_SECONDS, check_register

__all__ = [
    "CHECK_TITLES",
    "TEST_BINDING_SECONDS",
    "USER_AGENT",
    "CheckResult",
    "CheckStatus",
    "DnsLookups",
    "OnResult",
    "PreflightTarget",
    "Route",
    "Transport",
    "check_dns",
    "check_options",
    "check_register",
    "plan_route",
    "planned_checks",
    "run_checks",
    "run_checks_sync",
    "split_host_port",
]
