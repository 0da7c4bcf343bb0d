"""The client's TLS context: verification on, built once per CA file (loading a trust store costs more
than a request to a nearby PBX), built again when the CA file changes."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import certifi
import pytest

from trunkwizard.client import tls_context
from trunkwizard.errors import NetworkError


def test_the_default_context_is_built_once_and_verifies() -> None:
    context = tls_context()
    assert context is tls_context(None)
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname


def test_a_ca_file_gets_its_own_context_rebuilt_when_the_file_changes(tmp_path: Path) -> None:
    ca_file = tmp_path / "pbx-ca.pem"
    ca_file.write_bytes(
        Path(certifi.where()).read_bytes()[:200_000].rpartition(b"-----END CERTIFICATE-----")[0]
        + b"-----END CERTIFICATE-----\n"
    )
    first = tls_context(str(ca_file))
    assert first is tls_context(str(ca_file)) and first is not tls_context()
    stat = ca_file.stat()
    os.utime(ca_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert tls_context(str(ca_file)) is not first


def test_a_missing_ca_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match="cannot use the CA file"):
        tls_context(str(tmp_path / "missing.pem"))
