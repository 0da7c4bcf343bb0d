"""`trunkwizard providers [PROVIDER] [--json]`: providers, their modes and every field with its rules."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.fields import FormField
    from trunkwizard.providers import Provider


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("provider", nargs="?", help="show only this provider")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _field_document(field: FormField) -> dict[str, Any]:
    document: dict[str, Any] = {"wire": field.wire, "label": field.label, "kind": field.kind.value}
    if field.required:
        document["required"] = True
    if field.shown_when is not None:
        document["only"] = field.shown_when.describe()
        if field.required_when_shown:
            document["required_when_shown"] = True
    if field.default is not None:
        document["default"] = field.default
    if field.choices:
        document["choices"] = [c.value for c in field.choices]
    if hint := field.constraint_hint():
        document["limits"] = hint
    if field.pattern:
        document["pattern"] = field.pattern
    if field.location != "body":
        document["in"] = field.location
    if not field.sent:
        document["sent"] = False
    if field.legacy:
        document["legacy"] = True
    if field.rules:
        document["rules"] = [
            {"rule": rule.says, "source": str(rule.source), "refuses": rule.documented}
            for rule in field.rules
        ]
    if field.rows:
        document["rows"] = [_field_document(row) for row in field.rows]
        if field.row_model is not None and (across := _across_documents(field.row_model)):
            document["row_rules"] = across
    if field.help:
        document["help"] = field.help
    return document


def _across_documents(model: type[Any]) -> list[dict[str, Any]]:
    """The model's rules between fields (trunkwizard.rules.Across), with where each comes from."""
    return [
        {"rule": rule.says, "at": rule.at, "source": str(rule.source), "refuses": rule.documented}
        for rule in getattr(model, "across", ())
    ]


def _across_lines(model: type[Any], indent: str) -> list[str]:
    return [
        f"{indent}rule at {rule['at']}: {rule['rule']} ({'refuses' if rule['refuses'] else 'warns'}; "
        f"{rule['source']})"
        for rule in _across_documents(model)
    ]


def _connections(provider: Provider, mode: str) -> dict[str, Any]:
    """What the mode offers the other side of a SIP connection, what it fills from one, and with whom."""
    from trunkwizard.connect.catalog import available_pairs

    pairs = available_pairs(exporters=True)
    document: dict[str, Any] = {}
    offers = [
        {
            "kind": offering.kind.value,
            "description": offering.description,
            "fills": sorted({f"{need.owner}:{need.mode}" for owner, o, need in pairs if o is offering}),
        }
        for offering in provider.offerings
        if offering.mode == mode
    ]
    needs = [
        {
            "kind": need.kind.value,
            "description": need.description,
            "from": sorted({f"{owner}:{o.mode}" for owner, o, n in pairs if n is need}),
            "fields": [
                {"wire": f.wire, "source": f.source, **({"inferred": True} if f.inferred else {})}
                for f in need.fills
            ],
        }
        for need in provider.needs
        if need.mode == mode
    ]
    if offers:
        document["offers"] = offers
    if needs:
        document["needs"] = needs
    return document


def _provider_document(provider: Provider) -> dict[str, Any]:
    return {
        "key": provider.key,
        "title": provider.title,
        "creates": provider.creates,
        "summary": provider.summary,
        "docs": provider.docs,
        "account": [_field_document(f) for f in provider.account_fields],
        "account_rules": _across_documents(provider.account_model),
        "modes": [
            {
                "key": mode.key,
                "title": mode.title,
                "description": mode.description,
                "fields": [_field_document(f) for f in mode.fields],
                "rules": _across_documents(mode.model),
                **_connections(provider, mode.key),
            }
            for mode in provider.modes
        ],
    }


def _field_line(field: FormField, indent: str) -> list[str]:
    flags = []
    if field.required:
        flags.append("required")
    if field.shown_when is not None:
        flags.append(
            ("required " if field.required_when_shown else "") + "only " + field.shown_when.describe()
        )
    if field.choices and len(field.choices) > 1:
        flags.append("one of " + "|".join(str(c.value) for c in field.choices))
    if hint := field.constraint_hint():
        flags.append(hint)
    if field.default is not None and field.default != []:
        flags.append(f"default {field.default}")
    if field.legacy:
        flags.append("legacy")
    if not field.sent:
        flags.append("checked locally, not sent")
    lines = [f"{indent}{field.wire:<28} {field.kind.value:<14} {'; '.join(flags)}".rstrip()]
    for rule in field.rules:
        effect = "refuses" if rule.documented else "warns"
        lines.append(f"{indent}  rule: {rule.says} ({effect}; {rule.source})")
    for row in field.rows:
        lines += _field_line(row, indent + "  ")
    if field.row_model is not None:
        lines += _across_lines(field.row_model, indent + "  ")
    return lines


def _wrapped(text: str) -> None:
    import textwrap

    print(textwrap.fill(text, width=100, initial_indent="    ", subsequent_indent="      "))


def run(args: argparse.Namespace) -> int:
    from trunkwizard.providers import all_providers, get_provider

    try:
        providers = [get_provider(args.provider)] if args.provider else list(all_providers())
    except KeyError as exc:
        print(f"trunkwizard: {exc.args[0]}")
        return 2
    if args.json:
        print(
            json.dumps([_provider_document(p) for p in providers], indent=2, ensure_ascii=False, default=str)
        )
        return 0
    for provider in providers:
        print(f"{provider.key}  {provider.title}: {provider.summary}")
        print("  account:")
        for field in provider.account_fields:
            print("\n".join(_field_line(field, "    ")))
        for line in _across_lines(provider.account_model, "    "):
            print(line)
        for mode in provider.modes:
            print(f"  mode {mode.key}: {mode.description}")
            connections = _connections(provider, mode.key)
            for offer in connections.get("offers", []):
                _wrapped(f"offers a {offer['kind']}, which fills: {', '.join(offer['fills'])}")
            for need in connections.get("needs", []):
                wires = ", ".join(f["wire"] for f in need["fields"])
                _wrapped(f"fills {wires} from a {need['kind']} offered by: {', '.join(need['from'])}")
            for field in mode.fields:
                if len(field.choices) == 1 and field.default is not None:
                    continue  # the mode's fixed discriminator
                print("\n".join(_field_line(field, "    ")))
            for line in _across_lines(mode.model, "    "):
                print(line)
        print()
    return 0
