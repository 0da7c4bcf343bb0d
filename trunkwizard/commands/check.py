"""`trunkwizard check HOST`: the SIP preflight from the command line.

DNS (A/AAAA, SRV, NAPTR), a SIP OPTIONS over the chosen transport (and through the outbound proxy),
and, only when asked and confirmed, a REGISTER with the trunk's credentials followed by an unregister.
The password never comes from argv: a saved profile's keyring entry (--profile), `TRUNKWIZARD_SIP_PASSWORD`,
or a hidden prompt on the terminal.

Exit status: 0 when no check failed (warnings allowed), 1 when one failed, 2 for a usage problem or
a refused REGISTER.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pydantic import SecretStr

    from trunkwizard.preflight import CheckResult
    from trunkwizard.store import Profile

PASSWORD_ENV = "TRUNKWIZARD_SIP_PASSWORD"
TRANSPORT_CHOICES = ("udp", "tcp", "tls", "dnsnaptr")

_EPILOG = f"""\
checks:
  dns       A/AAAA of HOST, SRV _sip._udp/_sip._tcp/_sips._tcp, NAPTR with --transport dnsnaptr,
            and what a PBX would use (RFC 3263: NAPTR, then SRV, then A)
  options   one SIP OPTIONS to HOST over the transport: status line, Server header, round trip
  proxy     the same OPTIONS through --proxy (the request stays addressed to HOST)
  register  only with --register: REGISTER with digest auth, then an unregister (Expires: 0)
  paths     with --proxy: whether the proxy and HOST both answer, or only one of them
  nat       from what HOST echoes back: NAT (the public address it sees) and signs of a SIP ALG

Each result names its outcome and the likely causes ("why"), in --json too ("outcome", "causes",
"next_step", "hints"); with --provider (or --profile) the provider adds its own hints.

--profile NAME uses the saved profile: its CA file for TLS (unless --ca-file is given), its
provider's hints and, with --register, its SIP password from the keyring (store it once:
trunkwizard profile edit NAME --secret sip_password). Without --profile the password comes from
${PASSWORD_ENV}, else a prompt on the terminal; never give it as an argument.
Only HOST and --proxy are contacted.

--connection ENTRY checks a connection the history holds (`trunkwizard history` lists them; either
half's entry): both ends, as the wizard's check after connecting does. First the registrar (or address)
the first side offered, as the other side uses it (the offered username and auth ID; with --register,
the password from --profile's keyring entry, ${PASSWORD_ENV} or a prompt: the history never keeps it),
then the second side's own SIP peers. A provider's real server is not contacted for a sandbox connection.

exit status: 0 nothing failed, 1 a check failed, 2 usage error or REGISTER refused

testing knobs:
  --dns-server IP[:PORT]  ask this DNS server instead of the system's (e.g. 127.0.0.1:5353);
                          meant for tests against a local DNS server
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from trunkwizard.catalog import provider_keys

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _EPILOG
    parser.add_argument(
        "host", metavar="HOST", nargs="?", help="the trunk's SIP host or domain, e.g. sip.provider.example"
    )
    parser.add_argument(
        "--connection",
        metavar="ENTRY",
        help="check a connection from the history instead of HOST (either half's entry): both ends, the "
        "offered registrar with the offered account first",
    )
    parser.add_argument(
        "--port", type=int, metavar="N", help="SIP port; without it DNS SRV decides, else 5060/5061"
    )
    parser.add_argument(
        "--transport",
        choices=TRANSPORT_CHOICES,
        default="udp",
        help="udp, tcp, tls, or dnsnaptr to let DNS NAPTR decide (default: udp)",
    )
    parser.add_argument("--proxy", metavar="HOST[:PORT]", help="outbound proxy to check the path through")
    parser.add_argument("--ca-file", metavar="PATH", help="extra CA certificate(s) to trust for TLS (PEM)")
    parser.add_argument(
        "--register",
        action="store_true",
        help="also send a REGISTER with the credentials (asks first), then unregister",
    )
    parser.add_argument("--username", metavar="U", help="SIP username for --register (From/To and Contact)")
    parser.add_argument(
        "--auth-user",
        metavar="ID",
        help="digest auth ID for --register, when it differs from --username (e.g. Yeastar auth name)",
    )
    parser.add_argument(
        "--profile",
        dest="password_profile",
        metavar="NAME",
        help="use this saved profile: its CA file, its provider's hints, and its keyring SIP password "
        "for --register",
    )
    parser.add_argument(
        "--provider",
        metavar="KEY",
        help=f"add this provider's hints to the explanations ({provider_keys()}); "
        "--profile implies its provider",
    )
    parser.add_argument("--yes", action="store_true", help="do not ask before sending the REGISTER")
    parser.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="overall time limit in seconds (default: 10)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print each check's details")
    parser.add_argument(
        "--dns-server", metavar="IP[:PORT]", help="DNS server to ask instead of the system's (tests)"
    )


def password_from_profile(name: str) -> SecretStr:
    """The REGISTER password kept with saved profile `name` (its `sip_password` keyring entry).

    Raises CredentialsUnavailable saying how to store it when there is none, or when the profile
    does not exist.
    """
    from trunkwizard.accounts import SIP_PASSWORD
    from trunkwizard.errors import CredentialsUnavailable
    from trunkwizard.secrets import SecretMissing, SecretVault
    from trunkwizard.store import ProfileNotFound, ProfileStore

    store = ProfileStore()
    try:
        store.get(name)
    except ProfileNotFound as exc:
        raise CredentialsUnavailable(exc.message, hint=_other_way()) from None
    try:
        vault = SecretVault.open()
        return vault.fetch(name, SIP_PASSWORD, label="SIP password")
    except SecretMissing as exc:
        store_it = f"store it with: trunkwizard profile edit {name} --secret {SIP_PASSWORD}"
        raise SecretMissing(
            exc.message.replace("enter it again", store_it),
            profile=name,
            field=SIP_PASSWORD,
            hint=_other_way(),
        ) from None
    except CredentialsUnavailable as exc:
        raise CredentialsUnavailable(exc.message, hint=_other_way()) from None


def _other_way() -> str:
    """The other source of the password, said only when it is not already in use."""
    if os.environ.get(PASSWORD_ENV) is None:
        return f"or set {PASSWORD_ENV} and leave out --profile"
    return f"{PASSWORD_ENV} is set, but --profile reads the keyring: leave out --profile to use it"


def _read_password(args: argparse.Namespace) -> SecretStr | None:
    import getpass

    from pydantic import SecretStr

    from trunkwizard.redact import register_secret

    if args.password_profile:
        return password_from_profile(args.password_profile)
    value = os.environ.get(PASSWORD_ENV)
    if value is None:
        if not sys.stdin.isatty():
            return None
        value = getpass.getpass(f"SIP password for {args.username}: ")
    register_secret(value)
    return SecretStr(value) if value else None


class NoRegisterPassword(Exception):
    """No password for the REGISTER; the message says why and where one can come from."""


def register_password(args: argparse.Namespace) -> SecretStr:
    """The REGISTER's password from --profile's keyring entry, the environment or the terminal."""
    from trunkwizard.errors import CredentialsUnavailable, StoreError

    try:
        password = _read_password(args)
    except CredentialsUnavailable as exc:
        raise NoRegisterPassword(f"{exc.message} ({exc.hint})" if exc.hint else exc.message) from None
    except StoreError as exc:
        raise NoRegisterPassword(exc.message) from None
    if password is None:
        raise NoRegisterPassword(
            f"no password for the REGISTER: set {PASSWORD_ENV} or run on a terminal to be asked"
        )
    return password


def _confirm(args: argparse.Namespace) -> bool | None:
    """True to send the REGISTER, False when the user said no, None when nobody can be asked."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return None
    auth = f" (auth ID {args.auth_user})" if args.auth_user else ""
    sys.stderr.write(f"Send a REGISTER to {args.host} with user {args.username}{auth}? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def result_lines(result: CheckResult, *, verbose: bool) -> list[str]:
    """One result as the report prints it: status, name and summary; then why, what to try, notes."""
    lines = [f"{result.status.value.upper():<6}{result.name:<9}{result.summary}"]
    indent = " " * 15
    if result.status != "pass" or verbose:
        for number, cause in enumerate(result.causes):
            lines.append(f"{indent}{'why:' if number == 0 else '    '} {cause}")
    if result.advice:
        lines.append(f"{indent}try: {result.advice}")
    lines += [f"{indent}note: {hint}" for hint in result.hints]
    if verbose:
        lines += [f"{indent}- {line}" for line in result.details]
    return lines


def _print_result(result: CheckResult, *, verbose: bool) -> None:
    for line in result_lines(result, verbose=verbose):
        print(line)
    sys.stdout.flush()


def _load_profile(name: str) -> Profile:
    from trunkwizard.store import ProfileStore

    return ProfileStore().get(name)


def _provider_hints(key: str | None) -> Mapping[str, str]:
    if key is None:
        return {}
    from trunkwizard.providers import get_provider

    return get_provider(key).sip_hints


def _fail(message: str) -> int:
    print(f"trunkwizard check: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from trunkwizard.errors import StoreError, ValidationFailed
    from trunkwizard.preflight import PreflightTarget, run_checks, split_host_port

    if args.connection:
        from trunkwizard.commands.check_connection import run_from_history

        return run_from_history(args)
    if not args.host:
        return _fail("give HOST, or --connection ENTRY for a connection from the history")
    if args.register and not args.username:
        return _fail("--register needs --username")
    if args.auth_user and not args.register:
        return _fail("--auth-user is for --register")
    if args.timeout <= 0:
        return _fail("--timeout must be more than 0 seconds")
    dns_server, dns_port = None, 53
    if args.dns_server:
        try:
            dns_server, port = split_host_port(args.dns_server)
        except ValueError as exc:
            return _fail(f"--dns-server: {exc}")
        dns_port = port or 53

    profile = None
    ca_file = args.ca_file
    if args.password_profile:
        try:
            profile = _load_profile(args.password_profile)
        except StoreError as exc:
            return _fail(exc.message)
        ca_file = ca_file or profile.ca_file
        uses = [f"CA file {ca_file}" if ca_file else "no CA file (system CAs only)"]
        uses.append(f"{profile.provider} hints")
        uses.append("its keyring SIP password" if args.register else "no password (no --register)")
        print(f"profile {profile.name}: {', '.join(uses)}", file=sys.stderr)
    try:
        hints = _provider_hints(args.provider or (profile.provider if profile else None))
    except KeyError as exc:
        return _fail(str(exc.args[0]))

    password = None
    register = args.register
    if register:
        confirmed = _confirm(args)
        if confirmed is None:
            return _fail("not sending a REGISTER without confirmation: no terminal to ask on; add --yes")
        if not confirmed:
            print("REGISTER skipped.", file=sys.stderr)
            register = False
    if register:
        try:
            password = register_password(args)
        except NoRegisterPassword as exc:
            return _fail(str(exc))

    step_timeout = min(3.0, args.timeout)
    try:
        target = PreflightTarget(
            host=args.host,
            port=args.port,
            transport=args.transport,
            proxy=args.proxy,
            ca_file=ca_file,
            username=args.username,
            auth_username=args.auth_user or None,
            password=password,
            register=register,
            sip_timeout=step_timeout,
            dns_timeout=step_timeout,
            overall_timeout=args.timeout,
            dns_server=dns_server,
            dns_port=dns_port,
        )
    except ValidationFailed as exc:
        return _fail(exc.message)

    def show(result: CheckResult) -> None:
        _print_result(result.with_hints(hints), verbose=args.verbose)

    found = asyncio.run(run_checks(target, on_result=None if args.json else show))
    results = [result.with_hints(hints) for result in found]
    if args.json:
        print(json.dumps([result.to_dict() for result in results], indent=2))
    return 1 if any(result.failed for result in results) else 0
