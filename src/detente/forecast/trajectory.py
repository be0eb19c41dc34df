"""The output of one model run on one issue: positions and the forecast, round by round."""

from __future__ import annotations

from dataclasses import dataclass

from detente.model.compiled import FloatArray


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
