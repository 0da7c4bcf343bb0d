"""Everything trunkwizard keeps on disk: profiles (config dir), drafts, history and logs (state dir).

All files are written atomically, 0600, in 0700 directories; see `trunkwizard.store.files` for the
permission policy on files read back. Secrets are never stored here: see `trunkwizard.secrets`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.store.drafts import DEFAULT_DRAFT, Draft, DraftStore
    from trunkwizard.store.files import (
        APP_NAME,
        AppDirs,
        append_private_line,
        ensure_private_dir,
        read_private_file,
        write_private_file,
    )
    from trunkwizard.store.history import HistoryEntry, HistoryStore
    from trunkwizard.store.logs import open_log_handler
    from trunkwizard.store.profiles import (
        PROFILE_NAME_RULE,
        Profile,
        ProfileExists,
        ProfileNotFound,
        ProfileStore,
        SettingValue,
        validate_profile_name,
    )

# name -> the module that defines it: each module is imported when one of its names is first asked for,
# so that a command that only cleans up temporary files (store.files) does not load the history's and
# the drafts' imports (issue 16: `create --dry-run`).
_WHERE = {
    "DEFAULT_DRAFT": "drafts",
    "Draft": "drafts",
    "DraftStore": "drafts",
    "APP_NAME": "files",
    "AppDirs": "files",
    "append_private_line": "files",
    "ensure_private_dir": "files",
    "read_private_file": "files",
    "write_private_file": "files",
    "HistoryEntry": "history",
    "HistoryStore": "history",
    "open_log_handler": "logs",
    "PROFILE_NAME_RULE": "profiles",
    "Profile": "profiles",
    "ProfileExists": "profiles",
    "ProfileNotFound": "profiles",
    "ProfileStore": "profiles",
    "SettingValue": "profiles",
    "validate_profile_name": "profiles",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{where}"), name)


__all__ = [
    "APP_NAME",
    "DEFAULT_DRAFT",
    "PROFILE_NAME_RULE",
    "AppDirs",
    "Draft",
    "DraftStore",
    "HistoryEntry",
    "HistoryStore",
    "Profile",
    "ProfileExists",
    "ProfileNotFound",
    "ProfileStore",
    "SettingValue",
    "append_private_line",
    "ensure_private_dir",
    "open_log_handler",
    "read_private_file",
    "validate_profile_name",
    "write_private_file",
]
