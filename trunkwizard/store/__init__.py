"""Everything trunkwizard keeps on disk: profiles (config dir), drafts, history and logs (state dir).

All files are written atomically, 0600, in 0700 directories; see `trunkwizard.store.files` for the
permission policy on files read back. Secrets are never stored here: see `trunkwizard.secrets`.
"""

from __future__ import annotations

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
