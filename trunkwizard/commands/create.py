"""`trunkwizard create PROVIDER --answers FILE`: the wizard's request, from a file, for scripts.

Answers are keyed by the provider's wire names (as in its docs). Secrets come from the answers file
or from environment variables (`TRUNKWIZARD_<PROVIDER>_<FIELD>`), never from argv. Exit codes: 0
created (or dry run printed), 2 invalid answers or usage, 1 refused (nothing was created), 3 unknown:
the request was sent and may have been applied. An unknown is recorded in the history, and the same
request is not sent again until `--look-up` has searched for it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.client import PreparedRequest
    from trunkwizard.fields import ProviderModel
    from trunkwizard.outcome import Outcome
    from trunkwizard.providers import Created, Mode, Provider

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
DRY_RUN_PLACEHOLDER = "dry-run-placeholder"


class _ProviderHelp(str):
    """The provider argument's help, which names every provider key: argparse formats a help text with
    `%` when it prints it, and only then is the catalog read (a run that prints no help skips ~2 ms)."""

    def __mod__(self, params: object) -> str:
        from trunkwizard.catalog import provider_keys

        return f"{provider_keys()} (see `trunkwizard providers`)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("provider", help=_ProviderHelp("the provider (see `trunkwizard providers`)"))
    parser.add_argument(
        "--mode", help="the mode; by default read from the answers' own fields (e.g. Chorus sipMode)"
    )
    parser.add_argument(
        "--answers",
        required=True,
        type=Path,
        metavar="FILE",
        help="JSON or TOML file keyed by the provider's wire names",
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--profile", metavar="NAME", help="a saved account (see `trunkwizard profile list`)")
    target.add_argument("--sandbox", action="store_true", help="use the embedded provider emulator")
    target.add_argument(
        "--sandbox-url",
        metavar="URL",
        help="use a sandbox served by `trunkwizard sandbox serve` (http://127.0.0.1:PORT)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print every call that would be sent, in order, secrets masked",
    )
    parser.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow an http:// base URL to a host other than this machine (credentials go in clear)",
    )
    parser.add_argument(
        "--look-up",
        action="store_true",
        help="send nothing: search the provider for what these answers create (settles an unknown outcome)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output (one JSON object)")
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="refuse to create (as with a profile saved read-only); a dry run still prints",
    )
    parser.epilog = (
        "Account settings: an [account] table in the answers file (non-secret only), or environment "
        "variables TRUNKWIZARD_<PROVIDER>_<FIELD>, e.g. TRUNKWIZARD_CHORUS_API_KEY. "
        "Secret answers such as a SIP password may also come from TRUNKWIZARD_<PROVIDER>_<FIELD> "
        "(TRUNKWIZARD_CHORUS_SIP_PASSWORD)."
    )


def _fail(message: str, code: int) -> int:
    print(f"trunkwizard: {message}", file=sys.stderr)
    return code


def read_answers(path: Path) -> dict[str, Any]:
    """A JSON or TOML answers file as a dict (TOML by extension `.toml`, else JSON, else TOML). Any
    problem, nesting past trunkwizard.nesting.MAX_NESTING included, is a ValueError with a sentence."""
    from trunkwizard.nesting import TooDeep, loads_json, loads_toml

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text") from None
    if path.suffix.lower() == ".toml":
        import tomllib

        try:
            return loads_toml(text, str(path))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path} is not valid TOML ({exc})") from None
    try:
        loaded = loads_json(text, str(path))
    except TooDeep:
        raise
    except json.JSONDecodeError as json_error:
        import tomllib

        try:
            return loads_toml(text, str(path))
        except tomllib.TOMLDecodeError:
            raise ValueError(
                f"{path} is neither JSON nor TOML ({json_error.msg} at line {json_error.lineno})"
            ) from None
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} must hold one JSON object keyed by wire names")
    return loaded


def _fill_from_env(provider: Provider, fields: Any, values: dict[str, Any], *, only_secrets: bool) -> None:
    """Take missing values from TRUNKWIZARD_<PROVIDER>_<FIELD> variables."""
    from trunkwizard.providers._auth import env_var

    for field in fields:
        if field.wire in values or (only_secrets and not field.secret):
            continue
        value = os.environ.get(env_var(provider.key, field.wire))
        if value is not None:
            values[field.wire] = value


def _fill_confirmations(fields: Any, answers: dict[str, Any]) -> None:
    """A script does not retype: a confirmation it leaves out repeats the value it confirms."""
    for field in fields:
        if field.confirm_of and field.wire not in answers and field.confirm_of in answers:
            answers[field.wire] = answers[field.confirm_of]


def _account(provider: Provider, args: argparse.Namespace, answers: dict[str, Any]) -> ProviderModel:
    from trunkwizard.client import load_account
    from trunkwizard.fields import Kind

    if args.sandbox or args.sandbox_url:
        from trunkwizard.sandbox import IN_PROCESS_ROOT, sandbox_account

        return load_account(provider, sandbox_account(provider.key, args.sandbox_url or IN_PROCESS_ROOT))
    if args.profile:
        from trunkwizard.commands._profiles import account_from_profile

        return account_from_profile(provider, args.profile, insecure_http=args.insecure_http)
    settings = answers.pop("account", {})
    if not isinstance(settings, dict):
        raise ValueError("[account] in the answers file must be a table of settings")
    secrets_in_file = [f.wire for f in provider.account_fields if f.secret and f.wire in settings]
    if secrets_in_file:
        raise ValueError(
            "keep account secrets out of the answers file: set "
            + ", ".join(_env_name(provider, w) for w in secrets_in_file)
            + " or use --profile"
        )
    values = dict(settings)
    _fill_from_env(provider, provider.account_fields, values, only_secrets=False)
    if args.dry_run:
        for field in provider.account_fields:
            if field.kind is Kind.SECRET and field.wire not in values:
                values[field.wire] = DRY_RUN_PLACEHOLDER
    return load_account(provider, values, insecure_http=args.insecure_http)


def prepare_answers(
    provider: Provider, mode: Mode, answers: dict[str, Any], account: ProviderModel
) -> PreparedRequest:
    """An answers file's way to the plan: secrets may come from the environment, a confirmation a
    script leaves out repeats its value; the model gate decides the rest, as for the wizard."""
    from trunkwizard.client import prepare

    _fill_from_env(provider, mode.fields, answers, only_secrets=True)
    _fill_confirmations(mode.fields, answers)
    return prepare(provider, mode.key, answers, account)


def _env_name(provider: Provider, wire: str) -> str:
    from trunkwizard.providers._auth import env_var

    return env_var(provider.key, wire)


def _with_hint(error: Exception) -> str:
    message = str(getattr(error, "message", error))
    hint = getattr(error, "hint", "")
    return f"{message} {hint}".strip() if hint else message


def _print_problems(provider: Provider, fields: Any, failure: Any) -> None:
    """One line per problem; for a missing secret, say which variable can carry it."""
    secrets = {f.wire for f in fields if f.secret}
    for problem in failure.problems:
        line = f"invalid: {problem.for_script()}"
        if problem.field in secrets and "required" in problem.message:
            line += f" (in the answers file, or set {_env_name(provider, problem.field)})"
        print(line, file=sys.stderr)


def _print_created(created: Created, as_json: bool, *, connected: bool = False) -> None:
    """`connected`: the other end of its SIP connection was created from it too, so the next steps that
    set that end up are done and not printed."""
    steps = created.steps_left_when_connected() if connected else created.next_steps
    if as_json:
        document = {
            "provider": created.ref.provider,
            "mode": created.ref.mode,
            "id": created.ref.id,
            "title": created.title,
            "returned": dict(created.returned),
            "next_steps": list(steps),
            "warnings": list(created.warnings),
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return
    from trunkwizard.providers import get_provider
    from trunkwizard.readable import returned_text

    provider = get_provider(created.ref.provider)
    print(f"Created {created.title}")
    print(f"  id: {created.ref.id}")
    for key, value in created.returned.items():
        if key != "id" and value not in (None, "", [], {}):
            print(f"  {key}: {returned_text(provider, key, value)}")
    for warning in created.warnings:
        print(f"Warning: {warning}")
    if steps:
        print("Next steps:")
        for step in steps:
            print(f"  - {step}")


def run(args: argparse.Namespace) -> int:
    from trunkwizard.errors import TrunkwizardError, ValidationFailed
    from trunkwizard.providers import get_provider

    try:
        provider = get_provider(args.provider)
    except KeyError as exc:
        return _fail(str(exc.args[0]), EXIT_USAGE)
    try:
        answers = read_answers(args.answers)
    except (OSError, ValueError) as exc:
        return _fail(f"cannot read answers: {exc}", EXIT_USAGE)
    mode_key = args.mode or provider.detect_mode(answers)
    if mode_key is None:
        modes = ", ".join(m.key for m in provider.modes)
        return _fail(f"say which mode with --mode ({modes}); the answers do not name one", EXIT_USAGE)
    try:
        mode = provider.mode(mode_key)
    except KeyError as exc:
        return _fail(str(exc.args[0]), EXIT_USAGE)
    try:
        account = _account(provider, args, answers)
        prepared = prepare_answers(provider, mode, answers, account)
    except ValidationFailed as exc:
        _print_problems(provider, mode.fields, exc)
        for warning in exc.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except TrunkwizardError as exc:
        return _fail(_with_hint(exc), EXIT_FAILED)
    for warning in prepared.warnings:
        # an inferred rule: the provider may refuse the value, but no document says it will
        print(f"warning: {warning}", file=sys.stderr)
    if args.dry_run:
        print(
            json.dumps(prepared.as_json(), ensure_ascii=False, indent=2) if args.json else prepared.as_text()
        )
        return EXIT_OK
    if _read_only(args):
        from trunkwizard.errors import ReadOnlyRefused

        return _fail(ReadOnlyRefused("create").message, EXIT_USAGE)
    if args.look_up:
        return _run_look_up(prepared, account, args)
    earlier = _unsettled(prepared, args)
    if earlier:
        entry = earlier[-1]
        return _fail(
            f"an earlier attempt of this same request (history entry {entry.id}, {entry.time}) may have "
            f"created the {provider.creates}: nothing was sent. Look it up first: run this command again "
            "with --look-up",
            EXIT_UNKNOWN,
        )
    import asyncio  # only to send: a dry run has no event loop

    sending: list[bool] = []
    try:
        outcome, offers = asyncio.run(_submit(prepared, account, args, sending))
    except KeyboardInterrupt:
        if not sending:
            return _fail("interrupted before anything was sent", EXIT_INTERRUPTED)
        _record(prepared, None, args, outcome="unknown")
        return _fail(
            f"interrupted after the POST was sent: {provider.title} may have applied it. Look it up "
            "before sending again: run this command again with --look-up",
            EXIT_INTERRUPTED,
        )
    return _report(prepared, outcome, args, offers)


def _report(prepared: Any, outcome: Outcome, args: argparse.Namespace, offers: list[dict[str, Any]]) -> int:
    from trunkwizard.errors import ProviderError, ValidationFailed
    from trunkwizard.outcome import Verdict

    if outcome.created is not None:
        _print_created(outcome.created, args.json)
        _record(prepared, outcome.created, args, offers=offers)
        return EXIT_OK
    if outcome.verdict is Verdict.UNKNOWN:
        _record(prepared, None, args, outcome="unknown")
        if args.json:
            print(json.dumps({"outcome": "unknown", "message": outcome.message}, ensure_ascii=False))
        return _fail(outcome.message + " (recorded in `trunkwizard history` as unknown)", EXIT_UNKNOWN)
    error = outcome.error
    if isinstance(error, ValidationFailed):
        for problem in error.problems:
            print(f"invalid: {problem.for_script()}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(error, ProviderError):
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
    return _fail(_with_hint(error) if error is not None else outcome.message, EXIT_FAILED)


def _read_only(args: argparse.Namespace) -> bool:
    from trunkwizard.commands._target import read_only

    return read_only(args)


def _unsettled(prepared: Any, args: argparse.Namespace) -> list[Any]:
    from trunkwizard.commands._profiles import history_request
    from trunkwizard.errors import StoreError
    from trunkwizard.store import HistoryStore

    sandbox = bool(args.sandbox or args.sandbox_url)
    try:
        return HistoryStore().unsettled(
            prepared.provider.key, prepared.mode.key, history_request(prepared), sandbox
        )
    except StoreError:
        return []


def _run_look_up(prepared: Any, account: ProviderModel, args: argparse.Namespace) -> int:
    """Search the provider for what these answers create, and settle earlier unknown attempts."""
    import asyncio

    from trunkwizard.outcome import Verdict
    from trunkwizard.store import HistoryStore

    provider = prepared.provider
    if provider.find_call(prepared.mode, prepared.request) is None:
        return _fail(f"{provider.title} has no listing to search: check in its console", EXIT_FAILED)
    try:
        outcome = asyncio.run(_look_up(prepared, account, args))
    except KeyboardInterrupt:
        return _fail("interrupted: nothing was sent, nothing settled", EXIT_INTERRUPTED)
    found = outcome.created.ref.id if outcome.created is not None else None
    if found is not None or outcome.looked_up_at is not None:
        history = HistoryStore()
        for entry in _unsettled(prepared, args):
            history.record_lookup(entry.id, found)
    if outcome.verdict is Verdict.CREATED and outcome.created is not None:
        _print_created(outcome.created, args.json)
        print(outcome.message, file=sys.stderr)
        return EXIT_OK
    return _fail(outcome.message, EXIT_UNKNOWN)


def _client(prepared: Any, account: ProviderModel, args: argparse.Namespace) -> Any:
    from trunkwizard.client import ProviderClient

    transport = None
    ca_file = None
    if args.sandbox:
        from trunkwizard.sandbox import in_process_transport

        transport = in_process_transport()
    elif args.profile:
        from trunkwizard.commands._profiles import ca_file_of

        ca_file = ca_file_of(args.profile)
    return ProviderClient(
        prepared.provider, account, transport=transport, ca_file=ca_file, insecure_http=args.insecure_http
    )


async def _look_up(prepared: Any, account: ProviderModel, args: argparse.Namespace) -> Outcome:
    async with _client(prepared, account, args) as client:
        outcome: Outcome = await client.look_up(prepared)
        return outcome


async def _submit(
    prepared: Any, account: ProviderModel, args: argparse.Namespace, sending: list[bool]
) -> tuple[Outcome, list[dict[str, Any]]]:
    """Create, then read what it offers the other side of a SIP connection (kept in the history for
    `trunkwizard export`); a failed read is a warning, never a failed create."""
    from trunkwizard.connect.catalog import recorded_offers
    from trunkwizard.redact import redact

    async with _client(prepared, account, args) as client:
        sending.append(True)  # from here an interruption may leave the POST applied
        outcome: Outcome = await client.submit(prepared)
        if outcome.created is None:
            return outcome, []
        offers, problems = await recorded_offers(client, prepared.provider, prepared, outcome.created)
        for problem in problems:
            print(f"trunkwizard: created, but {redact(problem)}", file=sys.stderr)
        return outcome, offers


def _record(
    prepared: Any,
    created: Created | None,
    args: argparse.Namespace,
    *,
    outcome: str = "created",
    offers: list[dict[str, Any]] | None = None,
) -> None:
    """Append the submission to the history; a history that cannot be written must not hide the outcome."""
    try:
        from trunkwizard.commands._profiles import record_history

        record_history(
            prepared,
            created,
            profile=args.profile,
            sandbox=bool(args.sandbox or args.sandbox_url),
            offers=offers or [],
            outcome=outcome,
        )
    except Exception as exc:
        from trunkwizard.redact import redact

        print(
            f"trunkwizard: {outcome}, but the history entry was not written: {redact(str(exc))}",
            file=sys.stderr,
        )
