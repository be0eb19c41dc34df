"""Read DEU-style validation files: EU legislative issues with positions, saliences and outcomes.

The layout (tab-separated; see ``../shared/reference/forecasting/deu3/README.md``): a header row; a
second row without a proposal id that holds each actor's capability (GDP in the public
re-distribution) under its position column; then one row per issue with ``prnr`` (proposal), ``isnr``
(issue), ``proc`` and ``counvte`` (procedure, Council voting rule), ``p<actor>`` positions and
``s<actor>`` saliences (0–100, empty = no position), ``rp`` (reference point, often empty) and
``out`` (the adopted outcome, 0–100). Issues without an outcome or without any position are skipped
and counted. Saliences missing beside a position count as 0.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detente.forecast.issue import Issue
from detente.forecast.table import TableError
from detente.io.errors import Problem
from detente.model.compiled import FloatArray

META = ("prnr", "isnr", "out")
SCALE = (0.0, 100.0)


@dataclass(frozen=True, eq=False)
class ValidationSet:
    """Issues with known outcomes. ``actors`` are the actor codes (``com``, ``ep``, ``at`` …) in
    column order; ``capability`` the file's row-2 capabilities; per issue: ``issues[q]`` (only the
    actors with a position), ``outcome[q]``, ``reference[q]`` (NaN when not given),
    ``proposal[q]``, ``procedure[q]``, ``voting[q]``, ``line[q]`` (line in the file)."""

    path: str
    actors: tuple[str, ...]
    capability: FloatArray
    issues: tuple[Issue, ...]
    positions: FloatArray  # (Q, A), NaN where an actor has no position
    saliences: FloatArray  # (Q, A), 0 where not given
    outcome: FloatArray
    reference: FloatArray
    proposal: tuple[str, ...]
    procedure: tuple[str, ...]
    voting: tuple[str, ...]
    line: tuple[int, ...]
    skipped: int

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def n_proposals(self) -> int:
        return len(set(self.proposal))

    def issue_with(self, q: int, capability: FloatArray) -> Issue:
        """Issue q with per-actor capabilities (length A, in column order) replacing the file's."""
        held = ~np.isnan(self.positions[q])
        return self.issues[q].with_inputs(capability=capability[held])


def _cell(row: list[str], j: int) -> str:
    return row[j].strip() if j < len(row) else ""


def parse_validation(text: str, file: str = "<tsv>") -> ValidationSet:
    """Parse a DEU-style TSV (see the module docstring); raises :class:`TableError` with located problems."""
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if len(rows) < 3:
        raise TableError(
            [Problem(file, (), "needs a header, a capability row and issue rows", 1, None, None)]
        )
    header = [h.strip().lower() for h in rows[0]]
    problems: list[Problem] = []
    for name in META:
        if name not in header:
            problems.append(Problem(file, (name,), "missing column", 1, None, "see the DEU III README"))
    pos_cols = [j for j, h in enumerate(header) if h.startswith("p") and "s" + h[1:] in header and len(h) > 1]
    actors = tuple(header[j][1:] for j in pos_cols)
    if not actors:
        problems.append(
            Problem(
                file,
                ("p<actor>",),
                "no actor columns",
                1,
                None,
                "give each actor p<code> and s<code> columns",
            )
        )
    if problems:
        raise TableError(problems)
    sal_cols = [header.index("s" + a) for a in actors]
    col = {name: header.index(name) for name in (*META, "rp", "proc", "counvte") if name in header}

    def number(row: list[str], j: int, line: int, lo: float | None, hi: float | None) -> float:
        cell = _cell(row, j)
        if not cell:
            return math.nan
        try:
            v = float(cell)
        except ValueError:
            problems.append(
                Problem(file, (header[j],), f"'{cell}' is not a number", line, j + 1, "write a number")
            )
            return math.nan
        if (lo is not None and v < lo) or (hi is not None and v > hi) or not math.isfinite(v):
            problems.append(
                Problem(
                    file, (header[j],), f"{cell} is outside {lo:g}–{hi:g}", line, j + 1, "use the 0–100 scale"
                )
            )
            return math.nan
        return v

    cap_row = rows[1]
    if _cell(cap_row, col["prnr"]):
        problems.append(
            Problem(
                file, ("prnr",), "row 2 must be the capability row (no proposal id)", 2, col["prnr"] + 1, None
            )
        )
    capability = np.asarray([number(cap_row, j, 2, 0.0, math.inf) for j in pos_cols])
    if np.isnan(capability).any():
        missing = [actors[k] for k in np.flatnonzero(np.isnan(capability))]
        problems.append(
            Problem(file, ("capability",), f"no capability for {', '.join(missing)}", 2, None, "fill row 2")
        )
    issues: list[Issue] = []
    pos_rows: list[FloatArray] = []
    sal_rows: list[FloatArray] = []
    outcome: list[float] = []
    reference: list[float] = []
    proposal: list[str] = []
    procedure: list[str] = []
    voting: list[str] = []
    lines: list[int] = []
    skipped = 0
    for k, row in enumerate(rows[2:]):
        line = k + 3
        if not any(c.strip() for c in row):
            continue
        x = np.asarray([number(row, j, line, *SCALE) for j in pos_cols])
        s = np.asarray([number(row, j, line, *SCALE) for j in sal_cols])
        out = number(row, col["out"], line, *SCALE)
        rp = number(row, col["rp"], line, *SCALE) if "rp" in col else math.nan
        held = ~np.isnan(x)
        if math.isnan(out) or not held.any():
            skipped += 1
            continue
        s = np.where(held, np.nan_to_num(s), 0.0)
        name = _cell(row, col["isnr"]) or f"line {line}"
        issues.append(
            Issue(
                name,
                tuple(a for a, h in zip(actors, held, strict=True) if h),
                np.nan_to_num(capability[held]),
                x[held],
                s[held],
                SCALE,
            )
        )
        pos_rows.append(x)
        sal_rows.append(s)
        outcome.append(out)
        reference.append(rp)
        proposal.append(_cell(row, col["prnr"]))
        procedure.append(_cell(row, col["proc"]) if "proc" in col else "")
        voting.append(_cell(row, col["counvte"]) if "counvte" in col else "")
        lines.append(line)
    if problems:
        raise TableError(problems)
    if not issues:
        raise TableError(
            [Problem(file, ("out",), "no issue has an outcome", 3, None, "fill the 'out' column")]
        )
    return ValidationSet(
        path=file,
        actors=actors,
        capability=capability,
        issues=tuple(issues),
        positions=np.vstack(pos_rows),
        saliences=np.vstack(sal_rows),
        outcome=np.asarray(outcome),
        reference=np.asarray(reference),
        proposal=tuple(proposal),
        procedure=tuple(procedure),
        voting=tuple(voting),
        line=tuple(lines),
        skipped=skipped,
    )


def read_validation(path: str | Path) -> ValidationSet:
    """Read a DEU-style TSV file (see :func:`parse_validation`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TableError([Problem(str(p), (), "file not found", None, None, "check the path")]) from None
    except UnicodeDecodeError:
        raise TableError([Problem(str(p), (), "not UTF-8 text", None, None, "save it as UTF-8")]) from None
    return parse_validation(text, str(p))
