"""`trunkwizard connect FROM[:MODE] TO[:MODE] --answers FILE`: both halves of one SIP connection.

The first side is created, what it offers (its registrar, the login it answered, the password typed
once) is read, and the second side is created with those values. The answers file holds one table per
side, named by provider key (or `key:mode` when both sides are one provider), keyed by wire names:
`{"wavix": {"label": ...}, "yeastar": {"name": ...}}`; what the offer fills need not be in it.

Exit codes as for `create`: 0 joined (or dry run printed), 2 invalid answers or usage, 1 refused, 3
unknown. When the second half fails the first is kept and recorded in the history as a half-done pair:
`--resume ENTRY` sends the second half again (through connect/resume.py, as the wizard's history does),
`trunkwizard history delete ENTRY` removes the first. `--check` (or `--check-register`) then runs the SIP
check of the joined connection, both ends (commands/check_connection.py); a failed check exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.client import PreparedRequest, ProviderClient
    from trunkwizard.commands.check_connection import CheckedPlan
    from trunkwizard.connect import Need, Offering
    from trunkwizard.connect.joined import ConnectionPlan, ConnectionResult
    from trunkwizard.connect.resume import HalfDone
    from trunkwizard.fields import ProviderModel
    from trunkwizard.providers import Created, Provider
    from trunkwizard.store import HistoryEntry

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    pass


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("first", nargs="?", metavar="FROM[:MODE]", help="the side that offers a SIP account")
    parser.add_argument("second", nargs="?", metavar="TO[:MODE]", help="the side that fills from the offer")
    parser.add_argument(
        "--answers",
        type=Path,
        metavar="FILE",
        help="JSON or TOML: one table per side named by provider key, keyed by wire names "
        '({"wavix": {...}, "yeastar": {...}})',
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--profile",
        action="append",
        metavar="NAME",
        help="a saved account: give it twice, FROM's then TO's (once when both sides are one account)",
    )
    target.add_argument("--sandbox", action="store_true", help="use the embedded provider emulator")
    target.add_argument(
        "--sandbox-url",
        metavar="URL",
        help="use a sandbox served by `trunkwizard sandbox serve` (http://127.0.0.1:PORT)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print every call of both sides, in order, secrets masked"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output (one JSON object)")
    parser.add_argument(
        "--generate-password",
        action="store_true",
        help="make one SIP password that meets both sides' documented rules (never printed unless "
        "--show-password)",
    )
    parser.add_argument(
        "--show-password",
        action="store_true",
        help="print the generated password on stderr (to type into a device); otherwise it is never shown",
    )
    parser.add_argument(
        "--resume",
        metavar="ENTRY",
        help="send the second half of a half-done connection again (its history entry); the password "
        "comes from the answers file's second table or TRUNKWIZARD_<PROVIDER>_<FIELD>",
    )
    parser.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow an http:// base URL to a host other than this machine (credentials go in clear)",
    )
    parser.add_argument("--read-only", action="store_true", help="refuse to create; a dry run still prints")
    parser.add_argument(
        "--check",
        action="store_true",
        help="once joined, the SIP check of both ends (DNS, OPTIONS): the offered registrar with the offered "
        "account first, as the wizard's check does; exit 1 when a check fails",
    )
    parser.add_argument(
        "--check-register",
        action="store_true",
        help="--check with a REGISTER (then an unregister) as the offered user, with the password in memory",
    )
    parser.epilog = (
        "Pairs the providers declare: `trunkwizard providers` (offers / fills). Secrets come from the "
        "answers file or TRUNKWIZARD_<PROVIDER>_<FIELD>, never from argv. A value the first side answers "
        'is shown in a dry run as "<from PROVIDER: FIELD>".'
    )


def _fail(message: str, code: int) -> int:
    from trunkwizard.redact import redact

    print(f"trunkwizard: {redact(message)}", file=sys.stderr)
    return code


def _split(word: str) -> tuple[Provider, str | None]:
    from trunkwizard.providers import get_provider

    key, _, mode = word.partition(":")
    try:
        return get_provider(key), mode or None
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None


def choose_pair(first: str, second: str) -> tuple[Provider, Offering, Provider, Need]:
    """The offering and the need the two words name; a side with one choice needs no mode."""
    first_provider, first_mode = _split(first)
    second_provider, second_mode = _split(second)
    offerings = [o for o in first_provider.offerings if first_mode in (None, o.mode)]
    needs = [n for n in second_provider.needs if second_mode in (None, n.mode)]
    fitting = [(o, n) for o in offerings for n in needs if o.kind is n.kind]
    if len(fitting) == 1:
        offering, need = fitting[0]
        return first_provider, offering, second_provider, need
    offered = ", ".join(f"{first_provider.key}:{o.mode}" for o in first_provider.offerings) or "nothing"
    needed = ", ".join(f"{second_provider.key}:{n.mode}" for n in second_provider.needs) or "nothing"
    if not fitting:
        raise UsageError(
            f"{first} offers nothing {second} can take (offers: {offered}; fills from an offer: {needed})"
        )
    raise UsageError(f"say which modes: FROM is one of {offered}, TO one of {needed}")


def _table(answers: dict[str, Any], provider: Provider, mode: str, other: str) -> dict[str, Any]:
    for name in (f"{provider.key}:{mode}", provider.key):
        table = answers.get(name)
        if table is not None and name != other:
            if not isinstance(table, dict):
                raise ValueError(f"[{name}] in the answers file must be a table of wire names")
            return dict(table)
    return {}


def _side_args(args: argparse.Namespace, index: int) -> argparse.Namespace:
    profiles = args.profile or []
    if profiles and len(profiles) > 2:
        raise UsageError("--profile at most twice: FROM's account, then TO's")
    profile = profiles[min(index, len(profiles) - 1)] if profiles else None
    return argparse.Namespace(**{**vars(args), "profile": profile})


def _account(provider: Provider, args: argparse.Namespace, table: dict[str, Any]) -> ProviderModel:
    from trunkwizard.commands.create import _account as create_account

    return create_account(provider, args, table)


def _generate(offering: Offering, need: Need, first_mode_fields: Any, answers: dict[str, Any]) -> Any:
    """One password for both sides, into the first side's password answer (and its confirmation)."""
    from trunkwizard.connect import generate_password, password_rules

    password = generate_password(password_rules(offering.password_rules, need.password_rules))
    wires = [f.wire for f in first_mode_fields if f.secret]
    given = [w for w in wires if answers.get(w)]
    if given:
        raise UsageError(f"--generate-password, but the answers file already gives {', '.join(given)}")
    for wire in wires:
        answers[wire] = password
    return password


def run(args: argparse.Namespace) -> int:
    from trunkwizard.errors import TrunkwizardError, ValidationFailed

    try:
        if args.resume:
            return _resume(args)
        if not args.first or not args.second or args.answers is None:
            raise UsageError("give FROM[:MODE] TO[:MODE] and --answers FILE (or --resume ENTRY)")
        plan, password = _plan(args)
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(f"invalid: {problem.for_script()}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, ValueError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    except TrunkwizardError as exc:
        return _fail(exc.message, EXIT_FAILED)
    problems = plan.password_problems()
    if problems:
        return _fail("the password does not meet both sides' rules: " + "; ".join(problems), EXIT_USAGE)
    for warning in (*plan.first.warnings, *plan.second_preview.warnings):
        print(f"warning: {warning}", file=sys.stderr)
    if args.dry_run:
        print(json.dumps(plan.as_json(), ensure_ascii=False, indent=2) if args.json else plan.as_text())
        return EXIT_OK
    if _read_only(args):
        from trunkwizard.errors import ReadOnlyRefused

        return _fail(ReadOnlyRefused("create").message, EXIT_USAGE)
    if password is not None and args.show_password:
        print(f"Generated password (both sides): {password.get_secret_value()}", file=sys.stderr)
    import asyncio

    try:
        result = asyncio.run(_run(plan, args))
    except KeyboardInterrupt:
        return _fail("interrupted: see `trunkwizard history` for what was created", EXIT_INTERRUPTED)
    return _report(plan, result, args)


def _plan(args: argparse.Namespace) -> tuple[ConnectionPlan, Any]:
    from trunkwizard.commands.create import _fill_from_env, prepare_answers, read_answers
    from trunkwizard.connect.joined import plan_connection

    first_provider, offering, second_provider, need = choose_pair(args.first, args.second)
    answers = read_answers(args.answers)
    first_table = _table(answers, first_provider, offering.mode, "")
    second_table = _table(
        answers, second_provider, need.mode, first_provider.key if first_provider is second_provider else ""
    )
    first_account = _account(first_provider, _side_args(args, 0), first_table)
    second_account = _account(second_provider, _side_args(args, 1), second_table)
    first_mode = first_provider.mode(offering.mode)
    password = None
    if args.generate_password:
        password = _generate(offering, need, first_mode.fields, first_table)
    first = prepare_answers(first_provider, first_mode, first_table, first_account)
    second_mode = second_provider.mode(need.mode)
    filled = {f.wire for f in need.fills}
    _fill_from_env(
        second_provider,
        [f for f in second_mode.fields if f.wire not in filled],
        second_table,
        only_secrets=True,
    )
    plan = plan_connection(
        first, offering, second_provider, need, second_table, second_account, first_account
    )
    return plan, password


def _read_only(args: argparse.Namespace) -> bool:
    from trunkwizard.commands._target import read_only

    if args.read_only:
        return True
    return any(read_only(_side_args(args, i)) for i in (0, 1)) if args.profile else False


def _clients(
    args: argparse.Namespace, first: Provider, first_account: Any, second: Provider, second_account: Any
) -> tuple[ProviderClient, ProviderClient]:
    from trunkwizard.client import ProviderClient

    transport_a = transport_b = None
    ca: list[str | None] = [None, None]
    if args.sandbox:
        from trunkwizard.sandbox import create_app, in_process_transport

        app = create_app()  # one emulator for both sides, as a served sandbox is
        transport_a, transport_b = in_process_transport(app), in_process_transport(app)
    elif args.profile:
        from trunkwizard.commands._profiles import ca_file_of

        ca = [ca_file_of(_side_args(args, i).profile) for i in (0, 1)]
    return (
        ProviderClient(
            first, first_account, transport=transport_a, ca_file=ca[0], insecure_http=args.insecure_http
        ),
        ProviderClient(
            second, second_account, transport=transport_b, ca_file=ca[1], insecure_http=args.insecure_http
        ),
    )


async def _run(plan: ConnectionPlan, args: argparse.Namespace) -> ConnectionResult:
    from trunkwizard.connect.joined import run_connection

    first_client, second_client = _clients(
        args,
        plan.first_provider,
        plan.first_account,
        plan.second_provider,
        plan.second_account,
    )
    async with first_client as first, second_client as second:
        return await run_connection(plan, first, second)


def _report(plan: ConnectionPlan, result: ConnectionResult, args: argparse.Namespace) -> int:
    from trunkwizard.commands.create import _print_created, _record
    from trunkwizard.connect.joined import ConnectionState
    from trunkwizard.outcome import Verdict

    if result.state is ConnectionState.FIRST_FAILED:
        from trunkwizard.commands.create import _report as report_create

        print(
            f"trunkwizard: the first side failed; {plan.second_provider.title} was not sent", file=sys.stderr
        )
        return report_create(plan.first, result.first, args, [])
    pair = uuid.uuid4().hex[:12]
    first_created = result.first_created
    assert first_created is not None
    first_entry = _record_side(
        plan.first,
        first_created,
        args,
        0,
        offers=[result.offer.public()] if result.offer is not None else [],
        connection=_first_link(pair, plan, result),
    )
    second_created = result.second_created
    if result.state is ConnectionState.JOINED and second_created is not None:
        assert result.second_prepared is not None
        _record_side(
            result.second_prepared,
            second_created,
            args,
            1,
            connection=_second_link(pair, plan, first_entry),
        )
        if not args.json:
            _print_created(first_created, False, connected=True)
            _print_created(second_created, False, connected=True)
            print(
                f"Connected: {plan.second_provider.title} uses what {plan.first_provider.title} offered "
                "(the next steps that set up one end for the other are done)."
            )
        checked = _check(plan, result, args) if (args.check or args.check_register) else None
        if args.json:
            joined: dict[str, Any] = {
                "outcome": "joined",
                "first": _created_json(first_created, connected=True),
                "second": _created_json(second_created, connected=True),
            }
            if checked is not None:
                joined["checks"] = [c.to_dict() for c in checked]
            print(json.dumps(joined, ensure_ascii=False, indent=2))
        if checked is not None:
            from trunkwizard.commands.check_connection import failed

            return EXIT_FAILED if failed(checked) else EXIT_OK
        return EXIT_OK
    # the second half failed: the first exists and is kept, recorded as a half-done pair
    second = result.second
    unknown = second is not None and second.verdict is Verdict.UNKNOWN
    if unknown and result.second_prepared is not None:
        _record(result.second_prepared, None, _side_args(args, 1), outcome="unknown")
    if args.json:
        print(
            json.dumps(
                {
                    "outcome": "half-done",
                    "first": _created_json(first_created),
                    "history_entry": first_entry.id if first_entry else None,
                    "problem": result.problem,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        _print_created(first_created, False)
    _print_half_done(plan, result, first_entry, args)
    return EXIT_UNKNOWN if unknown else EXIT_FAILED


def _first_link(pair: str, plan: ConnectionPlan, result: ConnectionResult) -> dict[str, Any]:
    from trunkwizard.connect.joined import ConnectionState
    from trunkwizard.connect.resume import failure_link
    from trunkwizard.store.drafts import utc_now

    link = {
        "pair": pair,
        "side": "first",
        "other": {"provider": plan.second_provider.key, "mode": plan.need.mode},
        "answers": _typed_to_keep(plan),
    }
    if result.state is ConnectionState.JOINED:
        return link
    return failure_link(link, utc_now(), result.problem or "not sent")


def _check(plan: ConnectionPlan, result: ConnectionResult, args: argparse.Namespace) -> list[CheckedPlan]:
    """The SIP check of the joined connection, both ends (commands/check_connection.py)."""
    import asyncio

    from trunkwizard.commands.check_connection import (
        ConnectionCheck,
        plans_with_hints,
        run_connection_check,
        summary,
    )

    assert result.offer is not None and result.second_prepared is not None
    second = result.second_prepared
    # as the wizard's check after the second result: the offered end first, then the second side's peers
    targets = plan.second_provider.sip_targets(
        second.mode, second.request, plan.second_account, result.second_created
    )
    sides = [(plan.second_provider, targets)]
    check = ConnectionCheck(
        plans_with_hints(result.offer, plan.first_provider, sides),
        register=args.check_register,
        sandbox=bool(args.sandbox or args.sandbox_url),
    )

    def say(line: str) -> None:
        from trunkwizard.redact import redact

        print(redact(line), flush=True)

    show = None if args.json else say
    if show is not None:
        show("")
        show(
            "SIP check of the connection, both ends"
            + ("" if args.check_register else " (--check-register adds a REGISTER)")
        )
    done = asyncio.run(run_connection_check(check, show=show))
    if show is not None:
        show(summary(done))
    return done


def _typed_to_keep(plan: ConnectionPlan) -> dict[str, Any]:
    """What was typed for the second side, as history keeps it for a resume: no secret."""
    mode = plan.second_provider.mode(plan.need.mode)
    secret = {f.wire for f in mode.fields if f.secret}
    return {k: v for k, v in plan.typed_second.items() if k not in secret and k != "account"}


def _second_link(pair: str, plan: Any, first_entry: HistoryEntry | None) -> dict[str, Any]:
    return {
        "pair": pair,
        "side": "second",
        "other": {"provider": plan.first_provider.key, "mode": plan.offering.mode},
        "first_entry": first_entry.id if first_entry is not None else None,
    }


def _created_json(created: Created, *, connected: bool = False) -> dict[str, Any]:
    """`connected`: both ends exist, so the next steps are those the connection did not do, and those
    it did are listed apart."""
    document: dict[str, Any] = {
        "provider": created.ref.provider,
        "mode": created.ref.mode,
        "id": created.ref.id,
        "title": created.title,
        "returned": dict(created.returned),
        "next_steps": list(created.steps_left_when_connected() if connected else created.next_steps),
        "warnings": list(created.warnings),
    }
    if connected:
        document["done_by_connecting"] = list(created.other_end_steps)
    return document


def _record_side(
    prepared: PreparedRequest,
    created: Any,
    args: argparse.Namespace,
    index: int,
    *,
    offers: list[dict[str, Any]] | None = None,
    connection: dict[str, Any],
) -> HistoryEntry | None:
    from trunkwizard.commands._profiles import record_history

    side = _side_args(args, index)
    try:
        return record_history(
            prepared,
            created,
            profile=side.profile,
            sandbox=bool(args.sandbox or args.sandbox_url),
            offers=offers or [],
            connection=connection,
        )
    except Exception as exc:
        from trunkwizard.redact import redact

        print(
            f"trunkwizard: created, but the history entry was not written: {redact(str(exc))}",
            file=sys.stderr,
        )
        return None


def _print_half_done(
    plan: ConnectionPlan, result: ConnectionResult, entry: HistoryEntry | None, args: argparse.Namespace
) -> None:
    from trunkwizard.redact import redact

    ident = entry.id if entry is not None else "(not recorded)"
    lines = [
        f"{plan.second_provider.title} was not created: {result.problem}",
        result.what_exists(),
        f"It is kept in the history as a half-done connection (entry {ident}). Choose:",
        f"  retry (same answers):  trunkwizard connect --resume {ident} {_target_words(args, 1)}"
        + (f" --answers {args.answers}" if args.answers else ""),
        f"  delete the first half: trunkwizard history delete {ident}{_delete_words(args)}",
        "  keep it:               nothing to do; `trunkwizard history` lists it as half-done",
    ]
    for line in lines:
        print(redact(line), file=sys.stderr)


def _delete_words(args: argparse.Namespace) -> str:
    if args.sandbox_url:
        return f" --sandbox-url {args.sandbox_url}"
    first = _side_args(args, 0)
    return f" --profile {first.profile}" if first.profile else ""


def _target_words(args: argparse.Namespace, index: int) -> str:
    if args.sandbox:
        return "--sandbox"
    if args.sandbox_url:
        return f"--sandbox-url {args.sandbox_url}"
    side = _side_args(args, index)
    return f"--profile {side.profile}" if side.profile else ""


# --- resume a half-done pair from the history ---------------------------------------------------------------


def _resume(args: argparse.Namespace) -> int:
    import asyncio

    from trunkwizard.commands.create import _fill_from_env, read_answers
    from trunkwizard.connect.resume import NotResumable, half_done, password_wire
    from trunkwizard.errors import TrunkwizardError, ValidationFailed
    from trunkwizard.store import HistoryStore

    store = HistoryStore()
    entry = next((e for e in store.entries() if e.id == args.resume), None)
    if entry is None:
        raise UsageError(f"history entry {args.resume!r} is not the first half of a connection")
    if entry.id not in {e.id for e in store.half_done()}:
        raise UsageError(f"history entry {args.resume} is not half-done (joined already, or deleted)")
    try:
        half = half_done(entry)
    except NotResumable as exc:
        raise UsageError(str(exc)) from None
    typed: dict[str, Any] = dict(half.typed)
    if args.answers is not None:
        typed.update(_table(read_answers(args.answers), half.second_provider, half.need.mode, ""))
    second_args = _side_args(args, 1 if args.profile and len(args.profile) > 1 else 0)
    try:
        account = _account(half.second_provider, second_args, typed)
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(f"invalid: {problem.for_script()}", file=sys.stderr)
        return EXIT_USAGE
    _fill_from_env(
        half.second_provider, half.second_provider.mode(half.need.mode).fields, typed, only_secrets=True
    )
    try:
        answers = half.second_answers(typed)
    except NotResumable as exc:
        need = half.need
        raise UsageError(
            f"{exc} (in the answers file's second table, or TRUNKWIZARD_{need.owner.upper()}_"
            f"{str(password_wire(need)).upper()})"
        ) from None
    try:
        return asyncio.run(_resume_send(half, answers, account, second_args, args))
    except TrunkwizardError as exc:
        return _fail(exc.message, EXIT_FAILED)


async def _resume_send(
    half: HalfDone,
    answers: dict[str, Any],
    account: Any,
    second_args: argparse.Namespace,
    args: argparse.Namespace,
) -> int:
    from trunkwizard.client import ProviderClient, prepare
    from trunkwizard.commands.create import _print_created, _record
    from trunkwizard.errors import ValidationFailed
    from trunkwizard.outcome import Verdict

    entry, need, provider = half.entry, half.need, half.second_provider
    try:
        prepared = prepare(provider, need.mode, answers, account)
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(f"invalid: {problem.for_script()}", file=sys.stderr)
        return EXIT_USAGE
    if _read_only(args):
        from trunkwizard.errors import ReadOnlyRefused

        return _fail(ReadOnlyRefused("create").message, EXIT_USAGE)
    transport = None
    if args.sandbox:
        from trunkwizard.sandbox import in_process_transport

        transport = in_process_transport()
    async with ProviderClient(
        provider, account, transport=transport, insecure_http=args.insecure_http
    ) as client:
        outcome = await client.submit(prepared)
    if outcome.created is None:
        if outcome.verdict is Verdict.UNKNOWN:
            _record(prepared, None, second_args, outcome="unknown")
            _note_failure(entry, "sent, and the outcome is unknown: look it up before sending it again")
            return _fail(outcome.message + " (recorded in `trunkwizard history` as unknown)", EXIT_UNKNOWN)
        error = outcome.error
        refused = str(getattr(error, "message", outcome.message))
        _note_failure(entry, refused)
        return _fail(
            f"{provider.title} was not created: {refused}; the first half (entry {entry.id}) is kept",
            EXIT_FAILED,
        )
    pair = str(entry.connection.get("pair"))
    from trunkwizard.commands._profiles import record_history

    record_history(
        prepared,
        outcome.created,
        profile=second_args.profile,
        sandbox=bool(args.sandbox or args.sandbox_url),
        connection={
            "pair": pair,
            "side": "second",
            "other": {"provider": entry.provider, "mode": entry.mode},
            "first_entry": entry.id,
        },
    )
    checking = args.check or args.check_register
    if not (checking and args.json):  # with --json one object: the created side and the checks
        _print_created(outcome.created, args.json, connected=True)
    if checking:
        return await _check_resumed(half, answers, prepared, outcome.created, account, args)
    return EXIT_OK


async def _check_resumed(
    half: HalfDone,
    answers: dict[str, Any],
    prepared: PreparedRequest,
    created: Any,
    account: Any,
    args: argparse.Namespace,
) -> int:
    """The SIP check of the connection a resume joined: the offer with the password typed for it."""
    from trunkwizard.commands.check_connection import (
        ConnectionCheck,
        failed,
        plans_with_hints,
        run_connection_check,
        summary,
    )

    targets = half.second_provider.sip_targets(prepared.mode, prepared.request, account, created)
    check = ConnectionCheck(
        plans_with_hints(
            half.offer_with_password(answers), half.first_provider, [(half.second_provider, targets)]
        ),
        register=args.check_register,
        sandbox=bool(args.sandbox or args.sandbox_url),
    )
    show = None if args.json else _say_redacted
    done = await run_connection_check(check, show=show)
    if args.json:
        joined = {
            "outcome": "joined",
            "second": _created_json(created, connected=True),
            "checks": [c.to_dict() for c in done],
        }
        print(json.dumps(joined, ensure_ascii=False, indent=2))
    else:
        _say_redacted(summary(done))
    return EXIT_FAILED if failed(done) else EXIT_OK


def _say_redacted(line: str) -> None:
    from trunkwizard.redact import redact

    print(redact(line), flush=True)


def _note_failure(entry: HistoryEntry, problem: str) -> None:
    """The history says when and why the second half failed (the first half's entry shows it)."""
    from trunkwizard.connect.resume import failure_link
    from trunkwizard.store import HistoryStore
    from trunkwizard.store.drafts import utc_now

    try:
        HistoryStore().link_connection(entry.id, failure_link(entry.connection, utc_now(), problem))
    except Exception as exc:
        from trunkwizard.redact import redact

        print(f"trunkwizard: the failure was not written to the history: {redact(str(exc))}", file=sys.stderr)
