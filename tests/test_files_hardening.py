"""Files trunkwizard writes cannot be turned against the user: hard links are refused as symlinks are,
exports go to a 0700 directory of its own (never through a symlink, never over another export),
screenshots are 0600, and temporary files a killed process left are cleaned on the next start."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from trunkwizard.errors import StoreError
from trunkwizard.store import HistoryStore
from trunkwizard.store.files import (
    ORPHAN_AGE,
    AppDirs,
    clean_orphan_temp_files,
    read_private_file,
    save_export,
    write_private_file,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _dirs(tmp_path: Path) -> AppDirs:
    return AppDirs(config=tmp_path / "config", state=tmp_path / "state")


def test_a_hard_linked_history_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    dirs = _dirs(tmp_path)
    history = HistoryStore(dirs)
    history.append(provider="chorus", profile=None, mode="jambonz", created_id="1", request={}, sandbox=True)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's file\n")
    elsewhere.chmod(0o644)
    dirs.history_file.unlink()
    os.link(elsewhere, dirs.history_file)
    with pytest.raises(StoreError, match="hard links"):
        history.append(
            provider="chorus", profile=None, mode="jambonz", created_id="2", request={}, sandbox=True
        )
    with pytest.raises(StoreError, match="hard links"):
        read_private_file(dirs.history_file)
    with pytest.raises(StoreError, match="hard links"):
        write_private_file(dirs.history_file, b"{}")
    assert elsewhere.read_text() == "someone else's file\n" and _mode(elsewhere) == 0o644


def test_exports_are_private_unique_and_never_through_a_symlink(tmp_path: Path) -> None:
    data = tmp_path / "share" / "trunkwizard"
    data.mkdir(parents=True, mode=0o755)
    data.chmod(0o755)  # as earlier versions made it
    exports = data / "exports"
    first = save_export(exports, "chorus-sip", ".sh", b"one\n")
    second = save_export(exports, "chorus-sip", ".sh", b"two\n")  # the same second
    assert first != second and first.read_text() == "one\n" and second.read_text() == "two\n"
    assert _mode(first) == 0o600 and _mode(second) == 0o600
    assert _mode(exports) == 0o700 and _mode(data) == 0o700
    assert not [p for p in exports.iterdir() if p.name.startswith(".tmp-")]

    target = tmp_path / "somewhere-else"
    target.mkdir()
    linked = tmp_path / "linked" / "trunkwizard"
    linked.mkdir(parents=True)
    (linked / "exports").symlink_to(target)
    with pytest.raises(StoreError, match="symlink"):
        save_export(linked / "exports", "chorus-sip", ".sh", b"x\n")
    assert list(target.iterdir()) == []


async def test_a_screenshot_is_0600_in_the_private_export_directory(tmp_path: Path) -> None:
    from trunkwizard.tui.app import WizardApp

    app = WizardApp(sandbox=True, export_dir=tmp_path / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        saved = Path(app.save_screenshot())
        delivered = app.deliver_screenshot()
    assert saved.parent == tmp_path / "exports" and saved.suffix == ".svg"
    assert _mode(saved) == 0o600 and _mode(saved.parent) == 0o700
    assert delivered is not None and Path(delivered) != saved and _mode(Path(delivered)) == 0o600


def test_orphan_temporary_files_are_cleaned_and_fresh_ones_kept(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    orphan = state / ".history.jsonl.abc123.tmp"
    export_orphan = state / ".tmp-xyz.sh"
    fresh = state / ".profiles.toml.def456.tmp"
    kept = state / "history.jsonl"
    for path in (orphan, export_orphan, fresh, kept):
        path.write_text("x")
    old = time.time() - ORPHAN_AGE - 60
    for path in (orphan, export_orphan, kept):
        os.utime(path, (old, old))
    assert clean_orphan_temp_files([state, tmp_path / "missing"]) == 2
    assert sorted(p.name for p in state.iterdir()) == [".profiles.toml.def456.tmp", "history.jsonl"]


def test_a_command_cleans_the_orphans_of_a_killed_run(tmp_path: Path) -> None:
    import subprocess
    import sys

    state = tmp_path / "state" / "trunkwizard"
    state.mkdir(parents=True)
    orphan = state / ".history.jsonl.k9x.tmp"
    orphan.write_text("half a line")
    old = time.time() - ORPHAN_AGE - 60
    os.utime(orphan, (old, old))
    env = {**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    subprocess.run([sys.executable, "-m", "trunkwizard", "history"], env=env, capture_output=True, timeout=60)
    assert not orphan.exists()
