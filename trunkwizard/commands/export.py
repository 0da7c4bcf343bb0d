"""`trunkwizard export asterisk|freeswitch ID`: the PBX half of a connection, as a config file.

Made from what history entry ID offers (registrar, username, authentication name), recorded when it
was created. An entry recorded before offers were kept is read back from the provider with the
entry's saved account (or --profile, or --sandbox-url for a served sandbox).

The SIP password is never in the history. Without --with-password the file holds a placeholder to
replace. With it, the password comes from TRUNKWIZARD_<PROVIDER>_PASSWORD or is asked on the terminal
(not echoed), and the file must go to --output, written 0600: it is never printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.connect import Offer, Offering
    from trunkwizard.providers import Provider
    from trunkwizard.store import HistoryEntry

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXPORTERS = ("asterisk", "freeswitch")  # kept here so `--help` needs no import of the exporters


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "exporter", choices=EXPORTERS, help="asterisk: pjsip.conf sections; freeswitch: a gateway XML file"
    )
    parser.add_argument(
        "entry_id", metavar="ID", help="the history entry's id (`trunkwizard history --json`)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the file here (0600) instead of printing it; the directory must exist",
    )
    parser.add_argument(
        "--with-password",
        action="store_true",
        help="put the SIP password in the file (from TRUNKWIZARD_<PROVIDER>_PASSWORD, or asked); "
        "needs --output. Without it the file holds a placeholder",
    )
    parser.add_argument(
        "--host", help="register to this one of the hosts the provider offers (e.g. a region)"
    )
    parser.add_argument("--name", help="the trunk's section or gateway name (default: provider-username)")
    parser.add_argument("--profile", metavar="NAME", help="read the entry back with this saved account")
    parser.add_argument(
        "--sandbox-url", metavar="URL", help="read the entry back from a sandbox served on this URL"
    )
    parser.epilog = (
        "The SIP password is not kept in the history: without --with-password, replace the placeholder "
        "in the file by hand."
    )


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    from trunkwizard.redact import redact

    print(f"trunkwizard: {redact(message)}", file=sys.stderr)
    return code


def _registration_offering(provider: Provider, mode: str | None) -> Offering | None:
    from trunkwizard.connect import OfferKind

    return next((o for o in provider.offerings if o.mode == mode and o.kind is OfferKind.REGISTRATION), None)


async def _read_back(
    provider: Provider, offering: Offering, entry: HistoryEntry, account: Any, ca_file: str | None
) -> Offer:
    from trunkwizard.client import ProviderClient
    from trunkwizard.connect import OfferInput
    from trunkwizard.providers import Call, ResourceRef

    ref = ResourceRef(entry.provider, entry.mode or "", entry.created_id or "", entry.path_values)
    async with ProviderClient(provider, account, ca_file=ca_file) as client:
        answer = await client.fetch(ref)
        reads = {name: await client.send(Call("GET", path)) for name, path in offering.reads.items()}
    if isinstance(answer, dict) and isinstance(answer.get("data"), dict):
        answer = answer["data"]
    request = entry.request.get("json")
    source = OfferInput(
        request=request if isinstance(request, dict) else {},
        answer=answer if isinstance(answer, dict) else {},
        base_url=provider.base_url(account),
        reads=reads,
    )
    return provider.offer(offering, source)


def _offer_of(provider: Provider, entry: HistoryEntry, args: argparse.Namespace) -> Offer:
    """The entry's recorded offer, or one read back from the provider."""
    import asyncio

    from trunkwizard.connect import Offer, OfferKind

    for recorded in entry.offers:
        if recorded.get("kind") == OfferKind.REGISTRATION.value:
            return Offer.from_public(recorded, provider.title)
    offering = _registration_offering(provider, entry.mode)
    if offering is None:
        raise LookupError(
            f"entry {entry.id} ({provider.title} {entry.mode or provider.creates}) offers no SIP account to "
            "register with, so there is nothing to export"
        )
    from trunkwizard.client import load_account

    ca_file = None
    if args.sandbox_url:
        from trunkwizard.sandbox import sandbox_account

        account = load_account(provider, sandbox_account(provider.key, args.sandbox_url))
    elif entry.sandbox:
        raise LookupError(
            f"entry {entry.id} was made in the embedded sandbox, which forgets what it created when "
            "trunkwizard exits; for a served sandbox give --sandbox-url"
        )
    elif profile := str(args.profile or entry.profile or ""):
        from trunkwizard.commands._profiles import account_from_profile, ca_file_of

        account = account_from_profile(provider, profile)
        ca_file = ca_file_of(profile)
    else:
        raise LookupError(
            f"entry {entry.id} was made with an account typed in and holds no recorded offer: give --profile "
            "NAME to read it back from the provider"
        )
    return asyncio.run(_read_back(provider, offering, entry, account, ca_file))


def _password(provider: Provider) -> Any:
    import getpass
    import os

    from pydantic import SecretStr

    from trunkwizard.providers._auth import env_var
    from trunkwizard.redact import register_secret

    variable = env_var(provider.key, "password")
    value = os.environ.get(variable)
    if not value:
        if not sys.stdin.isatty():
            raise LookupError(f"--with-password: set {variable}, or run on a terminal to be asked")
        value = getpass.getpass(f"SIP password of the {provider.title} {provider.creates} (not shown): ")
    if not value:
        raise LookupError("--with-password: no password given")
    register_secret(value)
    return SecretStr(value)


def run(args: argparse.Namespace) -> int:
    from trunkwizard.connect import Origin
    from trunkwizard.connect.export import PASSWORD_PLACEHOLDER, get_exporter
    from trunkwizard.errors import CredentialsUnavailable, TrunkwizardError
    from trunkwizard.providers import get_provider
    from trunkwizard.store import HistoryStore
    from trunkwizard.store.files import write_user_file

    if args.with_password and args.output is None:
        return _fail("--with-password writes the password only into a file: add --output FILE", EXIT_USAGE)
    try:
        entry = next((e for e in HistoryStore().entries() if e.id == args.entry_id), None)
        if entry is None:
            return _fail(f"no history entry {args.entry_id!r}; `trunkwizard history --json` lists the ids", 2)
        try:
            provider = get_provider(entry.provider)
        except KeyError:
            return _fail(
                f"entry {entry.id} is from provider {entry.provider!r}, which this version does not know"
            )
        if entry.deleted:
            return _fail(
                f"entry {entry.id} was deleted at {provider.title} on {entry.deleted_at}: there is "
                "nothing to register with any more"
            )
        offer = _offer_of(provider, entry, args)
        if args.host:
            offer = offer.with_host(args.host)
        if args.with_password:
            offer = offer.with_password(
                _password(provider), "the SIP password, given at export", Origin.TYPED
            )
        exporter = get_exporter(args.exporter)
        text = exporter.render(offer, with_password=args.with_password, name=args.name)
        if args.output is None:
            sys.stdout.write(text)
        else:
            write_user_file(args.output, text.encode("utf-8"))
    except CredentialsUnavailable as exc:
        return _fail(f"{exc.message} ({exc.hint})" if exc.hint else exc.message)
    except TrunkwizardError as exc:
        return _fail(exc.message)
    except (LookupError, ValueError) as exc:
        return _fail(str(exc.args[0]) if exc.args else str(exc))
    if entry.sandbox:
        print(
            f"trunkwizard: entry {entry.id} was made in the sandbox: the file names {provider.title}'s real "
            "hosts, but that account does not exist there",
            file=sys.stderr,
        )
    where = f"wrote {args.output} (0600)" if args.output else "printed the file"
    if args.with_password:
        print(f"trunkwizard: {where}; it holds the SIP password: keep it private", file=sys.stderr)
    else:
        print(
            f"trunkwizard: {where} for {exporter.file_hint}; the SIP password is not kept in the history: "
            f"replace {PASSWORD_PLACEHOLDER} with it, or export again with --with-password --output FILE",
            file=sys.stderr,
        )
    return EXIT_OK
