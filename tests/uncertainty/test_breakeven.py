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
