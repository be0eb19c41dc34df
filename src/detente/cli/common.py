"""Shared pieces of the CLI: output format option, console, loading with clean errors, JSON output."""

from __future__ import annotations

import json
import math
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from detente.analysis.budget import Budget
    from detente.model.compiled import CompiledScenario
    from detente.model.scenario import Scenario

# Library notices are not the user's business on the command line: matplotlib's missing-glyph
# warnings for characters a font lacks (emoji, control characters in names) and NumPy's
# floating-point notices (the input policy keeps every number finite and bounded).
warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
warnings.filterwarnings(
    "ignore", message=r"(overflow|invalid value|divide by zero) encountered", category=RuntimeWarning
)

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


#: Bounds of numeric options (typer refuses values outside them with a usage error, exit 2).
MAX_SECONDS = 86_400.0
MAX_SEED = 2**32 - 1
MAX_COUNT_OPTION = 100_000


def finite(value: float | None) -> float | None:
    """Typer callback: refuse ``nan``/``inf`` (which pass a min/max range check unnoticed)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


def load(path: Path) -> Scenario:
    """Load a scenario; errors propagate as ScenarioError and are printed by :func:`detente.cli.app.main`."""
    from detente.io.loader import load_scenario

    return load_scenario(path)


def load_compiled(path: Path) -> CompiledScenario:
    """Read, check and compile a scenario; inside a command's budget the compilation is charged to it
    (:func:`detente.analysis.budget.charge_compiled`)."""
    from detente.analysis.budget import charge_compiled
    from detente.model.compiled import compile_scenario

    cs = compile_scenario(load(path))
    charge_compiled(cs)
    return cs


@contextmanager
def budgeted(time_limit: float) -> Iterator[Budget]:
    """The one work budget of a command that takes ``--time-limit`` (and its one wall-clock safety
    stop): open it before the scenario is read, so everything the command does is charged to it
    (:mod:`detente.analysis.budget`)."""
    from detente.analysis.budget import command_budget

    with command_budget(time_limit) as budget:
        yield budget


def emit_json(data: Any) -> None:
    """Print JSON to stdout (plain, no Rich markup, so it can be piped).

    Always valid JSON: a non-finite float (which the input policy keeps out of scenarios, but a
    bound or a gap may still be infinite) is written as ``null``, never ``Infinity``/``NaN``; exact
    package counts of any size are written in full (Python limits int printing to 4,300 digits).
    """
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        text = json.dumps(_finite(data), indent=2, ensure_ascii=False, default=_default, allow_nan=False)
    finally:
        sys.set_int_max_str_digits(limit)
    sys.stdout.write(text + "\n")


def _finite(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by None (objects converted by :func:`_default`)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    if not isinstance(obj, str | int | bool) and obj is not None:
        try:
            return _finite(_default(obj))
        except TypeError:
            return obj
    return obj


def fmt_count(n: int) -> str:
    """A count for tables: exact with thousands separators below 10¹⁵, else ``≈ 1.2e4334`` (the
    package count of a 14,400-move scenario has 4,335 digits)."""
    if n < 10**15:
        return f"{n:,}"
    exponent = math.floor(math.log10(n))
    mantissa = 10 ** (math.log10(n) - exponent)
    return f"≈ {mantissa:.1f}e{exponent}"


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
