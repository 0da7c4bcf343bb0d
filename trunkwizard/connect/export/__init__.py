"""Config exporters: a PBX with no API gets its half of the connection as a file.

Each exporter is a need like any provider's: it fills its options from an offer of its kind, then
renders them. The password goes into the text only when asked (`with_password`); otherwise a
placeholder the technician replaces.
"""

from __future__ import annotations

from trunkwizard.connect.export._common import PASSWORD_PLACEHOLDER, Exporter, section_name
from trunkwizard.connect.export.asterisk import ASTERISK
from trunkwizard.connect.export.freeswitch import FREESWITCH

__all__ = ["EXPORTERS", "PASSWORD_PLACEHOLDER", "Exporter", "get_exporter", "section_name"]

EXPORTERS: dict[str, Exporter] = {e.key: e for e in (ASTERISK, FREESWITCH)}


def get_exporter(key: str) -> Exporter:
    try:
        return EXPORTERS[key]
    except KeyError:
        raise KeyError(f"unknown exporter {key!r}; exporters: {', '.join(EXPORTERS)}") from None
