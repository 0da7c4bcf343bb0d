"""`trunkwizard sandbox serve [--port N]`: the provider emulator on 127.0.0.1, for trials and tests."""

from __future__ import annotations

import argparse
import json


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="sandbox_action", metavar="ACTION", required=True)
    serve = sub.add_parser("serve", help="serve the emulator on 127.0.0.1 until interrupted")
    serve.add_argument(
        "--port", type=int, default=8787, help="TCP port on 127.0.0.1 (default 8787; 0 picks one)"
    )
    accounts = sub.add_parser("accounts", help="print the sandbox credentials for a served sandbox")
    accounts.add_argument("--url", default="http://127.0.0.1:8787", help="the served sandbox's root URL")


def run(args: argparse.Namespace) -> int:
    from trunkwizard.sandbox import free_port, sandbox_accounts

    if args.sandbox_action == "accounts":
        print(json.dumps(sandbox_accounts(args.url), indent=2))
        return 0
    import uvicorn

    from trunkwizard.sandbox import create_app

    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}"
    print(f"trunkwizard sandbox on {url} (loopback only; Ctrl+C stops it)")
    print("Sandbox credentials (these are not secrets; they only open this emulator):")
    for key, account in sandbox_accounts(url).items():
        print(f"  {key}: " + ", ".join(f"{k}={v}" for k, v in account.items()))
    print(f"Try: trunkwizard create chorus --sandbox-url {url} --answers answers.json")
    uvicorn.run(create_app(), host="127.0.0.1", port=port, log_level="info", lifespan="off")
    return 0
