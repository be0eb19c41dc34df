"""Tournaments: every strategy against every other, roles rotated, on every scenario, repeated.

For strategies S, a scenario with P parties and each ordered pair (a, b) ∈ S × S (a = b: self-play), and
each role r = 1 … P, party r plays a and every other party plays b; identical line-ups (e.g. (a, b) with
a in role 2 and (b, a) with b in role 1 when P = 2) are played once. Each line-up is repeated
``repetitions`` times; negotiation n gets the n-th child of ``SeedSequence(seed)``
(:func:`~detente.simulate.chunks.task_seeds`), so results do not depend on where it runs.

Per strategy, over every party that played it: ``mean_utility`` (utility on the party's scale, 0 = its
reservation value, 1 = its best feasible package; no deal scores its reservation value),
``agreement_rate``, ``mean_rounds`` (rounds to agreement, agreements only), ``distance_to_nash`` (mean
over agreements, :mod:`~detente.simulate.metrics`) and, for learning strategies, ``rank_correlation``
(mean Spearman ρ between learned and true utilities of its opponents). ``matrix[a][b]`` is the mean
utility of a's parties in line-ups of a against b.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, FloatArray
from detente.simulate.chunks import run_chunks, task_seeds
from detente.simulate.game import Rules
from detente.simulate.metrics import distance_to_nash, scaled
from detente.simulate.run import learned_correlations, play
from detente.simulate.strategies import STRATEGIES

DEFAULT_STRATEGIES = ("boulware", "linear", "conceder", "tit-for-tat", "hardliner", "learner")


@dataclass(frozen=True)
class Task:
    scenario: int
    names: tuple[str, ...]
    seed: np.random.SeedSequence


@dataclass(frozen=True)
class TaskResult:
    scenario: int
    names: tuple[str, ...]
    agreement: bool
    rounds: int
    scaled: FloatArray
    distance_to_nash: float | None
    correlations: dict[int, float]


def lineups(strategies: Sequence[str], n_parties: int) -> list[tuple[str, ...]]:
    """Every distinct line-up of the module docstring, in a fixed order."""
    seen: dict[tuple[str, ...], None] = {}
    for a in strategies:
        for b in strategies:
            for r in range(n_parties):
                names = [b] * n_parties
                names[r] = a
                seen.setdefault(tuple(names), None)
    return list(seen)


def play_task(scenarios: Sequence[CompiledScenario], rules: Rules, protocol: str, task: Task) -> TaskResult:
    """One negotiation of the tournament (a module-level function, so Dask can ship it)."""
    cs = scenarios[task.scenario]
    outcome, objs = play(cs, task.names, rules, task.seed, protocol=protocol)
    u = outcome.utilities if outcome.utilities is not None else cs.reservation
    corr = {i: float(np.mean(list(row.values()))) for i, row in learned_correlations(cs, objs).items() if row}
    return TaskResult(
        scenario=task.scenario,
        names=task.names,
        agreement=outcome.agreement,
        rounds=outcome.rounds,
        scaled=scaled(cs, u),
        distance_to_nash=distance_to_nash(cs, outcome.utilities) if outcome.utilities is not None else None,
        correlations=corr,
    )


@dataclass(frozen=True)
class StrategyScore:
    strategy: str
    learns_opponent: bool
    negotiations: int
    mean_utility: float
    agreement_rate: float
    mean_rounds: float | None
    distance_to_nash: float | None
    rank_correlation: float | None


@dataclass(frozen=True)
class TournamentResult:
    scenarios: tuple[str, ...]
    strategies: tuple[StrategyScore, ...]
    matrix: FloatArray  # mean utility of row strategy against column strategy
    agreement_matrix: FloatArray
    results: tuple[TaskResult, ...]
    repetitions: int
    rounds: int
    protocol: str
    seed: int

    @property
    def negotiations(self) -> int:
        return len(self.results)

    def agreement_times(self) -> dict[str, list[float]]:
        """Per strategy: the normalised time (rounds / max rounds) of every agreement it took part in."""
        out: dict[str, list[float]] = {s.strategy: [] for s in self.strategies}
        for r in self.results:
            if r.agreement:
                for name in set(r.names):
                    out[name].append(r.rounds / self.rounds)
        return out

    def to_json(self) -> dict[str, Any]:
        names = [s.strategy for s in self.strategies]

        def rnd(x: float | None, d: int = 4) -> float | None:
            return None if x is None else round(float(x), d)

        return {
            "scenarios": list(self.scenarios),
            "protocol": self.protocol,
            "rounds": self.rounds,
            "repetitions": self.repetitions,
            "seed": self.seed,
            "negotiations": self.negotiations,
            "strategies": [
                {
                    "strategy": s.strategy,
                    "learns_opponent": s.learns_opponent,
                    "negotiations": s.negotiations,
                    "mean_utility": rnd(s.mean_utility),
                    "agreement_rate": rnd(s.agreement_rate),
                    "mean_rounds": rnd(s.mean_rounds, 2),
                    "distance_to_nash": rnd(s.distance_to_nash),
                    "rank_correlation": rnd(s.rank_correlation),
                }
                for s in self.strategies
            ],
            "matrix": {
                a: {b: rnd(self.matrix[i, j]) for j, b in enumerate(names)} for i, a in enumerate(names)
            },
        }


def _summarise(
    strategies: Sequence[str], results: Sequence[TaskResult]
) -> tuple[list[StrategyScore], FloatArray, FloatArray]:
    idx = {s: n for n, s in enumerate(strategies)}
    k = len(strategies)
    util: list[list[float]] = [[] for _ in range(k)]
    agree: list[list[bool]] = [[] for _ in range(k)]
    rounds: list[list[int]] = [[] for _ in range(k)]
    dist: list[list[float]] = [[] for _ in range(k)]
    corr: list[list[float]] = [[] for _ in range(k)]
    cell_sum = np.zeros((k, k))
    cell_n = np.zeros((k, k))
    cell_agree = np.zeros((k, k))
    for r in results:
        distinct = set(r.names)
        for i, name in enumerate(r.names):
            a = idx[name]
            util[a].append(float(r.scaled[i]))
            agree[a].append(r.agreement)
            if r.agreement:
                rounds[a].append(r.rounds)
                if r.distance_to_nash is not None:
                    dist[a].append(r.distance_to_nash)
            if i in r.correlations:
                corr[a].append(r.correlations[i])
            # line-ups hold at most two strategies: the opponent is the other one (itself in self-play)
            b = idx[next((n for n in distinct if n != name), name)]
            cell_sum[a, b] += float(r.scaled[i])
            cell_n[a, b] += 1
            cell_agree[a, b] += r.agreement
    scores = []
    for s in strategies:
        a = idx[s]
        scores.append(
            StrategyScore(
                strategy=s,
                learns_opponent=STRATEGIES[s].learns_opponent,
                negotiations=len(util[a]),
                mean_utility=float(np.mean(util[a])) if util[a] else 0.0,
                agreement_rate=float(np.mean(agree[a])) if agree[a] else 0.0,
                mean_rounds=float(np.mean(rounds[a])) if rounds[a] else None,
                distance_to_nash=float(np.mean(dist[a])) if dist[a] else None,
                rank_correlation=float(np.mean(corr[a])) if corr[a] else None,
            )
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = np.where(cell_n > 0, cell_sum / np.maximum(cell_n, 1), np.nan)
        agreement = np.where(cell_n > 0, cell_agree / np.maximum(cell_n, 1), np.nan)
    return scores, matrix, agreement


def tournament(
    scenarios: Sequence[CompiledScenario] | CompiledScenario,
    strategies: Sequence[str] = DEFAULT_STRATEGIES,
    *,
    repetitions: int = 3,
    rounds: int = 100,
    protocol: str = "alternating",
    seed: int = 0,
    scheduler: str | None = None,
    on_done: Callable[[], None] | None = None,
) -> TournamentResult:
    """Run the tournament of the module docstring (``scheduler``: see :func:`~detente.simulate.chunks.run_chunks`)."""
    if isinstance(scenarios, CompiledScenario):
        scenarios = [scenarios]
    if not scenarios:
        raise DetenteError("a tournament needs at least one scenario")
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise DetenteError(f"unknown strategy '{unknown[0]}': choose among {', '.join(STRATEGIES)}")
    if len(set(strategies)) != len(strategies) or not strategies:
        raise DetenteError("list each strategy once (at least one)")
    if repetitions < 1:
        raise DetenteError(f"repetitions must be at least 1 (got {repetitions})")
    rules = Rules(rounds=rounds)
    specs = [
        (n, names)
        for n, cs in enumerate(scenarios)
        for _ in range(repetitions)
        for names in lineups(strategies, cs.n_parties)
    ]
    seeds = task_seeds(seed, len(specs))
    tasks = [Task(n, names, s) for (n, names), s in zip(specs, seeds, strict=True)]
    fn = functools.partial(play_task, tuple(scenarios), rules, protocol)
    results = run_chunks(fn, tasks, scheduler, on_done=on_done)
    scores, matrix, agreement = _summarise(strategies, results)
    return TournamentResult(
        scenarios=tuple(cs.scenario.meta.title for cs in scenarios),
        strategies=tuple(scores),
        matrix=matrix,
        agreement_matrix=agreement,
        results=tuple(results),
        repetitions=repetitions,
        rounds=rounds,
        protocol=protocol,
        seed=seed,
    )


def n_negotiations(scenarios: Sequence[CompiledScenario], strategies: Sequence[str], repetitions: int) -> int:
    return sum(len(lineups(strategies, cs.n_parties)) for cs in scenarios) * repetitions
