"""Kamailio as a real, independent registrar on 127.0.0.1 for the SIP check tests.

Started from the project's own configuration (tests/data/kamailio/registrar.cfg) on free ports for UDP,
TCP (same number) and TLS, with a throwaway certificate. One registrar per digest algorithm serves the
whole session (MD5 without qop; SHA-256 with qop=auth and one-time nonces); the scenarios are users
(see the config's header). Each runs in the foreground in its own session and is stopped by its PID.

The subscriber table holds the right password (the canary) for every user, so it lives in a private
directory outside pytest's tmp tree and is removed at teardown.
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.support.peers import free_port, port_is_bound, require_binary, stop_process, wait_until
from tests.support.throwaway_ca import ServerCertificates, make_certificates

__all__ = ["Kamailio", "KamailioRegistrars", "kamailio"]

CONFIG = Path(__file__).resolve().parent.parent / "data" / "kamailio" / "registrar.cfg"
PACKAGE = "kamailio kamailio-tls-modules"
# Auth IDs the subscriber table knows; every one has the canary as its password.
SUBSCRIBERS = ("alice", "6701auth", "proxied", "longreg", "stale", "strict", "lossy", "hugereg")


@dataclass
class Kamailio:
    """One running registrar: its ports, its CA (for TLS) and its log."""

    algorithm: str
    udp_port: int
    tls_port: int
    ca_file: Path
    log: Path
    process: subprocess.Popen[bytes]
    control: str
    _log_offset: int = field(default=0, repr=False)

    def port(self, transport: str) -> int:
        return self.tls_port if transport == "tls" else self.udp_port

    def mark(self) -> None:
        """Start a new window for `logged`: lines written from now on."""
        self._log_offset = self.log.stat().st_size

    def logged(self, pattern: str, *, at_least: int = 0) -> list[str]:
        """Log lines since the last `mark()` matching `pattern` (e.g. the SAVED lines).

        Kamailio logs a SAVED line just after sending the 200 OK, so a caller that expects lines waits
        for `at_least` of them (a few seconds at most) before reading.
        """
        deadline = time.monotonic() + 5.0
        while len(found := self._matching(pattern)) < at_least and time.monotonic() < deadline:
            time.sleep(0.02)
        return found

    def _matching(self, pattern: str) -> list[str]:
        with self.log.open("rb") as handle:
            handle.seek(self._log_offset)
            text = handle.read().decode("utf-8", "replace")
        return [line for line in text.splitlines() if re.search(pattern, line)]

    def bindings(self, user: str) -> list[str]:
        """The contacts the registrar holds for `user` now, from its location table (kamcmd)."""
        kamcmd = require_binary("kamcmd", "kamailio")
        dump = subprocess.run(
            [kamcmd, "-s", self.control, "ul.lookup", "location", user],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return re.findall(r"Address:\s*(\S+)", dump.stdout)


def _tls_config(directory: Path, certificates: ServerCertificates) -> Path:
    path = directory / "tls.cfg"
    path.write_text(
        "[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n"
        f"private_key = {certificates.server_key}\ncertificate = {certificates.server_cert}\n"
        "[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n"
    )
    return path


def _subscriber_table(directory: Path) -> None:
    directory.mkdir(mode=0o700)
    # db_text refuses the table unless the ha1 columns are nullable; passwords are plain text and
    # Kamailio computes HA1 for the challenged realm (calculate_ha1).
    rows = [f"{index}:{user}:example.test:{CANARY}::" for index, user in enumerate(SUBSCRIBERS, start=1)]
    header = (
        "id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null)"
    )
    (directory / "subscriber").write_text("\n".join([header, *rows]) + "\n")
    (directory / "version").write_text("table_name(string) table_version(int)\nsubscriber:7\nlocation:9\n")
    for table in ("subscriber", "version"):
        (directory / table).chmod(0o600)


def _answers_options(port: int) -> bool:
    message = (
        f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKkamready;rport\r\n"
        "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1>\r\n"
        f"Call-ID: ready-{port}@probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    ).encode()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.2)
        try:
            sock.connect(("127.0.0.1", port))
            sock.send(message)
            return sock.recv(4096).startswith(b"SIP/2.0 200")
        except OSError:
            return False


class KamailioRegistrars:
    """Starts one registrar per digest algorithm on first use; stops them all at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._private = Path(tempfile.mkdtemp(prefix="tw-kamailio-"))
        self._running: dict[str, Kamailio] = {}
        self._certificates: ServerCertificates | None = None

    @property
    def certificates(self) -> ServerCertificates:
        if self._certificates is None:
            self._certificates = make_certificates(self.workdir / "certs")
        return self._certificates

    def get(self, algorithm: str = "MD5") -> Kamailio:
        if algorithm not in self._running:
            self._running[algorithm] = self._start(algorithm)
        return self._running[algorithm]

    def _start(self, algorithm: str) -> Kamailio:
        binary = require_binary("kamailio", PACKAGE)
        name = algorithm.lower().replace("-", "")
        private = self._private / name
        private.mkdir(mode=0o700)
        _subscriber_table(private / "db")
        tls_config = _tls_config(private, self.certificates)
        udp_port, tls_port = free_port(), free_port()
        while tls_port == udp_port:
            tls_port = free_port()
        control = f"unix:{private}/ctl"
        log = self.workdir / f"kamailio-{name}.log"
        command = [
            binary, "-f", str(CONFIG), "-DD", "-E", "-m", "32", "-M", "8",
            "-Y", str(private), "-P", str(private / "kamailio.pid"),
            "-A", f"SIPPORT={udp_port}", "-A", f"TLSPORT={tls_port}",
            "-A", f'DBURL="text://{private}/db"', "-A", f'TLSCFG="{tls_config}"',
            "-A", f'CTLSOCK="{control}"',
        ]  # fmt: skip
        if algorithm == "SHA-256":
            command += ["-A", "WITH_SHA256"]
        with log.open("wb") as output:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(
            lambda: port_is_bound(tls_port, "tcp") and _answers_options(udp_port),
            what=f"kamailio ({algorithm}) on {udp_port}",
            process=process,
            log=log,
        )
        return Kamailio(algorithm, udp_port, tls_port, self.certificates.ca_file, log, process, control)

    def close(self) -> None:
        for registrar in self._running.values():
            stop_process(registrar.process, signal.SIGTERM)
        shutil.rmtree(self._private, ignore_errors=True)


@pytest.fixture(scope="session")
def kamailio_registrars(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KamailioRegistrars]:
    registrars = KamailioRegistrars(tmp_path_factory.mktemp("kamailio"))
    try:
        yield registrars
    finally:
        registrars.close()


@pytest.fixture(params=["MD5", "SHA-256"])
def kamailio(request: pytest.FixtureRequest, kamailio_registrars: KamailioRegistrars) -> Kamailio:
    """A running registrar, once per digest algorithm; `mark()`ed so `logged` sees only this test."""
    registrar = kamailio_registrars.get(str(request.param))
    registrar.mark()
    return registrar
