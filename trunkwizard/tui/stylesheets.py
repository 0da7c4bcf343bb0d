"""Stylesheets beyond app.tcss. Screens name the ones they need (CSS_PATH) and Textual reads each file
when the first such screen opens, so the first screen parses only the frame every step shares.
Absolute paths: Textual resolves relative ones against the file of the instance's class."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DIALOGS", "FORMS", "SIP_CHECK"]

_HERE = Path(__file__).parent

FORMS = _HERE / "forms.tcss"  # form steps, the row editor, the profile editor
DIALOGS = _HERE / "dialogs.tcss"  # help and quit
SIP_CHECK = _HERE / "sip_check.tcss"  # the SIP check screen and its REGISTER confirmation
