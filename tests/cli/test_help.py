"""Every command's --help: an example that runs from the repository root, and no mid-sentence breaks."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from detente.cli.app import app
from tests.conftest import ROOT

EXAMPLE = re.compile(r"Example: \[bold\](.+?)\[/\]")


def commands() -> dict[str, str]:
    """Command name → its help text (as Typer shows it)."""
    out = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or info.callback.__name__.replace("_", "-")
        out[name] = info.help or ""
    return out


def test_every_command_has_one_example() -> None:
    for name, text in commands().items():
        found = EXAMPLE.findall(text)
        assert len(found) == 1, f"{name}: {len(found)} examples"
        assert found[0].startswith(f"detente {name}"), found[0]


def test_help_paragraphs_have_no_line_breaks() -> None:
    """Typer keeps a docstring's line breaks: a paragraph must be one line so the terminal wraps it."""
    for name, text in commands().items():
        assert text, name
        for paragraph in text.split("\n\n"):
            assert "\n" not in paragraph, f"{name}: {paragraph!r}"


def test_help_at_80_columns_keeps_sentences_whole() -> None:
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    r = subprocess.run(
        [sys.executable, "-m", "detente.cli.app", "options", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0
    lines = [line.strip() for line in r.stdout.splitlines()]
    # the old help broke after "packages," whatever the width; now the terminal wraps the paragraph
    assert not any(line.endswith("genuinely different packages,") for line in lines)
    assert all(len(line) <= 80 for line in r.stdout.splitlines())


#: Commands whose example starts a long-running process: tests/server starts `detente serve` itself.
LONG_RUNNING = {"serve"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(set(commands()) - LONG_RUNNING))
def test_example_runs(name: str, tmp_path: Path) -> None:
    """Run the example as printed, in a scratch folder that sees the repository's scenarios and
    fixtures (so every output file lands in the temporary folder)."""
    (example,) = EXAMPLE.findall(commands()[name])
    for folder in ("scenarios", "tests"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    argv = shlex.split(example)
    assert argv[0] == "detente"
    # the shell expands globs and redirections (scenarios/*.yaml, > frontier.csv) as it would for a user
    line = " ".join([shlex.quote(sys.executable), "-m", "detente.cli.app", *argv[1:]])
    r = subprocess.run(["bash", "-c", line], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, f"{example}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    assert "Traceback" not in r.stderr
