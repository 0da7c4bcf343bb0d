"""`trunkwizard check` end to end as a subprocess against sipp and dnsmasq on 127.0.0.1, including the
REGISTER with the password from the environment or the terminal prompt, and no password in any output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.support.canary import CANARY
from tests.support.dns_server import DnsRecords, LocalDns
from tests.support.sip import SipPeers

pytestmark = pytest.mark.sipp

ROOT = Path(__file__).resolve().parents[1]
USERNAME = "tw1001"


def _check(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TRUNKWIZARD_SIP_PASSWORD"}
    if password is not None:
        env["TRUNKWIZARD_SIP_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "trunkwizard", "check", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _line(output: str, name: str) -> str:
    (line,) = [line for line in output.splitlines() if line[6:].startswith(f"{name} ")]
    return line


def test_options_pass_prints_one_line_per_check_and_exits_0(sip_peers: SipPeers) -> None:
    sipp = sip_peers.options_uas("udp")

    done = _check("127.0.0.1", "--port", str(sipp.port))

    assert done.returncode == 0, done.stderr
    assert _line(done.stdout, "dns") == "PASS  dns      IP address, no DNS needed"
    assert _line(done.stdout, "options").startswith(
        f"PASS  options  200 OK from 127.0.0.1:{sipp.port}/udp in "
    )


def test_a_failed_check_exits_1_with_indented_advice(sip_peers: SipPeers) -> None:
    port = sip_peers.silent_udp()  # the number is taken on UDP only, so TCP is refused

    done = _check("127.0.0.1", "--port", str(port), "--transport", "tcp")

    assert done.returncode == 1
    assert (
        _line(done.stdout, "options")
        == f"FAIL  options  nothing listens on 127.0.0.1:{port}/tcp (connection refused)"
    )
    lines = done.stdout.splitlines()
    at = lines.index(_line(done.stdout, "options"))
    # The likely causes first ("why:", one a line), then what to try, all indented under the check.
    assert lines[at + 1] == " " * 15 + "why: the wrong port"
    assert lines[at + 2] == " " * 15 + "     the wrong transport (UDP, TCP or TLS)"
    assert lines[at + 4].startswith(" " * 15 + "try: check the port and the transport")


@pytest.mark.parametrize("extra", [[], ["--verbose"], ["--json"]], ids=["plain", "verbose", "json"])
def test_register_with_the_password_from_the_environment(sip_peers: SipPeers, extra: list[str]) -> None:
    registrar = sip_peers.registrar(USERNAME, CANARY)

    done = _check(
        "127.0.0.1", "--port", str(registrar.port), "--register", "--username", USERNAME, "--yes", *extra,
        password=CANARY,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert CANARY not in done.stdout + done.stderr
    if "--json" in extra:
        results = {item["name"]: item for item in json.loads(done.stdout)}
        assert results["register"]["status"] == "pass"
        assert results["register"]["summary"] == f"user {USERNAME}: accepted (200 OK); unregistered again"
    else:
        line = _line(done.stdout, "register")
        assert line == f"PASS  register user {USERNAME}: accepted (200 OK); unregistered again"
    assert len(registrar.received("REGISTER")) == 3


def test_register_with_a_wrong_password_fails_in_plain_words(sip_peers: SipPeers) -> None:
    registrar = sip_peers.registrar(USERNAME, "the-right-one")

    done = _check(
        "127.0.0.1", "--port", str(registrar.port), "--register", "--username", USERNAME, "--yes", "-v",
        password=CANARY,
    )  # fmt: skip

    assert done.returncode == 1
    assert (
        _line(done.stdout, "register") == "FAIL  register rejected: wrong password or auth ID (403 Forbidden)"
    )
    assert CANARY not in done.stdout + done.stderr


def test_register_answers_the_challenge_as_the_auth_user(sip_peers: SipPeers) -> None:
    # the registrar knows only the auth ID; the user in From/To stays --username
    registrar = sip_peers.registrar("tw1001auth", CANARY)

    done = _check(
        "127.0.0.1", "--port", str(registrar.port), "--register", "--username", USERNAME,
        "--auth-user", "tw1001auth", "--yes", password=CANARY,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    line = _line(done.stdout, "register")
    assert line == f"PASS  register user {USERNAME}: accepted (200 OK); unregistered again"
    first, authenticated, _unregister = registrar.received("REGISTER")
    assert f"From: <sip:{USERNAME}@127.0.0.1>" in first
    assert 'username="tw1001auth"' in authenticated
    assert CANARY not in done.stdout + done.stderr


def test_auth_user_without_register_is_a_usage_error() -> None:
    done = _check("127.0.0.1", "--auth-user", "tw1001auth")

    assert done.returncode == 2
    assert "--auth-user is for --register" in done.stderr


def test_register_without_a_terminal_and_without_yes_is_refused(sip_peers: SipPeers) -> None:
    registrar = sip_peers.registrar(USERNAME, CANARY)

    done = _check(
        "127.0.0.1", "--port", str(registrar.port), "--register", "--username", USERNAME, password=CANARY
    )

    assert done.returncode == 2
    assert "not sending a REGISTER without confirmation" in done.stderr
    assert "--yes" in done.stderr
    assert registrar.received("REGISTER") == []


def test_the_password_cannot_be_given_as_an_argument() -> None:
    done = _check("127.0.0.1", "--register", "--username", USERNAME, "--password", CANARY)

    assert done.returncode == 2
    assert "unrecognized arguments" in done.stderr


def _spawn(*args: str) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k != "TRUNKWIZARD_SIP_PASSWORD"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "trunkwizard", "check", *args],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=30,
    )


def test_on_a_terminal_it_asks_before_the_register_and_prompts_for_the_password(sip_peers: SipPeers) -> None:
    registrar = sip_peers.registrar(USERNAME, CANARY)
    child = _spawn("127.0.0.1", "--port", str(registrar.port), "--register", "--username", USERNAME)

    child.expect_exact(f"Send a REGISTER to 127.0.0.1 with user {USERNAME}? [y/N] ")
    child.sendline("y")
    child.expect_exact(f"SIP password for {USERNAME}: ")
    child.sendline(CANARY)
    child.expect(pexpect.EOF)
    child.close()
    transcript = (child.before or "").replace("\r\n", "\n")

    assert child.exitstatus == 0, transcript
    assert f"PASS  register user {USERNAME}: accepted (200 OK); unregistered again" in transcript
    assert CANARY not in transcript  # getpass does not echo


def test_on_a_terminal_answering_no_skips_the_register(sip_peers: SipPeers) -> None:
    registrar = sip_peers.registrar(USERNAME, CANARY)
    child = _spawn("127.0.0.1", "--port", str(registrar.port), "--register", "--username", USERNAME)

    child.expect_exact("[y/N] ")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()

    transcript = (child.before or "").replace("\r\n", "\n")
    assert child.exitstatus == 0, transcript
    assert "REGISTER skipped." in transcript
    assert [line for line in transcript.splitlines() if line[6:].startswith("register")] == []
    assert registrar.received("REGISTER") == []


def test_dns_server_knob_drives_naptr_srv_and_options(sip_peers: SipPeers, local_dns: LocalDns) -> None:
    sipp = sip_peers.options_uas("tcp")
    dns_port = local_dns.start(
        DnsRecords(
            hosts={"pbx.example.test": "127.0.0.1"},
            srv=[("_sip._tcp.example.test", "pbx.example.test", sipp.port, 10, 0)],
            naptr=[("example.test", 10, 10, "S", "SIP+D2T", "_sip._tcp.example.test")],
        )
    )

    done = _check("example.test", "--transport", "dnsnaptr", "--dns-server", f"127.0.0.1:{dns_port}")

    assert done.returncode == 0, done.stdout + done.stderr
    assert _line(done.stdout, "dns") == (
        "PASS  dns      example.test has no A/AAAA; SRV for TCP; NAPTR; "
        f"a PBX would use TCP to 127.0.0.1:{sipp.port}"
    )
    assert _line(done.stdout, "options").startswith(f"PASS  options  200 OK from 127.0.0.1:{sipp.port}/tcp")


def test_an_unreachable_resolver_is_explained_once() -> None:
    """The DNS check says why a name does not resolve; the OPTIONS and REGISTER checks point to it
    instead of repeating the cause."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from trunkwizard.sandbox import free_port

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "trunkwizard",
            "check",
            "sip.example.com",
            "--dns-server",
            f"127.0.0.1:{free_port()}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    output = result.stdout + result.stderr
    assert output.count("no answer from 127.0.0.1") == 1, output
    assert "cannot resolve sip.example.com" in output
