"""Textual's Button as trunkwizard draws every button: compact, one line, never a border.

Button's own stylesheet (flat and tall styles, borders, every variant, about 1,300 CSS tokens) was 40%
of all the CSS the first screen parsed, about 5 ms of its first frame (issue 16). This class does not
inherit it: its stylesheet restates what applies to a compact button of the default style, and
tests/tui/test_compact_button.py keeps the computed styles equal to Textual's Button in every variant,
state and colour mode but one: in 16 colours Textual gives a compact button a border when it is pressed
or disabled (a disabled one lost its label to it), and this one never has a border. Selectors name it
as `CompactButton`, not `Button`.
"""

from __future__ import annotations

from rich.console import RenderableType
from textual.content import ContentText
from textual.widgets import Button
from textual.widgets.button import ButtonVariant

__all__ = ["CompactButton"]


class CompactButton(Button, inherit_css=False):
    """A one-line button: Textual's Button, compact, styled by its own short stylesheet."""

    # What Textual's Widget rules give every widget (no base's rules reach a class that does not inherit
    # CSS), then Button's rules for `.-style-default` with `-textual-compact` (whose `border: none
    # !important` wins over every border they set) and its `:ansi` block, in the same precedence: an
    # `:ansi` rule wins over the rule it overrides there.
    DEFAULT_CSS = """
    CompactButton {
        scrollbar-background: $scrollbar-background;
        scrollbar-background-hover: $scrollbar-background-hover;
        scrollbar-background-active: $scrollbar-background-active;
        scrollbar-color: $scrollbar;
        scrollbar-color-active: $scrollbar-active;
        scrollbar-color-hover: $scrollbar-hover;
        scrollbar-corner-color: $scrollbar-corner-color;
        scrollbar-size-vertical: 2;
        scrollbar-size-horizontal: 1;
        link-background: $link-background;
        link-color: $link-color;
        link-style: $link-style;
        link-background-hover: $link-background-hover;
        link-color-hover: $link-color-hover;
        link-style-hover: $link-style-hover;

        width: auto;
        min-width: 16;
        height: auto;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        pointer: pointer;
        text-style: bold;
        color: $button-foreground;
        background: $surface;
        border: none;

        &:disabled {
            text-opacity: 0.6;
            pointer: not-allowed;
        }
        &:focus {
            text-style: $button-focus-text-style;
            background-tint: $foreground 5%;
        }
        &:hover { background: $surface-darken-1; }
        &.-active {
            background: $surface;
            tint: $background 30%;
        }
        &.-primary {
            color: $button-color-foreground;
            background: $primary;
            &:hover { background: $primary-darken-2; }
            &.-active { background: $primary; }
        }
        &.-success {
            color: $button-color-foreground;
            background: $success;
            &:hover { background: $success-darken-2; }
            &.-active { background: $success; }
        }
        &.-warning {
            color: $button-color-foreground;
            background: $warning;
            &:hover { background: $warning-darken-2; }
            &.-active { background: $warning; }
        }
        &.-error {
            color: $button-color-foreground;
            background: $error;
            &:hover { background: $error-darken-1; }
            &.-active { background: $error; }
        }

        &:ansi {
            background: ansi_default;
            &:disabled {
                text-opacity: 1;
                text-style: bold dim;
                background: ansi_default !important;
            }
            &:hover { background: $ansi-background; }
            &.-active {
                background: $ansi-background !important;
                tint: transparent;
            }
            &.-primary {
                color: $primary;
                background: ansi_default;
                &:hover { background: $ansi-background; }
            }
            &.-success {
                color: $success;
                background: ansi_default;
                &:hover { background: $ansi-background; }
            }
            &.-warning {
                color: $warning;
                background: ansi_default;
                &:hover { background: $ansi-background; }
            }
            &.-error {
                color: $error;
                background: ansi_default;
                &:hover { background: $ansi-background; }
            }
        }
    }
    """

    def __init__(
        self,
        label: ContentText | None = None,
        variant: ButtonVariant = "default",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        tooltip: RenderableType | None = None,
        action: str | None = None,
    ) -> None:
        super().__init__(
            label,
            variant,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            tooltip=tooltip,
            action=action,
            compact=True,
        )
