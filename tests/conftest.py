from __future__ import annotations

pytest_plugins = [
    "tests.support.sandbox",
    "tests.support.secret_service",
    "tests.support.sip",
]
