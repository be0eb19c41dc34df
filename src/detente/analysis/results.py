"""Result types shared by every analysis algorithm.

Every answer says which ``method`` produced it (e.g. ``"enumeration"``, ``"cp-sat"``,
``"cp-sat+log-table"``), whether it is proven ``optimal``, and the ``gap`` (absolute, in the
concept's objective units) when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

Concept = Literal["nash", "ks", "egalitarian", "welfare"]
CONCEPTS: tuple[Concept, ...] = ("nash", "ks", "egalitarian", "welfare")

#: Two objective values within this (absolute, after scaling to the largest |u|) count as tied.
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Package:
    """One package: a local option index per move (shape (M,)) and each party's utility (shape (P,))."""

    choices: npt.NDArray[np.int64]
    utilities: npt.NDArray[np.float64]

    def to_json(self, cs: CompiledScenario) -> dict[str, Any]:
        """``{"choices": {move id: option id}, "utilities": {party id: number}}``."""
        return {
            "choices": cs.choices_to_ids(self.choices),
            "utilities": {pid: float(self.utilities[i]) for i, pid in enumerate(cs.party_ids)},
        }


@dataclass(frozen=True, eq=False)
class SolveResult:
    """The packages that a solution concept selects (every tied package, not one at random)."""

    concept: str
    method: str
    optimal: bool
    gap: float | None
    packages: list[Package]
    objective: float | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self, cs: CompiledScenario) -> dict[str, Any]:
        return {
            "concept": self.concept,
            "method": self.method,
            "optimal": self.optimal,
            "gap": self.gap,
            "objective": self.objective,
            "packages": [p.to_json(cs) for p in self.packages],
            "notes": list(self.notes),
            "seconds": self.seconds,
        }


@dataclass(frozen=True, eq=False)
class FrontierResult:
    """Pareto frontier of the acceptable packages.

    ``exact`` is True when every frontier point was found (enumeration, the exact dynamic program, or
    an epsilon-constraint run that finished within its budget); ``truncated`` when a point budget cut
    the list. ``utilities`` has shape (N, P) aligned with ``packages``.
    """

    method: str
    exact: bool
    truncated: bool
    packages: list[Package]
    n_acceptable: int | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def utilities(self) -> npt.NDArray[np.float64]:
        if not self.packages:
            return np.zeros((0, 0))
        return np.vstack([p.utilities for p in self.packages])
