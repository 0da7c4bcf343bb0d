"""The wizard in a real pty at 80x24, beside a bare Textual app with one Input, measured in the same run.

    .venv/bin/python bench/tui_bench.py [--runs 5] [--keys 40] [--idle 3]

Prints, for both apps: time to the first interactive screen; per-keystroke latency (median, p95) and
bytes written per keystroke while typing into the largest form (Yeastar register when registered);
bytes written per second while idle. Both run with TERM=xterm-256color and SSH_CONNECTION set (as
over ssh: no COLORTERM). The wizard runs with --sandbox, so nothing leaves the machine.

Latency is the time from writing a key to the pty until the typed text shows on the emulated screen
(pyte); bytes are everything the app wrote for that key until the output goes quiet.
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyte
from ptyprocess import PtyProcess

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
COLUMNS, LINES = 80, 24
QUIET = 0.15  # seconds without output that count as "the frame is done"
TYPED = "ITSP_Main_trunk_number_one_for_bench_42"


@dataclass
class Terminal:
    """A process in a pty, its output fed to a pyte screen, every byte counted."""

    argv: list[str]
    env: dict[str, str]
    process: PtyProcess = field(init=False)
    screen: pyte.Screen = field(init=False)
    stream: pyte.ByteStream = field(init=False)
    received: int = 0
    started: float = 0.0

    def __post_init__(self) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.started = time.perf_counter()
        self.process = PtyProcess.spawn(self.argv, env=self.env, dimensions=(LINES, COLUMNS), cwd=str(ROOT))

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, timeout: float) -> int:
        """Read what is available within `timeout`; return the number of bytes read."""
        ready, _, _ = select.select([self.process.fd], [], [], timeout)
        if not ready:
            return 0
        try:
            data = os.read(self.process.fd, 65536)
        except OSError:
            return 0
        self.received += len(data)
        self.stream.feed(data)
        return len(data)

    def wait_for(self, predicate: Callable[[str], bool], limit: float = 20.0) -> float:
        """Pump until the screen satisfies `predicate`; return the time it became true."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if predicate(self.text()):
                return time.perf_counter()
            self.pump(0.005)
        raise TimeoutError(f"screen never matched; it shows:\n{self.text()}")

    def settle(self, quiet: float = QUIET, limit: float = 10.0) -> None:
        deadline = time.perf_counter() + limit
        last = time.perf_counter()
        while time.perf_counter() < deadline and time.perf_counter() - last < quiet:
            if self.pump(0.01):
                last = time.perf_counter()

    def send(self, keys: str) -> None:
        self.process.write(keys.encode())

    def close(self) -> None:
        if self.process.isalive():
            self.process.terminate(force=True)


_HOME = tempfile.mkdtemp(prefix="trunkwizard-bench-")


def environment() -> dict[str, str]:
    """As over ssh (no COLORTERM); profiles, drafts and history in a throwaway home, so a run never
    resumes a draft of an earlier one nor touches the real ones.

    Bytecode is cached (in the throwaway home), as on a user's machine: pip compiles Textual's modules
    at install and Python caches ours on the first run. Without this, a PYTHONDONTWRITEBYTECODE in the
    environment would have every start of the wizard compile its own modules, and only the wizard's."""
    dropped = ("COLORTERM", "NO_COLOR", "TEXTUAL", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(_HOME, "pycache")
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = os.path.join(_HOME, name.lower())
    env.update(
        TERM="xterm-256color",
        SSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22",
        PYTHONPATH=str(ROOT),
        LINES=str(LINES),
        COLUMNS=str(COLUMNS),
    )
    return env


WIZARD = [PYTHON, "-m", "trunkwizard", "--sandbox"]
WIZARD_APP_ONLY = [PYTHON, str(ROOT / "bench" / "wizard_app_only.py")]
BARE = [PYTHON, str(ROOT / "bench" / "bare_input_app.py")]


def first_screen(argv: list[str], marker: str, later: str | None = None) -> tuple[float, float | None]:
    """Seconds from spawn until `marker` shows (and until `later` shows, if given)."""
    term = Terminal(argv, environment())
    try:
        first = term.wait_for(lambda text: marker in text) - term.started
        second = term.wait_for(lambda text: later in text) - term.started if later else None
        return first, second
    finally:
        term.close()


def typing(term: Terminal, line_of: Callable[[str], str], count: int) -> tuple[list[float], list[int]]:
    """Type TYPED[:count] one key at a time; per key, the latency (ms) and the bytes written."""
    latencies: list[float] = []
    sizes: list[int] = []
    for index, char in enumerate(TYPED[:count]):
        expected = TYPED[: index + 1][-20:]
        before = term.received
        sent = time.perf_counter()
        term.send(char)
        shown = term.wait_for(lambda text, e=expected: e in line_of(text))
        term.settle()
        latencies.append((shown - sent) * 1000)
        sizes.append(term.received - before)
    return latencies, sizes


def idle_rate(term: Terminal, seconds: float) -> float:
    term.settle(quiet=0.5)
    before = term.received
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        term.pump(0.05)
    return (term.received - before) / seconds


def _count(fields: tuple[object, ...]) -> int:
    return sum(1 + _count(getattr(f, "rows", ())) for f in fields)


def largest_form() -> tuple[str, int, str]:
    """The provider's title, the mode's position and the first field's label of the form with the
    most fields, rows included (Yeastar register)."""
    sys.path.insert(0, str(ROOT))
    from trunkwizard.providers import all_providers

    provider, index = max(
        ((p, i) for p in all_providers() for i, _ in enumerate(p.modes)),
        key=lambda pi: _count(pi[0].modes[pi[1]].fields),
    )
    return provider.title, index, provider.modes[index].fields[0].label


def wizard_session(keys: int, idle: float) -> dict[str, object]:
    title, mode_index, first_label = largest_form()
    term = Terminal(WIZARD, environment())
    try:
        term.wait_for(lambda text: title in text)
        term.settle()
        term.send(title)
        term.settle()
        term.send("\r")  # pick the provider
        term.wait_for(lambda text: "which account?" in text)
        term.settle()
        term.send("\x0e")  # ctrl+n: the sandbox account is filled in
        term.wait_for(lambda text: "Details" in text and ("which kind" in text or "required" in text))
        term.settle()
        if "which kind" in term.text():
            term.send("\x1b[B" * mode_index + "\r")
            term.wait_for(lambda text: "* required" in text)
            term.settle()
        first_field = next(i for i, line in enumerate(term.screen.display) if first_label in line)
        latencies, sizes = typing(term, lambda text: text.splitlines()[first_field], keys)
        rate = idle_rate(term, idle)
        return {"form": title, "latencies": latencies, "sizes": sizes, "idle": rate}
    finally:
        term.close()


def bare_session(keys: int, idle: float, extra_env: dict[str, str]) -> dict[str, object]:
    term = Terminal(BARE, {**environment(), **extra_env})
    try:
        term.wait_for(lambda text: "bare-ready" in text)
        term.settle()
        line = next(i for i, text in enumerate(term.screen.display) if "bare-ready" in text)
        latencies, sizes = typing(term, lambda text: text.splitlines()[line], keys)
        rate = idle_rate(term, idle)
        return {"latencies": latencies, "sizes": sizes, "idle": rate}
    finally:
        term.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="start-up runs per app (median reported)")
    parser.add_argument("--keys", type=int, default=30, help="keystrokes typed into each app")
    parser.add_argument("--idle", type=float, default=3.0, help="seconds of idle measured")
    args = parser.parse_args()
    try:
        return report(args)
    finally:
        shutil.rmtree(_HOME, ignore_errors=True)


def _row(label: str, ours: float, theirs: float, target: float | None) -> str:
    ratio = ours / theirs if theirs else float("inf")
    verdict = "" if target is None else ("PASS" if ratio <= target else "MISS")
    shown_target = "" if target is None else f"<={target}x"
    return f"{label:36} {ours:9.1f} {theirs:9.1f} {ratio:6.2f}x {shown_target:>7}  {verdict}"


def report(args: argparse.Namespace) -> int:
    command, app_only, listed, bare = [], [], [], []
    first_screen(WIZARD, "filter: name or what it creates")  # unmeasured: fills the bytecode cache
    first_screen(BARE, "bare-ready")
    for _ in range(args.runs):  # interleaved, so all see the same machine load
        first, filled = first_screen(WIZARD, "filter: name or what it creates", "Chorus AI")
        command.append(first * 1000)
        listed.append((filled or 0.0) * 1000)
        app_only.append(first_screen(WIZARD_APP_ONLY, "filter: name or what it creates")[0] * 1000)
        bare.append(first_screen(BARE, "bare-ready")[0] * 1000)
    wizard = wizard_session(args.keys, args.idle)
    plain = bare_session(args.keys, args.idle, {})
    steady = bare_session(args.keys, args.idle, {"BARE_NO_BLINK": "1"})

    def figures(session: dict[str, object], key: str) -> list[float]:
        values = session[key]
        assert isinstance(values, list)
        return [float(v) for v in values]

    median = statistics.median
    print(
        f"trunkwizard TUI bench: {COLUMNS}x{LINES} pty, TERM=xterm-256color, SSH_CONNECTION set; "
        f"{args.runs} start-ups each; {args.keys} keys typed into the first field of the largest form "
        f"({wizard['form']}); bare app = Textual with one Input, same run"
    )
    print(f"{'measure':36} {'wizard':>9} {'bare':>9} {'ratio':>7} {'target':>7}  result")
    print(_row("first screen, `trunkwizard`, ms", median(command), median(bare), 1.3))
    print(_row("first screen, WizardApp alone, ms", median(app_only), median(bare), 1.3))
    print(f"{'provider list filled, ms':36} {median(listed):9.1f} {'-':>9}")
    w_lat, b_lat = figures(wizard, "latencies"), figures(plain, "latencies")
    print(_row("keystroke latency median, ms", median(w_lat), median(b_lat), None))
    print(_row("keystroke latency p95, ms", p95(w_lat), p95(b_lat), 2.0))
    w_bytes = figures(wizard, "sizes")
    print(_row("bytes per keystroke (median)", median(w_bytes), median(figures(plain, "sizes")), 1.5))
    print(_row("  vs bare app without blink", median(w_bytes), median(figures(steady, "sizes")), 1.5))
    idle_ours, idle_bare = wizard["idle"], plain["idle"]
    assert isinstance(idle_ours, float) and isinstance(idle_bare, float)
    verdict = "PASS" if idle_ours == 0 else "MISS"
    print(f"{'idle bytes/s (SSH)':36} {idle_ours:9.1f} {idle_bare:9.1f} {'':>7} {'0':>7}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
