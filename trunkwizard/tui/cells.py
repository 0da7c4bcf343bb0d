"""Table cells: a value wider than its column is cut with a sign, never silently; a terminal wider than
80 columns gives its extra cells to the columns whose values would be cut."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len, set_cell_size

__all__ = ["fit_cell", "fit_columns", "widen_columns"]

# how far back a cut may go to end at a word: further, and the part that tells rows apart (a number,
# an id) would be lost for the sake of a whole word
_WORD_REACH = 4


def fit_cell(value: str, width: int, *, whole_words: bool = False) -> str:
    """`value` in `width` cells: cut with a closing "…" (at a word's end when one is near, or always with
    `whole_words`: words such as a status), so nothing is cut mid-word without a sign; the screen shows
    the highlighted row whole elsewhere."""
    if cell_len(value) <= width:
        return value
    raw = set_cell_size(value, width - 1)
    cut = raw.rstrip()
    at_word_end = raw != cut or value[len(raw) : len(raw) + 1] in (" ", ":", ",", ";")
    space = cut.rfind(" ")
    reach = len(cut) - space <= _WORD_REACH or (whole_words and space >= width // 2)
    if not at_word_end and space > 0 and reach:
        cut = cut[:space].rstrip(" :·,;-/")
    return cut + "…"


def widen_columns(widths: Sequence[int], widest: Sequence[int], extra: int) -> list[int]:
    """The columns' `widths` at 80 columns, grown by up to `extra` cells in all: each column that is
    narrower than its `widest` value gets an even share, no more than that value needs, until the extra
    cells or the cut columns run out. Never narrower than at 80 (below 80 the table scrolls sideways)."""
    grown = list(widths)
    left = max(0, extra)
    while left > 0:
        wanting = [i for i, (width, need) in enumerate(zip(grown, widest, strict=True)) if width < need]
        if not wanting:
            break
        share = max(1, left // len(wanting))
        for i in wanting:
            step = min(share, widest[i] - grown[i], left)
            grown[i] += step
            left -= step
    return grown


def fit_columns(widths: Sequence[int], rows: Iterable[Sequence[str]], terminal_width: int) -> list[int]:
    """The columns' `widths` at 80 columns, widened on a terminal `terminal_width` wide toward the widest
    text each column has in `rows` (widen_columns)."""
    widest = [0] * len(widths)
    for row in rows:
        for index, text in enumerate(row):
            widest[index] = max(widest[index], cell_len(text))
    return widen_columns(widths, widest, terminal_width - 80)
