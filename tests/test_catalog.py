"""The provider list's catalog (trunkwizard/catalog.py) is the registry's strings, nothing else."""

from __future__ import annotations

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
