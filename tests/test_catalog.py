"""The provider list's catalog (trunkwizard/catalog.py) is the registry's strings, nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from trunkwizard import catalog


def test_the_catalog_equals_the_registry() -> None:
    assert catalog.from_registry() == catalog.CATALOG, (
        "trunkwizard/catalog.py differs from the providers: run `python -m trunkwizard.catalog --write`"
    )


def test_the_catalog_source_is_what_the_generator_writes() -> None:
    source = Path(catalog.__file__).read_text(encoding="utf-8")
    assert catalog._rewrite(source, catalog.CATALOG) == source


def test_a_changed_provider_shows_as_a_difference() -> None:
    changed = list(catalog.from_registry())
    first = changed[0]
    changed[0] = catalog.CatalogEntry(first.key, first.title + "!", first.creates, first.summary, first.modes)
    assert tuple(changed) != catalog.CATALOG
    source = Path(catalog.__file__).read_text(encoding="utf-8")
    assert first.title + "!" in catalog._rewrite(source, tuple(changed))


def test_one_provider_is_loaded_without_the_others() -> None:
    code = (
        "import sys\n"
        "from trunkwizard.providers import get_provider\n"
        "get_provider('wavix')\n"
        "print(sorted(m for m in sys.modules if m.startswith('trunkwizard.providers.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = result.stdout.strip()
    assert "trunkwizard.providers.wavix" in loaded
    assert not any(
        f"trunkwizard.providers.{other}'" in loaded for other in ("chorus", "signalwire", "yeastar", "vox")
    )
