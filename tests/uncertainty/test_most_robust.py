"""The SAA MILP finds the package that is acceptable to all in the most SAA draws (checked by brute force)."""

from __future__ import annotations

import itertools

import numpy as np

from detente.model.compiled import CompiledScenario
from detente.uncertainty.most_robust import find_most_robust, saa_draws_for, saa_share
from detente.uncertainty.robust import robustness


def test_milp_matches_brute_force_over_every_package(relief: CompiledScenario) -> None:
    n = 150
    found = find_most_robust(relief, saa_draws=n, seed=4)
    vals, res = saa_draws_for(relief, n, 4)
    every = np.asarray(list(itertools.product(*[range(int(k)) for k in relief.n_options])), dtype=np.int64)
    shares = saa_share(relief, vals, res, every)
    assert found.optimal
    assert found.saa_probability == shares.max()
    assert abs(found.bound - shares.max()) < 1e-6
    assert bool(relief.feasible(found.choices[None, :])[0])
    # the best is strictly better than the Nash package here, so the search matters
    nash = relief.choices_from_ids(
        {"freeze": "yes", "dismantle": "yes", "relief": "full", "exercises": "suspend", "liaison": "yes"}
    )
    assert shares.max() > saa_share(relief, vals, res, nash[None, :])[0]


def test_reported_beside_the_concepts_on_fresh_draws(relief: CompiledScenario) -> None:
    out = robustness(relief, draws=30_000, seed=2, most_robust=True, saa_draws=120)
    mr = out.most_robust
    assert mr is not None
    labels = [r.label for r in mr.tradeoff]
    assert labels[0] == "most robust" and {"nash", "ks", "egalitarian"} <= set(labels)
    best = mr.tradeoff[0].acceptable_all
    assert all(best >= r.acceptable_all - 3 * (r.stderr_all + mr.tradeoff[0].stderr_all) for r in mr.tradeoff)
    assert mr.package.acceptable_all == best  # measured on the robustness draws, not the SAA draws
