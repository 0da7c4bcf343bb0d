"""Table cells at 80 columns: a value wider than its column is cut with a sign, never silently."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

__all__ = ["fit_cell"]

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
