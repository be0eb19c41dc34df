"""Read an Adjusted Winner points table (CSV): header ``issue,<party A>,<party B>``, one row per issue.

The points stay the strings written (exact decimals such as ``12.5`` are kept exact for
:func:`detente.analysis.adjusted_winner.adjusted_winner`); every refusal names the file, the line and
the fix, under the one input policy (:mod:`detente.io.input_policy`).
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from pathlib import Path

from detente.analysis.adjusted_winner import points_problem
from detente.errors import DetenteError
from detente.io.input_policy import MAX_FIELD, read_text
from detente.model.limits import MAX_MAGNITUDE, sci


def parse_points_csv(
    text: str, filename: str = "<string>"
) -> tuple[tuple[str, str], list[str], list[str], list[str]]:
    """Parse an Adjusted Winner table: header ``issue,<party A>,<party B>``, one row per issue.

    Returns ``(parties, issues, points_a, points_b)`` with the points as the strings written (exact
    decimals such as ``12.5`` are kept exact). Blank lines are skipped. Raises
    :class:`~detente.errors.DetenteError` naming the file, the line and the fix.
    """
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        rows.extend(reader)
    except csv.Error as exc:
        raise DetenteError(
            f"{filename}:{reader.line_num}: not a readable CSV row ({exc}); fields are limited to "
            f"{MAX_FIELD:,} characters and quotes must be closed"
        ) from None
    numbered = [
        (i + 1, [c.strip() for c in row]) for i, row in enumerate(rows) if any(c.strip() for c in row)
    ]
    if not numbered:
        raise DetenteError(
            f"{filename}: the table is empty; write a header 'issue,<party A>,<party B>' "
            "and one row per issue"
        )
    line, header = numbered[0]
    if len(header) != 3 or not header[1] or not header[2]:
        raise DetenteError(
            f"{filename}:{line}: the header must have 3 columns 'issue,<party A>,<party B>' "
            f"(found {len(header)}: {','.join(header)}); Adjusted Winner is for two parties"
        )
    if header[1] == header[2]:
        raise DetenteError(
            f"{filename}:{line}: both party columns are named '{header[1]}'; give them different names"
        )
    issues: list[str] = []
    pa: list[str] = []
    pb: list[str] = []
    seen: dict[str, int] = {}
    for line, row in numbered[1:]:
        if len(row) != 3:
            raise DetenteError(
                f"{filename}:{line}: expected 3 columns (issue, {header[1]}, {header[2]}), "
                f"found {len(row)}; quote issue names that contain commas"
            )
        name, x, y = row
        if not name:
            raise DetenteError(
                f"{filename}:{line}: the issue name is empty; name the issue in the first column"
            )
        if name in seen:
            raise DetenteError(
                f"{filename}:{line}: issue '{name}' is already on line {seen[name]}; give each issue one row"
            )
        seen[name] = line
        for party, cell in ((header[1], x), (header[2], y)):
            problem = points_problem(cell)
            if problem is not None:
                raise DetenteError(
                    f"{filename}:{line}: {party}'s points for '{name}': {problem}; write a finite number "
                    f"with |points| ≤ {sci(MAX_MAGNITUDE)}, such as 25 or 12.5"
                )
            try:
                value = Fraction(cell)
            except (ValueError, ZeroDivisionError):
                raise DetenteError(
                    f"{filename}:{line}: {party}'s points for '{name}' are '{cell}', not a number; "
                    "write a number such as 25 or 12.5"
                ) from None
            if value < 0:
                raise DetenteError(
                    f"{filename}:{line}: {party}'s points for '{name}' are negative ({cell}); "
                    "points must be 0 or more"
                )
        issues.append(name)
        pa.append(x)
        pb.append(y)
    if not issues:
        raise DetenteError(f"{filename}: the table has a header but no issues; add one row per issue")
    return (header[1], header[2]), issues, pa, pb


def read_points_csv(path: str | Path) -> tuple[tuple[str, str], list[str], list[str], list[str]]:
    """Read an Adjusted Winner table from a CSV file (see :func:`parse_points_csv`)."""
    p = Path(path)
    text = read_text(p, what="CSV table (header 'issue,<party A>,<party B>')")
    return parse_points_csv(text, str(p))
