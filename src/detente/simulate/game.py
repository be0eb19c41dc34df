"""The negotiation game: rules (rounds, calendar deadline, discounting), actions, and the shared state.

Modelled on OpenSpiel's game/state split: a :class:`Rules` object defines the game, a protocol's state
(:mod:`detente.simulate.protocols`) advances one action at a time, and strategies
(:mod:`detente.simulate.strategies`) are plain objects that choose actions from what they observe.

**Time.** Round r = 0 … R−1 (every party acts once per round); strategies see the normalised time
``t = r / R`` ∈ [0, 1). Talks end without agreement after R rounds.

**Calendar.** With a :class:`Calendar`, round r happens on day ``r · days_per_round``. From the first
round after ``deadline_day`` (e.g. a year-end deadline), before each round the talks break down with
probability ``breakdown`` (a seeded chance event).

**Discounting** (Genius-style, on the gain over the disagreement point d_i): an agreement reached at
time t is worth ``d_i + (u_i − d_i) · δ^t`` to party i; δ = 1 means no discounting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, FloatArray, IntArray

MEDIATOR = -1


@dataclass(frozen=True)
class Calendar:
    """Rounds on the calendar: ``days_per_round`` days each; after ``deadline_day`` (None: no deadline)
    the talks break down before each round with probability ``breakdown``."""

    days_per_round: float = 7.0
    deadline_day: float | None = None
    breakdown: float = 0.0

    def __post_init__(self) -> None:
        if self.days_per_round <= 0:
            raise DetenteError(f"days per round must be positive (got {self.days_per_round})")
        if not 0.0 <= self.breakdown <= 1.0:
            raise DetenteError(f"the breakdown probability must be in [0, 1] (got {self.breakdown})")

    def day(self, rnd: int) -> float:
        return rnd * self.days_per_round

    def at_risk(self, rnd: int) -> bool:
        return self.deadline_day is not None and self.day(rnd) > self.deadline_day


@dataclass(frozen=True)
class Rules:
    """The game's rules: ``rounds`` (R), ``discount`` (δ ∈ (0, 1]) and an optional :class:`Calendar`."""

    rounds: int = 100
    discount: float = 1.0
    calendar: Calendar | None = None

    def __post_init__(self) -> None:
        if self.rounds < 1:
            raise DetenteError(f"a negotiation needs at least one round (got {self.rounds})")
        if not 0.0 < self.discount <= 1.0:
            raise DetenteError(f"the discount factor must be in (0, 1] (got {self.discount})")

    def time(self, rnd: int) -> float:
        return rnd / self.rounds

    def discounted(self, cs: CompiledScenario, u: FloatArray, rnd: int) -> FloatArray:
        """d + (u − d) · δ^t (see the module docstring)."""
        if self.discount == 1.0:
            return u.copy()
        return cs.disagreement + (u - cs.disagreement) * self.discount ** self.time(rnd)


Action = Literal["offer", "accept", "object", "text", "breakdown"]


@dataclass(frozen=True)
class Record:
    """One entry of the trace: in round ``round``, ``party`` (−1: the mediator) did ``action``.

    ``choices`` is the package offered (or the text proposed); ``move`` the item objected to."""

    round: int
    party: int
    action: Action
    choices: IntArray | None = None
    move: int | None = None


@dataclass
class State:
    """What every party can see: the round, the standing offer and the public trace."""

    cs: CompiledScenario
    rules: Rules
    round: int = 0
    standing: IntArray | None = None
    standing_by: int | None = None
    trace: list[Record] = field(default_factory=list)

    @property
    def time(self) -> float:
        return self.rules.time(self.round)

    @property
    def next_time(self) -> float:
        return self.rules.time(self.round + 1)

    @property
    def day(self) -> float | None:
        cal = self.rules.calendar
        return None if cal is None else cal.day(self.round)


@dataclass(frozen=True)
class Outcome:
    """How one negotiation ended. ``reason`` is ``agreement``, ``deadline`` (rounds used up) or
    ``breakdown`` (after the calendar deadline). ``utilities`` are raw u_i; ``discounted`` apply δ^t."""

    protocol: str
    agreement: bool
    choices: IntArray | None
    utilities: FloatArray | None
    discounted: FloatArray | None
    rounds: int
    day: float | None
    reason: str
    trace: tuple[Record, ...]


def breaks_down(rules: Rules, rnd: int, rng: np.random.Generator) -> bool:
    """The calendar's chance event before round ``rnd`` (always draws, so seeds stay aligned)."""
    cal = rules.calendar
    if cal is None:
        return False
    draw = rng.random()
    return cal.at_risk(rnd) and draw < cal.breakdown


def finish(state: State, protocol: str, choices: IntArray | None, reason: str, rounds_used: int) -> Outcome:
    cs = state.cs
    day = state.day
    if choices is None:
        return Outcome(protocol, False, None, None, None, rounds_used, day, reason, tuple(state.trace))
    u = cs.utilities(choices)
    return Outcome(
        protocol,
        True,
        np.asarray(choices, dtype=np.int64),
        u,
        state.rules.discounted(cs, u, state.round),
        rounds_used,
        day if day is None or math.isfinite(day) else None,
        reason,
        tuple(state.trace),
    )
