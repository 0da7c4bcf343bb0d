"""Command line entry: `trunkwizard` opens the wizard; subcommands serve scripts.

This module and the command modules import neither Textual nor the HTTP stack at import time:
`--help` and `--version` stay instant, and each command imports what it needs when it runs.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, cast

from trunkwizard import __version__

if TYPE_CHECKING:
    import argparse

__all__ = ["main", "run"]

# (name, module under trunkwizard.commands, one-line help)
COMMANDS: list[tuple[str, str, str]] = [
    ("create", "create", "create a trunk, endpoint or number from an answers file"),
    ("providers", "providers", "list providers, their modes and their fields"),
    ("sandbox", "sandbox", "run the provider emulator on 127.0.0.1"),
    ("profile", "profile", "list, add, edit or remove saved accounts"),
    ("history", "history", "list what was created"),
    ("list", "listing", "list what an account has at the provider (every page), with live status"),
    ("show", "show", "show one item of an account as the provider returns it, secrets masked"),
    ("delete", "delete", "delete one item of an account at the provider, after typing its name"),
    ("edit", "edit", "change one item of an account with the provider's documented update"),
    ("rotate", "rotate", "set a new generated password on a trunk, endpoint or number and its other side"),
    ("check", "check", "check the SIP side of a trunk: DNS, OPTIONS, optional REGISTER"),
    ("connect", "connect", "create both halves of one SIP connection: what one side offers, the other fills"),
    ("export", "export", "write the PBX half (Asterisk pjsip.conf, FreeSWITCH gateway) of a created trunk"),
]


class CommandModule(Protocol):
    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _command(module: str) -> CommandModule:
    return cast(CommandModule, importlib.import_module(f"trunkwizard.commands.{module}"))


# The wizard's own switches that take no value: a command line of only these (as typed in full) opens
# the wizard without argparse (its import and parser, ~2 ms of the first frame).
_WIZARD_SWITCHES = frozenset({"--sandbox", "--no-mouse", "--read-only", "--insecure-http"})


def _top_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="trunkwizard",
        description="Provision SIP trunks, SIP endpoints and phone numbers at telephony providers. "
        "With no command, opens the wizard.",
    )
    parser.add_argument("--version", action="version", version=f"trunkwizard {__version__}")
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="use the embedded emulator of the five provider APIs (no account needed)",
    )
    parser.add_argument("--profile", metavar="NAME", help="start the wizard with this saved account")
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse (slow links)")
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="only look: create, edit, rotate and delete are refused before any request is sent",
    )
    parser.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow an http:// base URL to a host other than this machine (credentials go in clear)",
    )
    return parser


def build_parser(only: set[str] | None = None, *, list_all: bool = True) -> argparse.ArgumentParser:
    """The parser of every command; with `only`, the other commands are listed but not configured, so
    their modules (and what they import) are not loaded for a run of one command. Without `list_all`
    they are not even listed (a run of one command, no help asked: a parser per command is ~3 ms)."""
    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module, help_text in COMMANDS:
        if not list_all and only is not None and name not in only:
            continue
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        command_parser.set_defaults(command_module=module)
        if only is None or name in only:
            _command(module).configure(command_parser)
    return parser


def run() -> int:
    """What the `trunkwizard` command and `python -m trunkwizard` call: `main`, and then the process ends.

    Before it ends, all that is loaded is frozen out of the cyclic garbage collector's sight: the
    interpreter's teardown otherwise runs collections that walk every module, model and validator
    loaded (about 25 ms of a 0.2 s `create --dry-run`), only to free memory the OS takes back anyway.
    `atexit` handlers still run. Not in `main`, which tests call many times in one process."""
    code = main()
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if argv is None and not words:
        # the wizard in a terminal: SIGHUP/SIGTERM end it in bounded time from here on (tui/hangup.py)
        from trunkwizard.tui import hangup

        hangup.install()
    names = {name for name, _, _ in COMMANDS}
    helping = bool({"-h", "--help"} & set(words))
    if set(words) <= _WIZARD_SWITCHES:
        return _run_wizard(
            sandbox="--sandbox" in words,
            no_mouse="--no-mouse" in words,
            read_only="--read-only" in words,
            insecure_http="--insecure-http" in words,
        )
    if not names & set(words) and not helping:
        # Opening the wizard: skip importing and configuring every subcommand (first-screen time).
        args = _top_parser().parse_args(words)
        args.command = None
    else:
        args = build_parser(only=names & set(words), list_all=helping).parse_args(words)
    if args.command is None:
        return _run_wizard(
            sandbox=args.sandbox,
            profile=args.profile,
            no_mouse=args.no_mouse,
            read_only=args.read_only,
            insecure_http=args.insecure_http,
        )
    if not getattr(args, "dry_run", False):
        _clean_orphans()  # a dry run writes nothing: the next run that writes cleans (~10 ms of imports)
    try:
        code = _command(args.command_module).run(args)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `trunkwizard providers | head`: the reader has what it wanted. Point stdout at /dev/null so
        # the interpreter's last flush does not fail too, and end as `yes | head` does (128 + SIGPIPE).
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _run_wizard(
    *, sandbox: bool, no_mouse: bool, read_only: bool, insecure_http: bool, profile: str | None = None
) -> int:
    # Until the first frame is drawn the cyclic garbage collector would only walk what the start imports
    # and builds, almost none of it garbage: about 10 ms of that frame (issue 16). The wizard turns it
    # on again once the frame is drawn (WizardApp.on_ready).
    gc.disable()
    try:
        from trunkwizard.tui.app import run_app

        return run_app(
            sandbox=sandbox,
            profile=profile,
            mouse=not no_mouse,
            read_only=read_only,
            insecure_http=insecure_http,
        )
    finally:
        gc.enable()  # on already, unless the app ended before its first frame


def _clean_orphans() -> None:
    """Temporary files a killed run left (kill -9 during a save) go on the next start, of the wizard
    (tui/persistent_app.py) or of any command."""
    try:
        from trunkwizard.store.files import AppDirs, clean_orphan_temp_files

        clean_orphan_temp_files(AppDirs.from_environment().private_dirs())
    except Exception:  # never a reason for a command to fail
        return
