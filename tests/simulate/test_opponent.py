"""The frequency opponent model and the rank correlation that judges it."""

from __future__ import annotations

import numpy as np
import pytest

from detente.simulate.opponent import FrequencyModel, ranks, spearman
from detente.simulate.run import simulate


def test_ranks_average_ties() -> None:
    assert ranks(np.array([10.0, 20.0, 20.0, 5.0])).tolist() == [2.0, 3.5, 3.5, 1.0]


def test_spearman_known_values() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert spearman(a, a * 3 + 1) == pytest.approx(1.0)
    assert spearman(a, -a) == pytest.approx(-1.0)
    # hand-computed: ranks (1,2,3,4,5) vs (2,1,4,3,5): d² = 1+1+1+1+0 = 4, ρ = 1 − 6·4/(5·24) = 0.8
    assert spearman(a, np.array([2.0, 1.0, 4.0, 3.0, 5.0])) == pytest.approx(0.8)
    assert spearman(a, np.ones(5)) == 0.0  # a uniform guess carries no information


def test_model_counts_and_weights(three_party) -> None:
    m = FrequencyModel(three_party)
    first = np.array([2, 0, 1, 1, 1])
    m.observe(first)
    m.observe(np.array([2, 1, 1, 0, 1]))  # cap, trade, talks unchanged → their weights rise
    w = m.weights
    assert w.sum() == pytest.approx(1.0)
    assert w[0] == w[2] == w[4] > w[1] == w[3]
    values = m.option_values()
    assert values[three_party.option_index("cap", "mid")] == pytest.approx(w[0])


@pytest.mark.slow
def test_learner_beats_a_uniform_guess(anac) -> None:
    """Against time-based opponents, the learned utilities rank packages like the true ones (ρ > 0),
    where a uniform model (every package equal) has ρ = 0."""
    rhos = []
    for cs in anac:
        for other in ("boulware", "linear"):
            for names in (["learner", other], [other, "learner"]):
                sim = simulate(cs, names, rounds=100, seed=0)
                (row,) = sim.learned.values()
                rhos.extend(row.values())
    assert np.mean(rhos) > 0.3
    assert sum(r > 0 for r in rhos) >= 0.75 * len(rhos)
