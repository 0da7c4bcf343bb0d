"""For tui_bench.py: one create in a fresh process, timed, through trunkwizard's client or raw httpx.

    python bench/create_once.py client|raw URL N   ->  prints the milliseconds of the one create

URL is a sandbox served on 127.0.0.1 by another process (`trunkwizard sandbox serve`). Both send the
same POST (Chorus number +1415555NNNN, voximplant mode: a new number each run) after an untimed GET
that warms up the connection code of both HTTP stacks, with TLS verification configured as each does
by default (the client: its own context; raw: httpx's). Imports and the server's start are not timed;
the clock runs from making the client to having the response: for `client` that includes validating
the answers (`prepare`), as a script does.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: I001  (after the path: trunkwizard from this checkout)

from trunkwizard.client import ProviderClient, load_account, prepare
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import sandbox_account

async def once(how: str, url: str, run: int) -> float:
    answers = {"provider": "voximplant", "number": f"+1415555{run % 10000:04d}"}
    provider = get_provider("chorus")
    account = load_account(provider, sandbox_account("chorus", url))
    async with httpx.AsyncClient(verify=False) as warm:  # untimed: the server and both HTTP stacks warm up
        await warm.get(provider.base_url(account))
    if how == "raw":
        call = prepare(provider, "voximplant", answers, account).call  # the same request, made untimed
        headers = {"Authorization": f"Bearer {getattr(account, 'api_key').get_secret_value()}"}  # noqa: B009
        started = time.perf_counter()
        async with httpx.AsyncClient(base_url=provider.base_url(account), headers=headers) as raw:
            response = await raw.request(call.method, call.path, json=call.json)
            response.raise_for_status()
        return time.perf_counter() - started
    import phonenumbers  # noqa: F401  imports are not timed (raw's httpx is imported before its clock too)

    started = time.perf_counter()
    prepared = prepare(provider, "voximplant", answers, account)
    async with ProviderClient(provider, account) as client:
        await client.create(prepared)
    return time.perf_counter() - started


def main() -> int:
    how, url, run = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(f"{asyncio.run(once(how, url, run)) * 1000:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
