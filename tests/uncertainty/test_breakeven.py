"""Break-even values flip the concept's package: just before it the solver keeps p*, at it p* goes."""

from __future__ import annotations

import numpy as np
import pytest

from detente.analysis.solve import solve
from detente.model.compiled import CompiledScenario
from detente.uncertainty.breakeven import RESOLUTION, break_even, with_judgment
from detente.uncertainty.evaluation import uncertainty_of


def _selected(cs: CompiledScenario, concept: str) -> list[np.ndarray]:
    return [np.asarray(p.choices) for p in solve(cs, concept).packages]


@pytest.mark.parametrize("concept", ["nash", "egalitarian"])
def test_break_even_flips_the_package(relief: CompiledScenario, concept: str) -> None:
    cu = uncertainty_of(relief)
    pstar = _selected(relief, concept)[0]
    flips = 0
    for j in range(cu.n_judgments + cu.n_reservations):
        be = break_even(relief, concept, pstar, j)
        if be.value is None:
            lo, hi = cu.bounds[j]
            for end in (lo, hi):  # no change at either end of the range
                assert any(
                    np.array_equal(c, pstar) for c in _selected(with_judgment(relief, j, end), concept)
                )
            continue
        flips += 1
        t0 = float(cu.point[j])
        step = RESOLUTION if be.value > t0 else -RESOLUTION
        before = with_judgment(relief, j, be.value - step)
        beyond = with_judgment(relief, j, be.value)
        assert any(np.array_equal(c, pstar) for c in _selected(before, concept)), (j, be.value)
        assert not any(np.array_equal(c, pstar) for c in _selected(beyond, concept)), (j, be.value)
        now = _selected(beyond, concept)  # empty when no package is acceptable any more
        assert be.new_package == (relief.choices_to_ids(now[0]) if now else None)
        lo, hi = cu.bounds[j]
        assert lo <= be.value <= hi
    assert flips >= 2  # the fixture has judgments the recommendation rests on


def test_exact_crossings_agree_with_bisection(relief: CompiledScenario) -> None:
    """The Nash exact-crossing search gives the bisection's value and package on every judgment, with
    fewer solver calls in total."""
    from detente.uncertainty.breakeven import bisect_break_even, nash_break_evens

    cu = uncertainty_of(relief)
    pstar = _selected(relief, "nash")[0]
    fast = nash_break_evens(relief, pstar)
    assert fast is not None
    fast_solves = slow_solves = 0
    for j in range(cu.n_judgments + cu.n_reservations):
        a = fast.break_even(j)
        b = bisect_break_even(relief, "nash", pstar, j)
        assert (a.value, a.new_package) == (b.value, b.new_package), j
        fast_solves += a.solves
        slow_solves += b.solves
    assert fast_solves < slow_solves


@pytest.mark.slow
def test_flagship_break_evens_flip_the_solver() -> None:
    """On the flagship (~10^14 packages, the CP-SAT Nash solver): just before the break-even the
    solver keeps p*, at it the solver selects the reported package, for judgments with and without one."""
    from pathlib import Path

    import detente as dt
    from detente.uncertainty.breakeven import nash_break_evens

    root = Path(__file__).resolve().parents[2]
    cs = dt.compile_scenario(dt.load_scenario(root / "scenarios" / "korea-2019.yaml"))
    cu = uncertainty_of(cs)
    pstar = _selected(cs, "nash")[0]
    search = nash_break_evens(cs, pstar)
    assert search is not None
    flips = 0
    for j in (0, 1, 7):  # US and DPRK values on the test moratorium; a value outside p*
        be = search.break_even(j)
        if be.value is None:  # the solver keeps p* at both ends of the range
            for end in cu.bounds[j]:
                kept = _selected(with_judgment(cs, j, float(end)), "nash")
                assert any(np.array_equal(c, pstar) for c in kept), (j, end)
            continue
        flips += 1
        t0 = float(cu.point[j])
        step = RESOLUTION if be.value > t0 else -RESOLUTION
        assert any(np.array_equal(c, pstar) for c in _selected(with_judgment(cs, j, be.value - step), "nash"))
        now = _selected(with_judgment(cs, j, be.value), "nash")
        assert not any(np.array_equal(c, pstar) for c in now)
        assert be.new_package == cs.choices_to_ids(now[0])
    assert flips == 2


def test_undecided_question_falls_back_to_bisection(
    relief: CompiledScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the reusable model cannot decide a question within its work budget, the judgment is
    searched by bisection with the solver instead: the same answer, never a guess."""
    from detente.uncertainty.breakeven import bisect_break_even, nash_break_evens
    from detente.uncertainty.nash_oracle import NashOracle, OracleUndecided

    def undecided(*args: object, **kwargs: object) -> None:
        raise OracleUndecided("work budget spent")

    import detente.uncertainty.breakeven as module

    calls: list[int] = []

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return bisect_break_even(*args, **kwargs)  # type: ignore[arg-type]

    pstar = _selected(relief, "nash")[0]
    search = nash_break_evens(relief, pstar)
    assert search is not None
    monkeypatch.setattr(NashOracle, "find", undecided)
    monkeypatch.setattr(module, "bisect_break_even", counted)
    for j in (0, 1):  # US and KP on the freeze: both need a question
        a = search.break_even(j)
        b = bisect_break_even(relief, "nash", pstar, j)
        assert (a.value, a.new_package) == (b.value, b.new_package)
    assert len(calls) == 2
