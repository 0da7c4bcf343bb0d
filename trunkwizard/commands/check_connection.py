"""The SIP check of a joined connection from the command line: `trunkwizard connect ... --check` right
after connecting, and `trunkwizard check --connection ENTRY` for one in the history.

Both ends, as the wizard's check after the second result (`connect.joined.connection_check_plans`): the
registrar (or address) the first side offered, with the account it offered, then the second side's own
SIP peers (its request's hosts; one the offer filled is the same peer, checked once). Each plan runs the
preflight (DNS, OPTIONS, NAT; a REGISTER only when asked) and prints what was checked, what passed, and
for a failure why and what to try. In the sandbox a provider's real server is never contacted: the plan
says so and is skipped.

Exit status as for `check`: 0 nothing failed, 1 a check failed, 2 usage (or the REGISTER refused).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwizard.connect import Offer
    from trunkwizard.preflight import CheckResult
    from trunkwizard.providers import Provider, SipCheckPlan
    from trunkwizard.store import HistoryEntry

__all__ = ["CheckedPlan", "ConnectionCheck", "run_connection_check", "run_from_history"]

SANDBOX_SKIP = "not contacted: in the sandbox nothing exists at the provider, and this is its real server"
SANDBOX_OFF_MACHINE = "not contacted: in the sandbox nothing leaves this machine, and this host is not on it"


@dataclass
class CheckedPlan:
    """One end of the connection and what its checks found (`skipped` says why none ran)."""

    plan: SipCheckPlan
    register: bool
    results: list[CheckResult] = field(default_factory=list)
    skipped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.plan.title,
            "address": self.plan.address,
            "note": self.plan.note,
            "register": self.register,
            "user": self.plan.register_user if self.register else None,
            "skipped": self.skipped,
            "results": [result.to_dict() for result in self.results],
        }


@dataclass(frozen=True)
class ConnectionCheck:
    """What to check: the plans (joined first), each with its provider's hints, and how."""

    plans: Sequence[tuple[SipCheckPlan, Mapping[str, Any]]]
    register: bool = False
    sandbox: bool = False
    ca_file: str | None = None
    timeout: float = 10.0
    verbose: bool = False
    as_json: bool = False


def plans_with_hints(
    offer: Offer, offering_provider: Provider, sides: Sequence[tuple[Provider, list[SipCheckPlan]]]
) -> list[tuple[SipCheckPlan, Mapping[str, Any]]]:
    """The connection's plans (the core decides which: `connection_check_plans`), each with the hints
    of the provider it belongs to."""
    from trunkwizard.connect.joined import connection_check_plans

    owner = {id(plan): provider for provider, plans in sides for plan in plans}
    chosen = connection_check_plans(offer, *(plans for _, plans in sides))
    return [(plan, owner.get(id(plan), offering_provider).sip_hints) for plan in chosen]


async def run_connection_check(
    check: ConnectionCheck, *, show: Callable[[str], None] | None = None
) -> list[CheckedPlan]:
    """Run every plan in turn; `show` gets each line of the text report as it is found."""
    from trunkwizard.commands.check import result_lines
    from trunkwizard.preflight import run_checks

    done: list[CheckedPlan] = []
    for plan, hints in check.plans:
        register = check.register and plan.can_register
        checked = CheckedPlan(plan, register)
        done.append(checked)
        if show is not None:
            show(f"== {plan.title}")
            show(f"   {plan.address}" + (f": {plan.note}" if plan.note else ""))
        if check.sandbox and plan.sandbox_refusal() is not None:
            checked.skipped = SANDBOX_SKIP if plan.provider_host else SANDBOX_OFF_MACHINE
            if show is not None:
                show(f"SKIP  {checked.skipped}")
            continue
        if check.register and not plan.can_register and show is not None:
            show("      no REGISTER here: this end has no account to register with (DNS and OPTIONS only)")
        target = plan.target(
            register=register,
            ca_file=check.ca_file,
            overall_timeout=check.timeout,
            sip_timeout=min(3.0, check.timeout),
            dns_timeout=min(3.0, check.timeout),
        )

        def each(result: CheckResult, hints: Mapping[str, Any] = hints) -> None:
            if show is not None:
                for line in result_lines(result.with_hints(hints), verbose=check.verbose):
                    show(line)

        found = await run_checks(target, on_result=each)
        checked.results = [result.with_hints(hints) for result in found]
    return done


def summary(done: Sequence[CheckedPlan]) -> str:
    checked = [c for c in done if c.skipped is None]
    failed = [c for c in checked if any(r.failed for r in c.results)]
    skipped = len(done) - len(checked)
    parts = [f"{len(checked)} end{'s' if len(checked) != 1 else ''} checked", f"{len(failed)} with a failure"]
    if skipped:
        parts.append(f"{skipped} not contacted (sandbox)")
    return "Connection check: " + ", ".join(parts)


def failed(done: Sequence[CheckedPlan]) -> bool:
    return any(result.failed for checked in done for result in checked.results)


def confirm_register(args: argparse.Namespace, users: Sequence[str]) -> bool | None:
    """True to send the REGISTERs, False when the user said no, None when nobody can be asked."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return None
    sys.stderr.write(f"Send a REGISTER (then an unregister) as {', '.join(users) or 'nobody'}? [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


# --- `trunkwizard check --connection ENTRY` -----------------------------------------------------------


class ConnectionNotFound(Exception):
    pass


def connection_entries(entry_id: str) -> tuple[HistoryEntry, HistoryEntry | None]:
    """The first half's entry of the connection `entry_id` belongs to (either half's id), and the
    second half's when it was created."""
    from trunkwizard.store import HistoryStore

    entries = HistoryStore().entries()
    entry = next((e for e in entries if e.id == entry_id), None)
    if entry is None or not entry.connection:
        raise ConnectionNotFound(f"history entry {entry_id!r} is not one half of a connection")
    if entry.connection.get("side") == "first":
        first: HistoryEntry | None = entry
    else:
        first_id = entry.connection.get("first_entry")
        first = next((e for e in entries if e.id == first_id), None)
    if first is None:
        raise ConnectionNotFound(f"the first half of entry {entry_id}'s connection is not in the history")
    pair = first.connection.get("pair")
    # a second half sent with an unknown outcome is linked too, but with no id it is no end to check
    seconds = [
        e
        for e in entries
        if (e.connection.get("side"), e.connection.get("pair")) == ("second", pair) and e.created_id
    ]
    if entry is not first:
        return first, entry if entry.created_id else None
    return first, seconds[-1] if seconds else None


def _rebuilt_plans(
    entry: HistoryEntry, password: SecretStr | None, offered: set[str] | None = None
) -> tuple[Provider, list[SipCheckPlan], str | None]:
    """A side's own SIP peers, from its recorded request (secrets given back from the one password of the
    connection); the reason when it cannot be rebuilt."""
    from trunkwizard.client import load_account, prepare
    from trunkwizard.errors import TrunkwizardError
    from trunkwizard.providers import Created, ResourceRef, get_provider

    provider = get_provider(entry.provider)
    mode = provider.mode(entry.mode or "")
    body = entry.request.get("json")
    if not isinstance(body, Mapping):
        return provider, [], "its request was not recorded"
    answers = {k: v for k, v in body.items() if v != "********"}
    # without a REGISTER no password is given: a stand-in that meets the side's rules builds the plans
    # (DNS and OPTIONS only), and is dropped from them
    given = password if password is not None else _stand_in(provider, mode.key)
    for f in mode.fields:
        if f.secret:
            answers[f.wire] = given
    try:
        if entry.sandbox:
            from trunkwizard.sandbox import sandbox_account

            account = load_account(provider, sandbox_account(provider.key))
        elif entry.profile:
            from trunkwizard.commands._profiles import account_from_profile

            account = account_from_profile(provider, entry.profile)
        else:
            return provider, [], "it was made with an account typed in, not a saved profile"
        prepared = prepare(provider, mode.key, answers, account)
    except (TrunkwizardError, ValueError, KeyError) as exc:
        return provider, [], str(getattr(exc, "message", exc))
    ref = ResourceRef(entry.provider, mode.key, entry.created_id or "", entry.path_values)
    created = Created(ref, "", {})
    plans = provider.sip_targets(mode, prepared.request, account, created)
    if password is None:
        plans = [replace(plan, password=None) for plan in plans]
    return provider, plans, None


def _stand_in(provider: Provider, mode_key: str) -> SecretStr:
    from trunkwizard.connect import generate_password, password_rules

    return generate_password(
        password_rules(*(n.password_rules for n in provider.needs if n.mode == mode_key))
    )


def run_from_history(args: argparse.Namespace) -> int:
    """`trunkwizard check --connection ENTRY`: both ends of a connection from the history."""
    import asyncio
    import json

    from trunkwizard.commands.check import NoRegisterPassword, _fail, register_password
    from trunkwizard.connect import Offer
    from trunkwizard.errors import StoreError
    from trunkwizard.providers import get_provider
    from trunkwizard.redact import redact

    for name, given in (
        ("HOST", args.host), ("--port", args.port), ("--proxy", args.proxy), ("--username", args.username),
        ("--auth-user", args.auth_user), ("--provider", args.provider),
    ):  # fmt: skip
        if given:
            return _fail(f"{name} is not for --connection: the connection's history entry says where and who")
    try:
        first, second = connection_entries(args.connection)
    except ConnectionNotFound as exc:
        return _fail(str(exc))
    except StoreError as exc:
        return _fail(exc.message)
    if not first.offers:
        return _fail(f"history entry {first.id} kept no offer: nothing to check the connection against")
    first_provider = get_provider(first.provider)
    offer = Offer.from_public(first.offers[0], first_provider.title)

    def say(line: str) -> None:
        if not args.json:
            print(redact(line), flush=True)

    state = "joined" if second is not None and not second.deleted else "half-done (no second half)"
    what = f"{first_provider.title} {first_provider.creates} {first.created_id}"
    say(f"Connection {first.connection.get('pair')}: {what} · {state}")

    register = args.register
    password = None
    if register:
        # the offer never keeps the password: the REGISTER asks for it as `check` does
        confirmed = confirm_register(args, _register_users(offer))
        if confirmed is None:
            return _fail("not sending a REGISTER without confirmation: no terminal to ask on; add --yes")
        register = bool(confirmed)
        if not confirmed:
            print("REGISTER skipped.", file=sys.stderr)
    if register:
        args.username = offer.username.value if offer.username is not None else None
        try:
            password = register_password(args)
        except NoRegisterPassword as exc:
            return _fail(str(exc))
        offer = offer.with_password(password)
    sides: list[tuple[Provider, list[SipCheckPlan]]] = []
    if second is not None and not second.deleted:
        # the other end's own SIP peers, as the wizard checks them after the second result
        provider, plans, why_not = _rebuilt_plans(second, password)
        if why_not is not None:
            say(f"   ({provider.title}'s own SIP peers not rebuilt from the history: {why_not})")
        sides.append((provider, plans))
    check = ConnectionCheck(
        plans_with_hints(offer, first_provider, sides),
        register=register,
        sandbox=first.sandbox,
        ca_file=args.ca_file or _profile_ca(args),
        timeout=args.timeout,
        verbose=args.verbose,
        as_json=args.json,
    )
    done = asyncio.run(run_connection_check(check, show=None if args.json else say))
    if args.json:
        print(
            json.dumps(
                {
                    "connection": {"pair": first.connection.get("pair"), "first": first.id,
                                   "second": second.id if second else None, "state": state},
                    "checks": [c.to_dict() for c in done],
                },
                indent=2,
                ensure_ascii=False,
            )
        )  # fmt: skip
    else:
        say(summary(done))
    return 1 if failed(done) else 0


def _register_users(offer: Offer) -> list[str]:
    """Who a REGISTER of the joined connection names: the offered user (and auth ID) at the registrar."""
    from trunkwizard.connect.joined import joined_check_plan

    plan = joined_check_plan(offer)
    return [f"{plan.register_user} at {plan.address}"] if plan.username else []


def _profile_ca(args: argparse.Namespace) -> str | None:
    if not args.password_profile:
        return None
    from trunkwizard.commands.check import _load_profile

    return _load_profile(args.password_profile).ca_file
