"""The embedded emulator of the provider APIs: one Starlette app, one mount per provider.

In-process for `trunkwizard --sandbox` (through `httpx.ASGITransport`), and on 127.0.0.1 with uvicorn
for `trunkwizard sandbox serve` and the tests. Each emulator is written from the provider's
documentation, independently of our models, so it rejects what the real API documents as invalid.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from types import ModuleType, TracebackType
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp

from trunkwizard.sandbox import chorus, signalwire, vox, wavix, yeastar

__all__ = [
    "IN_PROCESS_ROOT",
    "SandboxServer",
    "create_app",
    "free_port",
    "in_process_transport",
    "sandbox_account",
    "sandbox_accounts",
]

IN_PROCESS_ROOT = "http://sandbox.trunkwizard.invalid"

_EMULATORS: dict[str, ModuleType] = {
    "chorus": chorus,
    "signalwire": signalwire,
    "wavix": wavix,
    "yeastar": yeastar,
    "vox": vox,
}


def create_app() -> Starlette:
    """A fresh emulator of every provider, with empty state."""
    return Starlette(routes=[Mount(f"/{key}", app=module.app()) for key, module in _EMULATORS.items()])


def sandbox_account(provider_key: str, root: str = IN_PROCESS_ROOT) -> dict[str, Any]:
    """Account settings and secrets (wire names) that the sandbox at `root` accepts for a provider."""
    account: Callable[[str], dict[str, Any]] = _EMULATORS[provider_key].account
    return account(root.rstrip("/"))


def sandbox_accounts(root: str = IN_PROCESS_ROOT) -> dict[str, dict[str, Any]]:
    """The sandbox account of every provider."""
    return {key: sandbox_account(key, root) for key in _EMULATORS}


def in_process_transport(app: Starlette | None = None) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=app or create_app())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SandboxServer:
    """The emulator served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", app: ASGIApp | None = None) -> None:
        import uvicorn

        self.host = host
        self.port = port or free_port()
        config = uvicorn.Config(
            app or create_app(), host=host, port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="trunkwizard-sandbox", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the sandbox did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
