"""Shared pieces of the CLI: output format option, console, loading with clean errors, JSON output."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario
    from detente.model.scenario import Scenario

console = Console()
err_console = Console(stderr=True)


class Concept(StrEnum):
    """The bargaining solution concepts offered on the command line (see docs/solution-concepts.md)."""

    nash = "nash"
    ks = "ks"
    egalitarian = "egalitarian"
    welfare = "welfare"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format: a readable table or JSON.")
]
ScenarioArg = Annotated[
    Path, typer.Argument(help="Scenario file (.yaml, .yml or .json).", show_default=False)
]


def reflow_help(app: typer.Typer) -> None:
    """Give every command whose help comes from its docstring one line per paragraph.

    Typer's Rich help keeps a docstring's line breaks, so a sentence wrapped in the source would break
    mid-sentence on screen; joining each paragraph's lines lets the terminal wrap it instead.
    """
    import inspect

    for info in app.registered_commands:
        if info.help is None and info.callback is not None and info.callback.__doc__:
            doc = inspect.getdoc(info.callback) or ""
            paragraphs = [" ".join(p.split()) for p in doc.split("\n\n")]
            info.help = "\n\n".join(p for p in paragraphs if p)
    for group in app.registered_groups:  # command groups (detente ledger …, detente workspace …)
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)


def load(path: Path) -> Scenario:
    """Load a scenario; errors propagate as ScenarioError and are printed by :func:`detente.cli.app.main`."""
    from detente.io.loader import load_scenario

    return load_scenario(path)


def load_compiled(path: Path) -> CompiledScenario:
    from detente.model.compiled import compile_scenario

    return compile_scenario(load(path))


def emit_json(data: Any) -> None:
    """Print JSON to stdout (plain, no Rich markup, so it can be piped)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n")


def _default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")


def fmt_num(x: float, digits: int = 2) -> str:
    """A number for tables: integers without decimals, others rounded."""
    if x == int(x) and abs(x) < 1e12:
        return str(int(x))
    return f"{x:.{digits}f}"
