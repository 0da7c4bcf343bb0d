"""How much the files cost: a draft save per keystroke, profiles, history; and keyring calls when a
Secret Service is reachable (run inside `dbus-run-session` with an unlocked gnome-keyring to include it).

    .venv/bin/python bench/bench_store.py

Everything is written under a throwaway directory; nothing touches the real config or keyring
entries other than `trunkwizard` / `bench-*` ones, which are removed again.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trunkwizard.store import AppDirs, DraftStore, HistoryStore, Profile, ProfileStore


def _measure(label: str, action: Callable[[int], object], repeat: int) -> None:
    samples = []
    for index in range(repeat):
        start = time.perf_counter()
        action(index)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<44} median {statistics.median(samples):7.3f} ms   p95 {p95:7.3f} ms   (n={repeat})")


def main() -> None:
    with tempfile.TemporaryDirectory() as root:
        dirs = AppDirs(config=Path(root) / "config", state=Path(root) / "state")
        drafts = DraftStore(dirs)
        answers = {f"field_{i}": f"value {i}" for i in range(40)}

        def save_changed(index: int) -> None:
            answers["field_0"] = f"typed {index}"
            drafts.save(provider="yeastar", profile="acme", mode="register", step="trunk", answers=answers)

        def save_unchanged(index: int) -> None:
            drafts.save(provider="yeastar", profile="acme", mode="register", step="trunk", answers=answers)

        _measure("draft save, 40 answers, changed", save_changed, 300)
        _measure("draft save, unchanged (skipped)", save_unchanged, 300)

        profiles = ProfileStore(dirs)
        for index in range(50):
            profiles.save(Profile(f"site-{index}", "yeastar", {"base_url": f"https://10.0.{index}.5:8088"}))
        _measure("profiles: list 50", lambda _i: profiles.list(), 100)
        _measure(
            "profiles: save one of 50 (rewrite file)",
            lambda i: profiles.save(
                Profile(f"site-{i % 50}", "yeastar", {"base_url": "https://10.9.9.9:8088"})
            ),
            100,
        )

        history = HistoryStore(dirs)
        request = {"method": "POST", "url": "https://api.wavix.com/v1/trunks", "json": {"label": "t", "x": 1}}
        _measure(
            "history: append",
            lambda i: history.append(
                provider="wavix", profile=None, mode=None, created_id=str(i), request=request, sandbox=True
            ),
            300,
        )
        _measure("history: read 300 entries", lambda _i: history.entries(), 50)

    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print(
            "keyring: no D-Bus session; to measure it, run in dbus-run-session with an unlocked gnome-keyring"
        )
        return
    from trunkwizard.secrets import SecretVault

    start = time.perf_counter()
    vault = SecretVault.open()
    elapsed = (time.perf_counter() - start) * 1000
    print(f"{'keyring: detect + probe':<44} {elapsed:7.1f} ms   ({vault.status.state})")
    if not vault.persistent:
        return
    _measure("keyring: store", lambda i: vault.store(f"bench-{i}", "secret", f"value-{i}-xyzw"), 30)
    _measure("keyring: fetch", lambda i: vault.fetch(f"bench-{i}", "secret"), 30)
    _measure("keyring: remove", lambda i: vault.remove(f"bench-{i}", "secret"), 30)


if __name__ == "__main__":
    main()
