"""`trunkwizard history [--json] [--limit N]`: what was created (or sent with an unknown outcome),
newest first.

`trunkwizard history delete ID --yes` deletes what entry ID created, where the provider's API allows
it, with the entry's profile (or --profile), or a served sandbox (--sandbox-url); the wizard's
history screen does the same with a confirmation.

`trunkwizard history lookup ID` settles an entry whose outcome is unknown (sent; may have been applied):
it searches the provider's own listing for what the entry sent and records what it found, so a later
session knows whether the resource exists before anything is sent again.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.fields import ProviderModel
    from trunkwizard.store import HistoryEntry

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a whole number of entries, e.g. 20") from None
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output (a JSON list)")
    parser.add_argument("--limit", type=_positive, metavar="N", help="only the N most recent entries")
    actions = parser.add_subparsers(dest="history_action", metavar="ACTION")
    delete = actions.add_parser(
        "delete",
        help="delete what an entry created, at the provider (where its API allows it)",
        description="Delete what history entry ID created, at the provider, then record the deletion.",
    )
    delete.add_argument("entry_id", metavar="ID", help="the entry's id (`trunkwizard history` lists them)")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.add_argument(
        "--confirm", metavar="TEXT", help="the number or name it was created with (what a terminal asks for)"
    )
    delete.add_argument("--read-only", action="store_true", help="refuse (as with a profile saved read-only)")
    delete.add_argument("--profile", metavar="NAME", help="use this saved account instead of the entry's")
    delete.add_argument(
        "--sandbox-url",
        metavar="URL",
        help="for an entry made in a sandbox served by `trunkwizard sandbox serve`: its URL",
    )
    lookup = actions.add_parser(
        "lookup",
        help="settle an entry whose outcome is unknown: search the provider for what it sent",
        description="Search the provider's own listing for what history entry ID sent (its outcome was "
        "unknown: it may have been applied) and record what was found. Exit 0: found (do not send it "
        "again); 3: not found (not proof: a server may still apply it late); 1: the look-up failed.",
    )
    lookup.add_argument("entry_id", metavar="ID", help="the entry's id (`trunkwizard history` lists them)")
    lookup.add_argument("--profile", metavar="NAME", help="use this saved account instead of the entry's")
    lookup.add_argument(
        "--sandbox-url",
        metavar="URL",
        help="for an entry made in a sandbox served by `trunkwizard sandbox serve`: its URL",
    )


def _delete(args: argparse.Namespace) -> int:
    import asyncio

    from trunkwizard.deletion import delete_created, why_not_deletable
    from trunkwizard.errors import CredentialsUnavailable, TrunkwizardError
    from trunkwizard.providers import get_provider
    from trunkwizard.store import HistoryStore

    history = HistoryStore()
    entry = next((e for e in history.entries() if e.id == args.entry_id), None)
    if entry is None:
        return _fail(f"no history entry {args.entry_id!r}; `trunkwizard history` lists the ids", 2)
    try:
        provider = get_provider(entry.provider)
    except KeyError:
        return _fail(
            f"entry {entry.id} is from provider {entry.provider!r}, which this version does not know"
        )
    reason = why_not_deletable(entry, provider)
    if reason is not None:
        return _fail(reason)
    profile = args.profile or (None if entry.sandbox else entry.profile)
    what = f"{provider.title} {provider.creates} {entry.created_id}"
    from trunkwizard.errors import ReadOnlyRefused
    from trunkwizard.store import ProfileStore

    if args.read_only or (profile and ProfileStore().get(profile).read_only):
        return _fail(ReadOnlyRefused("delete").message, 2)
    try:
        resolved = _account_of(entry, provider, profile, args.sandbox_url)
        if isinstance(resolved, int):
            return resolved
        account, ca_file = resolved
        if not args.yes:
            from trunkwizard.deletion import history_confirmation

            confirmation = history_confirmation(entry, provider)
            typed = args.confirm
            if typed is None:
                if not sys.stdin.isatty():
                    return _fail("not deleting without confirmation: add --confirm TEXT (or --yes)", 2)
                print(f"Delete {confirmation.what}?", file=sys.stderr)
                print(confirmation.consequence, file=sys.stderr)
                print(
                    f"{confirmation.prompt}, or press Enter to cancel:", end=" ", file=sys.stderr, flush=True
                )
                typed = sys.stdin.readline()
                if not typed.strip():
                    print("trunkwizard: nothing deleted", file=sys.stderr)
                    return EXIT_OK
            if not confirmation.accepts(typed):
                return _fail(
                    f"nothing deleted: that is not the {confirmation.label} ({confirmation.expected})", 2
                )
        asyncio.run(delete_created(entry, provider, account, history, ca_file=ca_file))
    except CredentialsUnavailable as exc:
        return _fail(f"{exc.message} ({exc.hint})" if exc.hint else exc.message)
    except TrunkwizardError as exc:
        return _fail(exc.message)
    print(f"trunkwizard: deleted {what}", file=sys.stderr)
    return EXIT_OK


def _account_of(
    entry: Any, provider: Any, profile: str | None, sandbox_url: str | None
) -> tuple[Any, str | None] | int:
    """The account (and CA file) to reach what `entry` was sent to, or an exit code after saying why not."""
    from trunkwizard.client import load_account
    from trunkwizard.commands._profiles import account_from_profile, ca_file_of

    if sandbox_url:
        from trunkwizard.sandbox import sandbox_account

        return load_account(provider, sandbox_account(provider.key, sandbox_url)), None
    if entry.sandbox:
        return _fail(
            f"entry {entry.id} was made in the embedded sandbox, which forgets what it created when "
            "trunkwizard exits; for a served sandbox give --sandbox-url"
        )
    if profile:
        return account_from_profile(provider, profile), ca_file_of(profile)
    return _fail(f"entry {entry.id} was made with an account typed in: give --profile NAME", 2)


def _lookup(args: argparse.Namespace) -> int:
    import asyncio

    from trunkwizard.client import ProviderClient
    from trunkwizard.errors import CredentialsUnavailable, TrunkwizardError
    from trunkwizard.providers import get_provider
    from trunkwizard.store import HistoryStore

    history = HistoryStore()
    entry = next((e for e in history.entries() if e.id == args.entry_id), None)
    if entry is None:
        return _fail(f"no history entry {args.entry_id!r}; `trunkwizard history` lists the ids", 2)
    if entry.outcome != "unknown":
        print(f"trunkwizard: entry {entry.id} is settled: created id {entry.created_id}", file=sys.stderr)
        return EXIT_OK
    try:
        provider = get_provider(entry.provider)
        mode = provider.mode(entry.mode or "")
    except KeyError:
        return _fail(f"entry {entry.id} is {entry.provider}/{entry.mode}, which this version does not know")
    request = recorded_request(mode.model, entry.request.get("json"), entry.path_values)
    if provider.find_call(mode, request) is None:
        return _fail(f"{provider.title} has no listing to search: check in its console", EXIT_FAILED)
    profile = args.profile or (None if entry.sandbox else entry.profile)
    try:
        resolved = _account_of(entry, provider, profile, args.sandbox_url)
        if isinstance(resolved, int):
            return resolved
        account, ca_file = resolved

        async def search() -> tuple[str | None, bool]:
            async with ProviderClient(provider, account, ca_file=ca_file) as client:
                return await client.find_existing(mode, request)

        found, searched_all = asyncio.run(search())
    except CredentialsUnavailable as exc:
        return _fail(f"{exc.message} ({exc.hint})" if exc.hint else exc.message)
    except TrunkwizardError as exc:
        return _fail(f"the look-up failed, nothing settled: {exc.message}")
    except KeyboardInterrupt:
        return _fail("interrupted: nothing settled", 130)
    if found is not None:
        history.record_lookup(entry.id, found)
        print(
            f"trunkwizard: {provider.title} has it: {provider.creates} id {found}. It was created: do not "
            "send it again.",
            file=sys.stderr,
        )
        return EXIT_OK
    if not searched_all:
        return _fail(
            f"not in the first pages of {provider.title}'s list, which goes on: check in its console; "
            "nothing settled",
            EXIT_UNKNOWN,
        )
    history.record_lookup(entry.id, None)
    return _fail(
        f"{provider.title} does not list it now. That is not proof: a server that applies requests late "
        "may still create it. Look again later, or check its console, before sending it again.",
        EXIT_UNKNOWN,
    )


def recorded_request(model: type[ProviderModel], body: Any, path_values: Mapping[str, str]) -> ProviderModel:
    """The request a history entry sent, rebuilt from its recorded body (secrets masked) without
    validation: enough for the provider's listing match, which reads identifying fields only."""
    from trunkwizard.fields import form_fields

    names = {f.wire: f.name for f in form_fields(model)}
    values = {names[k]: v for k, v in (body if isinstance(body, Mapping) else {}).items() if k in names}
    values.update({names[k]: v for k, v in path_values.items() if k in names})
    return model.model_construct(**values)


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    from trunkwizard.redact import redact

    print(f"trunkwizard: {redact(message)}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from trunkwizard.errors import StoreError
    from trunkwizard.store import HistoryStore

    action = getattr(args, "history_action", None)
    if action in ("delete", "lookup"):
        try:
            return _delete(args) if action == "delete" else _lookup(args)
        except StoreError as exc:
            return _fail(exc.message)

    try:
        entries = HistoryStore().entries()
    except StoreError as exc:
        print(f"trunkwizard: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    entries = entries[::-1]  # newest first, as the wizard's history screen shows them
    if args.limit:
        entries = entries[: args.limit]
    if args.json:
        print(json.dumps([e.to_json() for e in entries], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not entries:
        print("nothing created yet")
        return EXIT_OK
    try:
        half_done = {e.id for e in HistoryStore().half_done()}
    except StoreError:
        half_done = set()
    for entry in entries:
        flags = [
            flag
            for flag, on in (("sandbox", entry.sandbox), (f"deleted {entry.deleted_at}", entry.deleted))
            if on
        ]
        if entry.outcome == "unknown":
            looked = f", looked up {entry.looked_up_at}: not found then" if entry.looked_up_at else ""
            flags.insert(0, f"unknown: may have been applied{looked}")
        other = entry.connection.get("other") or {}
        if entry.id in half_done:
            flags.insert(0, f"half-done connection to {other.get('provider')}: connect --resume {entry.id}")
        elif entry.connection:
            flags.insert(0, f"connected with {other.get('provider')}/{other.get('mode')}")
        where = f"{entry.provider}/{entry.mode}" if entry.mode else entry.provider
        # the entry's own id first: what `history delete`, `check --connection` and `connect --resume` take
        line = f"{entry.time}  entry {entry.id}  {where}  profile={entry.profile or '-'}"
        line += f"  id={entry.created_id or '?'}"
        print(line + (f"  [{', '.join(flags)}]" if flags else ""))
        if entry.id in half_done:
            print(f"    {_second_half(entry)}")
        for call in entry.calls:
            if call.get("url"):
                print(f"    {call.get('method', '')} {call['url']}")
    return EXIT_OK


def _second_half(entry: HistoryEntry) -> str:
    """What became of a half-done connection's second half: failed when and why, or never sent."""
    from trunkwizard.connect.resume import NotResumable, half_done

    try:
        return half_done(entry).describe()[1]
    except (NotResumable, ValueError) as exc:
        return f"Second half: not resumable ({exc})"
