"""`trunkwizard rotate PROVIDER ID`: a new password for a trunk, endpoint or number, generated to meet the
documented rules of every side that holds it, set with each provider's documented update.

When the credential is joined to the other side of a connection (recorded in the history by `trunkwizard
connect` or the wizard, or else found by matching the username and host on the other provider's
resources), both sides are updated in one run, the side that checks the password first, and the SIP
check runs afterwards (DNS and OPTIONS; a REGISTER with the new password only with --check-register).
The output says which side holds which password; if the second update fails, --on-failure (or the
prompt on a terminal) retries it or puts the old password back on the first side.

The password is printed only with `--reveal` (once, on stdout). A rotation of one side alone
(--this-side-only, or no other side found) needs --reveal: the new password must reach the other side.
`--dry-run` shows the calls with the password masked and sends nothing. Exit codes as for `create`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

from trunkwizard.commands._target import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_target_arguments, fail

if TYPE_CHECKING:
    import httpx

    from trunkwizard.client import ProviderClient
    from trunkwizard.connect.rotation import JoinedRotation, OtherSide, RotationResult
    from trunkwizard.inventory import Details
    from trunkwizard.providers import Provider

ON_FAILURE = ("ask", "retry", "put-back", "stop")


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.epilog = (
        "When the password is joined to the other side of a connection (recorded by `trunkwizard connect` "
        "or the wizard, else the same username and host at another provider), both sides are updated: "
        "the side that checks the password first, then the side that sends it; then the SIP check. The "
        "output says which side holds which password."
    )
    parser.add_argument(
        "item", metavar="ID", help="the id from `trunkwizard list`, or a number or trunk name"
    )
    parser.add_argument("--reveal", action="store_true", help="print the new password once on stdout")
    parser.add_argument(
        "--dry-run", action="store_true", help="show the calls (password masked); send nothing"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output (one JSON object)")
    parser.add_argument(
        "--this-side-only",
        action="store_true",
        help="rotate this side alone, even when it is joined to another (needs --reveal)",
    )
    parser.add_argument(
        "--other-profile",
        metavar="NAME",
        help="the other side's saved account, when the history does not name it",
    )
    parser.add_argument(
        "--on-failure",
        choices=ON_FAILURE,
        default="ask",
        help="when the second side's update fails: ask (on a terminal; else put-back when the old password "
        "is known, else stop), retry it once, put the old password back on the first side, or stop",
    )
    parser.add_argument(
        "--check-register",
        action="store_true",
        help="after both updates, also REGISTER with the new password (then unregister)",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from trunkwizard.commands._target import read_only
    from trunkwizard.errors import ReadOnlyRefused, TrunkwizardError, ValidationFailed
    from trunkwizard.inventory import listing_of
    from trunkwizard.providers import get_provider

    try:
        provider = get_provider(args.provider)
        listing_of(provider)
        if read_only(args) and not args.dry_run:
            raise ReadOnlyRefused("rotate")
    except KeyError as exc:
        return fail(str(exc.args[0]), EXIT_USAGE)
    except TrunkwizardError as exc:
        return fail(exc.message, EXIT_USAGE)

    try:
        return asyncio.run(_rotate(provider, args))
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(f"invalid: {problem.for_script()}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    except ReadOnlyRefused as exc:
        return fail(exc.message, EXIT_USAGE)
    except TrunkwizardError as exc:
        return fail(exc.message, EXIT_FAILED)


def _sandbox(args: argparse.Namespace) -> httpx.AsyncBaseTransport | None:
    """One in-process emulator for every client of this run (--sandbox), so both sides are the same one."""
    if not args.sandbox:
        return None
    from trunkwizard.sandbox import in_process_transport

    return in_process_transport()


async def _rotate(provider: Provider, args: argparse.Namespace) -> int:
    from trunkwizard.commands._target import open_client
    from trunkwizard.inventory import show

    shared = _sandbox(args)
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(open_client(provider, args, sandbox=shared))
        details = await show(client, args.item, page_size=args.page_size)
        other = (
            None if args.this_side_only else await _other_side(provider, details, client, args, shared, stack)
        )
        if other is None:
            return await _one_side(client, details, args)
        from trunkwizard.providers import get_provider

        other_provider = get_provider(other.provider)
        other_client = await stack.enter_async_context(
            open_client(other_provider, args, profile=other.profile or args.other_profile, sandbox=shared)
        )
        other_details = await show(other_client, other.key, page_size=args.page_size)
        rotation = await _plan(client, details, other_client, other_details, other.found_by)
        clients = [client, other_client]
        if rotation.sides[0].provider.key != provider.key or rotation.sides[0].details.ref != details.ref:
            clients.reverse()
        return await _both_sides(rotation, clients, args)
    return EXIT_FAILED  # unreachable: the stack does not swallow exceptions


async def _other_side(
    provider: Provider,
    details: Details,
    client: ProviderClient,
    args: argparse.Namespace,
    shared: httpx.AsyncBaseTransport | None,
    stack: AsyncExitStack,
) -> OtherSide | None:
    """From the history first; else by username and host on the accounts this run can open: every
    provider that pairs with this one in the sandbox, the --other-profile's otherwise."""
    from trunkwizard.commands._target import open_client
    from trunkwizard.connect.rotation import matched_other_side, pairs_with, recorded_other_side
    from trunkwizard.providers import all_providers
    from trunkwizard.store import HistoryStore

    sandboxed = bool(args.sandbox or args.sandbox_url)
    # the in-process emulator (--sandbox) starts afresh each run: what an earlier run recorded is not there
    entries = [] if args.sandbox else [e for e in HistoryStore().entries() if e.sandbox == sandboxed]
    recorded = recorded_other_side(provider, details.ref, entries)
    if recorded is not None:
        return recorded
    if sandboxed:
        candidates = [p for p in all_providers() if p.listing is not None and pairs_with(provider, p)]
    elif args.other_profile:
        from trunkwizard.store import ProfileStore

        other_key = ProfileStore().get(args.other_profile).provider
        candidates = [p for p in all_providers() if p.key == other_key]
    else:
        return None
    others = {}
    for other in candidates:
        opened = open_client(other, args, profile=args.other_profile, sandbox=shared)
        others[other.key] = await stack.enter_async_context(opened)
    return await matched_other_side(provider, details, client, others)


async def _plan(
    client: ProviderClient,
    details: Details,
    other_client: ProviderClient,
    other_details: Details,
    found_by: str,
) -> JoinedRotation:
    from trunkwizard.connect.rotation import plan_joined_rotation, read_offer_of

    offer = await read_offer_of(client, details) or await read_offer_of(other_client, other_details)
    return plan_joined_rotation(
        details, client.provider, other_details, other_client.provider, found_by=found_by, offer=offer
    )


async def _one_side(client: ProviderClient, details: Details, args: argparse.Namespace) -> int:
    """The rotation of this side alone: the other side must be given the password by hand."""
    from trunkwizard.commands.edit import print_edit
    from trunkwizard.editing import apply_edit, plan_rotation
    from trunkwizard.errors import TrunkwizardError

    provider = client.provider
    if not args.dry_run and not args.reveal:
        return fail(
            "no other side of a connection was found for it (none in the history, no match by username "
            "and host), so the new password must reach the side that uses it by hand: add --reveal to "
            "print it once, or --dry-run to see the call",
            EXIT_USAGE,
        )
    planned, password = plan_rotation(provider, details)
    if args.dry_run:
        print_edit(planned, planned.plan(client.account), None, as_json=args.json, dry_run=True)
        return EXIT_OK
    try:
        await apply_edit(client, planned, action="rotate")
    except TrunkwizardError as exc:
        return fail(
            f"{exc.message}. The {provider.title} side may still hold the old password; the "
            "generated one was not shown. Nothing else was changed.",
            EXIT_FAILED,
        )
    print(password.get_secret_value())
    print(
        f"trunkwizard: {provider.title} now holds the new password for {details.ref.id}; the "
        "side that registers with it still holds the old one until you set it there.",
        file=sys.stderr,
    )
    return EXIT_OK


def _say(line: str = "") -> None:
    from trunkwizard.redact import redact

    print(redact(line), file=sys.stderr)


async def _both_sides(
    rotation: JoinedRotation, clients: list[ProviderClient], args: argparse.Namespace
) -> int:
    from trunkwizard.connect.rotation import RotationState, run_rotation

    if args.dry_run:
        return _print_dry_run(rotation, clients, args)
    for line in rotation.lines():
        _say(line)
    _say()
    result = await run_rotation(rotation, clients)
    failed = ""
    if result.state is RotationState.FIRST_ONLY:
        failed = result.error
        result = await _way_back(result, clients, args)
    if result.state is RotationState.PUT_BACK:
        _say(f"Undone: the old password is back on {rotation.sides[0].name}; nothing else changed.")
    elif result.error and result.error != failed:
        _say(f"Stopped: {result.error}")
    for line in result.holds():
        _say(line)
    if args.json:
        import json

        document = {
            "outcome": result.state.value,
            "sides": [
                {"provider": s.provider.key, "id": s.details.ref.id, "role": s.role} for s in rotation.sides
            ],
            "holds": result.holds(),
            "error": result.error,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    if args.reveal and result.state in (RotationState.BOTH, RotationState.FIRST_ONLY):
        print(rotation.password.get_secret_value())
    if result.state is RotationState.FIRST_ONLY:
        for line in result.way_back():
            _say(f"  {line}")
        if not args.reveal:
            _say(
                "The new password was not shown (add --reveal next time); rotate again to set one both "
                "sides get, or put a password you know on each side."
            )
        return EXIT_FAILED
    if result.state is not RotationState.BOTH:
        return EXIT_FAILED
    return await _check(rotation, args)


async def _way_back(
    result: RotationResult, clients: list[ProviderClient], args: argparse.Namespace
) -> RotationResult:
    """After the second update failed: retry it, put the old password back on the first side, or stop."""
    from trunkwizard.connect.rotation import put_back, retry_rest

    _say(f"The second update failed: {result.error}")
    choice = args.on_failure
    known = result.rotation.old_password is not None
    if choice == "ask":
        choice = _ask(result) if sys.stdin.isatty() else ("put-back" if known else "stop")
    if choice == "retry":
        _say("Retrying the second update with the same new password…")
        return await retry_rest(result, clients)
    if choice == "stop":
        return result
    if choice == "put-back":
        if not known:
            _say("The old password is unknown (neither side returns it): it cannot be put back.")
            return result
        _say(f"Putting the old password back on {result.rotation.sides[0].name}…")
        return await put_back(result, clients[0])
    return result


def _ask(result: RotationResult) -> str:
    for line in result.holds():
        _say(line)
    for line in result.way_back():
        _say(f"  {line}")
    known = result.rotation.old_password is not None
    prompt = "r retries, " + ("b puts the old password back, " if known else "") + "s stops: "
    answer = input(prompt).strip().lower()[:1]
    return {"r": "retry", "b": "put-back" if known else "stop"}.get(answer, "stop")


def _print_dry_run(rotation: JoinedRotation, clients: list[ProviderClient], args: argparse.Namespace) -> int:
    import json

    calls = []
    for side, client in zip(rotation.sides, clients, strict=True):
        calls += [
            {"provider": side.provider.key, "role": side.role, **preview.as_dict()}
            for preview in side.edit.plan(client.account).previews
        ]
    if args.json:
        print(json.dumps({"why": rotation.why, "found_by": rotation.found_by, "calls": calls}, indent=2))
        return EXIT_OK
    for line in rotation.lines():
        print(line)
    for n, call in enumerate(calls, start=1):
        print(f"\ncall {n} of {len(calls)} · {call['provider']} ({call['role']})")
        print(f"{call['method']} {call['url']}")
        if call["json"] is not None:
            print(json.dumps(call["json"], indent=2, ensure_ascii=False))
    return EXIT_OK


async def _check(rotation: JoinedRotation, args: argparse.Namespace) -> int:
    """The SIP check of the connection with the new password (the existing preflight checks)."""
    from trunkwizard.commands.check import _print_result
    from trunkwizard.preflight import CheckStatus, run_checks

    plan = rotation.check_plan()
    if plan is None:
        _say("No SIP check: the registrar side offers nothing to check.")
        return EXIT_OK
    if (args.sandbox or args.sandbox_url) and (reason := plan.sandbox_refusal()) is not None:
        _say(f"SIP check of {plan.address}: not run in the sandbox ({reason}).")
        return EXIT_OK
    register = bool(args.check_register)
    what = "DNS, OPTIONS and REGISTER with the new password" if register else "DNS and OPTIONS"
    _say(f"SIP check of {plan.address}: {what}" + ("" if register else " (--check-register adds a REGISTER)"))
    results = await run_checks(plan.target(register=register))
    with contextlib.redirect_stdout(sys.stderr):  # stdout holds only the password (--reveal) or JSON
        for result in results:
            _print_result(result, verbose=False)
    return EXIT_FAILED if any(r.status is CheckStatus.FAIL for r in results) else EXIT_OK
