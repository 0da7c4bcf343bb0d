"""`trunkwizard show PROVIDER ID`: one item as the provider's get call returns it, secrets masked.

ID is the id `trunkwizard list` prints, or what tells it apart (its number, trunk name or username).
`--reveal FIELD` prints one returned secret (a Yeastar trunk password, a Wavix access token) on
purpose, and nothing else. Exit codes as for `create`: 0 shown, 2 usage, 1 provider or network error.
"""

from __future__ import annotations

import argparse
import json

from trunkwizard.commands._target import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_target_arguments, fail


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument(
        "item", metavar="ID", help="the id from `trunkwizard list`, or a number or trunk name"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output (one JSON object)")
    parser.add_argument(
        "--reveal",
        metavar="FIELD",
        help="print this one returned secret (e.g. password, access_token) in clear, on purpose",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from trunkwizard.commands._target import open_client
    from trunkwizard.errors import TrunkwizardError
    from trunkwizard.inventory import Details, listing_of, show
    from trunkwizard.providers import get_provider

    try:
        provider = get_provider(args.provider)
        listing_of(provider)
    except KeyError as exc:
        return fail(str(exc.args[0]), EXIT_USAGE)
    except TrunkwizardError as exc:
        return fail(exc.message, EXIT_USAGE)

    async def read() -> Details:
        async with open_client(provider, args) as client:
            return await show(client, args.item, page_size=args.page_size, with_status=True)

    try:
        details = asyncio.run(read())
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    except TrunkwizardError as exc:
        return fail(exc.message, EXIT_FAILED)
    if args.reveal:
        if args.reveal not in details.secrets:
            held = ", ".join(details.secrets) or "none"
            return fail(f"no returned secret {args.reveal!r}; secrets in this answer: {held}", EXIT_USAGE)
        print(details.reveal(args.reveal))
        return EXIT_OK
    if args.json:
        document = {"provider": provider.key, "id": details.ref.id, **dict(details.ref.path_values)}
        if details.status:
            document["status"] = details.status
        print(json.dumps({**document, "resource": dict(details.body)}, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{provider.title} {provider.creates} {details.ref.id}")
    if details.status:
        print(f"  Status: {details.status}")
    width = max((len(key) for key, _ in details.fields), default=0)
    for key, value in details.fields:
        print(f"  {key.ljust(width)}  {value}")
    if details.secrets:
        names = ", ".join(details.secrets)
        print(f"Returned secrets are masked; `--reveal {next(iter(details.secrets))}` shows one ({names}).")
    return EXIT_OK
