"""Carry one SIP transaction over UDP, TCP or TLS with asyncio, and say in words what went wrong.

UDP follows the RFC 3261 non-INVITE client transaction: the request is sent again after T1, 2*T1, ...
(capped at T2) until a final response or the time limit. TLS verification is always on; a profile's CA
file is added to the system's trusted roots, never used instead of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import NoReturn

from trunkwizard.errors import NetworkError, RequestTimedOut
from trunkwizard.preflight.message import (
    SipParseError,
    SipResponse,
    content_length,
    format_host,
    head_length,
    parse_response,
)
from trunkwizard.preflight.model import WireTransport
from trunkwizard.redact import MASK, redact

__all__ = [
    "Channel",
    "ConnectionLost",
    "ConnectionRefused",
    "Destination",
    "Exchange",
    "NoAnswer",
    "SipTransportError",
    "TlsFailed",
    "open_channel",
    "tls_context",
    "transact",
]

log = logging.getLogger("trunkwizard.preflight")

T1 = 0.5
T2 = 4.0
_MAX_MESSAGE = 65535


class SipTransportError(NetworkError):
    """The request could not be delivered or answered; the message says what happened in plain words."""


class ConnectionRefused(SipTransportError):
    """Nothing listens on the port (TCP RST, or ICMP port unreachable for UDP)."""


class TlsFailed(SipTransportError):
    """The TLS handshake failed. `certificate` is True when the peer's certificate was not trusted."""

    def __init__(self, message: str, *, certificate: bool) -> None:
        self.certificate = certificate
        super().__init__(message)


class ConnectionLost(SipTransportError):
    """The peer closed the connection before a final response."""


class NoAnswer(RequestTimedOut):
    """No final response within the time limit. `sends` counts UDP retransmissions too."""

    def __init__(self, message: str, *, sends: int, provisional: SipResponse | None = None) -> None:
        self.sends = sends
        self.provisional = provisional
        super().__init__(message)


@dataclass(frozen=True)
class Destination:
    """Where the packets go: an IP address and port, a transport, and the name TLS must verify."""

    address: str
    port: int
    transport: WireTransport
    server_name: str

    @property
    def label(self) -> str:
        return f"{format_host(self.address)}:{self.port}/{self.transport}"


@dataclass(frozen=True)
class Exchange:
    response: SipResponse
    rtt_ms: float
    sends: int


class Channel(ABC):
    """An open path to one destination that sends requests and yields the responses that come back."""

    reliable: bool
    local: tuple[str, int]

    def __init__(self, destination: Destination) -> None:
        self.destination = destination

    @abstractmethod
    async def send(self, data: bytes) -> None: ...

    @abstractmethod
    async def receive(self, timeout: float) -> SipResponse | None:
        """The next response, or None when `timeout` seconds pass without one."""

    @abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Channel:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


def _refused(destination: Destination) -> ConnectionRefused:
    how = "ICMP port unreachable" if destination.transport == "udp" else "connection refused"
    return ConnectionRefused(f"nothing listens on {destination.label} ({how})")


class _DatagramQueue(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes | Exception] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        self.queue.put_nowait(data)

    def error_received(self, exc: Exception) -> None:
        self.queue.put_nowait(exc)


class _UdpChannel(Channel):
    reliable = False

    def __init__(
        self, destination: Destination, transport: asyncio.DatagramTransport, protocol: _DatagramQueue
    ):
        super().__init__(destination)
        self._transport = transport
        self._protocol = protocol
        sockname = transport.get_extra_info("sockname")
        self.local = (str(sockname[0]), int(sockname[1]))

    async def send(self, data: bytes) -> None:
        self._transport.sendto(data)

    async def receive(self, timeout: float) -> SipResponse | None:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                item = await asyncio.wait_for(self._protocol.queue.get(), remaining)
            except TimeoutError:
                return None
            if isinstance(item, ConnectionRefusedError):
                raise _refused(self.destination)
            if isinstance(item, OSError):
                raise SipTransportError(f"{self.destination.label}: {item.strerror or item}") from item
            if isinstance(item, Exception):
                raise SipTransportError(f"{self.destination.label}: {item}") from item
            try:
                return _log_received(self.destination, parse_response(item))
            except SipParseError as exc:
                log.debug("ignoring an unreadable datagram from %s: %s", self.destination.label, exc)

    async def close(self) -> None:
        self._transport.close()


class _StreamChannel(Channel):
    reliable = True

    def __init__(self, destination: Destination, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        super().__init__(destination)
        self._reader = reader
        self._writer = writer
        self._buffer = b""
        sockname = writer.get_extra_info("sockname")
        self.local = (str(sockname[0]), int(sockname[1]))

    async def send(self, data: bytes) -> None:
        self._writer.write(data)
        try:
            await self._writer.drain()
        except OSError as exc:
            raise ConnectionLost(f"{self.destination.label} closed the connection: {exc}") from exc

    async def _read_more(self, deadline: float) -> bool:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        try:
            chunk = await asyncio.wait_for(self._reader.read(8192), remaining)
        except TimeoutError:
            return False
        except ConnectionResetError as exc:
            raise ConnectionLost(f"{self.destination.label} reset the connection before answering") from exc
        except ssl.SSLError as exc:
            raise TlsFailed(
                f"TLS error from {self.destination.label}: {exc.reason}", certificate=False
            ) from exc
        if not chunk:
            raise ConnectionLost(f"{self.destination.label} closed the connection without a final answer")
        self._buffer += chunk
        if len(self._buffer) > _MAX_MESSAGE:
            raise SipTransportError(f"{self.destination.label} sent more than 64 KiB without a SIP message")
        return True

    async def receive(self, timeout: float) -> SipResponse | None:
        deadline = time.monotonic() + timeout
        while True:
            # RFC 5626 keep-alives (CRLF) may come between messages.
            self._buffer = self._buffer.lstrip(b"\r\n")
            length = head_length(self._buffer)
            if length is not None:
                try:
                    head = parse_response(self._buffer[:length])
                    total = length + content_length(head)
                except SipParseError as exc:
                    raise SipTransportError(
                        f"{self.destination.label} answered with something that is not SIP: {exc}"
                    ) from exc
                if len(self._buffer) >= total:
                    message, self._buffer = self._buffer[:total], self._buffer[total:]
                    return _log_received(self.destination, parse_response(message))
            if not await self._read_more(deadline):
                return None

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
            await asyncio.wait_for(self._writer.wait_closed(), 1.0)


def _log_received(destination: Destination, response: SipResponse) -> SipResponse:
    log.debug("received from %s: %s", destination.label, response.status_line)
    return response


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The system's trusted roots plus the profile's CA file; hostname checks on, always."""
    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc)
            raise TlsFailed(f"cannot use the CA file {ca_file}: {reason}", certificate=True) from exc
    return context


def _certificate_words(exc: ssl.SSLCertVerificationError, destination: Destination) -> str:
    reason = exc.verify_message or exc.reason or str(exc)
    if "Hostname mismatch" in reason or "IP address mismatch" in reason:
        return f"the TLS certificate of {destination.label} is not valid for {destination.server_name}"
    return f"the TLS certificate of {destination.label} is not trusted: {reason}"


async def open_channel(destination: Destination, *, timeout: float, ca_file: str | None = None) -> Channel:
    """Open a channel; raises SipTransportError (refused, TLS) or NoAnswer (connect timed out)."""
    loop = asyncio.get_running_loop()
    if destination.transport == "udp":
        try:
            transport, protocol = await loop.create_datagram_endpoint(
                _DatagramQueue, remote_addr=(destination.address, destination.port)
            )
        except OSError as exc:
            raise SipTransportError(f"cannot send to {destination.label}: {exc.strerror or exc}") from exc
        return _UdpChannel(destination, transport, protocol)

    context = tls_context(ca_file) if destination.transport == "tls" else None
    deadline = time.monotonic() + timeout
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(destination.address, destination.port), timeout
        )
    except ConnectionRefusedError as exc:
        raise _refused(destination) from exc
    except TimeoutError as exc:
        raise NoAnswer(f"could not connect to {destination.label} within {timeout:g} s", sends=0) from exc
    except OSError as exc:
        raise SipTransportError(f"cannot connect to {destination.label}: {exc.strerror or exc}") from exc
    if context is not None:
        # The handshake runs apart from the TCP connect, so silence can be told apart from a closed port.
        try:
            await asyncio.wait_for(
                writer.start_tls(context, server_hostname=destination.server_name),
                max(deadline - time.monotonic(), 0.001),
            )
        except BaseException as exc:
            writer.transport.abort()
            _raise_tls_failure(exc, destination, timeout)
    return _StreamChannel(destination, reader, writer)


def _raise_tls_failure(exc: BaseException, destination: Destination, timeout: float) -> NoReturn:
    if isinstance(exc, TimeoutError):
        raise TlsFailed(
            f"{destination.label} accepted the connection but sent no TLS handshake within {timeout:g} s",
            certificate=False,
        ) from exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        raise TlsFailed(_certificate_words(exc, destination), certificate=True) from exc
    if isinstance(exc, ssl.SSLError):
        raise TlsFailed(
            f"{destination.label} did not complete a TLS handshake ({exc.reason or exc})", certificate=False
        ) from exc
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        raise ConnectionLost(f"{destination.label} closed the connection during the TLS handshake") from exc
    if isinstance(exc, OSError):
        raise SipTransportError(f"TLS with {destination.label} failed: {exc.strerror or exc}") from exc
    raise exc


def _loggable(request: bytes) -> str:
    # A digest answer with its nonce allows an offline guess at the password: keep it out of logs.
    lines = request.decode("utf-8", "replace").split("\r\n")
    kept = [
        f"{line.split(':', 1)[0]}: {MASK}"
        if line.lower().startswith(("authorization:", "proxy-authorization:"))
        else line
        for line in lines
    ]
    return redact("\n".join(kept))


async def transact(channel: Channel, request: bytes, *, branch: str, timeout: float) -> Exchange:
    """Send `request` and return its final response (matched by Via branch), retransmitting over UDP."""
    deadline = time.monotonic() + timeout
    log.debug("sending to %s:\n%s", channel.destination.label, _loggable(request))
    await channel.send(request)
    sends = 1
    last_send = time.monotonic()
    interval = T1
    next_send = last_send + interval if not channel.reliable else float("inf")
    provisional: SipResponse | None = None
    while True:
        now = time.monotonic()
        if now >= deadline:
            times = f" (sent {sends} times)" if sends > 1 else ""
            raise NoAnswer(
                f"no final answer from {channel.destination.label} within {timeout:g} s{times}",
                sends=sends,
                provisional=provisional,
            )
        if now >= next_send:
            await channel.send(request)
            sends += 1
            last_send = now
            interval = T2 if provisional else min(interval * 2, T2)
            next_send = now + interval
            continue
        response = await channel.receive(min(deadline, next_send) - now)
        if response is None or response.via_branch != branch:
            continue
        if not response.is_final:
            provisional = response
            next_send = max(next_send, time.monotonic() + T2) if not channel.reliable else next_send
            continue
        return Exchange(response, (time.monotonic() - last_send) * 1000, sends)
