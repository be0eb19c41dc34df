"""Descriptive statistics on small hand-checked cases."""

from __future__ import annotations

import numpy as np

from detente.forecast.stats import condorcet_winner, median_voter, weighted_mean, weighted_median


def test_weighted_mean_and_median_by_hand() -> None:
    x = [0.0, 10.0, 20.0]
    w = [1.0, 1.0, 3.0]
    assert weighted_mean(x, w) == 14.0  # (0 + 10 + 60) / 5
    assert weighted_median(x, w) == 20.0  # 3 of 5 at 20
    assert weighted_median(x, [2.0, 1.0, 1.0]) == 0.0  # exactly half at 0: the lower median
    assert weighted_mean(x, [0, 0, 0]) == 10.0  # no weight: the plain mean


def test_condorcet_winner_and_tie() -> None:
    assert condorcet_winner([0, 50, 100], [1, 1, 1]) == 50
    assert condorcet_winner([0, 100], [1, 1]) is None  # a tie: nobody beats everyone
    assert median_voter(np.array([0.0, 1.0]), np.array([1.0, 1.0])) in (0.0, 1.0)  # always defined
    # an intense minority does not overturn the weighted median when utilities are linear
    assert condorcet_winner([0, 0, 100], [1, 1, 1.9]) == 0
