"""Bargaining solution concepts over a set of acceptable packages given as arrays.

Each function takes the grid utilities ``ints`` (N, P) of candidate packages (from
:mod:`detente.analysis.enumerate`: integers, ``u = ints / grid.scale``) and returns a
:class:`ConceptChoice`: the row indices of **every** tied optimum and the objective value.
Gains are ``g_i = u_i − d_i`` (d = ``cs.disagreement``, which defaults to r). U_i is party i's own
utility scale (:func:`~detente.analysis.grid.party_scales`; every party has its own integer grid,
so a party with small utilities keeps its resolution), U = max U_i the scale
(:func:`~detente.analysis.grid.utility_scale`) and ``tol`` = :data:`~detente.analysis.results.TIE_TOLERANCE`.

* **welfare** — max Σ_i u_i. Tied: Σ u within ``tol · U`` of the best (exact integer sums when every
  party has the same grid).
* **egalitarian** — max min_i g_i, ties broken **leximin**: sort each package's gains ascending and
  compare position by position; at each position keep the packages within ``tol · |best|`` plus one
  grid step of each of the two parties compared (never a tolerance borrowed from another party's scale),
  then move to the next position. Returned: the packages that survive every position.
* **nash** — max Π_i g_i^{w_i}, the asymmetric (weighted) Nash solution with each party's ``weight``
  w_i as exponent (w_i = 1 for all: the symmetric solution). Only parties that can gain (S = {i : ideal_i − d_i > tol · U_i}) enter the
  product, and only packages with ``g_i > tol · U_i`` for i ∈ S and ``g_i ≥ −tol · U_i`` for all i are
  candidates (no party below its disagreement point). When d = r and some package gives everyone a
  strictly positive gain this is exactly argmax Π(u_i − d_i) over acceptable packages. Tied: products
  within a relative ``tol`` (Π ≥ (1 − tol) · best). Compared in log space (Σ_i w_i·log g_i), so any
  number of parties works (a product of 150+ gains leaves the float range). No candidate → no Nash
  package (a note says why).
* **ks** (Kalai–Smorodinsky) — max min_{i∈S} (u_i − d_i)/(ideal_i − d_i) with ideal_i = max u_i over the
  acceptable packages; parties with ``ideal_i − d_i ≤ tol · U_i`` cannot gain and are left out of the min
  (their ratio is 0/0); if no party can gain, every package ties. Tied: ratios within ``tol`` (the
  objective is already normalised to 1).

**On the frontier.** The welfare, egalitarian (leximin) and Nash optima of the acceptable packages are
Pareto optimal: if q dominates p then Σq > Σp, q is leximin-better, and (all gains in S positive, the
rest 0) Πq ≥ Πp with equality only where the improvement is for a party outside S. So these ties are
found among the frontier packages (up to ties within the tolerance that are also dominated by less
than it). The KS max–min is different: a package dominated by a KS optimum may have the same minimum
ratio and tie — those ties are only found when the concept runs on *all* acceptable packages
(enumeration); on a frontier they are missing and :func:`ks` callers say so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from detente.analysis.grid import UtilityGrid
from detente.analysis.results import TIE_TOLERANCE
from detente.model.compiled import FloatArray, IntArray


@dataclass(frozen=True)
class ConceptChoice:
    """Rows of the tied optima and the objective (None when the concept picks nothing)."""

    rows: IntArray
    objective: float | None
    notes: list[str] = field(default_factory=list)


def _none(note: str) -> ConceptChoice:
    return ConceptChoice(np.zeros(0, dtype=np.int64), None, [note])


def ideal_point(ints: IntArray) -> IntArray:
    """ideal_i = max over the packages of u_i (grid units)."""
    return ints.max(axis=0)


def welfare(ints: IntArray, grid: UtilityGrid, *, tol: float = TIE_TOLERANCE) -> ConceptChoice:
    """argmax Σ_i u_i, every package within ``tol · U`` of the best."""
    if ints.shape[0] == 0:
        return _none("no acceptable package")
    if np.all(grid.scale == grid.scale[0]):  # one grid: exact integer sums
        total_int = ints.sum(axis=1)
        best_int = int(total_int.max())
        rows = np.flatnonzero(total_int >= best_int - int(grid.tolerance(tol).max()))
        return ConceptChoice(rows, best_int / float(grid.scale[0]))
    total = grid.to_float(ints).sum(axis=1)
    best = float(total.max())
    rows = np.flatnonzero(total >= best - tol * grid.unit)
    return ConceptChoice(rows, best)


def egalitarian(ints: IntArray, grid: UtilityGrid, *, tol: float = TIE_TOLERANCE) -> ConceptChoice:
    """argmax min_i (u_i − d_i) with leximin tie-breaking (see module docstring)."""
    if ints.shape[0] == 0:
        return _none("no acceptable package")
    # gains in the scenario's units; each entry keeps the grid step of the party it belongs to
    raw = grid.to_float(ints - grid.disagreement)
    order = np.argsort(raw, axis=1, kind="stable")
    gains = np.take_along_axis(raw, order, axis=1)
    step = (1.0 / grid.scale)[order]
    rows = np.arange(ints.shape[0])
    objective = float(gains[:, 0].max())
    for j in range(gains.shape[1]):
        col = gains[rows, j]
        top = int(np.argmax(col))
        # tied: within tol relative to the value, plus one grid step of each party compared
        slack = tol * abs(float(col[top])) + step[rows, j] + step[rows[top], j]
        rows = rows[col >= col[top] - slack]
    return ConceptChoice(rows.astype(np.int64), objective)


#: Largest natural logarithm of a float (the Nash product is reported as a number up to this).
LOG_FLOAT_MAX = math.log(np.finfo(np.float64).max)


def nash_objective(log_product: float) -> tuple[float, list[str]]:
    """The Nash product Π_i g_i^{w_i} from its logarithm Σ_i w_i·log g_i, with a note when it is beyond
    the floating-point range (it is then reported as infinite, or as 0 when it underflows; the choice of
    packages is made in log space and is not affected)."""
    if log_product > LOG_FLOAT_MAX:
        return math.inf, [
            f"the Nash product is about 10^{log_product / math.log(10):.1f}: beyond floating point"
        ]
    value = math.exp(log_product)
    if value == 0.0:
        return 0.0, [f"the Nash product is about 10^{log_product / math.log(10):.1f}: below floating point"]
    return value, []


def nash(
    ints: IntArray,
    grid: UtilityGrid,
    ideal: IntArray | None = None,
    *,
    tol: float = TIE_TOLERANCE,
    weights: FloatArray | None = None,
) -> ConceptChoice:
    """argmax Π_{i∈S} (u_i − d_i)^{w_i} over packages giving S a strict gain (see module docstring);
    ``weights`` w (the parties' ``weight``, default 1) make it the asymmetric Nash solution."""
    if ints.shape[0] == 0:
        return _none("no acceptable package")
    top = ideal_point(ints) if ideal is None else ideal
    slack = grid.tolerance(tol)
    gains = ints - grid.disagreement
    can_gain = (top - grid.disagreement) > slack
    ok = np.all(gains >= -slack, axis=1) & np.all(gains[:, can_gain] > slack[can_gain], axis=1)
    if not can_gain.any():
        rows = np.flatnonzero(ok)
        if rows.size == 0:
            return _none("every acceptable package leaves some party below its disagreement point")
        return ConceptChoice(rows, 1.0, ["no party can gain over its disagreement point: every package ties"])
    cand = np.flatnonzero(ok)
    if cand.size == 0:
        return _none(
            "no acceptable package gives every party that can gain a strictly positive gain over its "
            "disagreement point, so the Nash product is 0 everywhere"
        )
    # in log space: L = Σ_{i∈S} w_i·log(g_i / U_i) never overflows or underflows, whatever the number of
    # parties (a product of 200 gains leaves the float range); ties are within a relative tolerance of
    # the product: Π ≥ Π*·(1 − tol)  ⇔  L ≥ L* + log(1 − tol)
    parties = np.flatnonzero(can_gain)
    norm = grid.units * grid.scale
    w = np.ones(ints.shape[1]) if weights is None else np.asarray(weights, dtype=np.float64)
    logs = np.zeros(cand.size)
    for i in parties:
        logs += w[i] * np.log(gains[cand, i] / norm[i])
    top_log = float(logs.max())
    rows = cand[logs >= top_log + math.log1p(-tol)]
    best, notes = nash_objective(top_log + float(np.sum(w[parties] * np.log(grid.units[parties]))))
    if not can_gain.all():
        left_out = int((~can_gain).sum())
        notes.append(
            f"{left_out} party(ies) cannot gain over their disagreement point and are left out of the product"
        )
    return ConceptChoice(rows, best, notes)


def ks_ratios(ints: IntArray, grid: UtilityGrid, ideal: IntArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """min_{i∈S} (u_i − d_i)/(ideal_i − d_i) per package, and the mask S of parties that can gain."""
    span = (ideal - grid.disagreement).astype(np.float64)
    can_gain = span > grid.tolerance(TIE_TOLERANCE)
    if not can_gain.any():
        return np.ones(ints.shape[0]), can_gain
    ratio = (ints[:, can_gain] - grid.disagreement[can_gain]) / span[can_gain]
    return ratio.min(axis=1), can_gain


def ks(
    ints: IntArray, grid: UtilityGrid, ideal: IntArray | None = None, *, tol: float = TIE_TOLERANCE
) -> ConceptChoice:
    """Kalai–Smorodinsky: argmax min_i (u_i − d_i)/(ideal_i − d_i), every tie (see module docstring).

    ``ideal`` must be the ideal point of *all* acceptable packages (the max of each u_i is attained on
    the frontier, so a frontier's own ideal point is the same).
    """
    if ints.shape[0] == 0:
        return _none("no acceptable package")
    top = ideal_point(ints) if ideal is None else ideal
    value, can_gain = ks_ratios(ints, grid, top)
    best = float(value.max())
    rows = np.flatnonzero(value >= best - tol)
    notes = []
    if not can_gain.any():
        notes.append("no party can gain over its disagreement point: every package ties")
    elif not can_gain.all():
        notes.append(
            f"{int((~can_gain).sum())} party(ies) have ideal = disagreement and are left out of the min"
        )
    return ConceptChoice(rows, best, notes)


def choose(
    concept: str,
    ints: IntArray,
    grid: UtilityGrid,
    ideal: IntArray | None = None,
    *,
    tol: float = TIE_TOLERANCE,
    weights: FloatArray | None = None,
) -> ConceptChoice:
    """Dispatch on ``concept`` ∈ {nash, ks, egalitarian, welfare}."""
    if concept == "welfare":
        return welfare(ints, grid, tol=tol)
    if concept == "egalitarian":
        return egalitarian(ints, grid, tol=tol)
    if concept == "nash":
        return nash(ints, grid, ideal, tol=tol, weights=weights)
    if concept == "ks":
        return ks(ints, grid, ideal, tol=tol)
    raise ValueError(f"unknown concept {concept!r}")
