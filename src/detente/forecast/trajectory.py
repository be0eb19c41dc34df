"""The output of one model run on one issue: positions and the forecast, round by round."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.model.compiled import FloatArray

if TYPE_CHECKING:
    from detente.forecast.issue import Issue


@dataclass(frozen=True, eq=False)
class Trajectory:
    """``positions[t, i]``: actor i's position after round t (t = 0 is the input), on the issue's scale;
    ``outcome[t]``: the model's forecast after round t. ``converged`` is True when the last round moved
    no position by more than the model's tolerance (False: the round limit stopped it)."""

    positions: FloatArray
    outcome: FloatArray
    converged: bool

    @property
    def rounds(self) -> int:
        return int(self.outcome.shape[0]) - 1

    @property
    def forecast(self) -> float:
        return float(self.outcome[-1])


def iterate(
    issue: Issue,
    step: Callable[[FloatArray, FloatArray, FloatArray], FloatArray],
    forecast: Callable[[FloatArray, FloatArray], float],
    *,
    max_rounds: int,
    tol: float,
) -> Trajectory:
    """Run a round-based model on ``issue``: positions x on [0, 1], salience s = salience/100 and weight
    w = capability · s; each round ``x ← step(x, s, w)`` and the forecast is ``forecast(x, w)``. Stops
    when no position moves by more than ``tol`` (converged) or after ``max_rounds``."""
    x = issue.normalised()
    s = issue.salience / 100.0
    w = issue.capability * s
    path = [x]
    outcome = [forecast(x, w)]
    converged = False
    for _ in range(max_rounds):
        new = step(path[-1], s, w)
        path.append(new)
        outcome.append(forecast(new, w))
        if np.max(np.abs(new - path[-2])) <= tol:
            converged = True
            break
    return Trajectory(
        positions=issue.to_scale(np.vstack(path)),
        outcome=issue.to_scale(np.asarray(outcome)),
        converged=converged,
    )
