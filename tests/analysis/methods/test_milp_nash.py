"""The HiGHS cutting-plane Nash solution (detente.analysis.methods.milp_nash) against exact brute force on small
random scenarios with 12-decimal values, party weights and forced ties (interchangeable options)."""

from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from detente.analysis import solve as sv
from detente.analysis.methods.milp_nash import expand, interchangeable, solve_nash_milp
from detente.model.compiled import CompiledScenario
from tests.analysis._instances import build

# 12-decimal values, 0 or of magnitude ≥ 10⁻⁶: every value stays above 10⁻⁹ of its party's scale, the
# smallest coefficient HiGHS keeps (smaller ones make ties within 10⁻¹¹ invisible to it)
TWELVE = st.one_of(
    st.just(0.0),
    st.integers(10**6, 6 * 10**12).map(lambda n: n / 10**12),
    st.integers(10**6, 3 * 10**12).map(lambda n: -n / 10**12),
)


@st.composite
def real_valued(draw: Any) -> CompiledScenario:
    """2–3 parties, 2–5 moves of 2–3 options with 12-decimal values; an option sometimes duplicates
    another (tied packages); integer or half-integer weights."""
    n_p = draw(st.integers(2, 3))
    values = []
    for _ in range(draw(st.integers(2, 5))):
        opts = [[draw(TWELVE) for _ in range(n_p)] for _ in range(draw(st.integers(2, 3)))]
        if draw(st.booleans()):
            opts[-1] = list(opts[0])  # an interchangeable option: every package with it has a twin
        values.append(opts)
    reservation = [draw(st.integers(-20, 10)) / 10 for _ in range(n_p)]
    cs = build(values, reservation)
    weights = [draw(st.sampled_from([1.0, 2.0, 0.5, 1.5])) for _ in range(n_p)]
    return dataclasses.replace(cs, weight=np.asarray(weights))


def brute_nash(cs: CompiledScenario) -> tuple[Fraction | None, set[tuple[int, ...]]]:
    """(best Π g_i^{2·w_i} exactly, packages within a relative 10⁻⁹ of it) over acceptable packages
    with every gain > 0, in fractions of the values' decimals."""
    exps = [int(round(2 * float(w))) for w in cs.weight]  # 2·w is an integer: same maximisers and ties
    scored = []
    for c in itertools.product(*(range(int(n)) for n in cs.n_options)):
        if not cs.acceptable(list(c))[0]:
            continue
        g = [
            sum(Fraction(repr(float(cs.values[int(cs.offsets[k]) + j, i]))) for k, j in enumerate(c))
            - Fraction(repr(float(cs.disagreement[i])))
            for i in range(cs.n_parties)
        ]
        if all(x > 0 for x in g):
            prod = Fraction(1)
            for x, e in zip(g, exps, strict=True):
                prod *= x**e
            scored.append((c, prod, g))
    if not scored:
        return None, set()
    best = max(p for _, p, _ in scored)
    # products within 10⁻⁹ relative tie (2w exponents: compare the squares' root by the same rule)
    ties = {c for c, p, _ in scored if p >= best * (1 - Fraction(1, 10**9)) ** 2}
    return best, ties


def gains_clear_of_zero(cs: CompiledScenario) -> bool:
    """No acceptable package has a gain in (−10⁻⁶, 10⁻⁶) \\ {0}: the strict-gain floor τ·U is not tested here."""
    for c in itertools.product(*(range(int(n)) for n in cs.n_options)):
        if cs.acceptable(list(c))[0]:
            g = cs.utilities(np.asarray(c)) - cs.disagreement
            if np.any((np.abs(g) <= 1e-6) & (g != 0)):
                return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs=real_valued())
def test_milp_nash_matches_exact_brute_force(cs: CompiledScenario) -> None:
    assume(gains_clear_of_zero(cs))
    best, ties = brute_nash(cs)
    result = solve_nash_milp(cs, tie_limit=1000)
    if best is None:
        assert result is None  # no package gives every party a strict gain: handed to CP-SAT
        return
    assert result is not None and result.optimal
    assert {tuple(int(v) for v in p.choices) for p in result.packages} == ties
    assert result.objective == pytest.approx(np.sqrt(float(best)), rel=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs=real_valued())
def test_auto_and_milp_agree_with_cpsat_on_the_winner(cs: CompiledScenario) -> None:
    """Through the public API (method="milp" falls back to CP-SAT when the loop hands over)."""
    assume(gains_clear_of_zero(cs))
    best, ties = brute_nash(cs)
    r = sv.solve(cs, "nash", method="milp")
    if best is not None:
        assert r.optimal and {tuple(int(v) for v in p.choices) for p in r.packages} == ties
    else:
        assert r.packages == [] or r.method.startswith("cp-sat")


def test_interchangeable_options_are_expanded_into_ties() -> None:
    # m0: o0 and o2 are identical for everyone; m1 decides the split
    cs = build([[[1.0, 1.0], [0.0, 2.0], [1.0, 1.0]], [[1.5, 1.5], [0.0, 0.0]]], [0.0, 0.0])
    assert interchangeable(cs) == {0: [[0, 2]]}
    got = {tuple(int(v) for v in c) for c in expand([np.asarray([0, 0])], interchangeable(cs), 10)}
    assert got == {(0, 0), (2, 0)}
    r = solve_nash_milp(cs)
    assert r is not None and r.optimal
    assert {tuple(int(v) for v in p.choices) for p in r.packages} == {(0, 0), (2, 0)}
    assert r.objective == pytest.approx(2.5 * 2.5)


def test_tie_list_is_capped_and_says_so() -> None:
    cs = build([[[1.0, 1.0], [1.0, 1.0]]] * 4, [0.0, 0.0])  # 16 packages, all tied at (4, 4)
    r = solve_nash_milp(cs, tie_limit=5)
    assert r is not None and r.optimal and len(r.packages) == 5
    assert any("capped at 5" in n for n in r.notes)


def test_no_strict_gain_is_handed_to_cpsat() -> None:
    cs = build([[[0.0, 0.0], [1.0, 0.0]]], [0.0, 0.0])  # p1 never gains
    assert solve_nash_milp(cs) is None
    r = sv.solve(cs, "nash", method="milp")
    assert r.optimal and r.method.startswith("cp-sat")
    assert {tuple(int(v) for v in p.choices) for p in r.packages} == {(1,)}


@pytest.mark.slow
def test_auto_proves_a_large_twelve_decimal_instance() -> None:
    """2^30 packages × 6 parties with 12-decimal values: ``auto`` picks the HiGHS loop and proves it;
    CP-SAT (values rounded to its integer scale) finds a package with the same Nash product."""
    rng = np.random.default_rng(7)
    values = [[[0.0] * 6, [float(v) for v in np.round(rng.uniform(-1, 3, 6), 12)]] for _ in range(30)]
    cs = build(values, [0.5] * 6)
    r = sv.solve(cs, "nash")
    assert r.method == "milp+log-tangents" and r.optimal and len(r.packages) == 1
    c = sv.solve(cs, "nash", method="cp-sat", time_limit=20)
    assert c.objective == pytest.approx(r.objective, rel=1e-6)
