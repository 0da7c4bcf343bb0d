"""`trunkwizard rotate PROVIDER ID --reveal`: a new password for a trunk, endpoint or number, generated
to meet the provider's documented rules, set with its documented update, then read back.

The new password must reach the other side (the PBX or phone that registers with it), so it is
printed once on stdout, and only with `--reveal`; `--dry-run` shows the call with it masked and sends
nothing. Updating the other side in the same run is not done yet: the output says which side holds
which password. Exit codes as for `create`.
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
    parser.add_argument("--reveal", action="store_true", help="print the new password once on stdout")
    parser.add_argument(
        "--dry-run", action="store_true", help="show the call (password masked); send nothing"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output (one JSON object)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from trunkwizard.commands._target import open_client, read_only
    from trunkwizard.commands.edit import print_edit
    from trunkwizard.editing import apply_edit, plan_rotation
    from trunkwizard.errors import ReadOnlyRefused, TrunkwizardError, ValidationFailed
    from trunkwizard.inventory import listing_of, show
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
    if not args.dry_run and not args.reveal:
        return fail(
            "the new password must reach the side that registers with it: add --reveal to print it "
            "once, or --dry-run to see the call",
            EXIT_USAGE,
        )

    async def rotate() -> int:
        async with open_client(provider, args) as client:
            details = await show(client, args.item, page_size=args.page_size)
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

    try:
        return asyncio.run(rotate())
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
