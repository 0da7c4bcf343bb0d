"""trunkwizard: provision SIP trunks, SIP endpoints and phone numbers from the terminal."""

from __future__ import annotations

import os
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from importlib.machinery import ModuleSpec

__version__ = "0.1.0"


def _skip_imports_that_do_nothing() -> None:
    """Two imports our dependencies make that trunkwizard never uses (issue 16):

    - httpx imports its command-line client (`httpx._main`: click, pygments, rich tables, ~40 ms) as
      soon as click is installed, which uvicorn brings; trunkwizard never runs the `httpx` command, so
      that module is a stub here. `httpx.main()` would tell how to run the real one.
    - pydantic scans the entry points of every installed package for plugins at the first model it
      builds (~15 ms); trunkwizard uses none. PYDANTIC_DISABLE_PLUGINS, when the user sets it, wins.
      With plugins off, the module that would scan them (`pydantic.plugin._loader`, which imports
      importlib.metadata, zipfile and csv, ~5 ms) is found as one that answers "no plugins"; if the
      variable no longer says off when a model is built, it hands over to the real module.
    """
    if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
        stub = types.ModuleType("httpx._main", "Stub: trunkwizard never runs httpx's command-line client.")

        def main() -> None:
            print("httpx's command-line client is not loaded in trunkwizard: run `httpx`.", file=sys.stderr)
            raise SystemExit(1)

        stub.main = main  # type: ignore[attr-defined]
        sys.modules["httpx._main"] = stub
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if not any(isinstance(finder, _NoPluginLoader) for finder in sys.meta_path):
        sys.meta_path.insert(0, _NoPluginLoader())


_PLUGIN_LOADER = "pydantic.plugin._loader"


def _plugins_off() -> bool:
    return os.environ.get("PYDANTIC_DISABLE_PLUGINS") in ("__all__", "1", "true")  # as pydantic reads it


class _NoPluginLoader:
    """Finds `pydantic.plugin._loader` while plugins are off, as a module that has none to give (its
    parent package is imported first, as for any submodule). Once they are on, the real module loads."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name != _PLUGIN_LOADER or not _plugins_off():
            return None
        from importlib.machinery import ModuleSpec

        return ModuleSpec(name, self)  # type: ignore[arg-type]  # a loader by its methods: importlib.abc costs 1 ms

    def create_module(self, spec: ModuleSpec) -> None:
        return None  # the default module

    def exec_module(self, module: types.ModuleType) -> None:
        def get_plugins() -> Iterable[object]:
            if _plugins_off():
                return ()
            # turned on since: the real module scans the entry points, from now on for every caller
            import importlib

            if sys.modules.get(_PLUGIN_LOADER) is module:
                del sys.modules[_PLUGIN_LOADER]
            plugins: Iterable[object] = importlib.import_module(_PLUGIN_LOADER).get_plugins()
            return plugins

        module.__doc__ = "trunkwizard: pydantic plugins are off (PYDANTIC_DISABLE_PLUGINS), none to load."
        module.get_plugins = get_plugins  # type: ignore[attr-defined]
        module._plugins = None  # type: ignore[attr-defined]  # as the real module's before any scan


_skip_imports_that_do_nothing()
