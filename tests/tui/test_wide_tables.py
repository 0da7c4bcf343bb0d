"""Tables on a terminal wider than 80 columns: the inventory and the history were laid out for 80 and
left the rest of a wide terminal empty while cutting the values in them (`sip.carrier.examp…` beside
60 empty columns). The extra cells go to the columns whose values are cut; back at 80 the table is as
before, and the highlighted row stays highlighted through a resize."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import DataTable

from tests.support.secret_service import PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, palette, ready
from trunkwizard.inventory import listing_of
from trunkwizard.providers import get_provider
from trunkwizard.store import HistoryStore
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.cells import widen_columns
from trunkwizard.tui.screens.history import HistoryScreen
from trunkwizard.tui.screens.inventory import InventoryScreen

YEASTAR = get_provider("yeastar")
SIZES = st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=8)


@given(widths=SIZES, widest=SIZES, extra=st.integers(min_value=-20, max_value=200))
def test_extra_cells_go_to_cut_columns_only(widths: list[int], widest: list[int], extra: int) -> None:
    widest = (widest * len(widths))[: len(widths)]
    grown = widen_columns(widths, widest, extra)
    assert all(g >= w for g, w in zip(grown, widths, strict=True)), "never narrower than at 80"
    needed = [max(w, need) for w, need in zip(widths, widest, strict=True)]
    assert all(g <= most for g, most in zip(grown, needed, strict=True)), "no more than the widest needs"
    given_out = sum(grown) - sum(widths)
    assert given_out <= max(extra, 0)
    if given_out < extra:
        assert all(g >= need for g, need in zip(grown, widest, strict=True)), "a column cut, cells left over"


def _rows(table: DataTable[object]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_the_inventory_uses_a_wide_terminal_and_gives_it_back(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(YEASTAR)
        await keys.press("f4")
        await keys.settle()
        screen = app.screen
        assert isinstance(screen, InventoryScreen) and screen.inventory is not None
        table = screen.query_one(DataTable)
        columns = listing_of(YEASTAR).columns
        for item, row in zip(screen.inventory.items, _rows(table), strict=True):
            assert row[: len(columns)] == [item.cells.get(c.key, "") for c in columns], "every value whole"
        await keys.press("down", "down")
        picked = screen.selected()

        await pilot.resize_terminal(80, 24)
        await keys.settle()
        assert screen.widths[:-1] == [c.width for c in columns], "at 80, the listing's own widths"
        assert any(cell.endswith("…") for row in _rows(table) for cell in row), "and values cut with a sign"
        assert screen.selected() == picked, "the highlighted row kept"

        await pilot.resize_terminal(140, 24)
        await keys.settle()
        assert screen.selected() == picked
        assert not any(cell.endswith("…") for row in _rows(table) for cell in row[: len(columns)])


async def test_the_history_uses_a_wide_terminal(private_home: PrivateHome, tmp_path: Path) -> None:
    history = HistoryStore()
    long_name = "Carrier_Frankfurt_Backup_Route"
    history.append(
        provider="yeastar",
        profile="frankfurt-office-pbx",
        mode="register",
        created_id="trunk-0000000000041",
        request={"method": "POST", "json": {"name": long_name}},
        sandbox=False,
    )
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await palette(keys, "History")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one(DataTable)
        narrow = _rows(table)[0]
        assert all(cell.endswith("…") for cell in narrow[1:4]), narrow

        await pilot.resize_terminal(140, 24)
        await keys.settle()
        wide = _rows(table)[0]
        assert wide[1:4] == [f"Yeastar P-Series · {long_name}", "frankfurt-office-pbx", "trunk-0000000000041"]
