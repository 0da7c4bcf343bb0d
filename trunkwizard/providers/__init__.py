"""The provider registry: one module per provider, each declaring a `Provider` subclass."""

from __future__ import annotations

from trunkwizard.providers._base import Call, Created, Mode, Provider, ResourceRef, SipCheckPlan
from trunkwizard.providers.chorus import Chorus
from trunkwizard.providers.signalwire import SignalWire
from trunkwizard.providers.vox import Vox
from trunkwizard.providers.wavix import Wavix
from trunkwizard.providers.yeastar import Yeastar

__all__ = [
    "Call",
    "Created",
    "Mode",
    "Provider",
    "ResourceRef",
    "SipCheckPlan",
    "all_providers",
    "get_provider",
]

_PROVIDERS: dict[str, Provider] = {p.key: p for p in (Chorus(), SignalWire(), Wavix(), Yeastar(), Vox())}


def all_providers() -> tuple[Provider, ...]:
    return tuple(_PROVIDERS.values())


def get_provider(key: str) -> Provider:
    try:
        return _PROVIDERS[key]
    except KeyError:
        known = ", ".join(_PROVIDERS)
        raise KeyError(f"unknown provider {key!r}; providers: {known}") from None
