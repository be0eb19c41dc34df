"""Negotiation strategies: plain objects that propose packages, accept or object, and may learn.

Every strategy has an **aspiration** A(t) — the utility it still demands at normalised time t — between
its floor ``lo = max(r_i, worst feasible u_i)`` and its best feasible utility ``hi`` (see
:class:`~detente.simulate.offers.Span`). It **proposes** the package the engine finds at that level
(:class:`~detente.simulate.offers.OfferEngine`: a CP-SAT search over packages that satisfy every rule,
never an enumeration) and **accepts** an offer when it is worth at least its reservation value and at
least what it would demand next (Genius's AC_next: ``u_i(offer) ≥ A(t_next)``). In the mediated protocol
it accepts the text on the same test, else names its **worst item**: the move where the text's option
falls furthest below its best option on that move.

Strategies (``learns_opponent`` says which model the other side):

* **boulware**, **linear**, **conceder** — the time-dependent tactics of Faratin, Sierra & Jennings
  (1998): ``A(t) = lo + (1 − α(t)) · (hi − lo)`` with ``α(t) = κ + (1 − κ) · t^{1/β}``, κ = 0 and
  β = 0.25 (Boulware: holds out, concedes at the end), 1 (linear) and 4 (Conceder: concedes early) —
  the exponents NegMAS's time-based negotiators use (``1 − t^e``, e = 4, 1, 0.25);
* **tit-for-tat** — relative tit-for-tat (Faratin et al. 1998): it concedes in the proportion the others
  concede towards it. If x_n is the utility to it of the n-th offer it received, its remaining demand
  shrinks by the same factor: ``A_{n+1} − lo = (A_n − lo) · (hi − x_n) / (hi − x_{n−1})``;
* **hardliner** — always demands its best package (A = hi);
* **random** — offers at a uniformly random level each turn and accepts by AC_next on that level;
* **learner** — a HardHeaded-style opponent learner: a frequency model of every other party's values
  (:mod:`detente.simulate.opponent`), a Boulware aspiration (β = 0.25), and offers the package at its
  level that the models rate best (Σ_j û_j), so its offers are good for itself and likely acceptable.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, IntArray
from detente.simulate.game import MEDIATOR, State
from detente.simulate.offers import LEVELS, OfferEngine, Span, engine, option_best
from detente.simulate.opponent import FrequencyModel, model_scores

TOL = 1e-9


def faratin_aspiration(t: float, lo: float, hi: float, beta: float, kappa: float = 0.0) -> float:
    """A(t) = lo + (1 − α(t))(hi − lo), α(t) = κ + (1 − κ) t^{1/β} (Faratin, Sierra & Jennings 1998)."""
    t = min(max(t, 0.0), 1.0)
    alpha = kappa + (1.0 - kappa) * t ** (1.0 / beta)
    return lo + (1.0 - alpha) * (hi - lo)


class Strategy:
    """Base of every strategy (see the module docstring). Subclasses set ``name``, ``learns_opponent``
    and override :meth:`aspiration` (and :meth:`propose` / :meth:`observe` when they need to)."""

    name: ClassVar[str] = "base"
    learns_opponent: ClassVar[bool] = False
    description: ClassVar[str] = ""

    cs: CompiledScenario
    party: int
    engine: OfferEngine
    span: Span
    rng: np.random.Generator

    def start(self, cs: CompiledScenario, party: int, rng: np.random.Generator) -> None:
        """Called once before the negotiation: which scenario, which party, and its random stream."""
        self.cs = cs
        self.party = party
        self.engine = engine(cs, party)
        self.span = self.engine.span
        self.rng = rng
        self._best_option = option_best(cs)[:, party]

    # -- decisions -----------------------------------------------------------------------------------
    def aspiration(self, t: float) -> float:
        raise NotImplementedError

    def utility(self, choices: IntArray) -> float:
        return float(self.cs.utilities(choices)[self.party])

    def propose(self, state: State) -> IntArray:
        return self.engine.at_level(self.span.level_of(self.aspiration(state.time)))

    def accepts(self, state: State, choices: IntArray) -> bool:
        u = self.utility(choices)
        if u < float(self.cs.reservation[self.party]) - TOL:
            return False
        return u >= self.aspiration(state.next_time) - TOL

    def observe(self, state: State, party: int, choices: IntArray) -> None:
        """Another party (or the mediator, ``party == -1``) put ``choices`` on the table."""

    def worst_item(self, choices: IntArray) -> int:
        """The move whose option in ``choices`` falls furthest below this party's best option on it."""
        g = self.cs.offsets[:-1] + choices
        loss = self._best_option - self.cs.values[g, self.party]
        return int(np.argmax(loss))

    def learned(self) -> dict[int, FrequencyModel]:
        """The opponent models learned (party index → model); empty for strategies that do not learn."""
        return {}


class TimeDependent(Strategy):
    beta: ClassVar[float] = 1.0

    def aspiration(self, t: float) -> float:
        return faratin_aspiration(t, self.span.lo, self.span.hi, self.beta)


class Boulware(TimeDependent):
    name = "boulware"
    beta = 0.25
    description = "time-based, concedes late (Faratin β = 0.25)"


class Linear(TimeDependent):
    name = "linear"
    beta = 1.0
    description = "time-based, concedes steadily (β = 1)"


class Conceder(TimeDependent):
    name = "conceder"
    beta = 4.0
    description = "time-based, concedes early (β = 4)"


class Hardliner(Strategy):
    name = "hardliner"
    description = "always demands its best package"

    def aspiration(self, t: float) -> float:
        return self.span.hi


class RandomStrategy(Strategy):
    name = "random"
    description = "random level each turn; accepts what it would offer"

    def start(self, cs: CompiledScenario, party: int, rng: np.random.Generator) -> None:
        super().start(cs, party, rng)
        self._level = int(rng.integers(0, LEVELS + 1))

    def aspiration(self, t: float) -> float:
        return self.span.target_of(self._level)

    def propose(self, state: State) -> IntArray:
        offer = self.engine.at_level(self._level)
        self._level = int(self.rng.integers(0, LEVELS + 1))  # the level of its next turn
        return offer


class TitForTat(Strategy):
    name = "tit-for-tat"
    description = "relative tit-for-tat: mirrors the others' concessions"

    def start(self, cs: CompiledScenario, party: int, rng: np.random.Generator) -> None:
        super().start(cs, party, rng)
        self._demand = self.span.hi
        self._last: float | None = None

    def aspiration(self, t: float) -> float:
        return self._demand

    def observe(self, state: State, party: int, choices: IntArray) -> None:
        x = self.utility(choices)
        prev, self._last = self._last, x
        if prev is None:
            return
        hi, lo = self.span.hi, self.span.lo
        if hi - prev <= TOL:
            return
        ratio = max(hi - x, 0.0) / (hi - prev)
        self._demand = float(min(hi, max(lo, lo + (self._demand - lo) * ratio)))


class Learner(Strategy):
    name = "learner"
    learns_opponent = True
    description = "HardHeaded-style frequency model of the others; Boulware"
    beta: ClassVar[float] = 0.25

    def start(self, cs: CompiledScenario, party: int, rng: np.random.Generator) -> None:
        super().start(cs, party, rng)
        self.models = {j: FrequencyModel(cs) for j in range(cs.n_parties) if j != party}

    def aspiration(self, t: float) -> float:
        return faratin_aspiration(t, self.span.lo, self.span.hi, self.beta)

    def observe(self, state: State, party: int, choices: IntArray) -> None:
        if party != MEDIATOR and party in self.models:
            self.models[party].observe(choices)

    def propose(self, state: State) -> IntArray:
        level = self.span.level_of(self.aspiration(state.time))
        if not any(m.n_offers for m in self.models.values()):
            return self.engine.at_level(level)
        return self.engine.for_model(level, model_scores(list(self.models.values())))

    def learned(self) -> dict[int, FrequencyModel]:
        return {j: m for j, m in self.models.items() if m.n_offers}  # nothing learned without offers


STRATEGIES: dict[str, type[Strategy]] = {
    cls.name: cls for cls in (Boulware, Linear, Conceder, TitForTat, Hardliner, RandomStrategy, Learner)
}


def make_strategy(name: str) -> Strategy:
    """A fresh strategy object by name (one per party and negotiation: strategies keep state)."""
    cls = STRATEGIES.get(name)
    if cls is None:
        raise DetenteError(f"unknown strategy '{name}': choose one of {', '.join(STRATEGIES)}")
    return cls()
