"""The wizard in a real pty at 80x24 beside plain Textual apps, every pair measured in the same run.

    .venv/bin/python bench/tui_bench.py [--runs 9] [--rounds 4] [--sessions 3] [--keys 30] [--idle 3]

Baselines (bench/): the floor, a Textual app with one compact Input (bare_input_app.py); a plain Textual
form of 20 compact Inputs and a checkbox that shows two rows, behind a two-item list (plain_form_app.py);
`python -c 'import httpx, pydantic'`; a fresh raw httpx client making the same POST (create_once.py).

Measured: time to the first frame and to the provider list filled; per-keystroke latency and bytes while
typing into the largest form (Yeastar register), the latency also into the plain form's first field (a
screen full of widgets, as the wizard's form is, where the floor has one); on the wizard's form, per
Tab and per toggle of the outbound proxy (which shows two rows): the time until the output settles,
bytes written and CPU used; mode -> details until settled; peak RSS (VmHWM) at the end of the form
session; `create yeastar --sandbox --dry-run --json` end to end; one create per process through the
client. Both apps run with TERM=xterm-256color and SSH_CONNECTION set (as over ssh: no COLORTERM),
without a session bus.

Latency is the time from writing a key to the pty until the typed text shows on the emulated screen
(pyte); "settled" is the time from writing a key until the last byte the app wrote for it, the output
then quiet for 0.15 s; bytes are everything written in that time. Ratios of start-ups and command runs
are medians of ratios paired run by run (interleaved, so both see the same machine load).
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyte
from ptyprocess import PtyProcess

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
COLUMNS, LINES = 80, 24
QUIET = 0.15  # seconds without output that count as "the frame is done"
TYPED = "Bench_typed_trunk_name_number_one_42xyz"  # shares no prefix with a placeholder (ITSP_Main)
TICK = os.sysconf("SC_CLK_TCK")
FIRST_OUTPUT_LIMIT = 3.0  # seconds a key may take before its first byte; then "quiet" starts counting


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
    last_output: float = 0.0

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
        self.last_output = time.perf_counter()
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

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        if self.process.isalive():
            self.process.terminate(force=True)


@dataclass
class Key:
    """One key: ms until the output settled, bytes written, CPU ms used."""

    settled: float
    size: int
    cpu: float


def press(term: Terminal, keys: str, shown: Callable[[str], bool] | None = None) -> Key:
    before, cpu = term.received, term.cpu_seconds()
    sent = time.perf_counter()
    term.last_output = sent
    term.send(keys)
    if shown is not None:
        term.wait_for(shown)
    deadline = sent + FIRST_OUTPUT_LIMIT
    while term.received == before and time.perf_counter() < deadline:  # a loaded machine may be slow
        term.pump(0.01)
    term.settle()
    return Key((term.last_output - sent) * 1000, term.received - before, (term.cpu_seconds() - cpu) * 1000)


_HOME = tempfile.mkdtemp(prefix="trunkwizard-bench-")


def environment(home: str = _HOME) -> dict[str, str]:
    """As over ssh (no COLORTERM, no session bus); profiles, drafts and history in a throwaway home, so
    a run never resumes a draft of an earlier one nor touches the real ones.

    Bytecode is cached (in the throwaway home), as on a user's machine: pip compiles Textual's modules
    at install and Python caches ours on the first run. Without this, a PYTHONDONTWRITEBYTECODE in the
    environment would have every start of the wizard compile its own modules, and only the wizard's."""
    dropped = ("COLORTERM", "NO_COLOR", "TEXTUAL", "PYTHONDONTWRITEBYTECODE", "DBUS_SESSION_BUS_ADDRESS")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(_HOME, "pycache")
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
        env[name] = os.path.join(home, name.lower())
        os.makedirs(env[name], mode=0o700, exist_ok=True)
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
PLAIN = [PYTHON, str(ROOT / "bench" / "plain_form_app.py")]
FILTER = "filter: name or what it creates"


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
    from trunkwizard.providers import all_providers

    provider, index = max(
        ((p, i) for p in all_providers() for i, _ in enumerate(p.modes)),
        key=lambda pi: _count(pi[0].modes[pi[1]].fields),
    )
    return provider.title, index, provider.modes[index].fields[0].label


@dataclass
class FormSession:
    """What one app did on its form: mode -> form, Tabs, toggles, typing; its peak RSS and idle output."""

    opens: list[Key] = field(default_factory=list)
    tabs: list[Key] = field(default_factory=list)
    toggles: list[Key] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    idle: float = 0.0
    rss: float = 0.0
    form: str = ""


REDRAW_BYTES = 5000  # a Tab that scrolled the form or moved the footer redrew most of the screen
TOGGLE_HELP = " Outbound proxy:"  # the wizard's help line names the focused field
MAX_TABS = 60  # the form is kept between rounds: a round's Tabs start where the last one left focus


def wizard_session(rounds: int, keys: int, idle: float, home: str = _HOME) -> FormSession:
    title, mode_index, first_label = largest_form()
    session = FormSession(form=title)
    term = Terminal(WIZARD, environment(home))
    try:
        term.wait_for(lambda text: title in text)
        term.settle()
        term.send(title)
        term.settle()
        term.send("\r")  # pick the provider
        term.wait_for(lambda text: "which account?" in text)
        term.settle()
        term.send("\x0e")  # ctrl+n: the sandbox account is filled in
        term.wait_for(lambda text: "which kind" in text)
        term.settle()
        term.send("\x1b[B" * mode_index)
        term.settle()
        for _ in range(rounds):
            session.opens.append(press(term, "\r", lambda text: "* required" in text))
            for _ in range(MAX_TABS):
                session.tabs.append(press(term, "\t"))
                if any(line.startswith(TOGGLE_HELP) for line in term.screen.display):
                    break
            else:
                raise RuntimeError(f"Tab never reached the outbound proxy toggle:\n{term.text()}")
            session.toggles.append(press(term, " "))  # on: two rows appear
            session.toggles.append(press(term, " "))  # off
            term.send("\x1b")  # back to the mode step
            term.wait_for(lambda text: "which kind" in text)
            term.settle()
        term.send("\r")
        term.wait_for(lambda text: "* required" in text)
        term.settle()
        for _ in range(MAX_TABS):  # the kept form has focus where it was left: Tab to the first field
            if any(line.startswith(f" {first_label}") for line in term.screen.display[-5:]):
                break
            term.send("\t")
            term.settle()
        first_field = next(i for i, line in enumerate(term.screen.display) if first_label in line)
        session.latencies, session.sizes = typing(term, lambda text: text.splitlines()[first_field], keys)
        session.idle = idle_rate(term, idle)
        session.rss = term.peak_rss_mib()
        return session
    finally:
        term.close()


def plain_session(rounds: int, keys: int) -> FormSession:
    from plain_form_app import PROXY_AFTER  # bench/ is on sys.path: this script's directory

    session = FormSession(form="plain form")
    term = Terminal(PLAIN, environment())
    try:
        term.wait_for(lambda text: "plain-mode" in text)
        term.settle()
        for _ in range(rounds):
            session.opens.append(press(term, "\r", lambda text: "plain-form" in text))
            session.tabs += [press(term, "\t") for _ in range(PROXY_AFTER)]
            session.toggles.append(press(term, " ", lambda text: "Proxy server" in text))
            session.toggles.append(press(term, " ", lambda text: "Proxy server" not in text))
            term.send("\x1b")
            term.wait_for(lambda text: "plain-form" not in text)
            term.settle()
        term.send("\r")  # a new form, focus on its first field
        term.wait_for(lambda text: "plain-form" in text)
        term.settle()
        first_field = next(i for i, line in enumerate(term.screen.display) if "Field 1 *" in line)
        session.latencies, session.sizes = typing(term, lambda text: text.splitlines()[first_field], keys)
        session.rss = term.peak_rss_mib()
        return session
    finally:
        term.close()


def bare_session(keys: int, idle: float, extra_env: dict[str, str]) -> FormSession:
    session = FormSession(form="bare")
    term = Terminal(BARE, {**environment(), **extra_env})
    try:
        term.wait_for(lambda text: "bare-ready" in text)
        term.settle()
        line = next(i for i, text in enumerate(term.screen.display) if "bare-ready" in text)
        session.latencies, session.sizes = typing(term, lambda text: text.splitlines()[line], keys)
        session.idle = idle_rate(term, idle)
        session.rss = term.peak_rss_mib()
        return session
    finally:
        term.close()


def run_seconds(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - started


DRY_RUN_ANSWERS = {
    "name": "ITSP_Main",
    "country": "general",
    "transport": "udp",
    "hostname": "sip.provider.example.com",
    "port": 5060,
    "domain": "provider.example.com",
    "username": "6701",
    "password": "Bench-Passw0rd-not-a-secret",
    "auth_name": "6701auth",
    "codec_sel": ["g722", "ulaw", "alaw"],
}


def cli_runs(runs: int) -> tuple[list[float], list[float]]:
    """`create yeastar --sandbox --dry-run --json` and `python -c 'import httpx, pydantic'`, interleaved."""
    answers = Path(_HOME) / "yeastar-register.json"
    answers.write_text(json.dumps(DRY_RUN_ANSWERS), encoding="utf-8")
    answers.chmod(0o600)
    ours = [PYTHON, "-m", "trunkwizard", "create", "yeastar", "--sandbox", "--dry-run", "--json"]
    ours += ["--mode", "register", "--answers", str(answers)]
    theirs = [PYTHON, "-c", "import httpx, pydantic"]
    env = environment()
    run_seconds(ours, env)  # unmeasured: fills the bytecode cache
    run_seconds(theirs, env)
    pairs = [(run_seconds(ours, env) * 1000, run_seconds(theirs, env) * 1000) for _ in range(runs)]
    return [a for a, _ in pairs], [b for _, b in pairs]


def create_runs(runs: int) -> tuple[list[float], list[float]]:
    """One create per process, through the client and with raw httpx, against one served sandbox."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = environment()
    server = subprocess.Popen(
        [PYTHON, "-m", "trunkwizard", "sandbox", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        script = str(ROOT / "bench" / "create_once.py")

        def once(how: str, run: int) -> float:
            result = subprocess.run(
                [PYTHON, script, how, url, str(run)],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            return float(result.stdout.strip().splitlines()[-1])

        once("client", 9999)  # unmeasured: fills the bytecode cache
        pairs = [(once("client", 2 * i), once("raw", 2 * i + 1)) for i in range(runs)]
        return [a for a, _ in pairs], [b for _, b in pairs]
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="start-ups and command runs per app")
    parser.add_argument("--rounds", type=int, default=4, help="mode -> form, Tabs and toggles rounds")
    parser.add_argument("--sessions", type=int, default=3, help="form sessions per app, interleaved")
    parser.add_argument("--keys", type=int, default=30, help="keystrokes typed into each app")
    parser.add_argument("--idle", type=float, default=3.0, help="seconds of idle measured")
    args = parser.parse_args()
    if min(args.runs, args.rounds, args.sessions, args.keys) < 1:
        parser.error("--runs, --rounds, --sessions and --keys count from 1")
    try:
        return report(args)
    finally:
        shutil.rmtree(_HOME, ignore_errors=True)


@dataclass
class Row:
    label: str
    ours: float
    theirs: float
    target: float | None
    ratio: float | None = None  # when not ours / theirs (medians of paired ratios)

    def line(self) -> str:
        ratio = self.ratio if self.ratio is not None else (self.ours / self.theirs if self.theirs else 0.0)
        verdict = "" if self.target is None else ("PASS" if ratio <= self.target else "MISS")
        target = "" if self.target is None else f"<={self.target}x"
        return f"{self.label:42} {self.ours:9.1f} {self.theirs:9.1f} {ratio:6.2f}x {target:>7}  {verdict}"


def paired(ours: list[float], theirs: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


def report(args: argparse.Namespace) -> int:
    median = statistics.median
    load_before = os.getloadavg()
    command, app_only, listed, bare = [], [], [], []
    last_title = _last_catalog_title()
    first_screen(WIZARD, FILTER)  # unmeasured: fills the bytecode cache
    first_screen(BARE, "bare-ready")
    first_screen(PLAIN, "plain-mode")
    for _ in range(args.runs):  # interleaved, so all see the same machine load
        first, filled = first_screen(WIZARD, FILTER, last_title)
        command.append(first * 1000)
        listed.append((filled or 0.0) * 1000)
        app_only.append(first_screen(WIZARD_APP_ONLY, FILTER)[0] * 1000)
        bare.append(first_screen(BARE, "bare-ready")[0] * 1000)
    # unmeasured: the modules imported after the list (pydantic, httpx, the provider, the form's screens,
    # the sandbox's server) are compiled into the cache too; compiling them in the measured session
    # raised its peak RSS by about 6 MiB, which no user with an installed wizard pays
    wizard_session(1, 1, 0.1, home=tempfile.mkdtemp(prefix="warm-up-", dir=_HOME))  # its draft stays there
    # one process each is one draw of the machine's state (hash seeds, caches, the other load): the form
    # sessions run in interleaved triples, and a ratio is the median of the triples' ratios. Each wizard
    # session has a home of its own: the one before left a draft, which the next would offer to resume
    triples = [
        (
            wizard_session(
                args.rounds, args.keys, args.idle, home=tempfile.mkdtemp(prefix="session-", dir=_HOME)
            ),
            plain_session(args.rounds, args.keys),
            bare_session(args.keys, args.idle, {}),
        )
        for _ in range(args.sessions)
    ]
    steady = bare_session(args.keys, args.idle, {"BARE_NO_BLINK": "1"})
    cli_ours, cli_theirs = cli_runs(args.runs)
    create_ours, create_theirs = create_runs(args.runs)
    load_after = os.getloadavg()

    def settled(keys: list[Key]) -> list[float]:
        return [k.settled for k in keys]

    def sizes(keys: list[Key]) -> list[float]:
        return [float(k.size) for k in keys]

    def cpu(keys: list[Key]) -> list[float]:
        return [k.cpu for k in keys]

    def per_session(
        label: str, stat: Callable[[FormSession], float], target: float | None, against: int
    ) -> Row:
        """A statistic of each triple's wizard session against the same of its baseline."""
        ours = [stat(t[0]) for t in triples]
        theirs = [stat(t[against]) for t in triples]
        return Row(label, median(ours), median(theirs), target, paired(ours, theirs))

    plain, floor = 1, 2  # a triple's baselines
    wizard = triples[0][0]
    rows = [
        Row("first frame (list shown), ms", median(command), median(bare), 1.2, paired(command, bare)),
        Row("first frame, WizardApp alone, ms", median(app_only), median(bare), None, paired(app_only, bare)),
        Row(
            "provider list filled, ms (vs floor's frame)",
            median(listed),
            median(bare),
            1.3,
            paired(listed, bare),
        ),
        per_session("typing latency median, ms", lambda s: median(s.latencies), None, floor),
        per_session("typing latency p95, ms", lambda s: p95(s.latencies), 1.2, floor),
        per_session("typing latency p95, ms (vs plain form)", lambda s: p95(s.latencies), None, plain),
        Row("bytes per keystroke (floor, no blink)", median(wizard.sizes), median(steady.sizes), 1.2),
        per_session("Tab settled p95, ms (vs plain form)", lambda s: p95(settled(s.tabs)), 1.2, plain),
        per_session("bytes per Tab (median)", lambda s: median(sizes(s.tabs)), 1.2, plain),
        per_session("CPU per Tab, ms (mean)", lambda s: statistics.fmean(cpu(s.tabs)), 1.2, plain),
        # the plain form fits the screen and has no footer: none of its Tabs scrolls or changes the layout
        # (all write under 4 KB); on the wizard's form those write 5 KB and more (see the README)
        per_session(
            "CPU per Tab, no scroll nor re-layout, ms",
            lambda s: statistics.fmean(cpu([k for k in s.tabs if k.size < REDRAW_BYTES]) or [0.0]),
            None,
            plain,
        ),
        per_session("toggle settled median, ms", lambda s: median(settled(s.toggles)), 1.2, plain),
        per_session("bytes per toggle (median)", lambda s: median(sizes(s.toggles)), 1.2, plain),
        per_session("mode -> details settled median, ms", lambda s: median(settled(s.opens)), 1.2, plain),
        per_session("peak RSS on the form, MiB (vs floor)", lambda s: s.rss, 1.5, floor),
        Row(
            "create --dry-run --json, ms",
            median(cli_ours),
            median(cli_theirs),
            1.3,
            paired(cli_ours, cli_theirs),
        ),
        Row(
            "one create per process, ms (vs raw)",
            median(create_ours),
            median(create_theirs),
            2.0,
            paired(create_ours, create_theirs),
        ),
    ]
    print(
        f"trunkwizard bench: {COLUMNS}x{LINES} pty, TERM=xterm-256color, SSH_CONNECTION set, no session bus; "
        f"{args.runs} start-ups and command runs each, {args.sessions} interleaved sessions of the wizard, "
        f"the plain form and the floor, each with {args.rounds} rounds on the form "
        f"({len(wizard.tabs)} Tabs, {len(wizard.toggles)} toggles) and {args.keys} keys typed into "
        f"{wizard.form}; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after ({os.cpu_count()} CPUs)"
    )
    print(f"{'measure':42} {'ours':>9} {'baseline':>9} {'ratio':>7} {'target':>7}  result")
    for row in rows:
        print(row.line())
    idle = max(t[0].idle for t in triples)
    verdict = "PASS" if idle == 0 else "MISS"
    floor_idle = median(t[2].idle for t in triples)
    print(f"{'idle bytes/s over SSH':42} {idle:9.1f} {floor_idle:9.1f} {'':>7} {'0':>7}  {verdict}")
    return 0


def _last_catalog_title() -> str:
    from trunkwizard.catalog import CATALOG

    return CATALOG[-1].title


if __name__ == "__main__":
    sys.exit(main())
