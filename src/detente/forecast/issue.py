"""One spatial issue: the input every forecasting model consumes.

An issue has n actors, each with a capability c_i ≥ 0 (clout, power), a position x_i on the issue's
scale ``[lo, hi]`` and a salience s_i ∈ [0, 100] (how much the issue matters to the actor). Models
work on the normalised position x̃_i = (x_i − lo)/(hi − lo) ∈ [0, 1] and the salience share
s_i/100; results are reported back on the issue's own scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.model.compiled import FloatArray


@dataclass(frozen=True, eq=False)
class Issue:
    """A single-issue table: actor names, capability, position and salience (0–100), and the scale."""

    name: str
    actors: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    scale: tuple[float, float]

    def __post_init__(self) -> None:
        n = len(self.actors)
        for field in ("capability", "position", "salience"):
            arr = getattr(self, field)
            if arr.shape != (n,):
                raise DetenteError(f"issue '{self.name}': {field} has shape {arr.shape}, expected ({n},)")
        if n == 0:
            raise DetenteError(f"issue '{self.name}' has no actors")
        lo, hi = self.scale
        if not hi >= lo:
            raise DetenteError(f"issue '{self.name}': scale ({lo}, {hi}) is empty")

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def weight(self) -> FloatArray:
        """w_i = c_i · s_i, the weight of actor i in the compromise model and in votes."""
        return self.capability * self.salience

    @property
    def span(self) -> float:
        """hi − lo (1 when the scale is a single point, so normalising never divides by zero)."""
        lo, hi = self.scale
        return hi - lo if hi > lo else 1.0

    def normalised(self) -> FloatArray:
        """x̃_i = (x_i − lo)/(hi − lo)."""
        return (self.position - self.scale[0]) / self.span

    def to_scale(self, x: FloatArray | float) -> FloatArray:
        """A normalised position (or array) back on the issue's scale."""
        return np.asarray(x, dtype=np.float64) * self.span + self.scale[0]

    def with_inputs(
        self, *, capability: FloatArray | None = None, salience: FloatArray | None = None
    ) -> Issue:
        """The same issue with replaced capabilities or saliences (used by perturbation and fitting)."""
        return Issue(
            self.name,
            self.actors,
            self.capability if capability is None else capability,
            self.position,
            self.salience if salience is None else salience,
            self.scale,
        )


def make_issue(
    actors: list[str] | tuple[str, ...],
    capability: list[float] | FloatArray,
    position: list[float] | FloatArray,
    salience: list[float] | FloatArray,
    *,
    name: str = "issue",
    scale: tuple[float, float] | None = None,
) -> Issue:
    """An :class:`Issue` from plain lists; the scale defaults to the range of the held positions."""
    x = np.asarray(position, dtype=np.float64)
    return Issue(
        name,
        tuple(actors),
        np.asarray(capability, dtype=np.float64),
        x,
        np.asarray(salience, dtype=np.float64),
        scale if scale is not None else (float(x.min()), float(x.max())) if x.size else (0.0, 1.0),
    )
