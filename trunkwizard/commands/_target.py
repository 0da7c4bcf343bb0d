"""The account a look-or-change command (list, show, delete) works on, and the read-only rule.

`--profile NAME` (a saved account), `--sandbox` (the embedded emulator, which starts with an account
that has history), or `--sandbox-url URL` (a served one). `--read-only`, or `read_only = true` in the
profile, refuses every write before a request leaves.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from trunkwizard.client import ProviderClient
    from trunkwizard.providers import Provider

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "add_target_arguments", "fail", "open_client", "read_only"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "provider", help="chorus, signalwire, wavix, yeastar or vox (see `trunkwizard providers`)"
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--profile", metavar="NAME", help="a saved account (see `trunkwizard profile list`)")
    target.add_argument(
        "--sandbox", action="store_true", help="use the embedded provider emulator (an account with history)"
    )
    target.add_argument(
        "--sandbox-url",
        metavar="URL",
        help="use a sandbox served by `trunkwizard sandbox serve` (http://127.0.0.1:PORT)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="refuse every change (create, edit, rotate, delete) before any request is sent",
    )
    parser.add_argument(
        "--page-size", type=int, default=100, metavar="N", help="items per page of the provider's listing"
    )


def fail(message: str, code: int = EXIT_FAILED) -> int:
    from trunkwizard.redact import redact

    print(f"trunkwizard: {redact(message)}", file=sys.stderr)
    return code


def read_only(args: argparse.Namespace) -> bool:
    """Whether this run may only look: --read-only, or a profile saved with read_only = true."""
    if args.read_only:
        return True
    return bool(args.profile) and _profile_read_only(args.profile)


def _profile_read_only(name: str) -> bool:
    from trunkwizard.store import ProfileStore

    return ProfileStore().get(name).read_only


@asynccontextmanager
async def open_client(
    provider: Provider,
    args: argparse.Namespace,
    *,
    profile: str | None = None,
    sandbox: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[ProviderClient]:
    """A client for `provider` on the account the arguments name (or on `profile`, the other side's).
    `sandbox`: the in-process emulator to share with another client of the same run (--sandbox)."""
    from trunkwizard.client import ProviderClient, load_account

    transport = None
    ca_file = None
    name = profile or args.profile
    if args.sandbox or args.sandbox_url:
        from trunkwizard.sandbox import IN_PROCESS_ROOT, in_process_transport, sandbox_account

        account = load_account(provider, sandbox_account(provider.key, args.sandbox_url or IN_PROCESS_ROOT))
        if args.sandbox:
            transport = sandbox or in_process_transport()
    elif name:
        from trunkwizard.commands._profiles import account_from_profile, ca_file_of

        account = account_from_profile(provider, name)
        ca_file = ca_file_of(name)
    else:
        raise ValueError("say which account: --profile NAME, --sandbox or --sandbox-url URL")
    in_sandbox = bool(args.sandbox or args.sandbox_url)
    locked = args.read_only or (not in_sandbox and bool(name) and _profile_read_only(name))
    async with ProviderClient(
        provider, account, transport=transport, ca_file=ca_file, read_only=locked
    ) as client:
        yield client
