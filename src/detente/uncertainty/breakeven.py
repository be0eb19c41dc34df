"""Break-even values: how far one judgment can move, all else fixed, before the concept's package changes.

For a judgment (a value v_oi, or a reservation r_i) at its point estimate t̂ with range [low, high], the
break-even value is the t nearest to t̂, on the decimal grid t̂ ± k·``resolution`` (default 10⁻³, so the
models stay exact: values with three decimals scale to integers without rounding), at which p* — the
package that :func:`detente.analysis.solve.solve` selects for the concept at the point values — is no
longer among the packages the concept selects. Each direction is searched separately and the nearer
one is reported; ``new_package`` is the package the concept selects there (the first of its ties).

**Nash (exact crossings).** Moving one judgment by δ changes only party i's utility, by δ, in the
packages that contain option o (a reservation judgment shifts r_i, and d_i with it when d_i defaults
to r_i, for every package). So for any rival R the log-ratio ln N_R(δ) − ln N_p*(δ) of the Nash products
N = Π g_i^{W_i} is monotone in δ, acceptability changes at known points (u_i = r_i), and the set of
grid steps k at which R beats p* is a tail {k ≥ k_R} while p* stays acceptable with strict gains (up to
its own limit k_lim). Hence, per direction (:class:`NashBreakEvens`):

1. a pool of rivals (the options, and every package found so far, shared across judgments) gives the
   earliest crossing k_b = min_R k_R, computed exactly in scaled integers by binary search; with no
   crossing in range, one question at the range's end — "does any acceptable package strictly beat p*
   there?" (:class:`~detente.uncertainty.nash_oracle.NashOracle`, a reusable CP-SAT model) — either
   proves the direction has no break-even or returns a rival, whose crossing is k_b;
2. with c = min(k_b, k_lim), ask the same question at step c − 1: if no package beats p* there, p*
   holds on every step before c (monotonicity) and not at c — c is the break-even; otherwise the
   returned rival crosses earlier, c moves down to its crossing and the question is asked again
   (finite; usually one question);
3. the concept's package at c is the largest-product package there, with its ties
   (:meth:`~detente.uncertainty.nash_oracle.NashOracle.best`).

A value judgment on an option outside p* moved against it needs no question at all: every product
weakly falls except p*'s, which stays. When p* loses acceptability or a strict gain first (c = k_lim),
the package there is read from :func:`~detente.analysis.solve.solve`; when the scale is not exact, a
question is undecided within its work budget, or the concept is not Nash, the search falls back to
bisection with the solver (:func:`bisect_break_even`: solve at the range's end, then bisect, guided by
the same pool of rivals).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from detente.model.compiled import CompiledScenario, IntArray
from detente.uncertainty.evaluation import uncertainty_of
from detente.uncertainty.nash_oracle import NashOracle, OracleUndecided, Shift

RESOLUTION = 1e-3


@dataclass(frozen=True)
class BreakEven:
    """The result for one judgment: ``value`` (None if none in range), the package it changes to, solves."""

    value: float | None
    new_package: dict[str, str] | None
    solves: int


def with_judgment(cs: CompiledScenario, index: int, t: float) -> CompiledScenario:
    """A copy of ``cs`` with continuous input ``index`` (a value or reservation judgment) set to ``t``."""
    cu = uncertainty_of(cs)
    jn = cu.n_judgments
    if index < jn:
        vals = cs.values.copy()
        vals[cu.judgment_option[index], cu.judgment_party[index]] = t
        return dataclasses.replace(cs, values=vals)
    i = int(cu.reservation_party[index - jn])
    res = cs.reservation.copy()
    res[i] = t
    dis = cs.disagreement.copy()
    party = cs.scenario.parties[i]
    if party.disagreement is None:  # d_i defaults to r_i and moves with it
        dis[i] = t
    return dataclasses.replace(cs, reservation=res, disagreement=dis)


def selects(cs: CompiledScenario, concept: str, package: IntArray) -> tuple[bool, IntArray | None]:
    """Whether the concept still selects ``package`` (among its ties) and, if not, what it selects."""
    from detente.analysis.solve import solve

    r = solve(cs, concept)
    chosen = [np.asarray(p.choices, dtype=np.int64) for p in r.packages]
    if any(np.array_equal(c, package) for c in chosen):
        return True, None
    return False, (chosen[0] if chosen else None)


def _pool_changed(
    cs: CompiledScenario, concept: str, package: IntArray, pool: list[IntArray], index: int, t: float
) -> bool:
    """Cheap guess: at judgment value ``t``, would the concept leave ``package`` if only the packages
    of ``pool`` competed? (Ideal point and gainers taken from the pool's acceptable packages.)"""
    from detente.analysis.options import GAIN_TOL, concept_scores

    c2 = with_judgment(cs, index, t)
    pk = np.vstack([package, *pool])
    ok = c2.acceptable(pk)
    if not ok[0]:
        return True
    u = c2.utilities(pk[ok])
    ideal = u.max(axis=0)
    scores = concept_scores(c2, u, concept, ideal=ideal, gainers=(ideal - c2.disagreement) > GAIN_TOL)
    return bool(scores[1:].max(initial=-np.inf) > scores[0] + 1e-9 * max(1.0, abs(float(scores[0]))))


def bisect_break_even(
    cs: CompiledScenario,
    concept: str,
    package: IntArray,
    index: int,
    *,
    resolution: float = RESOLUTION,
    pool: list[IntArray] | None = None,
) -> BreakEven:
    """The break-even value of continuous input ``index`` by bisection on the grid (any concept).

    Bisection is accelerated by a **pool** of rival packages (every package the solver has named so
    far, shared across calls when ``pool`` is given): the first grid point at which a rival in the pool
    beats p* is a cheap guess, which the solver then checks at that point and the one before it. A
    right guess ends the search with two solves; a wrong one still narrows the bracket and adds the
    solver's package to the pool. Every reported value is confirmed by the solver on both sides.
    """
    cu = uncertainty_of(cs)
    t0 = float(cu.point[index])
    low, high = (float(x) for x in cu.bounds[index])
    rivals: list[IntArray] = pool if pool is not None else []
    best: tuple[float, dict[str, str] | None] | None = None
    solves = 0

    def learn(pkg: IntArray | None) -> None:
        if pkg is not None and not any(np.array_equal(pkg, r) for r in rivals):
            rivals.append(pkg)

    for end in (low, high):
        steps = math.floor(abs(end - t0) / resolution + 1e-9)
        if steps < 1:
            continue
        sign = 1.0 if end > t0 else -1.0

        def at(k: int, sign: float = sign) -> float:
            return round(t0 + sign * k * resolution, 9)

        ok, new = selects(with_judgment(cs, index, at(steps)), concept, package)
        solves += 1
        learn(new)
        if ok:
            continue
        lo_k, hi_k, hi_pkg = 0, steps, new  # p* holds at lo_k, not at hi_k
        while hi_k - lo_k > 1:
            probes = [(lo_k + hi_k) // 2]
            if rivals and _pool_changed(cs, concept, package, rivals, index, at(hi_k)):
                a, b = lo_k, hi_k  # first grid point in (a, b] where the pool says p* loses
                while b - a > 1:
                    m = (a + b) // 2
                    if _pool_changed(cs, concept, package, rivals, index, at(m)):
                        b = m
                    else:
                        a = m
                probes = [x for x in (b, b - 1) if lo_k < x < hi_k] or probes
            for mid in probes:
                if not lo_k < mid < hi_k:
                    continue
                ok, new = selects(with_judgment(cs, index, at(mid)), concept, package)
                solves += 1
                learn(new)
                if ok:
                    lo_k = mid
                else:
                    hi_k, hi_pkg = mid, new
        value = at(hi_k)
        if best is None or abs(value - t0) < abs(best[0] - t0):
            best = (value, None if hi_pkg is None else cs.choices_to_ids(hi_pkg))
    if best is None:
        return BreakEven(None, None, solves)
    return BreakEven(best[0], best[1], solves)


# ----- Nash: exact crossings ---------------------------------------------------------------------------
def _same(a: IntArray, b: IntArray) -> bool:
    return bool(np.array_equal(a, b))


@dataclass
class NashBreakEvens:
    """Exact Nash break-evens for every judgment of one scenario and one package p* (module docstring).

    Built once (:func:`nash_break_evens`); ``pool`` holds the rivals found so far, shared across
    judgments; ``solves`` counts CP-SAT solves and public :func:`solve` calls."""

    cs: CompiledScenario
    package: IntArray
    resolution: float
    oracle: NashOracle
    step: int  # one grid step in scaled units
    pool: list[IntArray] = field(default_factory=list)
    solves: int = 0

    # ----- shifts and exact comparisons ----------------------------------------------------------
    def shift(self, index: int, delta: int) -> Shift:
        """Judgment ``index`` moved by ``delta`` scaled units."""
        cu = uncertainty_of(self.cs)
        p = self.cs.n_parties
        zero = np.zeros(p, dtype=np.int64)
        jn = cu.n_judgments
        if index < jn:
            return Shift(int(cu.judgment_option[index]), int(cu.judgment_party[index]), delta, zero, zero)
        i = int(cu.reservation_party[index - jn])
        dr = zero.copy()
        dr[i] = delta
        follows = self.cs.scenario.parties[i].disagreement is None
        return Shift(-1, i, 0, dr, dr.copy() if follows else zero)

    def holds(self, sh: Shift) -> bool:
        """p* acceptable with every gain ≥ 1 (scaled): the region where the crossings are monotone."""
        return self.oracle.product(self.package, sh) > 0

    def beats(self, rival: IntArray, sh: Shift) -> bool:
        return self.oracle.product(rival, sh) > self.oracle.product(self.package, sh)

    @staticmethod
    def _first(ok: Callable[[int], bool], lo: int, hi: int) -> int | None:
        """Smallest k in [lo, hi] with ok(k) for a monotone (False…True) predicate; None if ok(hi) fails."""
        if hi < lo or not ok(hi):
            return None
        while lo < hi:
            mid = (lo + hi) // 2
            if ok(mid):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def learn(self, rival: IntArray) -> None:
        if not _same(rival, self.package) and not any(_same(rival, r) for r in self.pool):
            self.pool.append(rival)

    # ----- one direction -----------------------------------------------------------------------------
    def estimate(self, index: int, sign: int, steps: int) -> int | None:
        """The first step at which a pool rival beats p* or p* stops holding (no question asked)."""
        if self._free(index, sign):
            return None
        k_lim, crossing = self._limits(index, sign, steps)
        c = min([*(k for k in (crossing(r) for r in self.pool) if k is not None), k_lim])
        return c if c <= steps else None

    def _free(self, index: int, sign: int) -> bool:
        """A value judgment on an option outside p*, moved down: only rivals that contain the option
        lose, so p* stays the best and the direction needs no question."""
        cu = uncertainty_of(self.cs)
        if index >= cu.n_judgments:
            return False
        o = int(cu.judgment_option[index])
        return sign < 0 and o not in self.cs.global_options(self.package)

    def _limits(self, index: int, sign: int, steps: int) -> tuple[int, Callable[[IntArray], int | None]]:
        """(k_lim, crossing): the first step at which p* stops holding (steps + 1 if none) and a
        function giving a rival's first beating step before it (None if none)."""

        def sh(k: int) -> Shift:
            return self.shift(index, sign * k * self.step)

        fail = self._first(lambda k: not self.holds(sh(k)), 1, steps)
        k_lim = steps + 1 if fail is None else fail
        top = min(steps, k_lim - 1)

        def crossing(rival: IntArray) -> int | None:
            return self._first(lambda k: self.beats(rival, sh(k)), 1, top)

        return k_lim, crossing

    def direction(self, index: int, sign: int, steps: int) -> tuple[int, list[IntArray] | None] | None:
        """First grid step (1..steps) in direction ``sign`` at which p* is no longer selected, with every
        package that beats p* there (None when p* itself stops holding there), or None."""
        if self._free(index, sign):
            return None

        def sh(k: int) -> Shift:
            return self.shift(index, sign * k * self.step)

        k_lim, crossing = self._limits(index, sign, steps)
        c = min([*(k for k in (crossing(r) for r in self.pool) if k is not None), k_lim])
        if c > steps:
            found = self._ask(sh(steps), [])
            if found is None:
                return None
            self.learn(found)
            k = crossing(found)
            if k is None:
                raise OracleUndecided("a rival beats p* at the range's end but its crossing was not found")
            c = k
        while True:
            if c >= k_lim:  # p* stops holding at c: prove that nothing beats it one step before
                found = self._ask(sh(c - 1), []) if c > 1 else None
                if found is None:
                    return c, None
            else:  # every package that beats p* at c (all of them cross exactly at c, or earlier)
                beaters = [r for r in self.pool if self.beats(r, sh(c))]
                found = self._ask(sh(c), beaters)
                if found is None:
                    return c, beaters
            self.learn(found)
            k = crossing(found)
            if k is None or k > c:  # cannot happen for a monotone crossing; stay safe
                raise OracleUndecided("a rival beats p* but its crossing was not found")
            c = k

    def _ask(self, sh: Shift, exclude: list[IntArray]) -> IntArray | None:
        """A package that strictly beats p* at ``sh`` (not in ``exclude``), or None (proven)."""
        before = self.oracle.solves
        hint = max(self.pool, key=lambda r: self.oracle.product(r, sh), default=None) if not exclude else None
        try:
            out = self.oracle.find(
                sh,
                self.oracle.product(self.package, sh),
                strict=True,
                exclude=exclude,
                exclude_gains=[self.oracle.int_gains(self.package, sh)],
                hint=hint,
            )
        finally:
            self.solves += self.oracle.solves - before
        return None if out is None else out[0]

    # ----- one judgment ------------------------------------------------------------------------------
    def break_even(self, index: int, concept: str = "nash") -> BreakEven:
        cu = uncertainty_of(self.cs)
        t0 = float(cu.point[index])
        start = self.solves
        dirs = []
        for end in (float(cu.bounds[index, 0]), float(cu.bounds[index, 1])):
            steps = math.floor(abs(end - t0) / self.resolution + 1e-9)
            if steps >= 1:
                dirs.append((1 if end > t0 else -1, steps))
        # the direction with the nearer estimate first; the other only needs to look nearer than it
        # (on equal distance the low direction wins, as the values are compared low first)
        est = [self.estimate(index, sign, steps) for sign, steps in dirs]
        order = sorted(range(len(dirs)), key=lambda d: (est[d] is None, est[d] or 0, dirs[d][0]))
        best: tuple[int, int, list[IntArray] | None] | None = None  # (sign, k, beaters)
        try:
            for d in order:
                sign, steps = dirs[d]
                if best is not None:
                    steps = min(steps, best[1] if sign < 0 else best[1] - 1)
                    if steps < 1:
                        continue
                found = self.direction(index, sign, steps)
                if found is not None:
                    best = (sign, found[0], found[1])
            if best is None:
                return BreakEven(None, None, self.solves - start)
            sign, k, beaters = best
            value = round(t0 + sign * k * self.resolution, 9)
            if beaters is not None:
                sh = self.shift(index, sign * k * self.step)
                prods = [self.oracle.product(r, sh) for r in beaters]
                top = max(prods)
                new = min(tuple(int(v) for v in r) for r, n in zip(beaters, prods, strict=True) if n == top)
                return BreakEven(value, self.cs.choices_to_ids(np.asarray(new)), self.solves - start)
            ok, pkg = selects(with_judgment(self.cs, index, value), concept, self.package)
            self.solves += 1
            if ok:  # p* kept at a zero gain (no package gives every party a strict gain): bisect
                raise OracleUndecided("p* is still selected with a zero gain")
            if pkg is not None:
                self.learn(pkg)
            return BreakEven(value, None if pkg is None else self.cs.choices_to_ids(pkg), self.solves - start)
        except OracleUndecided:
            be = bisect_break_even(
                self.cs, concept, self.package, index, resolution=self.resolution, pool=self.pool
            )
            return BreakEven(be.value, be.new_package, self.solves - start + be.solves)


def nash_break_evens(
    cs: CompiledScenario,
    package: IntArray,
    *,
    resolution: float = RESOLUTION,
    pool: list[IntArray] | None = None,
) -> NashBreakEvens | None:
    """The exact Nash break-even search for p* = ``package``, or None when it does not apply (values,
    reservations, disagreement points or the grid not exact at one integer scale, p* without a strict
    gain for some party, weights with too many decimals)."""
    from detente.analysis.methods.cpsat_model import integer_scale
    from detente.errors import DetenteError
    from detente.uncertainty.nash_oracle import build_oracle

    cu = uncertainty_of(cs)
    n_in = cu.n_judgments + cu.n_reservations
    numbers = np.concatenate(
        [cs.values.ravel(), cs.reservation, cs.disagreement, cu.point[:n_in], np.asarray([resolution])]
    )
    s = integer_scale(numbers)
    scaled = numbers * s
    if not np.all(np.abs(scaled - np.round(scaled)) <= 1e-6) or float(np.abs(scaled).max(initial=0.0)) > 1e9:
        return None
    span = np.zeros(cs.n_parties, dtype=np.int64)
    for j in range(n_in):
        i = int(cu.judgment_party[j]) if j < cu.n_judgments else int(cu.reservation_party[j - cu.n_judgments])
        reach = float(np.abs(cu.bounds[j] - cu.point[j]).max()) + resolution
        span[i] = max(int(span[i]), math.ceil(reach * s))
    try:
        oracle = build_oracle(cs, s, span)
    except DetenteError:
        return None
    ctx = NashBreakEvens(cs, np.asarray(package, dtype=np.int64), resolution, oracle, round(resolution * s))
    zero = np.zeros(cs.n_parties, dtype=np.int64)
    if not ctx.holds(Shift(-1, 0, 0, zero, zero)):
        return None
    for r in pool or []:
        ctx.learn(np.asarray(r, dtype=np.int64))
    return ctx


def break_even(
    cs: CompiledScenario,
    concept: str,
    package: IntArray,
    index: int,
    *,
    resolution: float = RESOLUTION,
    pool: list[IntArray] | None = None,
    nash: NashBreakEvens | None = None,
) -> BreakEven:
    """The break-even value of continuous input ``index`` (module docstring): exact crossings for Nash
    (``nash``: a search built once and shared across judgments), bisection otherwise."""
    if concept == "nash":
        ctx = nash if nash is not None else nash_break_evens(cs, package, resolution=resolution, pool=pool)
        if ctx is not None:
            return ctx.break_even(index, concept)
    return bisect_break_even(cs, concept, package, index, resolution=resolution, pool=pool)
