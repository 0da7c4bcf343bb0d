"""`trunkwizard edit PROVIDER ID --answers FILE`: change what an account already has, with the
provider's documented update (a partial PATCH, Wavix's full-replace PUT, Yeastar's trunk/update).

The answers file (JSON or TOML, the provider's wire names) holds only what changes; a secret may come
from TRUNKWIZARD_<PROVIDER>_<FIELD> instead. The diff (old -> new, secrets "changed"/"unchanged") is
printed with the plan (every call, secrets masked, as the wizard's review shows it), the update sent, and
the result read back with the get call. `--dry-run` prints the diff and the plan and sends nothing;
`--curl` prints the plan as curl commands (secrets as $TRUNKWIZARD_... references) instead. Exit codes as
for `create`: 0 changed (or dry run), 2 invalid answers, a read-only field, a read-only account or
usage, 1 provider or network error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trunkwizard.commands._target import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_target_arguments, fail

if TYPE_CHECKING:
    from trunkwizard.client import PreparedUpdate
    from trunkwizard.editing import Edit
    from trunkwizard.inventory import Details


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument(
        "item", metavar="ID", help="the id from `trunkwizard list`, or a number or trunk name"
    )
    parser.add_argument(
        "--answers",
        required=True,
        type=Path,
        metavar="FILE",
        help="JSON or TOML: only the fields that change",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the diff and the call; send nothing")
    parser.add_argument("--json", action="store_true", help="machine-readable output (one JSON object)")
    parser.add_argument(
        "--curl", action="store_true", help="with --dry-run: print the plan as curl commands, send nothing"
    )


def print_edit(
    edit: Edit, plan: PreparedUpdate, after: Details | None, *, as_json: bool, dry_run: bool
) -> None:
    if as_json:
        document: dict[str, Any] = {
            "changes": edit.lines(),
            **plan.as_json(),
            "semantics": edit.semantics,
            "sent": not dry_run,
        }
        if after is not None:
            document["after"] = dict(after.body)
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return
    print(f"{edit.provider.title} {edit.provider.creates} {edit.details.ref.id}: {edit.semantics}")
    for line in edit.lines():
        print(f"  {line}")
    print(plan.as_text())
    if after is not None:
        print("Read back:")
        shown = {change.wire for change in edit.changes}
        for key, value in after.fields:
            if key in shown:
                print(f"  {key}: {value}")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from trunkwizard.commands._target import open_client, read_only
    from trunkwizard.commands.create import read_answers
    from trunkwizard.editing import apply_edit, plan_edit
    from trunkwizard.errors import ReadOnlyRefused, TrunkwizardError, ValidationFailed
    from trunkwizard.inventory import listing_of, show
    from trunkwizard.providers import get_provider
    from trunkwizard.providers._auth import env_var

    if args.curl and not args.dry_run:
        return fail("--curl prints the plan only: give --dry-run with it", EXIT_USAGE)
    try:
        provider = get_provider(args.provider)
        listing = listing_of(provider)
        if read_only(args) and not args.dry_run:
            raise ReadOnlyRefused("edit")
        answers = read_answers(args.answers)
    except KeyError as exc:
        return fail(str(exc.args[0]), EXIT_USAGE)
    except (OSError, ValueError) as exc:
        return fail(f"cannot read answers: {exc}", EXIT_USAGE)
    except TrunkwizardError as exc:
        return fail(exc.message, EXIT_USAGE)
    for wire in listing.secret_fields:
        from_env = os.environ.get(env_var(provider.key, wire))
        if wire not in answers and from_env:
            answers[wire] = from_env

    async def edit() -> int:
        async with open_client(provider, args) as client:
            details = await show(client, args.item, page_size=args.page_size)
            planned = plan_edit(provider, details, answers)
            plan = planned.plan(client.account)
            if args.curl:
                print(plan.as_curl())
                return EXIT_OK
            after = None if args.dry_run else await apply_edit(client, planned)
            print_edit(planned, plan, after, as_json=args.json, dry_run=args.dry_run)
            return EXIT_OK

    try:
        return asyncio.run(edit())
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
