"""The embedded emulator of the provider APIs: one Starlette app, one mount per provider.

In-process for `trunkwizard --sandbox` (through `httpx.ASGITransport`), and on 127.0.0.1 with uvicorn
for `trunkwizard sandbox serve` and the tests. Each emulator is written from the provider's
documentation, independently of our models, so it rejects what the real API documents as invalid.

Each emulator module is imported when its provider is first asked for, and Starlette only when an
emulator is served (`create_app`): reading the sandbox account of one provider (`create --sandbox
--dry-run`, the wizard's account step) imports that provider's emulator and nothing of the server.
"""

from __future__ import annotations

import importlib
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette
    from starlette.types import ASGIApp

__all__ = [
    "IN_PROCESS_ROOT",
    "LazyEmulators",
    "SandboxServer",
    "create_app",
    "emulator",
    "free_port",
    "in_process_transport",
    "reaches_in_process",
    "sandbox_account",
    "sandbox_accounts",
    "session_mismatch",
]

IN_PROCESS_ROOT = "http://sandbox.trunkwizard.invalid"

# provider key -> its emulator module under trunkwizard.sandbox
_EMULATORS: dict[str, str] = {
    "chorus": "chorus",
    "signalwire": "signalwire",
    "wavix": "wavix",
    "yeastar": "yeastar",
    "vox": "vox",
}


def emulator(provider_key: str) -> ModuleType:
    """The emulator module of a provider (KeyError for a provider the sandbox does not emulate)."""
    return importlib.import_module(f"trunkwizard.sandbox.{_EMULATORS[provider_key]}")


def create_app(keys: Iterable[str] | None = None) -> Starlette:
    """A fresh emulator of every provider (or of those in `keys`), with empty state."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    chosen = _EMULATORS if keys is None else [key for key in _EMULATORS if key in set(keys)]
    return Starlette(routes=[Mount(f"/{key}", app=emulator(key).app()) for key in chosen])


def sandbox_account(provider_key: str, root: str = IN_PROCESS_ROOT) -> dict[str, Any]:
    """Account settings and secrets (wire names) that the sandbox at `root` accepts for a provider."""
    account: Callable[[str], dict[str, Any]] = emulator(provider_key).account
    return account(root.rstrip("/"))


def reaches_in_process(values: Mapping[str, Any]) -> bool:
    """Whether an account's settings point at the in-process sandbox (a profile saved from the sandbox's
    own account): every emulator's account names its base URL under IN_PROCESS_ROOT."""
    root = IN_PROCESS_ROOT + "/"
    return any(isinstance(value, str) and value.startswith(root) for value in values.values())


def session_mismatch(values: Mapping[str, Any], *, sandbox: bool) -> str | None:
    """Why an account (a profile's settings, or the API URL a typed-in account reaches) cannot be used
    in this session, or None when it can.

    In the sandbox every request goes to the emulator inside this program, whatever URL an account
    names: a real account would be refused there (an unknown key, a 404 under its URL) and must never
    be mistaken for a working one. Outside it, an account saved from the sandbox names a host that
    never resolves (.invalid, RFC 6761 section 6.4)."""
    if sandbox and not reaches_in_process(values):
        return (
            "The sandbox sends requests only to its own emulator, never to a real provider: "
            "start trunkwizard without --sandbox to use a real account."
        )
    if not sandbox and reaches_in_process(values):
        return "Saved from the sandbox's own account, these work only with trunkwizard --sandbox."
    return None


def sandbox_accounts(root: str = IN_PROCESS_ROOT) -> dict[str, dict[str, Any]]:
    """The sandbox account of every provider."""
    return {key: sandbox_account(key, root) for key in _EMULATORS}


class LazyEmulators:
    """The emulator of every provider as one ASGI app, each built on its provider's first request.

    Built in a worker thread: Starlette and the emulator module are imported there, not on the event
    loop, and only for the providers a request goes to. What a provider's emulator created stays for
    the life of this object, as in `create_app()`."""

    def __init__(self) -> None:
        self._apps: dict[str, ASGIApp] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        import asyncio

        key = str(scope.get("path", "")).lstrip("/").partition("/")[0]
        app = self._apps.get(key)
        if app is None:
            built = await asyncio.to_thread(create_app, [key])  # no route for an unknown key: 404
            app = self._apps.setdefault(key, built)
        await app(scope, receive, send)


def in_process_transport(app: ASGIApp | None = None) -> httpx.ASGITransport:
    import httpx

    return httpx.ASGITransport(app=app or LazyEmulators())


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
