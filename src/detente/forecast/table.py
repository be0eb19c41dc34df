"""Read a single-issue table in the standard BDM layout, with located errors.

The layout (CSV, one row per actor)::

    actor,capability,position,salience
    Netherlands,0.08,4,80

``clout``, ``power`` or ``influence`` are accepted for ``capability``; columns may come in any order
and header names are case-insensitive. Capability ≥ 0 (any unit: only ratios matter), position any
number, salience 0–100. Every problem found is reported at once as ``file:line:column: field: what is
wrong (how to fix it)``; nothing raises a traceback at the user.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from detente.errors import DetenteError, did_you_mean
from detente.forecast.issue import Issue
from detente.io.errors import Problem

REQUIRED = ("actor", "capability", "position", "salience")
CAPABILITY_ALIASES = ("capability", "clout", "power", "influence")


class TableError(DetenteError):
    """A forecasting table could not be read; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _header_map(header: list[str], file: str) -> tuple[dict[str, int], list[Problem]]:
    """Column index of each required field, and the problems with the header."""
    problems: list[Problem] = []
    cols: dict[str, int] = {}
    for j, raw in enumerate(header):
        name = raw.strip().lower()
        field = "capability" if name in CAPABILITY_ALIASES else name
        if field in cols:
            problems.append(
                Problem(file, (raw.strip(),), f"column '{field}' given twice", 1, j + 1, "keep one of them")
            )
        elif field in REQUIRED:
            cols[field] = j
        elif name:
            guess = did_you_mean(name, (*REQUIRED, *CAPABILITY_ALIASES))
            hint = f"did you mean '{guess}'?" if guess else f"expected {', '.join(REQUIRED)}"
            problems.append(Problem(file, (raw.strip(),), "unknown column", 1, j + 1, hint))
    for field in REQUIRED:
        if field not in cols:
            alias = " (or clout, power, influence)" if field == "capability" else ""
            problems.append(
                Problem(
                    file,
                    (field,),
                    "missing column",
                    1,
                    None,
                    f"the header must be 'actor,capability,position,salience'{alias}",
                )
            )
    return cols, problems


def _number(cell: str, file: str, line: int, col: int, field: str, problems: list[Problem]) -> float:
    try:
        v = float(cell.strip())
    except ValueError:
        problems.append(
            Problem(file, (field,), f"'{cell.strip()}' is not a number", line, col, "write a number")
        )
        return math.nan
    if not math.isfinite(v):
        problems.append(Problem(file, (field,), f"{cell.strip()} is not finite", line, col, "write a number"))
        return math.nan
    return v


def parse_table(text: str, file: str = "<table>", name: str | None = None) -> Issue:
    """Parse a BDM table (see the module docstring) into an :class:`Issue`; raises :class:`TableError`."""
    rows = [(k + 1, row) for k, row in enumerate(csv.reader(io.StringIO(text)))]
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise TableError([Problem(file, ("actor",), "the table is empty", 1, None, "add a header and rows")])
    header_line, header = rows[0]
    cols, problems = _header_map(header, file)
    if problems:
        raise TableError(
            [Problem(p.file, p.path, p.message, header_line, p.column, p.hint) for p in problems]
        )
    actors: list[str] = []
    cap: list[float] = []
    pos: list[float] = []
    sal: list[float] = []
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        if len(row) != len(header):
            problems.append(
                Problem(
                    file,
                    ("actor",),
                    f"{len(row)} columns, the header has {len(header)}",
                    line,
                    None,
                    "give every row one cell per header column",
                )
            )
            continue
        actor = row[cols["actor"]].strip()
        if not actor:
            problems.append(
                Problem(file, ("actor",), "the actor name is empty", line, cols["actor"] + 1, "name it")
            )
        elif actor in seen:
            problems.append(
                Problem(
                    file,
                    ("actor",),
                    f"'{actor}' is already on line {seen[actor]}",
                    line,
                    cols["actor"] + 1,
                    "give each actor one row",
                )
            )
        seen.setdefault(actor, line)
        c = _number(row[cols["capability"]], file, line, cols["capability"] + 1, "capability", problems)
        x = _number(row[cols["position"]], file, line, cols["position"] + 1, "position", problems)
        s = _number(row[cols["salience"]], file, line, cols["salience"] + 1, "salience", problems)
        if c < 0:
            problems.append(
                Problem(file, ("capability",), f"{c:g} is negative", line, cols["capability"] + 1, "use ≥ 0")
            )
        if not 0 <= s <= 100 and not math.isnan(s):
            problems.append(
                Problem(
                    file,
                    ("salience",),
                    f"{s:g} is outside 0–100",
                    line,
                    cols["salience"] + 1,
                    "salience is a 0–100 score",
                )
            )
        actors.append(actor)
        cap.append(c)
        pos.append(x)
        sal.append(s)
    if not problems and not actors:
        problems.append(
            Problem(file, ("actor",), "no actor rows", header_line, None, "add one row per actor")
        )
    if not problems and sum(c * s for c, s in zip(cap, sal, strict=True)) <= 0:
        problems.append(
            Problem(
                file,
                ("capability",),
                "every actor has zero capability or zero salience",
                header_line + 1,
                None,
                "give at least one actor positive capability and salience",
            )
        )
    if problems:
        raise TableError(problems)
    x_arr = np.asarray(pos, dtype=np.float64)
    return Issue(
        name or Path(file).stem,
        tuple(actors),
        np.asarray(cap, dtype=np.float64),
        x_arr,
        np.asarray(sal, dtype=np.float64),
        (float(x_arr.min()), float(x_arr.max())),
    )


def read_table(path: str | Path) -> Issue:
    """Read a BDM table from a CSV file (see :func:`parse_table`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TableError([Problem(str(p), (), "file not found", None, None, "check the path")]) from None
    except UnicodeDecodeError:
        raise TableError(
            [Problem(str(p), (), "not UTF-8 text", None, None, "save the table as UTF-8 CSV")]
        ) from None
    return parse_table(text, str(p))
