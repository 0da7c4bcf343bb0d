"""trunkwizard: provision SIP trunks, SIP endpoints and phone numbers from the terminal."""

import os
import sys
import types

__version__ = "0.1.0"


def _skip_imports_that_do_nothing() -> None:
    """Two imports our dependencies make that trunkwizard never uses (issue 16):

    - httpx imports its command-line client (`httpx._main`: click, pygments, rich tables, ~40 ms) as
      soon as click is installed, which uvicorn brings; trunkwizard never runs the `httpx` command, so
      that module is a stub here. `httpx.main()` would tell how to run the real one.
    - pydantic scans the entry points of every installed package for plugins at the first model it
      builds (~15 ms); trunkwizard uses none. PYDANTIC_DISABLE_PLUGINS, when the user sets it, wins.
    """
    if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
        stub = types.ModuleType("httpx._main", "Stub: trunkwizard never runs httpx's command-line client.")

        def main() -> None:
            print("httpx's command-line client is not loaded in trunkwizard: run `httpx`.", file=sys.stderr)
            raise SystemExit(1)

        stub.main = main  # type: ignore[attr-defined]
        sys.modules["httpx._main"] = stub
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


_skip_imports_that_do_nothing()
