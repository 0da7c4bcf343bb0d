"""`trunkwizard export asterisk|freeswitch ID`: the PBX half made from a history entry, for trunks created
through `trunkwizard create` in the sandbox served on loopback. History keeps the offer (never the
password); an older entry without one is read back from the provider."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import PrivateHome
from trunkwizard.connect.export import PASSWORD_PLACEHOLDER
from trunkwizard.sandbox import signalwire as signalwire_emulator
from trunkwizard.sandbox import wavix as wavix_emulator
from trunkwizard.store import AppDirs, HistoryStore

ROOT = Path(__file__).resolve().parents[1]
EXPORT_PASSWORD = "Exp0rted-pass_word"


def trunkwizard(
    home: PrivateHome, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args],
        cwd=ROOT,
        env={**home.env, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert CANARY not in result.stdout + result.stderr
    return result


def _create(home: PrivateHome, sandbox_url: str, provider: str, answers: dict[str, Any]) -> dict[str, Any]:
    path = home.root / f"{provider}.json"
    path.write_text(json.dumps(answers))
    upper = provider.upper()
    secrets = {f"TRUNKWIZARD_{upper}_PASSWORD": CANARY, f"TRUNKWIZARD_{upper}_PASSWORD_CONFIRMATION": CANARY}
    created = trunkwizard(
        home, "create", provider, "--answers", str(path), "--sandbox-url", sandbox_url, "--json", env=secrets
    )
    assert created.returncode == 0, created.stderr
    entry: dict[str, Any] = json.loads(trunkwizard(home, "history", "--json").stdout)[-1]
    entry["returned"] = json.loads(created.stdout)["returned"]
    return entry


def _wavix(home: PrivateHome, sandbox_url: str, label: str) -> dict[str, Any]:
    answers = {"label": label, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}
    return _create(home, sandbox_url, "wavix", answers)


def test_a_wavix_trunk_exports_as_pjsip_with_its_login_and_a_placeholder(
    private_home: PrivateHome, sandbox_url: str
) -> None:
    entry = _wavix(private_home, sandbox_url, "export-wavix")
    login = entry["returned"]["name"]
    (offer,) = entry["offers"]
    assert offer["username"] == {"value": login, "origin": "answer", "where": "name"}
    assert "password" not in json.dumps(offer).replace('"where": "password"', "")

    done = trunkwizard(private_home, "export", "asterisk", entry["id"])
    assert done.returncode == 0, done.stderr
    assert f"contact_user={login}\n" in done.stdout
    assert "server_uri=sip:us.wavix.net:5060\n" in done.stdout
    assert f"password={PASSWORD_PLACEHOLDER}\n" in done.stdout
    assert "not kept in the history" in done.stderr and PASSWORD_PLACEHOLDER in done.stderr
    assert "made in the sandbox" in done.stderr

    regional = trunkwizard(private_home, "export", "freeswitch", entry["id"], "--host", "nl.wavix.net")
    assert regional.returncode == 0, regional.stderr
    assert '<param name="proxy" value="nl.wavix.net:5060"/>' in regional.stdout
    assert f'<param name="username" value="{login}"/>' in regional.stdout
    assert "Other hosts Wavix offers: us.wavix.net, sg.wavix.net, au.wavix.net." in regional.stdout
    assert_no_leak(CANARY, private_home.scanned_roots())


def test_the_password_goes_only_into_a_file_written_0600(private_home: PrivateHome, sandbox_url: str) -> None:
    entry = _wavix(private_home, sandbox_url, "export-password")
    to_screen = trunkwizard(private_home, "export", "freeswitch", entry["id"], "--with-password")
    assert to_screen.returncode == 2 and "add --output FILE" in to_screen.stderr and not to_screen.stdout

    nowhere = private_home.root / "unasked.xml"
    unasked = trunkwizard(
        private_home, "export", "freeswitch", entry["id"], "--with-password", "--output", str(nowhere)
    )
    assert unasked.returncode == 1 and "TRUNKWIZARD_WAVIX_PASSWORD" in unasked.stderr
    assert not nowhere.exists()

    target = private_home.root / "gateways" / "wavix.xml"
    target.parent.mkdir(mode=0o755)
    env = {"TRUNKWIZARD_WAVIX_PASSWORD": EXPORT_PASSWORD}
    done = trunkwizard(
        private_home, "export", "freeswitch", entry["id"], "--with-password", "--output", str(target), env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and EXPORT_PASSWORD not in done.stderr
    written = target.read_text()
    assert f'<param name="password" value="{EXPORT_PASSWORD}"/>' in written
    assert "password: typed for Wavix's account: the SIP password, given at export" in written
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o755
    history = (private_home.state_home / "trunkwizard" / "history.jsonl").read_text()
    assert EXPORT_PASSWORD not in history and CANARY not in history


def test_a_signalwire_endpoint_exports_with_the_domain_of_its_sip_profile(
    private_home: PrivateHome, sandbox_url: str
) -> None:
    subscriber = signalwire_emulator.SUBSCRIBERS[1]["id"]
    answers = {"fabric_subscriber_id": subscriber, "username": "export-desk", "encryption": "required"}
    entry = _create(private_home, sandbox_url, "signalwire", answers)
    done = trunkwizard(private_home, "export", "asterisk", entry["id"])
    assert done.returncode == 0, done.stderr
    domain = signalwire_emulator.SIP_DOMAIN
    assert f"server_uri=sip:{domain}:5061\\;transport=tls\n" in done.stdout
    assert f"client_uri=sip:export-desk@{domain}:5061\\;transport=tls\n" in done.stdout


def test_an_entry_without_a_recorded_offer_is_read_back_from_the_provider(
    private_home: PrivateHome, sandbox_url: str
) -> None:
    entry = _wavix(private_home, sandbox_url, "export-read-back")
    older = HistoryStore(AppDirs.from_environment()).append(
        provider="wavix",
        profile=None,
        mode=entry["mode"],
        created_id=entry["created_id"],
        request=entry["request"],
        sandbox=True,
    )
    assert older.offers == []
    refused = trunkwizard(private_home, "export", "asterisk", older.id)
    assert refused.returncode == 1 and "give --sandbox-url" in refused.stderr
    done = trunkwizard(private_home, "export", "asterisk", older.id, "--sandbox-url", sandbox_url)
    assert done.returncode == 0, done.stderr
    assert f"contact_user={entry['returned']['name']}\n" in done.stdout


def test_a_deleted_trunk_is_not_exported(private_home: PrivateHome, sandbox_url: str) -> None:
    entry = _wavix(private_home, sandbox_url, "export-deleted")
    deleted = trunkwizard(
        private_home, "history", "delete", entry["id"], "--yes", "--sandbox-url", sandbox_url
    )
    assert deleted.returncode == 0, deleted.stderr
    refused = trunkwizard(private_home, "export", "asterisk", entry["id"])
    assert refused.returncode == 1 and "was deleted at Wavix" in refused.stderr and not refused.stdout


def test_what_offers_no_registration_is_not_exported(private_home: PrivateHome, sandbox_url: str) -> None:
    entry = _create(private_home, sandbox_url, "chorus", {"number": "+15551230001", "provider": "jambonz"})
    assert entry["offers"] == []
    refused = trunkwizard(private_home, "export", "asterisk", entry["id"])
    assert refused.returncode == 1 and "offers no SIP account" in refused.stderr
    unknown = trunkwizard(private_home, "export", "asterisk", "nope")
    assert unknown.returncode == 2 and "no history entry 'nope'" in unknown.stderr
