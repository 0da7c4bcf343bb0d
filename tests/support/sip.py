"""pytest fixtures for the SIP preflight tests, all on 127.0.0.1:

- `sip_peers`: sipp as an OPTIONS UAS (UDP/TCP) and as a digest registrar, a socat TLS terminator
  with a throwaway CA, silent peers that never answer, and a UDP relay that rewrites SIP headers on
  the way out the way a router's SIP ALG does;
- `local_dns` (from tests.support.dns_server): dnsmasq answering A, SRV and NAPTR.

sipp runs in the foreground under Popen (`-nostdin`, stdout to /dev/null) and stops with SIGUSR1.
A missing sipp, socat or dnsmasq fails the test with the apt-get line that installs it.
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.dns_server import local_dns
from tests.support.peers import free_port, port_is_bound, require_binary, stop_process, wait_until
from tests.support.throwaway_ca import ServerCertificates, make_certificates

__all__ = ["ALG_PUBLIC", "SipPeers", "SippPeer", "local_dns", "sip_peers"]

DATA = Path(__file__).resolve().parent.parent / "data"
# What the ALG relay writes over the client's address: a public address (TEST-NET-1, RFC 5737).
ALG_PUBLIC = "192.0.2.10:5060"
_VIA_SENT_BY = re.compile(rb"^(Via: SIP/2\.0/UDP )([^;\r\n]+)", re.MULTILINE | re.IGNORECASE)
_CONTACT_HOST = re.compile(rb"^(Contact: <sip:[^@>]+@)([^;>]+)", re.MULTILINE | re.IGNORECASE)
SIPP_PACKAGE = "sip-tester"


@dataclass
class SippPeer:
    port: int
    transport: str
    process: subprocess.Popen[bytes]
    message_log: Path

    def received(self, method: str) -> list[str]:
        """The requests sipp received with this method, as text, in arrival order (from -trace_msg)."""
        if not self.message_log.exists():
            return []
        messages = []
        for block in self.message_log.read_text(errors="replace").split(
            "-----------------------------------------------"
        ):
            head, _, message = block.partition("\n\n")
            if "message received" in head and message.lstrip().startswith(f"{method} "):
                messages.append(message.strip())
        return messages


def _probe_options(port: int, transport: str) -> bool:
    """A stdlib OPTIONS (independent of the code under test) that tells whether sipp answers yet."""
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    message = (
        f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/{transport.upper()} 127.0.0.1:9;branch=z9hG4bKreadiness\r\n"
        "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1>\r\n"
        f"Call-ID: readiness-{port}@probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    ).encode()
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.settimeout(0.2)
        try:
            sock.connect(("127.0.0.1", port))
            sock.send(message)
            return sock.recv(4096).startswith(b"SIP/2.0 ")
        except OSError:
            return False


class SipPeers:
    """Starts peers on demand and stops every one at teardown."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._processes: list[tuple[subprocess.Popen[bytes], int]] = []
        self._sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._certificates: ServerCertificates | None = None
        # Registrar scenarios hold the expected password, so they live outside pytest's tmp tree
        # (which the suite sweeps for the canary) in a private directory removed at teardown.
        self._private = Path(tempfile.mkdtemp(prefix="tw-sipp-"))

    def _start_sipp(self, scenario: Path, name: str, transport: str) -> SippPeer:
        sipp = require_binary("sipp", SIPP_PACKAGE)
        port = free_port()
        message_log = self.workdir / f"{name}-{port}-messages.log"
        stderr_log = self.workdir / f"{name}-{port}-stderr.log"
        command = [
            sipp,
            "-sf", str(scenario),
            "-i", "127.0.0.1",
            "-p", str(port),
            "-t", "u1" if transport == "udp" else "t1",
            "-nostdin",
            "-trace_msg", "-message_file", str(message_log),
            "-trace_err", "-error_file", str(self.workdir / f"{name}-{port}-errors.log"),
        ]  # fmt: skip
        with stderr_log.open("wb") as stderr:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, cwd=self.workdir
            )
        self._processes.append((process, signal.SIGUSR1))
        return SippPeer(port, transport, process, message_log)

    def options_uas(self, transport: str = "udp") -> SippPeer:
        """sipp answering every OPTIONS with 200 OK, ready when it has answered one."""
        peer = self._start_sipp(DATA / "options_uas.xml", "options", transport)
        wait_until(
            lambda: _probe_options(peer.port, transport),
            what=f"sipp OPTIONS UAS on {peer.port}/{transport}",
            process=peer.process,
            log=self.workdir / f"options-{peer.port}-stderr.log",
        )
        return peer

    def registrar(
        self,
        username: str,
        password: str,
        *,
        realm: str = "pbx.test",
        qop: bool = True,
        transport: str = "udp",
    ) -> SippPeer:
        """sipp as a registrar: 401 challenge, 200 for the right digest, 403 for a wrong one, then the
        unregister: 200 for `Expires: 0`, else 400. It answers OPTIONS with 200 too."""
        template = (DATA / "register_uas.xml").read_text()
        scenario_text = (
            template.replace("{username}", username)
            .replace("{password}", password)
            .replace("{realm}", realm)
            .replace("{qop}", ', qop="auth"' if qop else "")
        )
        scenario = self._private / f"register-{len(self._processes)}.xml"
        scenario.write_text(scenario_text)
        scenario.chmod(0o600)
        peer = self._start_sipp(scenario, "registrar", transport)
        wait_until(
            lambda: _probe_options(peer.port, transport),
            what=f"sipp registrar on {peer.port}/{transport}",
            process=peer.process,
            log=self.workdir / f"registrar-{peer.port}-stderr.log",
        )
        return peer

    @property
    def certificates(self) -> ServerCertificates:
        if self._certificates is None:
            self._certificates = make_certificates(self.workdir / "certs")
        return self._certificates

    def tls_terminator(self, backend_port: int) -> int:
        """socat terminating TLS (the throwaway certificate) in front of a TCP peer; returns its port."""
        socat = require_binary("socat", "socat")
        port = free_port()
        log = self.workdir / f"socat-{port}.log"
        command = [
            socat,
            f"OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={self.certificates.server_pem},verify=0",
            f"TCP:127.0.0.1:{backend_port}",
        ]
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
            )
        self._processes.append((process, signal.SIGTERM))
        wait_until(lambda: port_is_bound(port, "tcp"), what=f"socat TLS on {port}", process=process, log=log)
        return port

    def silent_udp(self) -> int:
        """A UDP peer that reads every datagram and never answers (like a dropping firewall)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.1)
        self._sockets.append(sock)

        def drop() -> None:
            while not self._stop.is_set():
                try:
                    sock.recv(65535)
                except OSError:
                    continue

        threading.Thread(target=drop, daemon=True).start()
        return int(sock.getsockname()[1])

    def silent_tcp(self) -> int:
        """A TCP port whose kernel completes the handshake but where nobody ever reads or answers."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        self._sockets.append(sock)
        return int(sock.getsockname()[1])

    def alg_relay(self, upstream_port: int) -> int:
        """A UDP relay in front of 127.0.0.1:`upstream_port` that, like a SIP ALG, rewrites the Via
        sent-by and the Contact address of each request to ALG_PUBLIC and passes answers back as they
        come. Returns the port to send to. One client at a time."""
        front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        front.bind(("127.0.0.1", 0))
        back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        back.bind(("127.0.0.1", 0))
        back.connect(("127.0.0.1", upstream_port))
        for sock in (front, back):
            sock.settimeout(0.05)
            self._sockets.append(sock)
        client: list[tuple[str, int]] = []
        public = ALG_PUBLIC.encode()

        def outward() -> None:
            while not self._stop.is_set():
                try:
                    data, address = front.recvfrom(65535)
                except OSError:
                    continue
                client[:] = [address]
                data = _VIA_SENT_BY.sub(lambda m: m.group(1) + public, data, count=1)
                back.send(_CONTACT_HOST.sub(lambda m: m.group(1) + public, data, count=1))

        def inward() -> None:
            while not self._stop.is_set():
                try:
                    data = back.recv(65535)
                except OSError:
                    continue
                if client:
                    front.sendto(data, client[0])

        for loop in (outward, inward):
            threading.Thread(target=loop, daemon=True).start()
        return int(front.getsockname()[1])

    def close(self) -> None:
        self._stop.set()
        for process, first_signal in reversed(self._processes):
            stop_process(process, first_signal)
        for sock in self._sockets:
            sock.close()
        shutil.rmtree(self._private, ignore_errors=True)


@pytest.fixture
def sip_peers(tmp_path: Path) -> Iterator[SipPeers]:
    peers = SipPeers(tmp_path)
    try:
        yield peers
    finally:
        peers.close()
