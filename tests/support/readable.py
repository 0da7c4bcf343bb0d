"""What returned values must not read as: Python's words for JSON's scalars (trunkwizard/readable.py
writes `true`, `false`, `null`), searched in what a screen or a command shows."""

from __future__ import annotations

import re

__all__ = ["PYTHON_WORDS"]

PYTHON_WORDS = re.compile(r"\b(True|False|None)\b")
