"""Suite-wide guards: the canary secret must never reach captured output, logs or files the run wrote."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tests.support.canary import canary_forms, canary_leaks

pytest_plugins = [
    "tests.support.sandbox",
    "tests.support.secret_service",
    "tests.support.sip",
    "tests.support.kamailio",
]

_leaks: list[str] = []


class _CanaryLogHandler(logging.Handler):
    """Sees every log record at every level, whatever a test's own capture does."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:
            return
        found = canary_leaks(text)
        if found:
            _leaks.append(f"log record {record.name}: the canary as {found[0]!r}")


def pytest_addoption(parser: pytest.Parser) -> None:
    monkey = parser.getgroup("monkey", "random key sequences through the wizard (tests/tui/test_monkey.py)")
    monkey.addoption("--monkey-runs", type=int, default=1, help="runs per provider x mode (CI: 1)")
    monkey.addoption("--monkey-steps", type=int, default=30, help="keys per run at most (CI: 30)")
    monkey.addoption("--monkey-seconds", type=float, default=4.0, help="seconds per run at most (CI: 4)")
    monkey.addoption("--monkey-seed", type=int, default=0, help="seed of the first run (then +1 each)")


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(_CanaryLogHandler(level=logging.DEBUG))
    root.setLevel(logging.DEBUG)


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, content in report.sections:
        found = canary_leaks(content)
        if found:
            _leaks.append(f"{report.nodeid} ({report.when}): {name}: the canary as {found[0]!r}")


def _files_with_canary(base: Path) -> list[str]:
    found = []
    needles = [form.encode() for form in canary_forms()]
    for root, _dirs, files in os.walk(base):
        for name in files:
            path = Path(root, name)
            try:
                if path.is_symlink() or path.stat().st_size > 5_000_000:
                    continue
                content = path.read_bytes()
                if any(needle in content for needle in needles):
                    found.append(str(path))
            except OSError:
                continue
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None:
        try:
            base = factory.getbasetemp()
        except (OSError, ValueError):
            base = None
        if base is not None and base.exists():
            _leaks.extend(f"file {path}" for path in _files_with_canary(base))
    if _leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["the canary secret leaked:"] + [f"  {leak}" for leak in sorted(set(_leaks))]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
