"""After the first frame, nothing is imported on the event loop (issue 16): the registry, the client,
the sandbox and the account step load in worker threads, the draft store in the draft look-up's thread.
A subprocess records every module first imported on the main thread once the first frame is out, while
the wizard walks to the account step in the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import asyncio, sys, threading
from importlib.abc import MetaPathFinder

main = threading.main_thread()
on_loop = []
armed = False

class Recorder(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if armed and threading.current_thread() is main:
            on_loop.append(name)
        return None

sys.meta_path.insert(0, Recorder())

from trunkwizard.tui import app as wizard_app
from trunkwizard.tui.persistent_app import PersistentWizardApp

first_frame = wizard_app.WizardApp.on_ready

def on_ready(self):
    global armed
    armed = True
    first_frame(self)

wizard_app.WizardApp.on_ready = on_ready

async def walk():
    app = PersistentWizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # picks as soon as the registry is there
        for _ in range(400):
            if getattr(app.screen, "STEP", "") == "account" and "trunkwizard.store" in sys.modules:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        print("STEP", getattr(app.screen, "STEP", ""))
        app.exit(0)

asyncio.run(walk())
for name in on_loop:
    print("LOOP", name)
for name in sorted(sys.modules):
    print("LOADED", name)
"""


def test_walking_to_the_account_step_imports_nothing_on_the_event_loop(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "STEP account" in lines
    ours = ("trunkwizard", "pydantic", "httpx", "keyring", "phonenumbers", "starlette")
    on_loop = [line[5:] for line in lines if line.startswith("LOOP ") and line[5:].split(".")[0] in ours]
    assert on_loop == []

    # Enter picked the first provider: its models and its emulator's account, no other provider's, and
    # no emulator served yet (nothing was sent): issue 16, memory.
    loaded = {line[7:] for line in lines if line.startswith("LOADED ")}
    assert "trunkwizard.providers.chorus" in loaded and "trunkwizard.sandbox.chorus" in loaded
    others = ("signalwire", "wavix", "yeastar", "vox")
    assert sorted(m for m in loaded if m.startswith("trunkwizard.") and m.rsplit(".", 1)[-1] in others) == []
    assert "starlette.applications" not in loaded


FORM_PROBE = PROBE.replace(
    """        await pilot.press("enter")  # picks as soon as the registry is there
        for _ in range(400):
            if getattr(app.screen, "STEP", "") == "account" and "trunkwizard.store" in sys.modules:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)
""",
    """        await pilot.press(*"yeastar", "enter")  # picks as soon as the registry is there
        for step, key in (("account", "ctrl+n"), ("mode", "enter"), ("details", None)):
            for _ in range(400):
                if getattr(app.screen, "STEP", "") == step and "trunkwizard.store" in sys.modules:
                    break
                await pilot.pause(0.05)
            await pilot.pause(0.3)
            if key:
                await pilot.press(key)  # the sandbox's account; the first mode, the register trunk
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
""",
)


def test_walking_to_the_yeastar_register_form_imports_nothing_on_the_loop_nor_another_provider(
    tmp_path: Path,
) -> None:
    assert FORM_PROBE != PROBE
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", FORM_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "STEP details" in lines
    ours = ("trunkwizard", "pydantic", "httpx", "keyring", "phonenumbers", "starlette")
    on_loop = [line[5:] for line in lines if line.startswith("LOOP ") and line[5:].split(".")[0] in ours]
    assert on_loop == []  # the mode and details screens load with the registry, in its worker thread

    # The register trunk offers nothing to another side: its form does not load the other four providers
    # to learn their password rules (issue 16: memory). Its look-ups were sent: the emulator is served.
    loaded = {line[7:] for line in lines if line.startswith("LOADED ")}
    assert "trunkwizard.providers.yeastar" in loaded and "starlette.applications" in loaded
    others = ("chorus", "signalwire", "wavix", "vox")
    assert sorted(m for m in loaded if m.startswith("trunkwizard.") and m.rsplit(".", 1)[-1] in others) == []
