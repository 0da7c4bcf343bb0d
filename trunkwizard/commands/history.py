"""`trunkwizard history [--json] [--limit N]`: what was created, oldest first, the newest at the bottom.

Deleting a created resource is done from the wizard's history screen, which has the provider client.
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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


def run(args: argparse.Namespace) -> int:
    from trunkwizard.errors import StoreError
    from trunkwizard.store import HistoryStore

    try:
        entries = HistoryStore().entries()
    except StoreError as exc:
        print(f"trunkwizard: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    if args.limit:
        entries = entries[-args.limit :]
    if args.json:
        print(json.dumps([e.to_json() for e in entries], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not entries:
        print("nothing created yet")
        return EXIT_OK
    for entry in entries:
        flags = [
            flag
            for flag, on in (("sandbox", entry.sandbox), (f"deleted {entry.deleted_at}", entry.deleted))
            if on
        ]
        where = f"{entry.provider}/{entry.mode}" if entry.mode else entry.provider
        line = f"{entry.time}  {where}  profile={entry.profile or '-'}  id={entry.created_id or '?'}"
        print(line + (f"  [{', '.join(flags)}]" if flags else ""))
        request = entry.request
        if request.get("url"):
            print(f"    {request.get('method', '')} {request['url']}")
    return EXIT_OK
