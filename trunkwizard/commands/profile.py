"""`trunkwizard profile list|add|edit|rm|rename`: saved accounts, settings on disk, secrets in the keyring.

Secrets are never taken from the command line. They come, in this order, from a JSON object on stdin
(`--secrets-from-stdin`), from TRUNKWIZARD_<PROVIDER>_<FIELD> environment variables (the names curl
exports and `create` use; TRUNKWIZARD_SECRET_<FIELD> still works as a fallback), or from a hidden
prompt when stdin is a terminal. Exit codes: 0 done, 2 usage or invalid input, 1 any other failure;
messages go to stderr, one line each.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwizard.accounts import AccountField, Accounts
    from trunkwizard.secrets import KeyringStatus
    from trunkwizard.store import Profile

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# the older, provider-less names; still read after TRUNKWIZARD_<PROVIDER>_<FIELD>
SECRET_ENV_PREFIX = "TRUNKWIZARD_SECRET_"


class _UsageError(Exception):
    """Bad input from the command line: exit code 2."""


def legacy_secret_env_var(wire: str) -> str:
    """TRUNKWIZARD_SECRET_<FIELD>: the wire name upper-cased, camelCase split (apiKey -> API_KEY)."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", wire)
    return SECRET_ENV_PREFIX + re.sub(r"[^A-Za-z0-9]+", "_", snake).upper()


def secret_env_var(provider: str, wire: str) -> str:
    """TRUNKWIZARD_<PROVIDER>_<FIELD>, the name the rest of trunkwizard uses (TRUNKWIZARD_CHORUS_API_KEY)."""
    from trunkwizard.providers._auth import env_var

    return env_var(provider, wire)


def _secret_from_env(provider: str, wire: str) -> str | None:
    return os.environ.get(secret_env_var(provider, wire)) or os.environ.get(legacy_secret_env_var(wire))


def _secret_env_help() -> str:
    from trunkwizard.accounts import SIP_PASSWORD

    lines = [
        "Secrets are never read from the command line. Give them as one JSON object on stdin",
        "(--secrets-from-stdin), in these environment variables, or at the hidden prompt:",
    ]
    try:
        from trunkwizard.providers import all_providers

        for provider in all_providers():
            names = [secret_env_var(provider.key, f.wire) for f in provider.account_fields if f.secret]
            lines.append(f"  {provider.key}: {', '.join(names) or '(no secrets)'}")
    except Exception:
        lines.append("  TRUNKWIZARD_<PROVIDER>_<FIELD>, FIELD being the secret's wire name upper-cased")
    lines += [
        "TRUNKWIZARD_SECRET_<FIELD> (e.g. TRUNKWIZARD_SECRET_API_KEY) is read when the name above is unset.",
        "Any profile may also keep the SIP trunk password `trunkwizard check --register --profile` uses:",
        f"  secret {SIP_PASSWORD}, variable TRUNKWIZARD_<PROVIDER>_SIP_PASSWORD "
        f"(edit: --secret {SIP_PASSWORD}).",
    ]
    return "\n".join(lines)


class _ActionParser(argparse.ArgumentParser):
    """With `secret_help=True`, lists the secret variables, built only when help is printed (it imports
    the providers)."""

    def __init__(self, *args: Any, secret_help: bool = False, **kwargs: Any) -> None:
        if secret_help:
            kwargs["formatter_class"] = argparse.RawDescriptionHelpFormatter
        super().__init__(*args, **kwargs)
        self._secret_help = secret_help

    def format_help(self) -> str:
        if self._secret_help:
            self.epilog = _secret_env_help()
        return super().format_help()


def configure(parser: argparse.ArgumentParser) -> None:
    from trunkwizard.catalog import provider_keys

    actions = parser.add_subparsers(
        dest="profile_action", metavar="ACTION", required=True, parser_class=_ActionParser
    )

    listing = actions.add_parser("list", help="list profiles, their settings and which secrets are stored")
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    add = actions.add_parser("add", help="add a profile", secret_help=True)
    add.add_argument("name", help="letters, digits, '-', '_', '.'; unique across providers")
    add.add_argument("--provider", required=True, help=provider_keys())
    _settings_arguments(add)
    add.add_argument("--ca-file", metavar="PATH", help="PEM CA bundle for a PBX with its own certificate")
    add.add_argument(
        "--read-only",
        action="store_true",
        help="only look with this account: create, edit, rotate, delete refused",
    )

    edit = actions.add_parser("edit", help="change a profile's settings or secrets", secret_help=True)
    edit.add_argument("name")
    _settings_arguments(edit)
    edit.add_argument("--unset", action="append", default=[], metavar="FIELD", help="remove a setting")
    ca = edit.add_mutually_exclusive_group()
    ca.add_argument("--ca-file", metavar="PATH", help="PEM CA bundle for a PBX with its own certificate")
    ca.add_argument("--no-ca-file", action="store_true", help="forget the CA file (system CAs only)")
    access = edit.add_mutually_exclusive_group()
    access.add_argument("--read-only", action="store_true", help="only look with this account from now on")
    access.add_argument("--writable", action="store_true", help="allow changes with this account again")
    edit.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="FIELD",
        help="replace this secret (from stdin JSON, its environment variable or a prompt); repeatable",
    )

    remove = actions.add_parser("rm", help="remove a profile and its keyring entries")
    remove.add_argument("name")
    remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    rename = actions.add_parser("rename", help="rename a profile (its keyring entries move with it)")
    rename.add_argument("old")
    rename.add_argument("new")


def _settings_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        dest="settings",
        help="a non-secret setting by wire name, e.g. base_url=https://10.0.0.5:8088; repeatable",
    )
    parser.add_argument(
        "--secrets-from-stdin",
        action="store_true",
        help='read secrets as one JSON object from stdin, e.g. {"api_key": "..."}',
    )


def _say(message: str) -> None:
    from trunkwizard.redact import redact

    print(f"trunkwizard: {redact(message)}", file=sys.stderr)


def _say_setting_warnings(accounts: Accounts, profile: Profile) -> None:
    # an inferred rule: the provider may refuse the value, but no document says it will; saved anyway
    for warning in accounts.setting_warnings(profile):
        _say(f"warning: {warning}")


def _say_status(status: KeyringStatus) -> None:
    _say(status.message)
    if status.hint:
        _say(f"hint: {status.hint}")


def _parse_settings(pairs: list[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise _UsageError(f"--set needs FIELD=VALUE, got {pair.split('=')[0]!r}")
        settings[key.strip()] = value
    return settings


def _read_stdin_secrets() -> dict[str, str]:
    try:
        document = json.loads(sys.stdin.read() or "{}")
    except json.JSONDecodeError as exc:
        raise _UsageError(f"--secrets-from-stdin: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(document, dict) or not all(isinstance(v, str) for v in document.values()):
        raise _UsageError('--secrets-from-stdin: give one JSON object of strings, e.g. {"api_key": "..."}')
    return {str(k): v for k, v in document.items()}


def _gather_secrets(
    provider: str,
    fields: tuple[AccountField, ...],
    wanted: set[str],
    from_stdin: Mapping[str, str],
    *,
    prompt_for: set[str],
    profile: str,
) -> dict[str, SecretStr]:
    """The wanted secrets from stdin JSON, then the environment, then a hidden prompt (only for
    `prompt_for`, and only on a terminal). A secret given on stdin is taken even when not wanted."""
    import getpass

    from pydantic import SecretStr

    known = {f.wire for f in fields}
    unknown = sorted(set(from_stdin) - known)
    if unknown:
        raise _UsageError(
            f"not secrets of this provider: {', '.join(unknown)}; secrets: {', '.join(sorted(known))}"
        )
    found: dict[str, SecretStr] = {}
    for field in fields:
        if field.wire not in wanted and field.wire not in from_stdin:
            continue
        value = from_stdin.get(field.wire) or _secret_from_env(provider, field.wire)
        if not value and field.wire in prompt_for:
            value = getpass.getpass(f"{field.label} for {profile} (hidden, Enter to skip): ")
        if value:
            found[field.wire] = SecretStr(value)
    return found


def _open_accounts() -> Accounts:
    from trunkwizard.accounts import Accounts
    from trunkwizard.secrets import SecretVault
    from trunkwizard.store import ProfileStore

    return Accounts(ProfileStore(), SecretVault.open())


def _add(args: argparse.Namespace) -> int:
    accounts = _open_accounts()
    profile = accounts.build_profile(args.name, args.provider, _parse_settings(args.settings), args.ca_file)
    profile = dataclasses.replace(profile, read_only=args.read_only)
    if accounts.profiles.exists(profile.name):
        raise _UsageError(f"a profile named {profile.name!r} already exists; use `trunkwizard profile edit`")
    fields = accounts.profile_secret_fields(profile.provider)
    provider_secrets = {f.wire for f in accounts.secret_fields(profile.provider)}
    from_stdin = _read_stdin_secrets() if args.secrets_from_stdin else {}
    vault = accounts.vault
    wanted = {f.wire for f in fields}
    interactive = sys.stdin.isatty() and not args.secrets_from_stdin and vault.persistent
    secrets = _gather_secrets(
        profile.provider,
        fields,
        wanted,
        from_stdin,
        prompt_for=provider_secrets if interactive else set(),
        profile=profile.name,
    )
    outcome = accounts.add(profile, secrets)
    _say(f"saved profile {profile.name!r} ({profile.provider}) in {accounts.profiles.path}")
    _say_setting_warnings(accounts, profile)
    stored = [f for f in fields if f.wire in outcome.stored]
    _report_secrets(profile.provider, outcome.status, stored, fields)
    if stored and not outcome.status.persistent:
        # the secrets given went nowhere lasting: a script must not take this for a saved account
        _say("the profile's settings were saved, its secrets were not: exit status 1")
        return EXIT_FAILED
    return EXIT_OK


def _report_secrets(
    provider: str, status: KeyringStatus, stored: list[AccountField], fields: tuple[AccountField, ...]
) -> None:
    if status.persistent:
        if stored:
            _say(f"stored in the {status.backend}: {', '.join(f.wire for f in stored)}")
        absent = [f for f in fields if f.required and f not in stored]
        for field in absent:
            variable = secret_env_var(provider, field.wire)
            _say(
                f"no {field.label} given; set {variable} and run `profile edit --secret {field.wire}`, "
                "or enter it in the wizard"
            )
        return
    _say_status(status)
    if stored:
        _say(f"not saved (this command's session ends now): {', '.join(f.wire for f in stored)}")


def _edit(args: argparse.Namespace) -> int:
    accounts = _open_accounts()
    current = accounts.profiles.get(args.name)
    settings: dict[str, Any] = dict(current.settings)
    settings.update(_parse_settings(args.settings))
    for key in args.unset:
        if key not in settings:
            raise _UsageError(f"{args.name!r} has no setting {key!r}")
        del settings[key]
    ca_file = None if args.no_ca_file else (args.ca_file or current.ca_file)
    profile = accounts.build_profile(current.name, current.provider, settings, ca_file)
    read_only = (current.read_only or args.read_only) and not args.writable
    profile = dataclasses.replace(profile, read_only=read_only)
    fields = accounts.profile_secret_fields(profile.provider)
    unknown = sorted(set(args.secret) - {f.wire for f in fields})
    if unknown:
        raise _UsageError(f"not secrets of this provider: {', '.join(unknown)}")
    from_stdin = _read_stdin_secrets() if args.secrets_from_stdin else {}
    interactive = sys.stdin.isatty() and not args.secrets_from_stdin and accounts.vault.persistent
    secrets = _gather_secrets(
        profile.provider,
        fields,
        set(args.secret),
        from_stdin,
        prompt_for=set(args.secret) if interactive else set(),
        profile=profile.name,
    )
    outcome = accounts.update(profile, secrets)
    _say(f"updated profile {profile.name!r}")
    _say_setting_warnings(accounts, profile)
    if secrets or not outcome.status.persistent:
        _report_secrets(profile.provider, outcome.status, [f for f in fields if f.wire in outcome.stored], ())
    return EXIT_OK


def _confirmed(question: str) -> bool:
    print(question, end=" ", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def _remove(args: argparse.Namespace) -> int:
    accounts = _open_accounts()
    profile = accounts.profiles.get(args.name)
    if not args.yes:
        if not sys.stdin.isatty():
            raise _UsageError("not removing without confirmation: add --yes")
        if not _confirmed(
            f"Remove profile {profile.name!r} ({profile.provider}) and its keyring entries? [y/N]"
        ):
            _say("nothing removed")
            return EXIT_OK
    fields = accounts.secret_fields(profile.provider)
    outcome = accounts.delete(profile.name)
    _say(f"removed profile {profile.name!r}")
    if not outcome.keyring_cleared:
        from trunkwizard.secrets import SERVICE, entry_username

        _say_status(outcome.status)
        for field in fields:
            user = entry_username(profile.name, field.wire)
            _say(
                f"keyring entry left as is; to remove it: secret-tool clear service {SERVICE} username {user}"
            )
    return EXIT_OK


def _rename(args: argparse.Namespace) -> int:
    accounts = _open_accounts()
    renamed = accounts.rename(args.old, args.new)
    _say(f"renamed profile {args.old!r} to {renamed.name!r}")
    if not accounts.vault.persistent:
        _say_status(accounts.vault.status)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from trunkwizard.errors import ValidationFailed

    accounts = _open_accounts()
    status = accounts.vault.status
    documents: list[dict[str, Any]] = []
    for profile in accounts.profiles.list():
        try:
            presence: dict[str, bool | None] | None = accounts.secret_presence(profile.name)
        except ValidationFailed:
            presence = None  # a provider this version does not know
        documents.append(
            {
                "name": profile.name,
                "provider": profile.provider,
                "settings": dict(profile.settings),
                "ca_file": profile.ca_file,
                "read_only": profile.read_only,
                "secrets": presence,
            }
        )
    keyring = {
        "backend": status.backend,
        "state": status.state.value,
        "persistent": status.persistent,
        "message": status.message,
    }
    if args.json:
        print(json.dumps({"keyring": keyring, "profiles": documents}, indent=2, ensure_ascii=False))
        return EXIT_OK
    for document in documents:
        badge = "  [RO]" if document["read_only"] else ""
        print(f"{document['name']}  ({document['provider']}){badge}")
        for key, value in document["settings"].items():
            print(f"  {key} = {json.dumps(value) if not isinstance(value, str) else value}")
        if document["ca_file"]:
            print(f"  ca_file = {document['ca_file']}")
        presence = document["secrets"]
        if presence is None:
            print("  secrets: unknown provider")
        elif presence:
            where = "stored" if status.persistent else "in memory"
            states = {True: where, False: "missing", None: "unknown (the keyring did not answer)"}
            print("  secrets: " + ", ".join(f"{k} {states[v]}" for k, v in presence.items()))
    if not documents:
        print("no profiles yet: `trunkwizard profile add NAME --provider P`")
    print(f"keyring: {status.backend}" + ("" if status.persistent else f" ({status.state.value})"))
    if not status.persistent:
        _say_status(status)
    return EXIT_OK


_ACTIONS = {"list": _list, "add": _add, "edit": _edit, "rm": _remove, "rename": _rename}


def _show_store_warnings() -> None:
    import logging

    from trunkwizard.redact import RedactingFilter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("trunkwizard: warning: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("trunkwizard")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)


def run(args: argparse.Namespace) -> int:
    from trunkwizard.errors import CredentialsUnavailable, StoreError, TrunkwizardError, ValidationFailed
    from trunkwizard.store import ProfileExists, ProfileNotFound

    _show_store_warnings()
    try:
        return _ACTIONS[args.profile_action](args)
    except _UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except ValidationFailed as exc:
        for problem in exc.problems:
            _say(f"invalid: {problem.for_script()}")
        return EXIT_USAGE
    except (ProfileNotFound, ProfileExists) as exc:
        _say(exc.message)
        return EXIT_USAGE
    except CredentialsUnavailable as exc:
        _say(exc.message)
        if exc.hint:
            _say(f"hint: {exc.hint}")
        return EXIT_FAILED
    except (StoreError, TrunkwizardError) as exc:
        _say(exc.message)
        return EXIT_FAILED
    except EOFError:
        _say("no answer on stdin")
        return EXIT_USAGE
