"""The compromise model (Achen 2006; van den Bos 1991): the outcome is the capability × salience
weighted mean of the positions, x̂ = Σ c_i s_i x_i / Σ c_i s_i. Static: one round, nobody moves."""

from __future__ import annotations

import numpy as np

from detente.forecast.issue import Issue
from detente.forecast.stats import weighted_mean
from detente.forecast.trajectory import Trajectory


def compromise(issue: Issue) -> Trajectory:
    """The weighted mean as a one-step trajectory (positions unchanged)."""
    x = issue.position
    return Trajectory(
        positions=np.vstack([x, x]),
        outcome=np.full(2, weighted_mean(x, issue.weight)),
        converged=True,
    )
