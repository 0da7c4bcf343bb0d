"""Every `trunkwizard ...` command the README shows is one the command line accepts, so the README
cannot drift from the flags the code has."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from trunkwizard.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_commands() -> list[list[str]]:
    """The argument lists of the trunkwizard commands in the README's bash blocks."""
    commands: list[list[str]] = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            for part in re.split(r"&&|\|", line):
                words = shlex.split(part, comments=True)
                if words and words[0].endswith("trunkwizard"):
                    commands.append(words[1:])
    return commands


def test_the_readme_shows_the_commands() -> None:
    commands = readme_commands()
    shown = {words[0] if words and not words[0].startswith("-") else "(wizard)" for words in commands}
    assert {"(wizard)", "create", "profile", "history", "check"} <= shown


@pytest.mark.parametrize("words", readme_commands(), ids=lambda words: " ".join(words)[:60])
def test_each_readme_command_parses(words: list[str]) -> None:
    build_parser().parse_args(words)  # argparse exits 2 on an unknown flag or a missing argument
