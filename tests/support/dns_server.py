"""A real DNS server on 127.0.0.1 for the preflight tests: dnsmasq (Debian `dnsmasq-base`).

`--local=/test/` makes it authoritative for `.test`, so an unknown name there gets NXDOMAIN; a name
outside `.test` gets REFUSED (there is no upstream), which dnspython reports as NoNameservers.
It runs no system service and reads no config file.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.peers import free_port, port_is_bound, require_binary, stop_process, wait_until

__all__ = ["DnsRecords", "LocalDns", "local_dns"]


@dataclass
class DnsRecords:
    hosts: dict[str, str] = field(default_factory=dict)
    """name -> IPv4 address (A record)"""
    srv: list[tuple[str, str, int, int, int]] = field(default_factory=list)
    """(service name, target, port, priority, weight)"""
    naptr: list[tuple[str, int, int, str, str, str]] = field(default_factory=list)
    """(name, order, preference, flags, service, replacement)"""

    def arguments(self) -> list[str]:
        args = [f"--host-record={name},{address}" for name, address in self.hosts.items()]
        args += [
            f"--srv-host={name},{target},{port},{prio},{weight}"
            for name, target, port, prio, weight in self.srv
        ]
        args += [
            f"--naptr-record={name},{order},{pref},{flags},{service},,{replacement}"
            for name, order, pref, flags, service, replacement in self.naptr
        ]
        return args


class LocalDns:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._processes: list[subprocess.Popen[bytes]] = []

    def start(self, records: DnsRecords) -> int:
        """Start dnsmasq serving `records`; returns its UDP port on 127.0.0.1."""
        dnsmasq = require_binary("dnsmasq", "dnsmasq-base")
        port = free_port()
        log = self.workdir / f"dnsmasq-{port}.log"
        command = [
            dnsmasq,
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--no-poll",
            "--pid-file=",
            f"--port={port}",
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            "--local=/test/",
            "--log-facility=-",
            *records.arguments(),
        ]
        with log.open("wb") as stderr:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
        self._processes.append(process)
        wait_until(lambda: port_is_bound(port, "udp"), what=f"dnsmasq on {port}", process=process, log=log)
        return port

    def close(self) -> None:
        for process in self._processes:
            stop_process(process)


@pytest.fixture
def local_dns(tmp_path: Path) -> Iterator[LocalDns]:
    server = LocalDns(tmp_path)
    try:
        yield server
    finally:
        server.close()
