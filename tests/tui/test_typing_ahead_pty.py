"""Typing ahead over a slow link: a burst that holds Tab (`+14155550125<Tab>Front desk`, as a fast
typist or a paste over SSH delivers it) puts each part in its own field. Textual forwards the next
keys before the focused field has bubbled the Tab up to the screen's binding, so the whole burst
landed in the first field while the cursor moved on; a password typed ahead ended up in plain text in a
name field. Real pty, because Pilot waits for each key to be handled and cannot show it."""

from __future__ import annotations

from tests.support.secret_service import PrivateHome
from tests.tui.test_drafts_pty import ENTER, ROOT, TAB, Terminal, _row_of

DOWN, CTRL_N = "\x1b[B", "\x0e"


def _at_the_form(private_home: PrivateHome, provider: str, *to_mode: str) -> Terminal:
    """The wizard in a pty, on `provider`'s form: the sandbox account, the mode `to_mode` keys reach."""
    terminal = Terminal({**private_home.env, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)})
    try:
        terminal.wait_for(lambda t: "Which provider?" in t and provider in t, "the provider list")
        terminal.keys(*provider, ENTER)
        terminal.wait_for(lambda t: "which account?" in t, "the account step")
        terminal.keys(CTRL_N)
        terminal.wait_for(lambda t: "which kind of" in t, "the mode step")
        terminal.keys(*to_mode, ENTER)
        terminal.wait_for(lambda t: "* required" in t, "the details step")
    except BaseException:
        terminal.quit()
        raise
    return terminal


def test_a_burst_with_tabs_puts_each_part_in_its_own_field(private_home: PrivateHome) -> None:
    terminal = _at_the_form(private_home, "Chorus", DOWN)
    try:
        terminal.process.write(f"+14155550125{TAB}Front desk{TAB}{TAB}chorus-1002".encode())
        terminal.wait_for(lambda t: "chorus-1002" in t, "the burst on screen")
        terminal.settle()
        shown = terminal.text()
        number = _row_of(shown, "Phone number")
        assert "+14155550125" in number and "Front" not in number, shown
        assert "Front desk" in _row_of(shown, "Name"), shown
        rows = [line.strip() for line in shown.splitlines()]
        (username,) = [row for row in rows if "chorus-1002" in row]
        assert username.startswith("SIP username"), shown
    finally:
        terminal.quit()


def test_an_arrow_or_backspace_typed_just_before_tab_acts_on_its_own_field(private_home: PrivateHome) -> None:
    """Tab moves focus at once, but a field's own keys (an arrow on a choice, Backspace in a text) were
    resolved after it, against the next field: `→→<Tab>` never picked tls, `comm⌫<Tab>` kept the typo."""
    terminal = _at_the_form(private_home, "Yeastar")  # register trunk: name, country, transport, host, port
    try:
        right, backspace = "\x1b[C", "\x7f"
        burst = f"Typed_ahead{TAB}{TAB}{right}{right}{TAB}sip.example.comm{backspace}{TAB}5061"
        terminal.process.write(burst.encode())
        terminal.wait_for(lambda t: "5061" in _row_of(t, "Port *"), "the burst on screen")
        terminal.settle()
        shown = terminal.text()
        assert "(•) tls" in _row_of(shown, "Transport *"), shown
        host = _row_of(shown, "ITSP host *")
        assert "sip.example.com" in host and "comm" not in host, shown
    finally:
        terminal.quit()


def test_editing_keys_in_a_burst_act_in_turn_with_the_letters_around_them(private_home: PrivateHome) -> None:
    """A field's editing keys (Backspace, arrows, Home, ctrl+u) reached its binding only after the keys
    typed after them had gone in: `abc⌫d` left "abc", ctrl+u then a new value left the field empty, and
    `Walk←←X` gave "WalkX"."""
    terminal = _at_the_form(private_home, "Yeastar")  # the trunk name has focus
    try:
        left, home, end, backspace, ctrl_u = "\x1b[D", "\x1b[H", "\x1b[F", "\x7f", "\x15"
        terminal.process.write(f"abc{backspace}d".encode())
        terminal.wait_for(lambda t: "ab" in _row_of(t, "Trunk name *"), "the first burst on screen")
        terminal.settle()
        assert "abd" in _row_of(terminal.text(), "Trunk name *"), terminal.text()

        terminal.process.write(f"{ctrl_u}Walk{left}{left}X{home}_{end}_1".encode())
        terminal.wait_for(lambda t: "_1" in _row_of(t, "Trunk name *"), "the second burst on screen")
        terminal.settle()
        name = _row_of(terminal.text(), "Trunk name *")
        assert "_WaXlk_1" in name and "abd" not in name, terminal.text()
    finally:
        terminal.quit()


def test_a_burst_with_enter_puts_each_part_in_its_own_field(private_home: PrivateHome) -> None:
    """Enter in a form's text field moves to the next one; typed ahead, the text after it went into the
    field it left, as it did after Tab."""
    terminal = _at_the_form(private_home, "Chorus", DOWN)
    try:
        terminal.process.write(f"+14155550125{ENTER}Front desk".encode())
        terminal.wait_for(lambda t: "desk" in t, "the burst on screen")
        terminal.settle()
        shown = terminal.text()
        number = _row_of(shown, "Phone number")
        assert "+14155550125" in number and "Front" not in number, shown
        name_row = next(line for line in shown.splitlines() if line.strip().startswith("Name "))
        assert "Front desk" in name_row, shown  # the row, above the help line that names the field
    finally:
        terminal.quit()


def test_arrows_and_enter_in_a_burst_pick_the_row_they_reach(private_home: PrivateHome) -> None:
    """On the provider list the filter has focus: Down moves the list's highlight (the screen's binding)
    and Enter picks it (the filter's). `↓↓⏎` in one burst must pick the third provider, not the first."""
    terminal = Terminal({**private_home.env, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)})
    try:
        terminal.wait_for(lambda t: "Which provider?" in t and "Vox" in t, "the provider list")
        terminal.settle()
        assert "▶ Chorus AI" in terminal.text(), terminal.text()  # then SignalWire, then Wavix
        terminal.process.write(f"{DOWN}{DOWN}{ENTER}".encode())
        terminal.wait_for(lambda t: "which account?" in t, "the account step")
        assert "Wavix: which account?" in terminal.text(), terminal.text()
    finally:
        terminal.quit()


def test_keys_typed_into_an_open_list_pick_there_before_tab_moves_on(private_home: PrivateHome) -> None:
    """`↓↓⏎<Tab>` typed ahead into an open list (Yeastar's ITSP country): Tab moved focus at once and the
    arrows and Enter, resolved later, chose in the next field (the transport) while the list picked
    nothing. Shift+Tab from an open list landed on the list's own field, one field short."""
    terminal = _at_the_form(private_home, "Yeastar")  # register trunk: name, country, transport, host
    try:
        up, right, shift_tab = "\x1b[A", "\x1b[C", "\x1b[Z"
        terminal.keys(TAB, ENTER)  # the country's list opens (its options show only while it is open)
        terminal.wait_for(lambda t: "United States" in t, "the open list")
        terminal.process.write(f"{DOWN}{DOWN}{ENTER}{TAB}{right}{right}".encode())
        terminal.wait_for(lambda t: "(•)" in _row_of(t, "Transport *"), "the burst on screen")
        terminal.settle()
        shown = terminal.text()
        assert "United Kingdom" in _row_of(shown, "ITSP country"), shown
        assert "(•) tls" in _row_of(shown, "Transport *"), shown
        assert "United States" not in shown, shown  # the list closed

        terminal.keys(shift_tab, ENTER)
        terminal.wait_for(lambda t: "United States" in t, "the list open again")
        terminal.process.write(f"{up}{ENTER}{shift_tab}abc".encode())
        terminal.wait_for(lambda t: "abc" in _row_of(t, "Trunk name *"), "the second burst on screen")
        terminal.settle()
        shown = terminal.text()
        assert "Germany" in _row_of(shown, "ITSP country") and "United States" not in shown, shown
        assert "(•) tls" in _row_of(shown, "Transport *"), shown
    finally:
        terminal.quit()


def test_editing_keys_in_a_burst_act_in_turn_in_the_inventory_filter(private_home: PrivateHome) -> None:
    """Found by hand: the inventory's filter (a plain Input) took `lis⌫⌫⌫digest` as "lisdig"."""
    terminal = Terminal({**private_home.env, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)})
    try:
        terminal.wait_for(lambda t: "Which provider?" in t and "Wavix" in t, "the provider list")
        terminal.keys(*"Wavix", ENTER)
        terminal.wait_for(lambda t: "which account?" in t, "the account step")
        terminal.keys("\x1bOS")  # F4
        terminal.wait_for(lambda t: "in this account" in t and "Enter details" in t, "the inventory")
        backspace = "\x7f"
        terminal.process.write(f"lis{backspace * 3}digest".encode())
        terminal.wait_for(lambda t: "dig" in t.splitlines()[1], "the burst on screen")
        terminal.settle()
        filter_line = terminal.text().splitlines()[1]  # under the heading
        assert filter_line.strip() == "digest", terminal.text()
    finally:
        terminal.quit()
