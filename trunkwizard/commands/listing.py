"""`trunkwizard list PROVIDER [--json]`: every item of the account's own listing at the provider, every
page, with what tells rows apart and the live status in words. Returned secrets are masked.

Exit codes as for `create`: 0 listed, 2 usage, 1 provider or network error.
"""

from __future__ import annotations

import argparse
import json
import sys

from trunkwizard.commands._target import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_target_arguments, fail


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output (a JSON list)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from trunkwizard.commands._target import open_client
    from trunkwizard.errors import TrunkwizardError
    from trunkwizard.inventory import Inventory, list_inventory, listing_of
    from trunkwizard.providers import get_provider

    try:
        provider = get_provider(args.provider)
        listing = listing_of(provider)
    except KeyError as exc:
        return fail(str(exc.args[0]), EXIT_USAGE)
    except TrunkwizardError as exc:
        return fail(exc.message, EXIT_USAGE)

    async def collect() -> Inventory:
        async with open_client(provider, args) as client:
            return await list_inventory(client, page_size=args.page_size)

    try:
        inventory = asyncio.run(collect())
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    except TrunkwizardError as exc:
        return fail(exc.message, EXIT_FAILED)
    if args.json:
        print(json.dumps(inventory.to_json(), indent=2, ensure_ascii=False))
        return EXIT_OK
    if not inventory.items:
        print(f"no {listing.what} in this {provider.title} account")
        return EXIT_OK
    columns = [
        ("id", "ID", 0),
        *((c.key, c.title, c.width) for c in listing.columns),
        ("status", "Status", 0),
    ]
    rows = [{"id": item.key, **dict(item.cells), "status": item.status or "-"} for item in inventory.items]
    widths = {key: max(len(title), *(len(row.get(key, "")) for row in rows)) for key, title, _ in columns}
    print("  ".join(title.ljust(widths[key]) for key, title, _ in columns).rstrip())
    for row in rows:
        print("  ".join(row.get(key, "").ljust(widths[key]) for key, _, _ in columns).rstrip())
    pages = "1 page" if inventory.pages == 1 else f"{inventory.pages} pages"
    print(f"{len(inventory.items)} {listing.what} ({pages} of the provider's listing)", file=sys.stderr)
    return EXIT_OK
