"""Profiles, drafts, history and logs on disk: content, permissions, symlinks, secrets kept out."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak, assert_private_tree
from tests.support.secret_service import PrivateHome
from trunkwizard.errors import Problem, ProviderError, StoreError, ValidationFailed
from trunkwizard.redact import register_secret
from trunkwizard.refusals import Refusal, refusals_of
from trunkwizard.store import (
    AppDirs,
    DraftStore,
    HistoryStore,
    Profile,
    ProfileExists,
    ProfileNotFound,
    ProfileStore,
    open_log_handler,
    write_private_file,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def dirs(private_home: PrivateHome) -> AppDirs:
    found = AppDirs.from_environment()
    # platformdirs honours the XDG variables the fixture set
    assert found.config == private_home.config_home / "trunkwizard"
    assert found.state == private_home.state_home / "trunkwizard"
    return found


def _app_trees(home: PrivateHome) -> tuple[Path, Path]:
    return home.config_home, home.state_home


# --- profiles ------------------------------------------------------------------------------------------


def test_profiles_round_trip_through_toml(dirs: AppDirs, private_home: PrivateHome) -> None:
    store = ProfileStore(dirs)
    assert store.list() == []
    acme = Profile("acme-pbx", "yeastar", {"base_url": "https://10.0.0.5:8088", "port": 8088, "beta": True})
    store.add(acme)
    store.add(Profile("cloud.main_2", "chorus", {}))
    assert [p.name for p in store.list()] == ["acme-pbx", "cloud.main_2"]
    assert store.get("acme-pbx") == acme

    document = tomllib.loads(dirs.profiles_file.read_text())
    assert document["profiles"]["acme-pbx"] == {
        "provider": "yeastar",
        "settings": {"base_url": "https://10.0.0.5:8088", "port": 8088, "beta": True},
    }

    renamed = store.rename("acme-pbx", "acme-hq")
    assert renamed.settings == acme.settings and store.find("acme-pbx") is None
    store.save(Profile("acme-hq", "yeastar", {"base_url": "https://10.0.0.6:8088"}, ca_file="/etc/ca.pem"))
    assert store.get("acme-hq").ca_file == "/etc/ca.pem"
    assert store.delete("acme-hq").name == "acme-hq"
    with pytest.raises(ProfileNotFound, match="no profile named 'acme-hq'"):
        store.get("acme-hq")
    assert_private_tree(*_app_trees(private_home))


def test_profile_names_are_unique_across_providers(dirs: AppDirs) -> None:
    store = ProfileStore(dirs)
    store.add(Profile("acme", "yeastar"))
    with pytest.raises(ProfileExists, match=r"'acme' already exists \(yeastar\)"):
        store.add(Profile("acme", "wavix"))
    store.add(Profile("other", "wavix"))
    with pytest.raises(ProfileExists):
        store.rename("other", "acme")


@pytest.mark.parametrize("name", ["", "a b", ".hidden", "acme:pbx", "a/b", "x" * 65, "é"])
def test_bad_profile_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationFailed) as failed:
        Profile(name, "yeastar")
    assert failed.value.problems[0].field == "name"
    assert "letters, digits" in failed.value.problems[0].message


def test_secrets_never_reach_the_profile_file(dirs: AppDirs) -> None:
    register_secret(CANARY)
    with pytest.raises(ValidationFailed, match="looks like a secret"):
        Profile("acme", "yeastar", {"client_secret": "whatever"})
    with pytest.raises(ValidationFailed, match="looks like a secret"):
        Profile("acme", "yeastar", {"note": f"pw {CANARY}"})
    with pytest.raises(ValidationFailed, match="looks like a secret"):
        Profile("acme", "yeastar", {"base_url": "https://pbx/?access_token=abc123"})
    assert not dirs.profiles_file.exists()


def test_a_readable_profiles_file_is_fixed_to_0600_with_a_warning(
    dirs: AppDirs, caplog: pytest.LogCaptureFixture
) -> None:
    ProfileStore(dirs).add(Profile("acme", "yeastar"))
    os.chmod(dirs.profiles_file, 0o644)
    with caplog.at_level(logging.WARNING, logger="trunkwizard.store"):
        assert [p.name for p in ProfileStore(dirs).list()] == ["acme"]
    assert stat.S_IMODE(dirs.profiles_file.stat().st_mode) == 0o600
    assert "readable by other users (mode 644); changed it to 600" in caplog.text


def test_a_writable_by_others_profiles_file_is_refused(dirs: AppDirs) -> None:
    ProfileStore(dirs).add(Profile("acme", "yeastar"))
    os.chmod(dirs.profiles_file, 0o664)
    with pytest.raises(StoreError, match=r"writable by other users \(mode 664\).*chmod 600"):
        ProfileStore(dirs).list()


def test_an_open_app_directory_is_tightened(dirs: AppDirs, caplog: pytest.LogCaptureFixture) -> None:
    ProfileStore(dirs).add(Profile("acme", "yeastar"))
    os.chmod(dirs.config, 0o755)
    with caplog.at_level(logging.WARNING, logger="trunkwizard.store"):
        ProfileStore(dirs).add(Profile("other", "wavix"))
    assert stat.S_IMODE(dirs.config.stat().st_mode) == 0o700
    assert "changed it to 700" in caplog.text


def test_symlinked_profiles_file_is_refused(dirs: AppDirs, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text('version = 1\n[profiles.evil]\nprovider = "yeastar"\n[profiles.evil.settings]\n')
    dirs.config.mkdir(parents=True, mode=0o700)
    dirs.profiles_file.symlink_to(elsewhere)
    with pytest.raises(StoreError, match="is a symlink"):
        ProfileStore(dirs).list()
    with pytest.raises(StoreError, match="is a symlink"):
        ProfileStore(dirs).save(Profile("acme", "yeastar"))
    assert "evil" in elsewhere.read_text() and "acme" not in elsewhere.read_text()


def test_broken_toml_is_reported_not_overwritten(dirs: AppDirs) -> None:
    write_private_file(dirs.profiles_file, b"[profiles.acme\nprovider = ")
    with pytest.raises(StoreError, match="is not valid TOML"):
        ProfileStore(dirs).save(Profile("other", "yeastar"))
    assert dirs.profiles_file.read_bytes() == b"[profiles.acme\nprovider = "


def test_two_sessions_editing_profiles_lose_nothing(private_home: PrivateHome, dirs: AppDirs) -> None:
    script = textwrap.dedent(
        """
        import sys
        from trunkwizard.store import Profile, ProfileStore
        store = ProfileStore()
        for i in range(40):
            store.add(Profile(f"{sys.argv[1]}-{i}", "wavix", {"base_url": "https://api.wavix.com"}))
        """
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, tag], env=private_home.env, cwd=REPO)
        for tag in ("a", "b", "c")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    assert len(ProfileStore(dirs).list()) == 120


def test_files_stay_private_under_a_permissive_umask(dirs: AppDirs, private_home: PrivateHome) -> None:
    previous = os.umask(0)
    try:
        ProfileStore(dirs).add(Profile("acme", "yeastar"))
        DraftStore(dirs).save(provider="yeastar", profile="acme", mode="register", step="trunk", answers={})
        HistoryStore(dirs).append(
            provider="yeastar", profile="acme", mode="register", created_id="7", request={}, sandbox=True
        )
        handler = open_log_handler(dirs)
        handler.close()
    finally:
        os.umask(previous)
    files = assert_private_tree(*_app_trees(private_home))
    names = sorted(p.name for p in files)
    assert names == ["current.json", "history.jsonl", "profiles.toml", "trunkwizard.log"]


# --- drafts --------------------------------------------------------------------------------------------


def test_a_draft_round_trips_and_is_discarded(dirs: AppDirs) -> None:
    drafts = DraftStore(dirs)
    assert drafts.latest() is None
    saved = drafts.save(
        provider="yeastar",
        profile="acme",
        mode="register",
        step="codecs",
        answers={"name": "trunk-1", "port": 5060, "did_list": [{"did": "+15551234567"}]},
    )
    loaded = drafts.load()
    assert loaded is not None
    assert (loaded.provider, loaded.profile, loaded.mode, loaded.step) == (
        "yeastar",
        "acme",
        "register",
        "codecs",
    )
    assert loaded.answers == {"name": "trunk-1", "port": 5060, "did_list": [{"did": "+15551234567"}]}
    assert loaded.saved_at == saved.saved_at and loaded.saved_at.endswith("Z")
    assert drafts.latest() == loaded
    assert drafts.discard() is True
    assert drafts.load() is None and drafts.discard() is False


def test_a_draft_drops_every_secret_it_is_handed(dirs: AppDirs, private_home: PrivateHome) -> None:
    register_secret(CANARY)
    drafts = DraftStore(dirs)
    saved = drafts.save(
        provider="chorus",
        profile=None,
        mode="sip-registration",
        step="sip",
        answers={
            "sipUsername": "pbx-user",
            "sipPin": "1234",  # the caller marks it secret
            "sipPassword": "typed-into-the-form",  # secret by name
            "memo": CANARY,  # a known secret value under an innocent key
            "rows": [{"user": "a", "auth_password": "x1"}, CANARY],
        },
        secret_fields={"sipPin"},
    )
    assert sorted(saved.dropped) == ["memo", "rows.0.auth_password", "rows.1", "sipPassword", "sipPin"]
    content = json.loads(drafts.path().read_text())
    assert content["answers"] == {"sipUsername": "pbx-user", "rows": [{"user": "a"}]}
    assert_no_leak(CANARY, private_home.scanned_roots())
    assert "typed-into-the-form" not in drafts.path().read_text()


def test_a_providers_refusal_round_trips_in_the_draft_without_a_secret(
    dirs: AppDirs, private_home: PrivateHome
) -> None:
    register_secret(CANARY)
    values = {"name": "Carrier_Main", "port": 5060, "password": CANARY, "memo": f"x {CANARY}"}
    refused = refusals_of(
        ProviderError(
            "errcode 40003 DUPLICATE KEY VALUE",
            problems=[
                Problem("name", "'Carrier_Main' is already used by trunk Carrier_Main: choose another"),
                Problem("password", "too weak"),
            ],
        ),
        values,
    )
    # texts the store is handed as they are: it redacts them itself, as every text it writes
    leaky = Refusal("port", 5060, f"port taken (password={CANARY})", f"refused: {CANARY}")
    by_value = Refusal("memo", values["memo"], "not allowed")  # the refused value is a secret's
    drafts = DraftStore(dirs)
    saved = drafts.save(
        provider="yeastar",
        profile=None,
        mode="register",
        step="details",
        answers={"details": values},
        secret_fields={"password"},
        refused=(*refused, leaky, by_value),
    )
    loaded = drafts.load()
    assert loaded is not None and loaded.refused == saved.refused
    name, port = loaded.refused
    assert name == refused[0] and name.headline == "errcode 40003 DUPLICATE KEY VALUE"
    assert name.holds_for({"name": "Carrier_Main"}) and not name.holds_for({"name": "Carrier_Main2"})
    assert (port.field, port.value) == ("port", 5060) and CANARY not in port.message + port.headline
    assert_no_leak(CANARY, private_home.scanned_roots())
    assert "too weak" not in drafts.path().read_text()  # a secret field's refusal is not kept at all


def test_an_unchanged_draft_is_not_rewritten(dirs: AppDirs) -> None:
    drafts = DraftStore(dirs)
    drafts.save(provider="wavix", profile=None, mode=None, step="trunk", answers={"label": "a"})
    first = drafts.path().stat().st_ino
    drafts.save(provider="wavix", profile=None, mode=None, step="trunk", answers={"label": "a"})
    assert drafts.path().stat().st_ino == first  # every write is a new file renamed into place
    drafts.save(provider="wavix", profile=None, mode=None, step="trunk", answers={"label": "ab"})
    assert drafts.path().stat().st_ino != first


def test_latest_draft_skips_a_corrupt_one(dirs: AppDirs, caplog: pytest.LogCaptureFixture) -> None:
    drafts = DraftStore(dirs)
    drafts.save(provider="wavix", profile=None, mode=None, step="trunk", answers={}, draft_id="good")
    write_private_file(dirs.drafts_dir / "bad.json", b"{not json")
    with caplog.at_level(logging.WARNING, logger="trunkwizard.store"):
        latest = drafts.latest()
    assert latest is not None and latest.id == "good"
    assert "skipping draft bad.json" in caplog.text


def test_draft_saves_from_a_signal_handler_always_land_last(private_home: PrivateHome) -> None:
    """SIGHUP arrives while a save is half done; the handler saves again; its draft must be what stays."""
    script = textwrap.dedent(
        """
        import json, os, random, signal, threading, time
        from trunkwizard.store import DraftStore
        drafts = DraftStore()
        hangups = 0
        inside_save = False
        def interrupted_a_save(frame):
            # a save is under way once it holds its generation number (before that, it starts after us)
            while frame is not None:
                code = frame.f_code
                if code.co_name == "save" and code.co_filename.endswith("drafts.py"):
                    return "generation" in frame.f_locals
                frame = frame.f_back
            return False
        def on_hangup(signum, frame):
            global hangups, inside_save
            hangups += 1
            inside_save = interrupted_a_save(frame)
            drafts.save(provider="wavix", profile=None, mode=None, step=f"hup-{hangups}", answers={})
        signal.signal(signal.SIGHUP, on_hangup)
        def sender():
            for _ in range(80):
                time.sleep(random.uniform(0.0002, 0.003))
                os.kill(os.getpid(), signal.SIGHUP)
        thread = threading.Thread(target=sender)
        thread.start()
        wrong = interrupted = i = 0
        while thread.is_alive() or i < 10:
            i += 1
            seen = hangups
            drafts.save(provider="wavix", profile=None, mode=None, step=f"loop-{i}", answers={"n": i})
            if hangups != seen and inside_save:
                expected = f"hup-{hangups}"
                step = json.loads(open(drafts.path()).read())["step"]
                if expected == f"hup-{hangups}":  # no further signal while reading
                    interrupted += 1
                    wrong += step != expected
            inside_save = False
        print(json.dumps({"hangups": hangups, "interrupted": interrupted, "wrong": wrong}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=private_home.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["interrupted"] > 0, outcome  # the race was really exercised
    assert outcome["wrong"] == 0, outcome
    assert_private_tree(*_app_trees(private_home))


# --- history -------------------------------------------------------------------------------------------


def test_history_appends_masks_and_marks_deletions(dirs: AppDirs, private_home: PrivateHome) -> None:
    register_secret(CANARY)
    history = HistoryStore(dirs)
    first = history.append(
        provider="yeastar",
        profile="acme",
        mode="register",
        created_id="42",
        request={
            "method": "post",
            "url": f"https://10.0.0.5:8088/openapi/v1.0/trunk/create?access_token={CANARY}",
            "json": {"name": "t1", "password": "sip-pass-1", "auth": {"secret": "x"}, "note": CANARY},
        },
        sandbox=False,
    )
    second = history.append(
        provider="wavix", profile=None, mode=None, created_id="9", request={"method": "POST"}, sandbox=True
    )
    entries = history.entries()
    assert [e.id for e in entries] == [first.id, second.id]
    request = entries[0].request
    assert request["method"] == "POST"
    assert request["url"].endswith("?access_token=********")
    assert request["json"] == {
        "name": "t1",
        "password": "********",
        "auth": {"secret": "********"},
        "note": "********",
    }
    assert entries[0].time.endswith("Z") and not entries[0].deleted
    assert entries[1].sandbox is True

    history.mark_deleted(first.id)
    entries = history.entries()
    assert entries[0].deleted and entries[0].deleted_at is not None and not entries[1].deleted
    with pytest.raises(StoreError, match="no history entry"):
        history.mark_deleted("nope")
    assert_no_leak(CANARY, private_home.scanned_roots())
    assert "sip-pass-1" not in dirs.history_file.read_text()


def test_history_survives_a_torn_last_line(dirs: AppDirs, caplog: pytest.LogCaptureFixture) -> None:
    history = HistoryStore(dirs)
    history.append(provider="vox", profile=None, mode=None, created_id="1", request={}, sandbox=True)
    with open(dirs.history_file, "ab") as handle:
        handle.write(b'{"kind": "submission", "id": "abc", "ti')
    with caplog.at_level(logging.WARNING, logger="trunkwizard.store"):
        assert [e.created_id for e in history.entries()] == ["1"]
    assert "line 2 is not a history record" in caplog.text


def test_concurrent_sessions_lose_no_history(private_home: PrivateHome, dirs: AppDirs) -> None:
    script = textwrap.dedent(
        """
        import sys
        from trunkwizard.store import HistoryStore
        history = HistoryStore()
        for i in range(150):
            history.append(provider="wavix", profile=None, mode=None, created_id=f"{sys.argv[1]}-{i}",
                           request={"method": "POST", "url": "https://api.wavix.com/v1/trunks"}, sandbox=True)
        """
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, tag], env=private_home.env, cwd=REPO)
        for tag in ("a", "b", "c")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    ids = {e.created_id for e in HistoryStore(dirs).entries()}
    assert len(ids) == 450


# --- logs ----------------------------------------------------------------------------------------------


def test_the_log_file_is_private_and_redacted(dirs: AppDirs, private_home: PrivateHome) -> None:
    register_secret(CANARY)
    logger = logging.getLogger("trunkwizard.test-log")
    handler = open_log_handler(dirs)
    logger.addHandler(handler)
    try:
        logger.warning("login with %s", CANARY)
        logger.warning("GET https://pbx/openapi/v1.0/extension/list?access_token=tok-123-abc")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = (dirs.logs_dir / "trunkwizard.log").read_text()
    assert "login with ********" in text and "access_token=********" in text
    assert "tok-123-abc" not in text
    assert_no_leak(CANARY, private_home.scanned_roots())
    assert_private_tree(*_app_trees(private_home))
