"""The outbound proxy and the registrar side by side: a trunk whose registration works but whose calls
fail often has the outbound proxy set on one side only. With a proxy, OPTIONS goes both ways (the
"options" and "proxy" checks); this check says when one path answers and the other does not.
"""

from __future__ import annotations

from collections.abc import Awaitable

from trunkwizard.preflight.model import CheckResult, CheckStatus

__all__ = ["check_paths"]


async def check_paths(direct: Awaitable[CheckResult], proxy: Awaitable[CheckResult]) -> CheckResult:
    direct_result, proxy_result = await direct, await proxy
    direct_ok, proxy_ok = not direct_result.failed, not proxy_result.failed
    if direct_ok and proxy_ok:
        return CheckResult(
            "paths",
            CheckStatus.PASS,
            "both answer: through the outbound proxy and directly",
            outcome="paths-both",
        )
    if proxy_ok:
        return CheckResult(
            "paths",
            CheckStatus.WARN,
            "only the outbound proxy answers; the registrar does not answer directly",
            "set the same outbound proxy on the PBX and at the provider: without it, this side fails",
            outcome="proxy-only",
        )
    if direct_ok:
        return CheckResult(
            "paths",
            CheckStatus.WARN,
            "only the registrar answers directly; the outbound proxy does not",
            "fix the outbound proxy's address, or remove it on both sides",
            outcome="direct-only",
        )
    return CheckResult(
        "paths", CheckStatus.SKIP, "neither path answers: see the two OPTIONS checks", outcome="paths-none"
    )
