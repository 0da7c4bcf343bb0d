"""What the wizard's peak RSS on the Yeastar register form is made of, part by part (issue 16).

    .venv/bin/python bench/rss_parts.py

In one fresh process, the RSS (VmRSS) after each part the wizard loads on its way to that form, in
the order it loads them, then what building Yeastar's validators and the sandbox's server add. What
tui_bench.py's "peak RSS on the form" holds beyond the total printed here is the running app: the
widgets of the four kept steps, their styles and render caches. The floor (bare_input_app.py) is
the first two parts and one Input. Run it twice: the first run may compile bytecode."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trunkwizard  # noqa: F401  (after the path; it stubs httpx's command-line client, as the wizard does)

STEPS = [f"trunkwizard.tui.screens.{step}" for step in ("account", "mode", "details")]
PARTS: list[tuple[str, list[str]]] = [
    ("Textual (textual.app, an Input)", ["textual.app", "textual.widgets._input"]),
    ("the wizard's first screen", ["trunkwizard.tui.persistent_app", "trunkwizard.tui.screens.provider"]),
    (
        "pydantic and pydantic-core",
        ["pydantic", "pydantic.main", "pydantic.fields", "pydantic.types", "pydantic.functional_validators"],
    ),
    ("httpx", ["httpx"]),
    ("our core: fields, rules, the registry, the client", ["trunkwizard.providers", "trunkwizard.client"]),
    ("the Yeastar provider", ["trunkwizard.providers.yeastar"]),
    ("the account, mode and details steps", STEPS),
    ("the drafts and profiles stores", ["trunkwizard.store.drafts", "trunkwizard.store.profiles"]),
    ("the sandbox and Yeastar's emulator", ["trunkwizard.sandbox", "trunkwizard.sandbox.yeastar"]),
]


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build_yeastar_validators() -> None:
    from trunkwizard.providers import get_provider

    provider = get_provider("yeastar")
    for model in (provider.account_model, *(mode.model for mode in provider.modes)):
        model.model_rebuild()


def build_sandbox_server() -> None:
    from trunkwizard.sandbox import create_app

    create_app(["yeastar"])


BUILT: list[tuple[str, Callable[[], None]]] = [
    ("Yeastar's validators (account, three modes)", build_yeastar_validators),
    ("Starlette and the emulator's app (the form's look-ups)", build_sandbox_server),
]


def main() -> int:
    last = rss_mib()
    print(f"{last:6.1f} MiB  the interpreter")
    for label, modules in PARTS:
        for module in modules:
            importlib.import_module(module)
        now = rss_mib()
        print(f"{now - last:+6.1f} MiB  {label}")
        last = now
    for label, build in BUILT:
        build()
        now = rss_mib()
        print(f"{now - last:+6.1f} MiB  {label}")
        last = now
    print(f"{last:6.1f} MiB  in all, before the app draws a widget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
