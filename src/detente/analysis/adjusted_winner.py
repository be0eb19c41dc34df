"""Adjusted Winner (Brams & Taylor, *Fair Division*, 1996) for two parties and divisible issues.

Each party spreads points over the issues (by convention 100 points each); ``a_k`` and ``b_k`` are the
points A and B give issue k. The procedure, in exact arithmetic (:class:`fractions.Fraction`):

1. **Winner phase.** Issue k goes to A if ``a_k > b_k`` and to B if ``b_k > a_k``. Tied issues
   (``a_k = b_k``) go to the side whose total over the untied issues is higher (to A when those totals
   are equal too). A tied issue has ratio 1, the smallest ratio the side ahead can hold, so tied issues
   are the first it hands over in step 2. (In the published Bob–Carol example Carol is ahead, so she
   gets the tied *Investments* first; it then passes whole to Bob, as published.)
2. **Equitability adjustment.** Let T_A, T_B be each side's total in its own points. While the side
   ahead, L (say T_L > T_O), holds issues, take its issues in increasing order of the ratio
   ``l_k / o_k`` (its points ÷ the other side's points; ``o_k = 0`` counts as +∞; equal ratios keep
   table order). Transferring a fraction f of issue k changes the totals to ``T_L − f·l_k`` and
   ``T_O + f·o_k``; they are equal at ``f* = (T_L − T_O) / (l_k + o_k)``. If ``f* ≥ 1`` the whole issue
   moves and the next one is examined; otherwise L keeps ``1 − f*`` and the other side gets ``f*`` of
   issue k, and the procedure stops. Issues both sides value at 0 change nothing and are skipped.

The final totals are exactly equal (**equitable**); at most one issue is split. When both sides spread
the same total (e.g. 100) over non-negative points, the allocation is also **envy-free** (each side
gets at least half of its own points) and **efficient** (Pareto-optimal among fractional allocations),
and it attains the egalitarian optimum max min(u_A, u_B). Tables whose columns do not sum to the same
total are accepted (the totals are still made equal), but the result then carries a note that
envy-freeness and efficiency are not guaranteed. The 100-point convention itself is not required:
a table whose columns sum to another common total only gets a note.

:func:`detente.io.points_table.read_points_csv` reads the table format used by ``detente adjusted-winner``:
a header ``issue,<party A>,<party B>`` and one row per issue.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from pydantic import BaseModel, Field

from detente.errors import DetenteError
from detente.model.limits import MAX_DIGITS, MAX_MAGNITUDE, number_problem, sci

#: The convention: each side spreads this many points over the issues.
POINTS_TOTAL = 100

Number = int | float | str | Fraction


@dataclass(frozen=True)
class AdjustedWinnerResult:
    """The Adjusted Winner allocation.

    ``shares[k]`` is the fraction of issue k that party A receives (B receives ``1 − shares[k]``);
    ``totals`` are each party's final points in its own valuation (equal by construction);
    ``split_issue`` is the issue divided between the two (None when no split was needed);
    ``initial_winner[k]`` is 0 (A) or 1 (B): who held issue k after the winner phase.
    """

    parties: tuple[str, str]
    issues: tuple[str, ...]
    points: tuple[tuple[Fraction, Fraction], ...]
    shares: tuple[Fraction, ...]
    totals: tuple[Fraction, Fraction]
    split_issue: str | None
    initial_winner: tuple[int, ...]
    transfers: tuple[str, ...] = ()
    method: str = "adjusted-winner"
    optimal: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    def share_of(self, party: int, k: int) -> Fraction:
        """Fraction of issue k held by party 0 (A) or 1 (B)."""
        return self.shares[k] if party == 0 else 1 - self.shares[k]


class AWIssueRow(BaseModel):
    """One issue of an Adjusted Winner allocation."""

    issue: str
    points: dict[str, str] = Field(description="Party → points given to the issue, exact ('12.5', '1/3').")
    share: dict[str, str] = Field(description="Party → exact fraction of the issue received ('5/6').")
    share_decimal: dict[str, float] = Field(
        description="Party → fraction of the issue received, as a decimal."
    )
    initial_winner: str = Field(description="Who held the issue after the winner phase.")
    split: bool = Field(description="True for the (at most one) issue divided between the parties.")


class AdjustedWinnerOutput(BaseModel):
    """``detente adjusted-winner --format json``."""

    file: str | None = None
    method: str = "adjusted-winner"
    optimal: bool = Field(description="Always true: the procedure is exact (rational arithmetic).")
    gap: float | None = None
    parties: list[str]
    issues: list[AWIssueRow]
    totals: dict[str, str] = Field(description="Party → final points in its own valuation, exact (equal).")
    totals_decimal: dict[str, float]
    split_issue: str | None
    transfers: list[str] = Field(
        description="Issues handed over whole in the equitability adjustment, in order."
    )
    notes: list[str] = Field(default_factory=list)


def to_output(result: AdjustedWinnerResult, file: str | None = None) -> AdjustedWinnerOutput:
    """The JSON document of ``detente adjusted-winner`` for ``result``."""
    pa, pb = result.parties
    rows = []
    for k, issue in enumerate(result.issues):
        shares = {pa: result.share_of(0, k), pb: result.share_of(1, k)}
        rows.append(
            AWIssueRow(
                issue=issue,
                points={pa: str(result.points[k][0]), pb: str(result.points[k][1])},
                share={p: str(x) for p, x in shares.items()},
                share_decimal={p: float(x) for p, x in shares.items()},
                initial_winner=result.parties[result.initial_winner[k]],
                split=issue == result.split_issue,
            )
        )
    return AdjustedWinnerOutput(
        file=file,
        method=result.method,
        optimal=result.optimal,
        parties=[pa, pb],
        issues=rows,
        totals={pa: str(result.totals[0]), pb: str(result.totals[1])},
        totals_decimal={pa: float(result.totals[0]), pb: float(result.totals[1])},
        split_issue=result.split_issue,
        transfers=list(result.transfers),
        notes=list(result.notes),
    )


def points_problem(x: Number) -> str | None:
    """Why ``x`` cannot be a number of points under the input policy (checked *before* any exact
    conversion: ``Fraction('1e100000000')`` would build a 100-million-digit integer)."""
    if isinstance(x, str):
        text = x.strip()
        digits = sum(ch.isdigit() for ch in text)
        if digits > MAX_DIGITS:
            return f"'{text[:40]}…' has {digits} digits (at most {MAX_DIGITS})"
        if "/" not in text:
            try:
                x = float(Decimal(text))
            except (InvalidOperation, ValueError):
                return None  # not a number at all: reported by the caller
            if not math.isfinite(x):
                return f"'{text}' is too large"
    if isinstance(x, Fraction):
        x = float(x) if abs(x) <= MAX_MAGNITUDE else math.inf
    return number_problem(x)


def _as_fraction(x: Number, where: str) -> Fraction:
    if isinstance(x, bool):
        raise DetenteError(f"{where}: expected a number of points, found {x!r}")
    if isinstance(x, float) and not math.isfinite(x):
        raise DetenteError(f"{where}: points must be finite, found {x!r}")
    problem = points_problem(x)
    if problem is not None:
        raise DetenteError(f"{where}: {problem}; points must be finite with |points| ≤ {sci(MAX_MAGNITUDE)}")
    try:
        value = Fraction(x) if not isinstance(x, float) else Fraction(x).limit_denominator(10**12)
    except (ValueError, ZeroDivisionError, TypeError):
        raise DetenteError(f"{where}: expected a number of points, found {x!r}") from None
    if value < 0:
        raise DetenteError(f"{where}: points must be 0 or more, found {x}")
    return value


def adjusted_winner(
    issues: Sequence[str],
    points_a: Sequence[Number],
    points_b: Sequence[Number],
    parties: tuple[str, str] = ("A", "B"),
) -> AdjustedWinnerResult:
    """Run Adjusted Winner on one table (see the module docstring for the definition).

    ``points_a[k]`` / ``points_b[k]`` are the points each party gives issue k (ints, decimal strings,
    Fractions or floats; floats are read as the nearest fraction with denominator ≤ 10¹²). Raises
    :class:`~detente.errors.DetenteError` for an empty table, mismatched lengths, duplicate issue
    names, negative or non-numeric points, or a side that gives every issue 0 points.
    """
    n = len(issues)
    if n == 0:
        raise DetenteError("Adjusted Winner needs at least one issue")
    if len(points_a) != n or len(points_b) != n:
        raise DetenteError(
            f"Adjusted Winner needs one point value per issue and party: {n} issues, "
            f"{len(points_a)} values for {parties[0]}, {len(points_b)} for {parties[1]}"
        )
    if parties[0] == parties[1]:
        raise DetenteError(f"the two parties need different names (both are '{parties[0]}')")
    seen: set[str] = set()
    for name in issues:
        if name in seen:
            raise DetenteError(f"issue '{name}' is listed twice; give each issue one row")
        seen.add(name)
    a = [_as_fraction(x, f"{parties[0]}, issue '{issues[k]}'") for k, x in enumerate(points_a)]
    b = [_as_fraction(x, f"{parties[1]}, issue '{issues[k]}'") for k, x in enumerate(points_b)]
    notes: list[str] = []
    for side, column in zip(parties, (a, b), strict=True):
        if sum(column) == 0:
            raise DetenteError(
                f"{side} gives every issue 0 points; each side must spread its points "
                f"(by convention {POINTS_TOTAL}) over the issues"
            )
    sum_a, sum_b = sum(a, Fraction(0)), sum(b, Fraction(0))
    if sum_a != POINTS_TOTAL or sum_b != POINTS_TOTAL:
        notes.append(
            f"points sum to {_fmt(sum_a)} for {parties[0]} and {_fmt(sum_b)} for {parties[1]}; "
            f"the convention is {POINTS_TOTAL} each"
        )
    if sum_a != sum_b:
        notes.append(
            "the two sides spread different totals, so the result is equitable but not necessarily "
            "envy-free or efficient; give each side the same total (100) for the usual guarantees"
        )

    pts = (a, b)
    # 1. winner phase
    owner = [0 if a[k] > b[k] else 1 if b[k] > a[k] else -1 for k in range(n)]
    untied = [sum((pts[i][k] for k in range(n) if owner[k] == i), Fraction(0)) for i in (0, 1)]
    tie_to = 0 if untied[0] >= untied[1] else 1
    owner = [tie_to if o == -1 else o for o in owner]
    initial = tuple(owner)
    share_a = [Fraction(1) if o == 0 else Fraction(0) for o in owner]  # fraction of each issue held by A
    totals = [sum((pts[i][k] for k in range(n) if owner[k] == i), Fraction(0)) for i in (0, 1)]

    # 2. equitability adjustment
    transfers: list[str] = []
    split: str | None = None
    if totals[0] != totals[1]:
        lead = 0 if totals[0] > totals[1] else 1
        other = 1 - lead

        def ratio(k: int) -> tuple[int, Fraction]:
            own, theirs = pts[lead][k], pts[other][k]
            return (1, Fraction(0)) if theirs == 0 else (0, own / theirs)

        order = sorted((k for k in range(n) if owner[k] == lead), key=ratio)  # stable: ties keep table order
        for k in order:
            gap = totals[lead] - totals[other]
            if gap == 0:
                break
            weight = pts[lead][k] + pts[other][k]
            if weight == 0:
                continue
            f = min(Fraction(1), gap / weight)
            totals[lead] -= f * pts[lead][k]
            totals[other] += f * pts[other][k]
            share_lead = 1 - f
            share_a[k] = share_lead if lead == 0 else 1 - share_lead
            if f < 1:
                split = issues[k]
                break
            transfers.append(issues[k])
    if totals[0] != totals[1]:  # pragma: no cover - impossible with non-negative points (see docstring)
        raise AssertionError("Adjusted Winner failed to equalise the totals")
    return AdjustedWinnerResult(
        parties=(parties[0], parties[1]),
        issues=tuple(issues),
        points=tuple(zip(a, b, strict=True)),
        shares=tuple(share_a),
        totals=(totals[0], totals[1]),
        split_issue=split,
        initial_winner=initial,
        transfers=tuple(transfers),
        notes=tuple(notes),
    )


def _fmt(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x} (≈{float(x):.4g})"
