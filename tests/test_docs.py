"""Docs are tested: every command has help and is in docs/cli.md."""

from __future__ import annotations

from pathlib import Path

import typer.main

from smi.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _commands(group: typer.Typer, prefix: str = "") -> list[tuple[str, object]]:
    click_group = typer.main.get_group(group)
    out = []

    def walk(cmd, name):  # type: ignore[no-untyped-def]
        if hasattr(cmd, "commands"):
            for sub_name, sub in cmd.commands.items():
                walk(sub, f"{name} {sub_name}".strip())
        else:
            out.append((name, cmd))

    walk(click_group, prefix)
    return out


def test_every_command_has_help_and_is_documented():
    text = (DOCS / "cli.md").read_text()
    commands = _commands(app)
    assert len(commands) >= 10
    for name, cmd in commands:
        assert (cmd.help or "").strip(), f"smi {name} has no help text"
        assert f"`smi {name}" in text, f"smi {name} is not in docs/cli.md"
        for param in cmd.params:
            if param.param_type_name == "option" and param.name != "help":
                assert getattr(param, "help", None), f"smi {name} {param.opts[0]} has no help"


def test_readme_gives_the_two_commands():
    readme = (DOCS.parent / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    ci = (DOCS.parent / ".ci" / "run").read_text()
    assert "make test" in ci
