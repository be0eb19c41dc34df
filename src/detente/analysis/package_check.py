"""Is a given package acceptable? Every rule it breaks and every party it leaves below its reservation.

A package x (one option per move) is **acceptable** when every compiled constraint holds
(``lo ≤ Σ coef·x ≤ hi``: red lines, prerequisites, exclusions, minimum content, count and implication
rules; :class:`~detente.model.compiled.LinearConstraint`) and every party gets u_i(x) ≥ r_i. This
module lists the failures in the scenario's own words, so a command that is handed a package (e.g.
``detente roadmap --package``) can refuse it naming the rule and the party instead of silently working
on a package no one would sign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario, IntArray

#: Utility shortfalls smaller than this count as meeting the reservation (floating-point noise).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class BrokenRule:
    """A rule the package breaks: ``kind`` and ``label`` as compiled, ``party`` the holder of a red line."""

    index: int
    kind: str
    label: str
    party: str | None


@dataclass(frozen=True)
class BelowReservation:
    """A party whose utility in the package is below its reservation value."""

    party: str
    name: str
    utility: float
    reservation: float


@dataclass(frozen=True)
class PackageCheck:
    """The result of :func:`check_package`; ``acceptable`` when both lists are empty."""

    broken: list[BrokenRule] = field(default_factory=list)
    below: list[BelowReservation] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        return not self.broken and not self.below

    def lines(self) -> list[str]:
        """One sentence per failure, naming the rule or the party."""
        out = [f"breaks {b.kind.replace('_', ' ')}: {b.label}" for b in self.broken]
        out += [
            f"{b.name} ({b.party}) gets {b.utility:g}, below its reservation value {b.reservation:g}"
            for b in self.below
        ]
        return out


def check_package(cs: CompiledScenario, choices: IntArray) -> PackageCheck:
    """Every constraint ``choices`` breaks and every party below its reservation (module docstring)."""
    c = np.asarray(choices, dtype=np.int64)
    if c.shape != (cs.n_moves,):
        raise ValueError(f"a package has one option index per move ({cs.n_moves}), got shape {c.shape}")
    x = cs.indicator(c)
    broken = [
        BrokenRule(n, con.kind, con.label, None if con.party is None else cs.party_ids[con.party])
        for n, con in enumerate(cs.constraints)
        if not bool(np.asarray(con.holds(x)).reshape(-1)[0])
    ]
    u = np.asarray(cs.utilities(c), dtype=np.float64).reshape(-1)
    below = [
        BelowReservation(cs.party_ids[i], cs.party_names[i], float(u[i]), float(cs.reservation[i]))
        for i in range(cs.n_parties)
        if u[i] < cs.reservation[i] - TOLERANCE
    ]
    return PackageCheck(broken, below)
