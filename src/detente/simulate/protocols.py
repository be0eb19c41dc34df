"""Negotiation protocols over any scenario: stacked alternating offers and the single negotiating text.

Both keep every rule: an offer or a text is always a package found by the engine over the scenario's
constraints, and a party accepts only packages worth at least its reservation value, so every agreement
satisfies every rule and every reservation value.

* **Stacked alternating offers** (:class:`AlternatingOffers`; Aydoğan et al.'s SAOP for many parties):
  the parties act in turn (party order rotated by ``first``). The first proposes; each next party either
  accepts the standing offer or replaces it with its own. Agreement when all the other P − 1 parties have
  accepted the standing offer in a row. One round = every party acts once.
* **Single negotiating text** (:class:`MediatedText`; Raiffa's account of Camp David): each round the
  mediator presents a text (:mod:`detente.simulate.mediator`); every party accepts it or names its worst
  item; agreement when all accept; otherwise the mediator revises the text to meet the complaints.

Rounds, the calendar deadline (breakdown with a probability per round after it) and discounting are the
:class:`~detente.simulate.game.Rules` of the game.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

import numpy as np

from detente.model.compiled import CompiledScenario
from detente.simulate.game import MEDIATOR, Outcome, Record, Rules, State, breaks_down, finish
from detente.simulate.mediator import mediator
from detente.simulate.strategies import Strategy


class NegotiationProtocol(Protocol):
    name: str

    def play(
        self, cs: CompiledScenario, strategies: Sequence[Strategy], rules: Rules, rng: np.random.Generator
    ) -> Outcome: ...


def _start(cs: CompiledScenario, strategies: Sequence[Strategy], rng: np.random.Generator) -> None:
    streams = rng.spawn(len(strategies))
    for i, (s, r) in enumerate(zip(strategies, streams, strict=True)):
        s.start(cs, i, r)


class AlternatingOffers:
    """Stacked alternating offers (see the module docstring)."""

    name: ClassVar[str] = "alternating"

    def __init__(self, first: int = 0) -> None:
        self.first = first

    def play(
        self, cs: CompiledScenario, strategies: Sequence[Strategy], rules: Rules, rng: np.random.Generator
    ) -> Outcome:
        _start(cs, strategies, rng)
        n = cs.n_parties
        order = [(self.first + j) % n for j in range(n)]
        state = State(cs, rules)
        accepted = 0
        for rnd in range(rules.rounds):
            state.round = rnd
            if breaks_down(rules, rnd, rng):
                state.trace.append(Record(rnd, MEDIATOR, "breakdown"))
                return finish(state, self.name, None, "breakdown", rnd)
            for i in order:
                s = strategies[i]
                if state.standing is not None and state.standing_by != i and s.accepts(state, state.standing):
                    state.trace.append(Record(rnd, i, "accept"))
                    accepted += 1
                    if accepted == n - 1:
                        return finish(state, self.name, state.standing, "agreement", rnd + 1)
                    continue
                offer = s.propose(state)
                state.standing, state.standing_by, accepted = offer, i, 0
                state.trace.append(Record(rnd, i, "offer", offer))
                for j in order:
                    if j != i:
                        strategies[j].observe(state, i, offer)
                if n == 1:
                    return finish(state, self.name, offer, "agreement", rnd + 1)
        return finish(state, self.name, None, "deadline", rules.rounds)


class MediatedText:
    """The single negotiating text (see the module docstring)."""

    name: ClassVar[str] = "mediated"

    def __init__(self, first: int = 0) -> None:
        self.first = first

    def play(
        self, cs: CompiledScenario, strategies: Sequence[Strategy], rules: Rules, rng: np.random.Generator
    ) -> Outcome:
        _start(cs, strategies, rng)
        n = cs.n_parties
        order = [(self.first + j) % n for j in range(n)]
        med = mediator(cs)
        state = State(cs, rules)
        text = med.first_draft()
        for rnd in range(rules.rounds):
            state.round = rnd
            if breaks_down(rules, rnd, rng):
                state.trace.append(Record(rnd, MEDIATOR, "breakdown"))
                return finish(state, self.name, None, "breakdown", rnd)
            state.standing, state.standing_by = text, MEDIATOR
            state.trace.append(Record(rnd, MEDIATOR, "text", text))
            for i in order:
                strategies[i].observe(state, MEDIATOR, text)
            complaints: list[tuple[int, int]] = []
            for i in order:
                s = strategies[i]
                if s.accepts(state, text):
                    state.trace.append(Record(rnd, i, "accept"))
                else:
                    k = s.worst_item(text)
                    complaints.append((i, k))
                    state.trace.append(Record(rnd, i, "object", move=k))
            if not complaints:
                return finish(state, self.name, text, "agreement", rnd + 1)
            text = med.revise(text, tuple(sorted(complaints)))  # canonical: the cache serves any order
        return finish(state, self.name, None, "deadline", rules.rounds)


PROTOCOLS: dict[str, type[AlternatingOffers] | type[MediatedText]] = {
    AlternatingOffers.name: AlternatingOffers,
    MediatedText.name: MediatedText,
}
