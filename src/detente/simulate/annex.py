"""The brief annex's "played out" material for a recommended package: how talks and implementation fare.

* **Agreement rates by strategy mix** — for each protocol and each mix (every party plays the same
  strategy), the share of negotiations that end in agreement when each party in turn moves first
  (P negotiations per mix; the strategies are deterministic, so the first mover is what varies), and the
  mean rounds to agreement.
* **Completion of the package's roadmaps** — the implementation game
  (:func:`~detente.simulate.implementation.simulate_roadmap`) on the big-for-big, step-by-step and
  optimized roadmaps of the recommended package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.model.compiled import CompiledScenario
from detente.simulate.game import Rules
from detente.simulate.implementation import RoadmapGame, simulate_roadmap
from detente.simulate.run import play

ANNEX_STRATEGIES = ("boulware", "linear", "conceder", "learner")
ANNEX_PROTOCOLS = ("alternating", "mediated")


@dataclass(frozen=True)
class MixRate:
    protocol: str
    mix: str
    negotiations: int
    agreement_rate: float
    mean_rounds: float | None


@dataclass(frozen=True)
class PlayedOut:
    """Agreement rates by strategy mix and completion probabilities of the package's roadmaps."""

    rates: tuple[MixRate, ...]
    roadmaps: RoadmapGame
    rounds: int

    def to_json(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds,
            "agreement_rates": [
                {
                    "protocol": r.protocol,
                    "mix": r.mix,
                    "negotiations": r.negotiations,
                    "agreement_rate": round(r.agreement_rate, 4),
                    "mean_rounds": None if r.mean_rounds is None else round(r.mean_rounds, 2),
                }
                for r in self.rates
            ],
            "roadmaps": [
                {
                    "strategy": p.strategy,
                    "completion": round(p.completion, 4),
                    "self_enforcing": p.self_enforcing,
                }
                for p in self.roadmaps.plays
            ],
        }

    def sentences(self) -> list[str]:
        """Plain-words lines for the annex."""
        out = []
        for proto in dict.fromkeys(r.protocol for r in self.rates):
            parts = [f"{r.mix} {r.agreement_rate:.0%}" for r in self.rates if r.protocol == proto]
            out.append(
                f"Agreement rate with {proto} talks, by strategy of all parties: " + ", ".join(parts) + "."
            )
        parts = [f"{p.strategy} {p.completion:.0%}" for p in self.roadmaps.plays]
        out.append(
            f"Probability the roadmap completes ({self.roadmaps.runs} plays, opportunist parties): "
            + ", ".join(parts)
            + "."
        )
        return out


def played_out(
    cs: CompiledScenario,
    choices: npt.ArrayLike | None = None,
    *,
    strategies: Sequence[str] = ANNEX_STRATEGIES,
    protocols: Sequence[str] = ANNEX_PROTOCOLS,
    rounds: int = 100,
    runs: int = 500,
    seed: int = 0,
) -> PlayedOut:
    """The "played out" annex material for package ``choices`` (default: the Nash package)."""
    rules = Rules(rounds=rounds)
    rates = []
    for proto in protocols:
        for name in strategies:
            outcomes = [
                play(cs, [name] * cs.n_parties, rules, seed, protocol=proto, first=first)[0]
                for first in range(cs.n_parties)
            ]
            agreed = [o.rounds for o in outcomes if o.agreement]
            rates.append(
                MixRate(
                    proto,
                    f"all {name}",
                    len(outcomes),
                    len(agreed) / len(outcomes),
                    float(np.mean(agreed)) if agreed else None,
                )
            )
    game = simulate_roadmap(cs, choices, runs=runs, seed=seed)
    return PlayedOut(tuple(rates), game, rounds)
