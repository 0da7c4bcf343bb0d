"""`trunkwizard delete PROVIDER ID`: delete one item of the account at the provider, with care.

It says what goes and what that does ("a custom Vox number expires immediately"), then asks for the
number or trunk name to be typed (lazygit-style); a script gives it with `--confirm TEXT`. Refused on
a read-only account before any request leaves. Exit codes as for `create`: 0 deleted (or nothing
deleted when the confirmation did not match on a terminal), 2 usage or refused, 1 provider or network
error.
"""

from __future__ import annotations

import argparse
import sys

from trunkwizard.commands._target import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_target_arguments, fail


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument(
        "item", metavar="ID", help="the id from `trunkwizard list`, or a number or trunk name"
    )
    parser.add_argument(
        "--confirm",
        metavar="TEXT",
        help="the item's number or trunk name (what `list` shows), for scripts; without it a terminal asks",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from trunkwizard.commands._target import open_client, read_only
    from trunkwizard.errors import ReadOnlyRefused, TrunkwizardError
    from trunkwizard.inventory import delete_confirmation, find, listing_of
    from trunkwizard.providers import get_provider

    try:
        provider = get_provider(args.provider)
        listing_of(provider)
        if read_only(args):
            raise ReadOnlyRefused("delete")
    except KeyError as exc:
        return fail(str(exc.args[0]), EXIT_USAGE)
    except TrunkwizardError as exc:
        return fail(exc.message, EXIT_USAGE)
    if args.confirm is None and not sys.stdin.isatty():
        return fail("not deleting without confirmation: add --confirm with its number or trunk name", 2)

    async def delete() -> int:
        async with open_client(provider, args) as client:
            item = await find(client, args.item, page_size=args.page_size)
            confirmation = delete_confirmation(provider, item)
            typed = args.confirm
            if typed is None:
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
                return fail(
                    f"nothing deleted: {typed.strip()!r} is not the {confirmation.label} "
                    f"({confirmation.expected})",
                    EXIT_USAGE,
                )
            await client.delete(item.ref)
            print(f"trunkwizard: deleted {confirmation.what}", file=sys.stderr)
            _record_in_history(provider.key, item.ref.id, args)
            return EXIT_OK

    try:
        return asyncio.run(delete())
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    except ReadOnlyRefused as exc:
        return fail(exc.message, EXIT_USAGE)
    except TrunkwizardError as exc:
        return fail(exc.message, EXIT_FAILED)


def _record_in_history(provider_key: str, created_id: str, args: argparse.Namespace) -> None:
    """The history entry that created it says deleted from now on (as a delete from the history does)."""
    from trunkwizard.deletion import record_deleted_resource
    from trunkwizard.store import HistoryStore

    if args.sandbox:  # the in-process emulator starts afresh each run: no entry of an earlier run is this one
        return
    history = HistoryStore()
    entries = [e for e in history.entries() if e.sandbox == bool(args.sandbox_url)]
    for entry_id in record_deleted_resource(history, entries, provider_key, created_id):
        print(f"trunkwizard: history entry {entry_id} marked deleted", file=sys.stderr)
