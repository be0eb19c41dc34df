"""Enumerate every package of a scenario in bounded memory, keeping the acceptable ones.

Definitions (notation of :mod:`detente.model.compiled`):

* a **package** p picks one option per move; there are ``cs.n_outcomes = Π_k n_options[k]`` of them.
  Package number ``index`` is its mixed-radix number ``Σ_k p_k · stride_k`` with the *first* move most
  significant (``itertools.product`` order); :func:`decode` turns indices back into choices;
* utilities are additive: ``u_i(p) = Σ_k values[offsets[k] + p_k, i]``;
* p is **feasible** when every :class:`~detente.model.compiled.LinearConstraint` holds
  (``cs.feasible``) and **acceptable** when it is feasible and ``u_i(p) ≥ r_i`` for every party
  (``cs.acceptable``; the same absolute slack of 1e-9 is allowed).

**Utility grid, one per party**: :mod:`detente.analysis.grid`.

**Speed.** Every constraint's left-hand side ``Σ coef·x_o`` is also additive over moves (one option per
move), so constraints become extra integer columns next to the utilities. The moves are split in a
*low* group (the last moves, ≤ :data:`LOW_GROUP_MAX` combinations, tabulated once) and a *high* group;
a chunk is a run of high combinations × all low combinations, computed by one broadcast addition
(meet in the middle) instead of a gather per package. Low combinations that break a constraint on low
moves only are dropped from the table once; high rows that break a constraint on high moves only, or
cannot reach some r_i even with the best low combination, are skipped.

Memory stays at a few chunks (``chunk_size`` packages × (parties + constraints) int64 columns), so
10^7 outcomes enumerate in well under 2 GB. Scenarios beyond ``limit`` outcomes are refused with a
:class:`~detente.errors.DetenteError` so callers fall back to exact optimization.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from detente.analysis.dispatch import ENUMERATION_LIMIT
from detente.analysis.grid import UtilityGrid, utility_grid
from detente.errors import DetenteError
from detente.model.compiled import BoolArray, CompiledScenario, FloatArray, IntArray

#: Packages per chunk (peak memory ≈ a few × chunk_size × (P + C) × 8 bytes).
CHUNK_SIZE = 1 << 17
#: Largest number of low-group combinations tabulated once.
LOW_GROUP_MAX = 1 << 12


def constraint_table(cs: CompiledScenario) -> tuple[IntArray, IntArray, IntArray]:
    """Constraints as additive columns: ``A[o, c]`` = coefficient of option o in constraint c, and the
    bounds ``lo[c]``, ``hi[c]`` (−2^62 / 2^62 where absent), so ``lo ≤ Σ_k A[offsets[k]+p_k] ≤ hi``."""
    n_con = len(cs.constraints)
    table = np.zeros((cs.n_total_options, n_con), dtype=np.int64)
    lo = np.full(n_con, -(1 << 62), dtype=np.int64)
    hi = np.full(n_con, 1 << 62, dtype=np.int64)
    for c, con in enumerate(cs.constraints):
        np.add.at(table[:, c], con.options, con.coefs)
        if con.lo is not None:
            lo[c] = con.lo
        if con.hi is not None:
            hi[c] = con.hi
    return table, lo, hi


def strides(cs: CompiledScenario) -> list[int]:
    """Mixed-radix place values (first move most significant), as Python ints."""
    out = [1] * cs.n_moves
    for k in range(cs.n_moves - 2, -1, -1):
        out[k] = out[k + 1] * int(cs.n_options[k + 1])
    return out


def decode(cs: CompiledScenario, index: npt.ArrayLike) -> IntArray:
    """(N, M) local choices of packages numbered ``index`` (see module docstring)."""
    rest = np.asarray(index, dtype=np.int64).copy()
    out = np.empty((rest.shape[0], cs.n_moves), dtype=np.int64)
    for k in range(cs.n_moves - 1, -1, -1):
        n = int(cs.n_options[k])
        out[:, k] = rest % n
        rest //= n
    return out


def encode(cs: CompiledScenario, choices: npt.ArrayLike) -> IntArray:
    """Package numbers of (N, M) choices (inverse of :func:`decode`)."""
    c = np.atleast_2d(np.asarray(choices, dtype=np.int64))
    return c @ np.asarray(strides(cs), dtype=np.int64)


def check_enumerable(cs: CompiledScenario, limit: int = ENUMERATION_LIMIT) -> None:
    """Raise :class:`DetenteError` when the scenario has more than ``limit`` outcomes."""
    n = cs.n_outcomes
    if n > limit or n >= 1 << 62:
        raise DetenteError(
            f"scenario '{cs.scenario.meta.title}' has {n:,} possible packages, more than the enumeration "
            f"limit of {limit:,}: use the exact dynamic program (method='dp') or CP-SAT (method='cp-sat'), "
            "or raise the limit"
        )


@dataclass(frozen=True, eq=False)
class PackageChunk:
    """A batch of packages: their numbers (``index``, see :func:`decode`) and grid utilities (N, P)."""

    index: IntArray
    ints: IntArray
    scale: FloatArray

    def __len__(self) -> int:
        return int(self.index.shape[0])

    @property
    def utilities(self) -> FloatArray:
        """Utilities in the scenario's units (grid values / scale)."""
        return self.ints / self.scale


@dataclass(frozen=True, eq=False)
class PackageSet:
    """Packages held as arrays: numbers ``index`` (N,), grid utilities ``ints`` (N, P)."""

    cs: CompiledScenario
    index: IntArray
    ints: IntArray
    grid: UtilityGrid

    def __len__(self) -> int:
        return int(self.index.shape[0])

    @cached_property
    def choices(self) -> IntArray:
        """(N, M) local option indices."""
        return decode(self.cs, self.index)

    @cached_property
    def utilities(self) -> FloatArray:
        """(N, P) utilities recomputed in floating point from the choices (``cs.utilities``)."""
        if len(self) == 0:
            return np.zeros((0, self.cs.n_parties))
        return self.cs.utilities(self.choices)

    def packages(self) -> list:  # list[Package]; typed loosely to keep results import local
        """The packages as :class:`~detente.analysis.results.Package` objects."""
        from detente.analysis.results import Package

        return [Package(c, u) for c, u in zip(self.choices, self.utilities, strict=True)]


def tabulate(cs: CompiledScenario, table: IntArray, moves: list[int]) -> tuple[IntArray, IntArray]:
    """Every combination of the options of ``moves`` (first move most significant, as package numbers):
    (combinations (Π n_k, len(moves)) of local choices, column sums (Π n_k, C) of ``table`` rows)."""
    acc = np.zeros((1, table.shape[1]), dtype=np.int64)
    for k in moves:
        block = table[cs.offsets[k] : cs.offsets[k + 1]]
        acc = (acc[:, None, :] + block[None, :, :]).reshape(-1, table.shape[1])
    sizes = tuple(int(cs.n_options[k]) for k in moves)
    combos = np.stack(np.unravel_index(np.arange(acc.shape[0], dtype=np.int64), sizes), axis=1).astype(
        np.int64
    )
    return combos.reshape(acc.shape[0], len(moves)), acc


def within_bounds(sums: IntArray, lo: IntArray, hi: IntArray) -> BoolArray:
    """Rows of constraint sums (N, C) with ``lo ≤ sums ≤ hi`` in every column."""
    return np.all((sums >= lo) & (sums <= hi), axis=1)


def _moves_of(cs: CompiledScenario, con_options: IntArray) -> set[int]:
    return {int(k) for k in cs.option_move[con_options]}


def iter_packages(
    cs: CompiledScenario,
    *,
    acceptable: bool = True,
    limit: int = ENUMERATION_LIMIT,
    chunk_size: int = CHUNK_SIZE,
    grid: UtilityGrid | None = None,
    floor: IntArray | None = None,
) -> Iterator[PackageChunk]:
    """Stream the feasible (``acceptable=False``) or acceptable packages in chunks, in index order.

    ``floor`` (grid units, shape (P,)) keeps only packages with every ``u_i ≥ floor_i`` as well (high
    rows that cannot reach it are skipped, so a high floor makes the pass fast).
    Raises :class:`DetenteError` beyond ``limit`` outcomes (see :func:`check_enumerable`).
    """
    check_enumerable(cs, limit)
    g = grid if grid is not None else utility_grid(cs)
    bar = g.reservation if floor is None else np.maximum(g.reservation, floor)
    if floor is not None:
        acceptable = True
    n_p = cs.n_parties
    con_table, lo, hi = constraint_table(cs)
    table = np.concatenate([g.values, con_table], axis=1)  # (O, P + C)
    n_col = table.shape[1]

    # split: low group = trailing moves with ≤ LOW_GROUP_MAX combinations (at least one move)
    split = cs.n_moves - 1
    low_size = int(cs.n_options[-1])
    while split > 0 and low_size * int(cs.n_options[split - 1]) <= LOW_GROUP_MAX:
        split -= 1
        low_size *= int(cs.n_options[split])
    high_moves, low_moves = list(range(split)), list(range(split, cs.n_moves))
    high_set = set(high_moves)
    low_set = set(low_moves)

    con_moves = [_moves_of(cs, con.options) for con in cs.constraints]
    low_only = [c for c, ms in enumerate(con_moves) if ms and ms <= low_set]
    high_only = [c for c, ms in enumerate(con_moves) if ms and ms <= high_set]
    mixed = [c for c, ms in enumerate(con_moves) if c not in low_only and c not in high_only]

    _, low = tabulate(cs, table, low_moves)
    keep = within_bounds(low[:, [n_p + c for c in low_only]], lo[low_only], hi[low_only])
    low_index = np.flatnonzero(keep).astype(np.int64)
    low = low[keep]
    if low.shape[0] == 0:
        return
    low_best = low[:, :n_p].max(axis=0)

    n_high = cs.n_outcomes // low_size
    rows_per_chunk = max(1, chunk_size // max(1, low.shape[0]))
    high_strides = strides(cs)[:split]
    high_n = [int(cs.n_options[k]) for k in high_moves]
    check_cols = [n_p + c for c in mixed]
    lo_mixed, hi_mixed = lo[mixed], hi[mixed]

    from detente.analysis.budget import charge_packages

    for start in range(0, n_high, rows_per_chunk):
        rows = np.arange(start, min(n_high, start + rows_per_chunk), dtype=np.int64)
        charge_packages(rows.shape[0] * low.shape[0])  # to the running command's work budget
        high = np.zeros((rows.shape[0], n_col), dtype=np.int64)
        if high_moves:
            for k, (stride, n) in enumerate(zip(high_strides, high_n, strict=True)):
                digit = (rows // (stride // low_size)) % n
                high += table[cs.offsets[k] + digit]
        ok = np.ones(rows.shape[0], dtype=bool)
        for c in high_only:
            col = high[:, n_p + c]
            ok &= (col >= lo[c]) & (col <= hi[c])
        if acceptable:
            ok &= np.all(high[:, :n_p] + low_best >= bar, axis=1)
        if not ok.any():
            continue
        rows, high = rows[ok], high[ok]
        total = high[:, None, :] + low[None, :, :]  # (R, L, P + C)
        mask = np.ones(total.shape[:2], dtype=bool)
        if check_cols:
            lhs = total[:, :, check_cols]
            mask &= np.all((lhs >= lo_mixed) & (lhs <= hi_mixed), axis=2)
        if acceptable:
            mask &= np.all(total[:, :, :n_p] >= bar, axis=2)
        r_pos, l_pos = np.nonzero(mask)
        if r_pos.shape[0] == 0:
            continue
        index = rows[r_pos] * low_size + low_index[l_pos]
        yield PackageChunk(index, np.ascontiguousarray(total[r_pos, l_pos, :n_p]), g.scale)


def enumerate_packages(
    cs: CompiledScenario,
    *,
    acceptable: bool = True,
    limit: int = ENUMERATION_LIMIT,
    chunk_size: int = CHUNK_SIZE,
) -> PackageSet:
    """Every feasible / acceptable package, collected into one :class:`PackageSet`."""
    g = utility_grid(cs)
    idx: list[IntArray] = []
    ints: list[IntArray] = []
    for chunk in iter_packages(cs, acceptable=acceptable, limit=limit, chunk_size=chunk_size, grid=g):
        idx.append(chunk.index)
        ints.append(chunk.ints)
    if not idx:
        return PackageSet(cs, np.zeros(0, dtype=np.int64), np.zeros((0, cs.n_parties), dtype=np.int64), g)
    return PackageSet(cs, np.concatenate(idx), np.concatenate(ints), g)


def count_packages(cs: CompiledScenario, *, acceptable: bool = True, limit: int = ENUMERATION_LIMIT) -> int:
    """Number of feasible / acceptable packages (streaming; nothing is kept)."""
    return sum(len(c) for c in iter_packages(cs, acceptable=acceptable, limit=limit))
