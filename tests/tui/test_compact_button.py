"""CompactButton restates the part of Textual's Button stylesheet a compact button uses: its computed
styles equal a compact Textual Button's (as trunkwizard drew it before, borders off in 16 colours too)
in every variant, state and colour mode."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button
from textual.widgets.button import ButtonVariant

from trunkwizard.tui.widgets.compact_button import CompactButton

VARIANTS: tuple[ButtonVariant, ...] = ("default", "primary", "success", "warning", "error")
STATES = ("plain", "focus", "hover", "active", "disabled")
PROPERTIES = (
    "color",
    "background",
    "text_style",
    "text_opacity",
    "tint",
    "background_tint",
    "border",
    "width",
    "min_width",
    "height",
    "line_pad",
    "text_align",
    "content_align_horizontal",
    "content_align_vertical",
    "pointer",
    "padding",
    "link_color",
    "link_background",
    "link_style",
    "link_color_hover",
    "link_background_hover",
    "link_style_hover",
    "scrollbar_color",
    "scrollbar_background",
    "scrollbar_size_vertical",
    "scrollbar_size_horizontal",
)


class ButtonsApp(App[None]):
    # what app.tcss added to Textual's Button: a compact disabled button had a tall border in 16 colours
    AUTO_FOCUS = None
    CSS = "Button.-textual-compact.-style-default:ansi:disabled { border: none !important; }"

    def __init__(self, variant: ButtonVariant, state: str) -> None:
        super().__init__()
        self.variant: ButtonVariant = variant
        self.state = state

    def compose(self) -> ComposeResult:
        disabled = self.state == "disabled"
        yield Button("Textual", self.variant, compact=True, disabled=disabled, id="textual")
        yield CompactButton("Ours", self.variant, disabled=disabled, id="ours")


def computed(button: Button) -> dict[str, Any]:
    return {name: getattr(button.styles, name) for name in PROPERTIES}


async def styles_in(theme: str, variant: ButtonVariant, state: str) -> tuple[dict[str, Any], dict[str, Any]]:
    app = ButtonsApp(variant, state)
    async with app.run_test(size=(60, 6)) as pilot:
        app.theme = theme
        await pilot.pause()
        result: list[dict[str, Any]] = []
        for widget_id in ("textual", "ours"):
            button = app.query_one(f"#{widget_id}", Button)
            if state == "focus":
                button.focus()
            elif state == "hover":
                button.mouse_hover = True
                button.update_node_styles()  # as Textual does when the pointer moves over a widget
            elif state == "active":
                button.add_class("-active")
            await pilot.pause()
            result.append(computed(button))
            button.mouse_hover = False
            button.update_node_styles()
        return result[0], result[1]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark"])
@pytest.mark.parametrize("variant", VARIANTS)
async def test_compact_button_styles_equal_textual_button(theme: str, variant: ButtonVariant) -> None:
    for state in STATES:
        textual_styles, ours = await styles_in(theme, variant, state)
        if theme.startswith("ansi") and state == "active":
            # the one difference: in 16 colours Textual gives a pressed compact button a blank border,
            # three rows tall for the press, as it did a disabled one (which app.tcss had mended)
            assert [kind for kind, _ in textual_styles.pop("border")] == ["blank"] * 4
            assert [kind for kind, _ in ours.pop("border")] == [""] * 4
        assert ours == textual_styles, (theme, variant, state)


async def test_the_first_screen_parses_no_textual_button_stylesheet() -> None:
    from trunkwizard.tui.app import WizardApp

    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query(CompactButton)
        sources = {name for _path, name in app.stylesheet.source}
        assert "CompactButton.DEFAULT_CSS" in sources
        assert "Button.DEFAULT_CSS" not in sources
