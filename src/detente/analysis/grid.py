"""The utility grid, one per party: how Détente compares utilities exactly.

Comparisons (dominance, ties, acceptability) are made on integers:
``u_int[i] = Σ_k round(values[:, i] · scale_i)`` where ``scale_i`` is a power of ten that puts party
i's own largest attainable |u_i| (:func:`party_scales`) near 10^12 — so a party whose utilities are
small keeps its resolution next to a party whose utilities are large. Sums of integers are exact, so
two packages whose utilities are equal in decimal arithmetic compare equal whatever order the terms
were added in; values closer than 10^-12 of the party's own utility scale are not told apart, and
:attr:`UtilityGrid.exact` says whether every value, reservation and disagreement point lies on the
grid (then the grid comparisons are exact). Reported utilities are recomputed in floating point
(``cs.utilities``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.model.compiled import CompiledScenario, FloatArray, IntArray

#: Significant digits of the utility grid.
GRID_DIGITS = 12
#: Absolute slack on u_i ≥ r_i, as in ``CompiledScenario.acceptable``.
ACCEPT_SLACK = 1e-9


def party_scales(cs: CompiledScenario) -> FloatArray:
    """U_i: the largest |u_i| any package can reach, or |r_i|, |d_i| if larger (1.0 when all are 0)."""
    out = np.ones(cs.n_parties)
    for i in range(cs.n_parties):
        col = np.abs(cs.values[:, i])
        best = float(sum(col[cs.offsets[k] : cs.offsets[k + 1]].max() for k in range(cs.n_moves)))
        best = max(best, abs(float(cs.reservation[i])), abs(float(cs.disagreement[i])))
        out[i] = best if best > 0 else 1.0
    return out


def utility_scale(cs: CompiledScenario) -> float:
    """U = max_i U_i (:func:`party_scales`): the scale of tolerances that mix parties (welfare)."""
    return float(party_scales(cs).max())


@dataclass(frozen=True, eq=False)
class UtilityGrid:
    """Integer utilities, one grid per party: ``values_int[:, i] = round(values[:, i] · scale[i])``;
    r and d on the same grids. ``units`` (P,) are the parties' utility scales U_i, ``unit`` = max U_i."""

    scale: FloatArray  # (P,)
    units: FloatArray  # (P,)
    values: IntArray  # (O, P)
    reservation: IntArray  # (P,) smallest grid value that counts as acceptable
    disagreement: IntArray  # (P,)
    exact: bool = True  # every value, r and d lies on the grid

    @property
    def unit(self) -> float:
        return float(self.units.max(initial=1.0))

    def to_float(self, ints: npt.ArrayLike) -> FloatArray:
        return np.asarray(ints, dtype=np.float64) / self.scale

    def tolerance(self, relative: float) -> IntArray:
        """A tolerance of ``relative · U_i`` per party, in each party's grid units (P,)."""
        return np.round(relative * self.units * self.scale).astype(np.int64)


def utility_grid(cs: CompiledScenario) -> UtilityGrid:
    """The :class:`UtilityGrid` of a scenario (scale_i = 10^(12 − ⌈log10 U_i⌉))."""
    units = party_scales(cs)
    scale = 10.0 ** (GRID_DIGITS - np.ceil(np.log10(units)))
    raw = cs.values * scale
    values = np.round(raw).astype(np.int64)
    slack = ACCEPT_SLACK * scale
    reservation = np.ceil(np.round(cs.reservation * scale - slack, 3)).astype(np.int64)
    d_raw = cs.disagreement * scale
    disagreement = np.round(d_raw).astype(np.int64)
    r_raw = cs.reservation * scale
    # on the grid: within float noise (a hundredth of a grid step, 10^-14 of U_i) of a grid point
    noise = 0.01
    on_grid = (
        np.all(np.abs(raw - values) <= noise)
        and np.all(np.abs(d_raw - disagreement) <= noise)
        and np.all(np.abs(r_raw - np.round(r_raw)) <= noise)
    )
    return UtilityGrid(scale, units, values, reservation, disagreement, bool(on_grid))
