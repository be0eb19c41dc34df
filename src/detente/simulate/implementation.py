"""The implementation game: a roadmap played phase by phase by parties that comply or defect.

A roadmap (:mod:`detente.roadmap`) puts the items of a package into phases. Before each phase t, every
party that owns items in it and has not yet defected **complies** (carries them out) or **defects**
(skips them and every later item of its own). The others' phase-t items are carried out at the same
time. Notation as in :mod:`detente.roadmap.evaluate`: items k with owner o(k) and values v_{k,i}.

**Defection** comes in two forms. *Covert*: the party skips its items of the phase (and later ones) and
hopes it goes unnoticed. A skipped verifiable item k is detected once its verification lead time has
passed (at the end of its phase, whose length includes that lead) with probability ``p_k``, the detection
probability of its verification means (``detection`` maps a means text or a move id to a probability;
``default_detection`` for the rest); an unverifiable item is never detected, and an undetected defector
keeps receiving the others' later items. *Overt*: the party stops and takes back its own revocable
concessions (reversing a waiver is public, so it is detected at once) — the "backtracking" of the
roadmap's self-enforcement analysis, open to a party even in a phase where it owes nothing.

**Snapback on detection.** The talks end; every executed item that is revocable (reversible, or relief
that lapses unless renewed) is reverted when its owner is a detected defector reclaiming a concession
(v_{k,o(k)} < 0), or its owner is another party for which reverting is credible (v_{k,o(k)} ≤ 0) — the
reversion rule of the roadmap's self-enforcement analysis. A party's final utility is the sum of the
values of the items carried out and not reverted; the roadmap **completes** when every item is carried
out.

**Types.** A *cooperative* party always intends to comply. An *opportunist* defects before phase t when
its best expected payoff from defecting beats finishing, ``max(D_i, q · D_i + (1 − q) · K_i) >
u_i(package)`` (the covert term only when it owes phase-t items), where ``D_i`` is its payoff after
snapback (``dev_i(t)[i]`` of the self-enforcement analysis: what is executed by then and the others'
phase-t items, less what is reverted), ``q = 1 − Π_{k ∈ P_t^i verifiable} (1 − p_k)`` the chance its
skipped items are caught and ``K_i`` its payoff keeping all of that with nothing reverted. **Noise** ε:
a party that owes items in a phase flips its intended action with probability ε (an accidental covert
defection, or a defection that does not happen).

With certain detection (p = 1) the covert payoff equals D_i, so an opportunist defects exactly when it
is tempted in the self-enforcement analysis; with no noise a self-enforcing roadmap (dev_i(t)[i] ≤
u_i(package) at every phase) completes in every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, FloatArray, IntArray

TYPES = ("opportunist", "cooperative")
TOL = 1e-9


@dataclass(frozen=True)
class Distribution:
    mean: float
    p5: float
    p50: float
    p95: float

    @staticmethod
    def of(x: FloatArray) -> Distribution:
        q = np.percentile(x, [5, 50, 95])
        return Distribution(float(np.mean(x)), float(q[0]), float(q[1]), float(q[2]))


@dataclass(frozen=True)
class RoadmapPlay:
    """Outcome of ``runs`` plays of one roadmap: completion probability, final utility distributions,
    defection and detection rates per party."""

    strategy: str
    phases: int
    self_enforcing: bool
    completion: float
    utilities: tuple[Distribution, ...]
    defection: FloatArray
    detected: FloatArray


@dataclass(frozen=True)
class RoadmapGame:
    cs: CompiledScenario
    package: IntArray
    runs: int
    seed: int
    noise: float
    types: tuple[str, ...]
    plays: tuple[RoadmapPlay, ...]

    def to_json(self) -> dict[str, Any]:
        pids = self.cs.party_ids

        def r(x: float) -> float:
            return round(float(x), 4)

        return {
            "scenario": self.cs.scenario.meta.title,
            "package": self.cs.choices_to_ids(self.package),
            "runs": self.runs,
            "seed": self.seed,
            "noise": self.noise,
            "types": dict(zip(pids, self.types, strict=True)),
            "strategies": [
                {
                    "strategy": p.strategy,
                    "phases": p.phases,
                    "self_enforcing": p.self_enforcing,
                    "completion": r(p.completion),
                    "utilities": {
                        pid: {"mean": r(d.mean), "p5": r(d.p5), "p50": r(d.p50), "p95": r(d.p95)}
                        for pid, d in zip(pids, p.utilities, strict=True)
                    },
                    "defection_rate": {pid: r(p.defection[i]) for i, pid in enumerate(pids)},
                    "detection_rate": {pid: r(p.detected[i]) for i, pid in enumerate(pids)},
                }
                for p in self.plays
            ],
        }


@dataclass(frozen=True)
class _Board:
    """The arrays of one roadmap the game needs."""

    values: FloatArray  # (N, P)
    owners: IntArray  # (N,)
    phase: IntArray  # (N,)
    revocable: npt.NDArray[np.bool_]
    detect: FloatArray  # (N,) detection probability if skipped
    n_phases: int
    final: FloatArray  # (P,)

    def reverted(self, executed: npt.NDArray[np.bool_], defectors: set[int]) -> npt.NDArray[np.bool_]:
        v = self.values
        own_value = v[np.arange(len(self.owners)), self.owners]
        mine = np.isin(self.owners, list(defectors))
        return executed & self.revocable & ((mine & (own_value < 0)) | (~mine & (own_value <= 0)))


def _board(cs: CompiledScenario, rm: Any, detection: Mapping[str, float], default: float) -> _Board:
    items = rm.items.items
    n = len(items)
    p = cs.n_parties
    values = np.vstack([it.values for it in items]) if n else np.zeros((0, p))
    detect = np.zeros(n)
    for k, it in enumerate(items):
        if not it.verifiable:
            continue
        move = cs.scenario.moves[it.move]
        means = move.verification.means if move.verification else None
        prob = detection.get(move.id, detection.get(means or "", default))
        detect[k] = prob
    return _Board(
        values=values,
        owners=np.asarray([it.owner for it in items], dtype=np.int64),
        phase=np.asarray(rm.phase_of, dtype=np.int64),
        revocable=np.asarray([it.revocable for it in items], dtype=bool),
        detect=detect,
        n_phases=rm.n_phases,
        final=values.sum(axis=0),
    )


def _defection(b: _Board, i: int, t: int, executed: npt.NDArray[np.bool_]) -> tuple[float, bool]:
    """Party i's best expected payoff from defecting before phase t, and whether that is overt."""
    due = (b.phase == t) & (b.owners == i)
    state = executed | ((b.phase == t) & (b.owners != i))
    caught = float(b.values[state & ~b.reverted(state, {i}), i].sum())
    if not due.any():
        return caught, True
    q = 1.0 - float(np.prod(1.0 - b.detect[due]))
    covert = q * caught + (1.0 - q) * float(b.values[state, i].sum())
    return (caught, True) if caught >= covert else (covert, False)


def _play_once(
    b: _Board, types: tuple[str, ...], noise: float, rng: np.random.Generator
) -> tuple[FloatArray, bool, set[int], set[int]]:
    n_parties = len(types)
    executed = np.zeros(len(b.owners), dtype=bool)
    covert: set[int] = set()
    for t in range(b.n_phases):
        overt: set[int] = set()
        for i in range(n_parties):
            if i in covert:
                continue
            has_due = bool(np.any((b.phase == t) & (b.owners == i)))
            value, is_overt = _defection(b, i, t, executed)
            intend = types[i] == "opportunist" and value > float(b.final[i]) + TOL
            if has_due and noise > 0 and rng.random() < noise:
                intend, is_overt = not intend, False
            if intend:
                (overt if is_overt else covert).add(i)
        phase_items = b.phase == t
        skipped = phase_items & np.isin(b.owners, list(covert | overt))
        executed |= phase_items & ~skipped
        caught = set(overt)
        for k in np.flatnonzero(skipped & np.isin(b.owners, list(covert))):
            if b.detect[k] > 0 and rng.random() < b.detect[k]:
                caught.add(int(b.owners[k]))
        if caught:
            kept = executed & ~b.reverted(executed, caught)
            return b.values[kept].sum(axis=0), False, covert | overt, caught
    return b.values[executed].sum(axis=0), not covert, covert, set()


def play_roadmap(
    cs: CompiledScenario,
    rm: Any,
    *,
    runs: int,
    rng: np.random.Generator,
    types: tuple[str, ...],
    noise: float = 0.0,
    detection: Mapping[str, float] | None = None,
    default_detection: float = 0.9,
) -> RoadmapPlay:
    """Play roadmap ``rm`` (a :class:`detente.roadmap.Roadmap`) ``runs`` times (module docstring)."""
    b = _board(cs, rm, detection or {}, default_detection)
    utils = np.zeros((runs, cs.n_parties))
    done = 0
    defect = np.zeros(cs.n_parties)
    caught = np.zeros(cs.n_parties)
    for r in range(runs):
        u, complete, d, c = _play_once(b, types, noise, rng)
        utils[r] = u
        done += complete
        for i in d:
            defect[i] += 1
        for i in c:
            caught[i] += 1
    return RoadmapPlay(
        strategy=rm.strategy,
        phases=rm.n_phases,
        self_enforcing=bool(rm.self_enforcing),
        completion=done / runs,
        utilities=tuple(Distribution.of(utils[:, i]) for i in range(cs.n_parties)),
        defection=defect / runs,
        detected=caught / runs,
    )


def party_types(cs: CompiledScenario, spec: Mapping[str, str] | str | None) -> tuple[str, ...]:
    """One type per party from ``TYPE`` (everyone) or ``{party id: TYPE}`` (others: opportunist)."""
    out = ["opportunist"] * cs.n_parties
    if spec is None:
        return tuple(out)
    if isinstance(spec, str):
        spec = {pid: spec for pid in cs.party_ids}
    for pid, kind in spec.items():
        if kind not in TYPES:
            raise DetenteError(f"unknown party type '{kind}': choose one of {', '.join(TYPES)}")
        if pid not in cs.party_ids:
            raise DetenteError(f"unknown party '{pid}': the parties are {', '.join(cs.party_ids)}")
        out[cs.party_index(pid)] = kind
    return tuple(out)


def simulate_roadmap(
    cs: CompiledScenario,
    choices: npt.ArrayLike | None = None,
    *,
    runs: int = 1000,
    seed: int = 0,
    types: Mapping[str, str] | str | None = None,
    noise: float = 0.0,
    detection: Mapping[str, float] | None = None,
    default_detection: float = 0.9,
    concept: str = "nash",
    time_limit: float = 10.0,
) -> RoadmapGame:
    """Play the big-for-big, step-by-step and optimized roadmaps of one package (default: the package
    of ``concept``) ``runs`` times each (see the module docstring). Reproducible by ``seed``."""
    from detente.roadmap.package import package_from_concept
    from detente.roadmap.plan import compare_strategies

    if runs < 1:
        raise DetenteError(f"runs must be at least 1 (got {runs})")
    if not 0.0 <= noise <= 1.0:
        raise DetenteError(f"noise must be a probability in [0, 1] (got {noise})")
    for key, prob in {**(detection or {}), "default": default_detection}.items():
        if not 0.0 <= prob <= 1.0:
            raise DetenteError(f"detection probability for '{key}' must be in [0, 1] (got {prob})")
    package = package_from_concept(cs, concept) if choices is None else np.asarray(choices, dtype=np.int64)
    kinds = party_types(cs, types)
    comparison = compare_strategies(cs, package, time_limit=time_limit, seed=seed)
    streams = np.random.default_rng(seed).spawn(len(comparison.roadmaps))
    plays = tuple(
        play_roadmap(
            cs,
            rm,
            runs=runs,
            rng=rng,
            types=kinds,
            noise=noise,
            detection=detection,
            default_detection=default_detection,
        )
        for rm, rng in zip(comparison.roadmaps, streams, strict=True)
    )
    return RoadmapGame(cs, package, runs, seed, noise, kinds, plays)
