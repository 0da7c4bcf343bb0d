"""`trunkwizard create PROVIDER --answers FILE`: the wizard's request, from a file, for scripts.

Answers are keyed by the provider's wire names (as in its docs). Secrets come from the answers file
or from environment variables (`TRUNKWIZARD_<PROVIDER>_<FIELD>`), never from argv. Exit codes: 0
created (or dry run printed), 2 invalid answers or usage, 1 provider or network error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.fields import ProviderModel
    from trunkwizard.providers import Created, Provider

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DRY_RUN_PLACEHOLDER = "dry-run-placeholder"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "provider", help="chorus, signalwire, wavix, yeastar or vox (see `trunkwizard providers`)"
    )
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
        "--dry-run", action="store_true", help="print the request that would be sent, secrets masked"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output (one JSON object)")
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
    """A JSON or TOML answers file as a dict (TOML by extension `.toml`, else JSON, else TOML)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        return tomllib.loads(text)
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as json_error:
        try:
            return tomllib.loads(text)
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

        return account_from_profile(provider, args.profile)
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
    return load_account(provider, values)


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
        line = f"invalid: {problem}"
        if problem.field in secrets and "required" in problem.message:
            line += f" (in the answers file, or set {_env_name(provider, problem.field)})"
        print(line, file=sys.stderr)


def _print_created(created: Created, as_json: bool) -> None:
    if as_json:
        document = {
            "provider": created.ref.provider,
            "mode": created.ref.mode,
            "id": created.ref.id,
            "title": created.title,
            "returned": dict(created.returned),
            "next_steps": list(created.next_steps),
            "warnings": list(created.warnings),
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return
    print(f"Created {created.title}")
    print(f"  id: {created.ref.id}")
    for key, value in created.returned.items():
        if key != "id" and value not in (None, "", [], {}):
            print(f"  {key}: {value if not isinstance(value, dict | list) else json.dumps(value)}")
    for warning in created.warnings:
        print(f"Warning: {warning}")
    if created.next_steps:
        print("Next steps:")
        for step in created.next_steps:
            print(f"  - {step}")


def run(args: argparse.Namespace) -> int:
    import asyncio

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
        _fill_from_env(provider, mode.fields, answers, only_secrets=True)
        _fill_confirmations(mode.fields, answers)
        from trunkwizard.client import prepare

        prepared = prepare(provider, mode.key, answers, account)
    except ValidationFailed as exc:
        _print_problems(provider, mode.fields, exc)
        return EXIT_USAGE
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except TrunkwizardError as exc:
        return _fail(_with_hint(exc), EXIT_FAILED)
    if args.dry_run:
        preview = prepared.preview
        print(json.dumps(preview.as_dict(), ensure_ascii=False, indent=2) if args.json else preview.as_text())
        return EXIT_OK
    try:
        created, offers = asyncio.run(_submit(prepared, account, args))
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(f"invalid: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except TrunkwizardError as exc:
        from trunkwizard.errors import ProviderError

        if isinstance(exc, ProviderError):
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
        return _fail(_with_hint(exc), EXIT_FAILED)
    _print_created(created, args.json)
    _record(prepared, created, args, offers)
    return EXIT_OK


async def _submit(
    prepared: Any, account: ProviderModel, args: argparse.Namespace
) -> tuple[Created, list[dict[str, Any]]]:
    """Create, then read what it offers the other side of a SIP connection (kept in the history for
    `trunkwizard export`); a failed read is a warning, never a failed create."""
    from trunkwizard.client import ProviderClient
    from trunkwizard.connect.catalog import recorded_offers
    from trunkwizard.redact import redact

    transport = None
    ca_file = None
    if args.sandbox:
        from trunkwizard.sandbox import in_process_transport

        transport = in_process_transport()
    elif args.profile:
        from trunkwizard.commands._profiles import ca_file_of

        ca_file = ca_file_of(args.profile)
    async with ProviderClient(prepared.provider, account, transport=transport, ca_file=ca_file) as client:
        created: Created = await client.create(prepared)
        offers, problems = await recorded_offers(client, prepared.provider, prepared, created)
        for problem in problems:
            print(f"trunkwizard: created, but {redact(problem)}", file=sys.stderr)
        return created, offers


def _record(prepared: Any, created: Created, args: argparse.Namespace, offers: list[dict[str, Any]]) -> None:
    """Append the submission to the history; a history that cannot be written must not hide success."""
    try:
        from trunkwizard.commands._profiles import record_history

        record_history(
            prepared,
            created,
            profile=args.profile,
            sandbox=bool(args.sandbox or args.sandbox_url),
            offers=offers,
        )
    except Exception as exc:
        from trunkwizard.redact import redact

        print(
            f"trunkwizard: created, but the history entry was not written: {redact(str(exc))}",
            file=sys.stderr,
        )
