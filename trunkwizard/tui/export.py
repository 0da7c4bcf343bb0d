"""Writing exports (the curl command, screenshots): 0600 files in a 0700 directory trunkwizard made,
never through a symlink, never over another export (trunkwizard.store.files.save_export)."""

from __future__ import annotations

import re
from pathlib import Path

from trunkwizard.curl_body import JSON_ESCAPE_FUNCTION

__all__ = ["curl_script", "default_export_dir", "save_private_text"]


def curl_script(curl: str) -> str:
    """The curl command as a script that runs as saved: a shebang, `set -eu`, and a check that stops
    with a message when a secret's variable is unset (curl would otherwise send an empty key), or when
    awk, which writes a secret into the JSON body, is missing (the body would carry an empty one)."""
    # the created id is set by hand between two calls (the script says so above the second): not checked
    # an answer's own `$` is escaped (`\$`): only the references the shell expands are checked
    found = re.findall(r"(?<!\\)\$\{?(TRUNKWIZARD_[A-Z0-9_]+)", curl)
    names = sorted(set(found) - {"TRUNKWIZARD_CREATED_ID"})
    lines = ["#!/bin/sh", "# made by trunkwizard: the secrets are environment variables", "set -eu"]
    lines += [f': "${{{name}:?set {name} first (export {name}=...)}}"' for name in names]
    if JSON_ESCAPE_FUNCTION in curl:
        lines.append(
            "command -v awk >/dev/null || "
            '{ echo "this script needs awk to put the secrets in the JSON body" >&2; exit 1; }'
        )
    return "\n".join(lines) + "\n" + curl


def default_export_dir() -> Path:
    from trunkwizard.store.files import default_exports_dir

    return default_exports_dir()


def save_private_text(directory: Path, stem: str, text: str, suffix: str = ".sh") -> Path:
    """Write `text` to `<directory>/<stem>-<UTC time><suffix>` (mode 0600) and return the path."""
    from trunkwizard.store.files import save_export

    return save_export(
        directory, stem, suffix, (text if text.endswith("\n") else text + "\n").encode("utf-8")
    )
