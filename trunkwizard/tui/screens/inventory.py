"""What the account has at the provider: every page of its own listing in a table, filtered as you type,
Enter for the details, F8 to delete (after typing its number or name), F5 to read it again.

The screen renders what trunkwizard.inventory decides (columns, status words, what to type to confirm);
it names no provider. Opened with F4 on the account step, or from the command palette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from trunkwizard.errors import ReadOnlyRefused, TrunkwizardError
from trunkwizard.redact import MASK, redact
from trunkwizard.tui.cells import fit_cell, fit_columns
from trunkwizard.tui.services import InventoryAccess
from trunkwizard.tui.widgets.wizard_input import WizardInput

if TYPE_CHECKING:
    from trunkwizard.client import ProviderClient
    from trunkwizard.fields import ProviderModel
    from trunkwizard.inventory import Details, Inventory
    from trunkwizard.providers import Provider
    from trunkwizard.providers._listing import Item
    from trunkwizard.tui.screens.rotation import RotationClosed

__all__ = ["InventoryDetailsScreen", "InventoryScreen"]


class InventoryScreen(Screen[None]):
    DEFAULT_CSS = """
    InventoryScreen { layout: vertical; }
    #inventory-heading { height: 1; padding: 0 1; text-style: bold; }
    #inventory-banner { height: auto; padding: 0 1; color: $text-error; display: none; }
    #inventory-banner.-shown { display: block; }
    #inventory-filter { margin: 0 1; }
    #inventory-table { height: 1fr; margin: 0 1; }
    #inventory-status { height: auto; max-height: 4; padding: 0 1; border-top: solid $panel; }
    #inventory-hint { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Back", id="inventory-back"),
        Binding("enter", "details", "Details", id="inventory-details"),
        Binding("f8", "delete", "Delete", id="inventory-delete"),
        Binding("f5", "refresh", "Refresh", id="inventory-refresh"),
        Binding("up", "cursor(-1)", "Up", show=False, id="inventory-up"),
        Binding("down", "cursor(1)", "Down", show=False, id="inventory-down"),
    ]

    def __init__(
        self,
        provider: Provider,
        account: ProviderModel,
        access: InventoryAccess,
        *,
        page_size: int | None = None,
    ) -> None:
        super().__init__()
        self.provider = provider
        self.account = account
        self.access = access
        self.page_size = page_size
        self.inventory: Inventory | None = None
        self.shown: list[Item] = []
        self.widths: list[int] = []  # each listing column's, then the status's (lay_out_columns)

    def compose(self) -> ComposeResult:
        yield Static("", id="inventory-heading", markup=False)
        yield Static("", id="inventory-banner", markup=False)
        yield WizardInput(
            placeholder="type to filter (number, name, username, host, status)",
            id="inventory-filter",
            compact=True,
        )
        table: DataTable[Any] = DataTable(id="inventory-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="inventory-status")
        yield Static("", id="inventory-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        from trunkwizard.inventory import listing_of

        listing = listing_of(self.provider)
        badge = self.access.badge
        heading = f"{self.provider.title}: {listing.what} in this account"
        self.query_one("#inventory-heading", Static).update(f"{heading}  {badge}".rstrip())
        self.lay_out_columns()
        self.query_one("#inventory-filter", Input).focus()
        self.action_refresh()

    def lay_out_columns(self) -> bool:
        """Size the columns to the terminal; True if they changed (the table is then empty). At 80
        columns each has its listing's width and the status what is left (each column pads one cell either
        side; the margins and the scroll bar take 6); a wider terminal gives the columns whose values would
        be cut more, up to the widest value listed. The line under the table shows the highlighted row
        whole."""
        from trunkwizard.inventory import listing_of

        columns = listing_of(self.provider).columns
        used = sum(c.width + 2 for c in columns) + 2 + 4
        at_80 = [*(c.width for c in columns), max(12, 80 - used)]
        items = self.inventory.items if self.inventory is not None else []
        cells = (
            [*(item.cells.get(c.key, "") for c in columns), _status_cell(item.status, 1000).plain]
            for item in items
        )
        widths = fit_columns(at_80, cells, self.size.width)
        if widths == self.widths:
            return False
        self.widths = widths
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for column, width in zip(columns, widths, strict=False):
            table.add_column(column.title, key=column.key, width=width)
        table.add_column("Status", key="status", width=widths[-1])
        return True

    def on_resize(self, event: events.Resize) -> None:
        selected = self.selected_key()
        if self.inventory is not None and self.lay_out_columns():
            self.fill(selected)

    # --- reading ----------------------------------------------------------------------------------------

    def client(self) -> ProviderClient:
        return self.access.client()

    def action_refresh(self) -> None:
        self.load()

    @work(group="inventory", exclusive=True, exit_on_error=False)
    async def load(self, select: str | None = None) -> None:
        from trunkwizard.inventory import DEFAULT_PAGE_SIZE, list_inventory

        self.set_hint(f"reading the {self.provider.title} listing…")
        try:
            async with self.client() as client:
                self.inventory = await list_inventory(client, page_size=self.page_size or DEFAULT_PAGE_SIZE)
        except TrunkwizardError as exc:
            self.set_banner(exc.message)
            self.set_hint("F5 tries again · Esc back")
            return
        except Exception as exc:  # never a traceback with locals on the terminal
            self.set_banner(redact(f"{type(exc).__name__}: {exc}"))
            return
        self.set_banner(None)
        self.lay_out_columns()
        self.fill(select)

    def fill(self, select: str | None = None) -> None:
        if self.inventory is None:
            return
        from trunkwizard.inventory import listing_of

        needle = self.query_one("#inventory-filter", Input).value.strip().lower()
        listing = listing_of(self.provider)
        self.shown = [
            item
            for item in self.inventory.items
            if not needle or any(needle in v.lower() for v in (*item.cells.values(), item.status, item.key))
        ]
        table = self.query_one(DataTable)
        table.clear()
        for item in self.shown:
            cells = [
                fit_cell(item.cells.get(c.key, ""), width)
                for c, width in zip(listing.columns, self.widths, strict=False)
            ]
            table.add_row(*cells, _status_cell(item.status, self.widths[-1]), key=item.key)
        keys = [item.key for item in self.shown]
        if select in keys:
            table.move_cursor(row=keys.index(select))
        self.show_status()
        self.refresh_bindings()  # Details and Delete show only while a row is there to act on
        total, pages = len(self.inventory.items), self.inventory.pages
        count = f"{len(self.shown)} of {total}" if needle else str(total)
        self.set_hint(
            f"{count} {listing.what} ({pages} page{'s' if pages != 1 else ''}) · "
            "Enter details · F8 delete · F5 refresh"
        )

    @on(Input.Changed, "#inventory-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.fill()

    @on(Input.Submitted, "#inventory-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_details()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_status()

    def show_status(self) -> None:
        """The highlighted row whole, which the table's columns may cut (marked …): the values that were
        cut, then the whole status."""
        from trunkwizard.inventory import listing_of

        item = self.selected()
        line = Text()
        if item is not None:
            line.append(f"{item.confirm or item.key}: ", style="bold")
            for column, width in zip(listing_of(self.provider).columns, self.widths, strict=False):
                value = item.cells.get(column.key, "")
                if fit_cell(value, width) != value and value != item.confirm:
                    line.append(f"{column.title}: ", style="bold")
                    line.append(f"{value} · ")
            line.append_text(_status_text(item.status or "no status in this listing"))
        self.query_one("#inventory-status", Static).update(line)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        if self.shown:
            table.move_cursor(row=max(0, min(len(self.shown) - 1, table.cursor_row + step)))

    def selected_key(self) -> str | None:
        item = self.selected()
        return item.key if item is not None else None

    def selected(self) -> Item | None:
        row = self.query_one(DataTable).cursor_row
        return self.shown[row] if self.shown and 0 <= row < len(self.shown) else None

    def set_banner(self, message: str | None) -> None:
        banner = self.query_one("#inventory-banner", Static)
        banner.update(f"✗ {redact(message)}" if message else "")
        banner.set_class(bool(message), "-shown")

    def set_hint(self, text: str) -> None:
        self.query_one("#inventory-hint", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"details", "delete"}:
            return bool(self.shown) and self.selected() is not None
        return super().check_action(action, parameters)

    # --- actions --------------------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_details(self) -> None:
        item = self.selected()
        if item is not None:
            self.app.push_screen(InventoryDetailsScreen(self, item))

    def action_delete(self) -> None:
        item = self.selected()
        if item is None:
            return
        if self.access.read_only:
            self.set_banner(ReadOnlyRefused("delete").message)
            return
        if self.provider.delete_call(item.ref) is None:
            self.set_banner(f"{self.provider.title}'s API cannot delete a {self.provider.creates}.")
            return

        self.confirm_delete(item)

    @work(group="inventory-confirm", exclusive=True, exit_on_error=False)
    async def confirm_delete(self, item: Item) -> None:
        """The type-to-confirm dialog, naming the other side of a connection the history records."""
        import asyncio

        from trunkwizard.connect.rotation import recorded_other_side
        from trunkwizard.inventory import delete_confirmation
        from trunkwizard.providers import get_provider
        from trunkwizard.tui.screens.type_to_confirm import TypeToConfirmScreen

        entries = await asyncio.to_thread(self.access.rotating.history_entries)
        other = recorded_other_side(self.provider, item.ref, entries)
        connected_to = ""
        if other is not None:
            other_provider = get_provider(other.provider)
            connected_to = f"{other_provider.title} {other_provider.creates} {other.key}"

        def decided(yes: bool | None) -> None:
            if yes:
                self.delete(item)

        confirmation = delete_confirmation(self.provider, item, connected_to=connected_to)
        self.app.push_screen(TypeToConfirmScreen(confirmation), decided)

    @work(group="inventory-delete", exclusive=True, exit_on_error=False)
    async def delete(self, item: Item) -> None:
        import asyncio

        self.set_hint(f"deleting {item.confirm or item.key}…")
        try:
            async with self.client() as client:
                await client.delete(item.ref)
        except TrunkwizardError as exc:
            self.set_banner(exc.message)
        else:
            self.notify(f"Deleted {self.provider.creates} {item.confirm or item.key}.", timeout=5)
            await asyncio.to_thread(self.access.rotating.record_deleted, self.provider.key, item.ref.id)
        self.load()


def _status_cell(status: str, width: int) -> Text:
    """The status column: the short form before the core's "headline: why" colon, "…" when more follows
    (the line under the table and the details screen show the whole of it)."""
    headline, _, more = status.partition(": ")
    text = _status_text(headline + ("…" if more else "") if status else "")
    text.plain = fit_cell(text.plain, width, whole_words=True)
    return text


def _status_text(status: str) -> Text:
    words = status or "-"
    bad = any(w in words for w in ("failed", "unreachable", "rejected", "expired", "unavailable"))
    waiting = any(w in words for w in ("pending", "registering", "cancel"))
    # "◷" for waiting, not "…": an ellipsis in front read as a value cut at its start
    marker = "✗ " if bad else "◷ " if waiting else ""
    style = "bold red" if bad else "yellow" if waiting else ""
    return Text(marker + words, style=style)


class InventoryDetailsScreen(Screen[None]):
    """One item as the provider's get call returns it; secrets masked until ctrl+t shows them."""

    DEFAULT_CSS = """
    InventoryDetailsScreen { layout: vertical; }
    #details-heading { height: auto; padding: 0 1; text-style: bold; }
    #details-status { height: auto; padding: 0 1; }
    #details-banner { height: auto; padding: 0 1; color: $text-error; display: none; }
    #details-banner.-shown { display: block; }
    #details-scroll { height: 1fr; margin: 0 1; }
    #details-hint { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Back", id="details-back"),
        Binding("e", "edit", "Edit", id="details-edit"),
        Binding("r", "rotate", "Rotate password", id="details-rotate"),
        Binding("ctrl+t", "reveal", "Show/hide secrets", id="details-reveal"),
    ]

    def __init__(self, inventory: InventoryScreen, item: Item) -> None:
        super().__init__()
        self.inventory = inventory
        self.item = item
        self.details: Details | None = None
        self.revealed = False

    def compose(self) -> ComposeResult:
        provider = self.inventory.provider
        title = f"{provider.title} {provider.creates} {self.item.confirm or self.item.key}"
        yield Static(title, id="details-heading", markup=False)
        yield Static(f"Status: {self.item.status}" if self.item.status else "", id="details-status")
        yield Static("", id="details-banner", markup=False)
        with VerticalScroll(id="details-scroll"):
            yield Static("reading…", id="details-text", markup=False)
        yield Static("", id="details-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#details-scroll").focus()
        self.read()

    @work(group="inventory-details", exclusive=True, exit_on_error=False)
    async def read(self) -> None:
        from trunkwizard.inventory import show

        try:
            async with self.inventory.client() as client:
                self.details = await show(client, self.item.key)
        except TrunkwizardError as exc:
            banner = self.query_one("#details-banner", Static)
            banner.update(f"✗ {redact(exc.message)}")
            banner.set_class(True, "-shown")
            return
        self.render_details()

    def render_details(self) -> None:
        details = self.details
        if details is None:
            return
        width = max((len(key) for key, _ in details.fields), default=0)
        text = Text()
        for key, value in details.fields:
            text.append(f"{key.ljust(width)}  ", style="bold")
            if self.revealed and key in details.secrets:
                text.append(details.reveal(key), style="reverse")
            else:
                text.append(value)
            text.append("\n")
        self.query_one("#details-text", Static).update(text)
        if details.secrets:
            state = "shown: ctrl+t hides them" if self.revealed else f"masked ({MASK}): ctrl+t shows them"
            self.query_one("#details-hint", Static).update(f"Secrets {state} · e edit · r rotate")
        else:
            self.query_one("#details-hint", Static).update("e edit · r rotate password · Esc back")

    def action_reveal(self) -> None:
        if self.details is not None and self.details.secrets:
            self.revealed = not self.revealed
            self.render_details()

    def set_banner(self, message: str | None) -> None:
        banner = self.query_one("#details-banner", Static)
        banner.update(f"✗ {redact(message)}" if message else "")
        banner.set_class(bool(message), "-shown")

    def _refused(self, action: str) -> bool:
        """Read-only accounts: edit and rotate are refused here, before anything is sent."""
        if self.details is None:
            return True
        if self.inventory.access.read_only:
            self.set_banner(ReadOnlyRefused(action).message)
            return True
        return False

    def action_edit(self) -> None:
        from trunkwizard.tui.screens.inventory_edit import InventoryEditScreen

        if self._refused("edit") or self.details is None:
            return
        self.app.push_screen(InventoryEditScreen(self.inventory, self.details))

    def action_rotate(self) -> None:
        """Both sides of its connection when one is found (tui/screens/rotation.py), else this side alone."""
        from trunkwizard.tui.screens.rotation import RotationScreen

        if self._refused("rotate") or self.details is None:
            return
        inventory = self.inventory
        screen = RotationScreen(
            inventory.provider, self.details, inventory.account, inventory.access.rotating
        )
        self.app.push_screen(screen, self._rotate_alone)

    def _rotate_alone(self, closed: RotationClosed | None) -> None:
        from trunkwizard.editing import plan_rotation
        from trunkwizard.tui.screens.inventory_edit import EditReviewScreen

        if closed is not None and closed.sent:
            # what this screen shows is stale: back to the list, read again
            self.inventory.load(select=self.inventory.selected_key())
            self.dismiss(None)
            return
        if closed is None or not closed.alone or self.details is None:
            return
        why = closed.alone
        try:
            edit, password = plan_rotation(self.inventory.provider, self.details)
        except TrunkwizardError as exc:
            self.set_banner(exc.message)
            return
        review = EditReviewScreen(self.inventory, edit, action="rotate", password=password, note=why)
        self.app.push_screen(review)

    def action_close(self) -> None:
        self.revealed = False
        self.dismiss(None)
