"""The sandbox with a record of every request it received, to prove at the provider's side what was sent."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from trunkwizard.sandbox import chorus, signalwire, vox, wavix, yeastar


@dataclass(frozen=True)
class Seen:
    method: str
    path: str

    @property
    def writes(self) -> bool:
        """Whether this request changes something (Yeastar deletes with GET; its get_token only logs in)."""
        if self.path.endswith(("/get_token", "/refresh_token", "/del_token")):
            return False
        return self.method in ("POST", "PUT", "PATCH", "DELETE") or self.path.endswith("/trunk/delete")


@dataclass
class Recorder:
    app: ASGIApp
    seen: list[Seen] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append(Seen(scope["method"], scope["path"]))
        await self.app(scope, receive, send)

    @property
    def writes(self) -> list[Seen]:
        return [s for s in self.seen if s.writes]


def recording_sandbox(
    *, wavix_sandbox: wavix.WavixSandbox | None = None, yeastar_sandbox: yeastar.YeastarSandbox | None = None
) -> Recorder:
    """Every provider's emulator (seeded, or the given Wavix/Yeastar ones) behind one recorder."""
    routes = [
        Mount("/chorus", app=chorus.app()),
        Mount("/signalwire", app=signalwire.app()),
        Mount("/wavix", app=wavix.app(wavix_sandbox)),
        Mount("/yeastar", app=yeastar.app(yeastar_sandbox)),
        Mount("/vox", app=vox.app()),
    ]
    return Recorder(Starlette(routes=routes))
