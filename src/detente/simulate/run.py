"""One simulated negotiation: :func:`simulate` plays a protocol with one strategy per party.

Reproducible by seed: the protocol's chance events and every strategy's random stream come from
``numpy.random.default_rng(seed)`` (each strategy gets its own spawned stream), and every offer is a
deterministic CP-SAT answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario
from detente.simulate.game import MEDIATOR, Calendar, Outcome, Rules
from detente.simulate.metrics import distance_to_nash, nash_point, pareto_gap
from detente.simulate.opponent import rank_correlation, sample_packages
from detente.simulate.protocols import PROTOCOLS
from detente.simulate.strategies import STRATEGIES, Strategy, make_strategy

StrategySpec = str | Sequence[str] | Mapping[str, str]


def resolve_strategies(cs: CompiledScenario, spec: StrategySpec) -> list[str]:
    """One strategy name per party from ``NAME`` (everyone), ``{party id: NAME}`` (others: boulware), a
    list with one name per party, or CLI-style items ``NAME`` / ``PARTY=NAME`` (later items win)."""
    names = ["boulware"] * cs.n_parties
    if isinstance(spec, str):
        spec = [spec]
    if isinstance(spec, Mapping):
        items = [f"{k}={v}" for k, v in spec.items()]
    elif len(spec) == cs.n_parties and all("=" not in s for s in spec) and len(spec) > 1:
        items = [f"{pid}={s}" for pid, s in zip(cs.party_ids, spec, strict=True)]
    else:
        items = list(spec)
    for item in items:
        party, sep, name = item.partition("=")
        if not sep:
            name, party = party, ""
        if name not in STRATEGIES:
            raise DetenteError(f"unknown strategy '{name}': choose one of {', '.join(STRATEGIES)}")
        if not party:
            names = [name] * cs.n_parties
        elif party in cs.party_ids:
            names[cs.party_index(party)] = name
        else:
            raise DetenteError(
                f"unknown party '{party}' in --strategy {item}: the parties are {', '.join(cs.party_ids)}"
            )
    return names


@dataclass(frozen=True)
class Simulation:
    """A simulated negotiation and how good its outcome is (see :mod:`detente.simulate.metrics`).

    ``learned[i][j]`` is the Spearman rank correlation between the utilities party i's strategy learned
    for party j and j's true utilities (learning strategies only)."""

    cs: CompiledScenario
    strategies: tuple[str, ...]
    rules: Rules
    seed: int
    outcome: Outcome
    distance_to_pareto: float | None
    pareto_proven: bool
    distance_to_nash: float | None
    nash_method: str
    learned: dict[int, dict[int, float]]

    @property
    def agreement(self) -> bool:
        return self.outcome.agreement

    def to_json(self) -> dict[str, Any]:
        cs, o = self.cs, self.outcome
        pids = cs.party_ids

        def per_party(u: Any) -> dict[str, float]:
            return {pid: round(float(u[i]), 6) for i, pid in enumerate(pids)}

        package = None
        if o.agreement and o.choices is not None:
            package = {
                "choices": cs.choices_to_ids(o.choices),
                "utilities": per_party(o.utilities),
                "discounted_utilities": per_party(o.discounted),
            }
        trace = []
        for r in o.trace:
            entry: dict[str, Any] = {
                "round": r.round + 1,
                "party": "mediator" if r.party == MEDIATOR else pids[r.party],
                "action": r.action,
            }
            if r.choices is not None:
                entry["utilities"] = per_party(cs.utilities(r.choices))
                entry["choices"] = cs.choices_to_ids(r.choices)
            if r.move is not None:
                entry["move"] = cs.move_ids[r.move]
            trace.append(entry)
        cal = self.rules.calendar
        return {
            "scenario": cs.scenario.meta.title,
            "protocol": o.protocol,
            "strategies": dict(zip(pids, self.strategies, strict=True)),
            "seed": self.seed,
            "max_rounds": self.rules.rounds,
            "discount": self.rules.discount,
            "calendar": None
            if cal is None
            else {
                "days_per_round": cal.days_per_round,
                "deadline_day": cal.deadline_day,
                "breakdown": cal.breakdown,
            },
            "agreement": o.agreement,
            "reason": o.reason,
            "package": package,
            "rounds": o.rounds,
            "day": o.day,
            "reservation": per_party(cs.reservation),
            "distance_to_pareto": self.distance_to_pareto,
            "pareto_proven": self.pareto_proven,
            "distance_to_nash": self.distance_to_nash,
            "nash_method": self.nash_method,
            "learned_rank_correlation": {
                pids[i]: {pids[j]: round(rho, 4) for j, rho in row.items()} for i, row in self.learned.items()
            },
            "trace": trace,
        }


def play(
    cs: CompiledScenario,
    names: Sequence[str],
    rules: Rules,
    seed: int | np.random.SeedSequence,
    *,
    protocol: str = "alternating",
    first: int = 0,
) -> tuple[Outcome, list[Strategy]]:
    """Play one negotiation; returns the outcome and the strategy objects (with what they learned)."""
    cls = PROTOCOLS.get(protocol)
    if cls is None:
        raise DetenteError(f"unknown protocol '{protocol}': choose one of {', '.join(PROTOCOLS)}")
    strategies = [make_strategy(n) for n in names]
    outcome = cls(first=first).play(cs, strategies, rules, np.random.default_rng(seed))
    return outcome, strategies


def learned_correlations(cs: CompiledScenario, strategies: Sequence[Strategy]) -> dict[int, dict[int, float]]:
    sample = sample_packages(cs)
    out: dict[int, dict[int, float]] = {}
    for i, s in enumerate(strategies):
        models = s.learned()
        if models:
            out[i] = {j: rank_correlation(m, j, sample) for j, m in models.items()}
    return out


def simulate(
    cs: CompiledScenario,
    strategies: StrategySpec = "boulware",
    *,
    protocol: str = "alternating",
    rounds: int = 100,
    seed: int = 0,
    discount: float = 1.0,
    calendar: Calendar | None = None,
    first: int = 0,
) -> Simulation:
    """Simulate one negotiation of scenario ``cs`` (see :mod:`detente.simulate.protocols`).

    ``strategies``: a name for every party, ``{party id: name}`` or CLI-style ``["boulware",
    "DPRK=hardliner"]``; ``protocol``: ``alternating`` or ``mediated``; ``rounds``: the round deadline;
    ``discount``: δ; ``calendar``: a calendar deadline with breakdown probability; ``first``: the index
    of the party that moves first. Every agreement satisfies every rule and reservation value.
    """
    names = resolve_strategies(cs, strategies)
    rules = Rules(rounds=rounds, discount=discount, calendar=calendar)
    outcome, objs = play(cs, names, rules, seed, protocol=protocol, first=first)
    nash = nash_point(cs)
    gap = pareto_gap(cs, outcome.choices) if outcome.choices is not None else None
    return Simulation(
        cs=cs,
        strategies=tuple(names),
        rules=rules,
        seed=seed,
        outcome=outcome,
        distance_to_pareto=None if gap is None else round(gap.gap, 6),
        pareto_proven=bool(gap.proven) if gap is not None else False,
        distance_to_nash=None
        if outcome.utilities is None
        else (d if (d := distance_to_nash(cs, outcome.utilities)) is None else round(d, 6)),
        nash_method=nash.method,
        learned=learned_correlations(cs, objs),
    )
