"""The provider registry: one module per provider, each declaring a `Provider` subclass.

Each provider's module is imported the first time it is asked for, so that a command for one provider
does not build the models of all five (about 30 ms each); `all_providers()` imports every one.
"""

from __future__ import annotations

import importlib
import threading

from trunkwizard.providers._base import Call, Created, Mode, Provider, ResourceRef, SipCheckPlan

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

# key -> (module under trunkwizard.providers, its Provider subclass), in the order the wizard lists them
_MODULES: dict[str, tuple[str, str]] = {
    "chorus": ("chorus", "Chorus"),
    "signalwire": ("signalwire", "SignalWire"),
    "wavix": ("wavix", "Wavix"),
    "yeastar": ("yeastar", "Yeastar"),
    "vox": ("vox", "Vox"),
}
_LOADED: dict[str, Provider] = {}
_LOCK = threading.RLock()  # the wizard loads the registry in a worker thread while the loop may ask too


def all_providers() -> tuple[Provider, ...]:
    return tuple(get_provider(key) for key in _MODULES)


def get_provider(key: str) -> Provider:
    if key not in _MODULES:
        known = ", ".join(_MODULES)
        raise KeyError(f"unknown provider {key!r}; providers: {known}")
    with _LOCK:
        provider = _LOADED.get(key)
        if provider is None:
            module, name = _MODULES[key]
            provider = getattr(importlib.import_module(f"trunkwizard.providers.{module}"), name)()
            if not isinstance(provider, Provider) or provider.key != key:
                raise TypeError(f"{module}.{name} is not the provider {key!r}")
            _LOADED[key] = provider
        return provider
