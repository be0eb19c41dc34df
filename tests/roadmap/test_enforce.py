"""Proposals that remove temptations, replayed with the reference implementation."""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError, replace

import numpy as np
import pytest

from detente.roadmap.enforce import attach_proposals
from detente.roadmap.evaluate import evaluate
from detente.roadmap.items import Item, ItemSet, build_items
from detente.roadmap.model import Roadmap
from detente.roadmap.plan import plan_roadmap
from detente.roadmap.rules import SequencingRules
from detente.roadmap.sequencer import RoadmapInfeasible, sequence
from tests.roadmap import reference
from tests.roadmap.conftest import everything, game


def test_irreversible_lift_fixed_by_snapback_clause() -> None:
    """L = US lift (irreversible; N +3, U −1) in phase 1, F = North freeze (reversible; N −2, U +3) in
    phase 2 (the freeze requires the lift). Completion (1, 2).
      phase 2: N stops → keeps L (irreversible) → 3 > 1: tempted by 2.
               US stops → gets F but North reverts it; L stays → −1 < 2. V(2) = (3, −1).
      phase 1: N stops → L → 3 = 3, no. US stops → 0 > −1: tempted by 1 (it foresees North's exit).
    Granting L as a reversible suspension the US would revoke (revoking gains the US 1): phase 2:
    N stops → 0 < 1; the US stops → it revokes L, North reverts F → 0 < 2; phase 1: 0 < 1, 0 < 2.
    No temptation left, for either party."""
    cs = game("lift-for-freeze")
    rm = plan_roadmap(cs, everything(cs))
    assert [[rm.items.items[n].id for n in ph.items] for ph in rm.phases] == [["U-lift"], ["N-freeze"]]
    assert [(t.phase, cs.party_ids[t.party], t.margin) for t in rm.temptations] == [
        (0, "U", 1.0),
        (1, "N", 2.0),
    ]
    for tmp in rm.temptations:
        snap = [p for p in tmp.proposals if p.kind == "snapback"]
        assert snap and snap[0].removes and "US lifts a sanction (U-lift)" in snap[0].text
        phases = [int(x) for x in rm.phase_of]
        assert reference.backward_induction(rm.items.items, phases, 2, snap[0].made_reversible) == []


def _item(k: int, owner: int, values: list[float], reversible: bool) -> Item:
    return Item(
        id=f"i{k}",
        move=k,
        option_from=0,
        option_to=1,
        label=f"item {k}",
        owner=owner,
        values=np.asarray(values, dtype=float),
        reversible=reversible,
        reversal_lead_days=5.0,
        verifiable=True,
        verification_lead_days=10.0,
        duration_days=10.0,
        deadline_days=math.inf,
        expires_after_days=math.inf,
    )


def test_gate_proposal_removes_the_temptation() -> None:
    """Items (values to North, US): i0 US aid (irreversible; +5, −1), i1 US waiver (reversible; +2, −2),
    i2 North dismantles (irreversible; −3, +5), i3 North freezes more (reversible; −2, +3).
    Roadmap: phase 1 {i0, i1, i2}, phase 2 {i3}. Completion (2, 5).
      phase 2: N stops → i0, i1, i2; the US revokes i1 → 5 − 3 = 2 = 2, no. US stops → revokes i1,
               North reverts i3 → −1 + 5 = 4 < 5, no. V(2) = (2, 5).
      phase 1: N stops → i0, i1 (simultaneous with its own i2, which it skips); i1 revoked → 5 > 2:
               tempted by 3. US stops → i2 → 5 = 5, no.
    Gate: release i0 only after i2 is verified → {i1, i2}, {i0}, {i3}:
      phase 3: N stops → i0, i1, i2, i1 revoked → 2 = 2; US stops → 4 < 5.
      phase 2: N stops → i1, i2, i0; i1 revoked → 2 = 2; US stops (skips i0) → i1 revoked → 5 = 5.
      phase 1: N stops → i1 revoked → 0 < 2; US stops → i2 → 5 = 5. Self-enforcing."""
    items = ItemSet(
        (
            _item(0, 1, [5, -1], False),
            _item(1, 1, [2, -2], True),
            _item(2, 0, [-3, 5], False),
            _item(3, 0, [-2, 3], True),
        ),
        (),
        (),
    )
    rm = evaluate(items, [0, 0, 0, 1])
    assert [(t.phase, t.party, t.margin) for t in rm.temptations] == [(0, 0, 3.0)]
    attach_proposals(rm, None, SequencingRules(party_names=("North", "US")))
    gates = [p for p in rm.temptations[0].proposals if p.kind == "gate"]
    assert any(p.removes and p.phase_of == (1, 0, 0, 2) for p in gates)
    assert "release item 0 (i0) only after item 2 (i2) is carried out and verified" in gates[0].text
    assert reference.backward_induction(items.items, [1, 0, 0, 2], 2) == []


def test_no_self_enforcing_order_is_reported() -> None:
    """In the freeze-for-relief game the US always gains by skipping the final irreversible lift:
    North's reversible freeze (+3 to the US) is its only hostage and the lift costs the US 3 while the
    dismantlement (+6) can no longer be undone. No order removes that, and the note says so."""
    cs = game("freeze-for-relief")
    rm = plan_roadmap(cs, everything(cs))
    assert not rm.self_enforcing
    assert any("free of temptations" in n for n in rm.notes)


def _step(k: int, move: int, owner: int, values: list[float], **kw: object) -> Item:
    """Item k (10 days, verified in 10 more, no deadline) of ``move``; ``kw`` overrides fields."""
    return replace(_item(k, owner, values, False), move=move, **kw)  # type: ignore[arg-type]


#: Two hand games (parties A, B), each with a roadmap to fix; the user's rules drop some proposals.
#: G1: i0, i1 = two stages of A's graded move (0, +1 to B each), i2 A's move (+1, +4), i3 B's move
#: (+3, −4); roadmap {i2}, {i0, i1, i3}: B is tempted by 4 before phase 2 (it would get i0, i1 and skip
#: i3). The gate / reorder {i0, i1, i3}, {i2} remove it; the split {i2}, {i0, i3}, {i1} needs a third
#: phase and leaves B −3 in phase 2: dropped under max_phases 2, and under reciprocity 2.
#: G2: B's graded move (i0 irreversible, i1 reversible; +1, −1 each), A's freeze i2 (−3, +3) and B's aid
#: i3 (+4, −2), both of open form; all in one phase. The gate {i0, i1, i3}, {i2} leaves B −4 in phase
#: 1: dropped under reciprocity 2. Snapback, split and the other gate stay.
G1 = ItemSet(
    (
        _step(0, 0, 0, [0, 1], step=1, n_steps=2),
        _step(1, 0, 0, [0, 1], step=2, n_steps=2),
        _step(2, 2, 0, [1, 4]),
        _step(3, 3, 1, [3, -4]),
    ),
    (),
    ((0, 1),),
)
G2 = ItemSet(
    (
        _step(0, 0, 1, [1, -1], step=1, n_steps=2),
        _step(1, 0, 1, [1, -1], step=2, n_steps=2, reversible=True),
        _step(2, 2, 0, [-3, 3], form_open=True),
        _step(3, 3, 1, [4, -2], form_open=True),
    ),
    (),
    ((0, 1),),
)
HAND = {"G1": (G1, [1, 1, 0, 1], [0, 0, 1, 0]), "G2": (G2, [0, 0, 0, 0], None)}
USER_RULES = [(12, None), (2, None), (12, 2.0), (2, 2.0)]


def _replay(rm: Roadmap, before: tuple[tuple[int, int], ...], rules: SequencingRules) -> set[str]:
    """Replay every proposal with the reference implementation: it breaks none of the scenario's or
    the user's rules and lowers its party's largest temptation (to none when it says it removes it).
    Returns the kinds seen."""
    items = rm.items.items
    kinds = set()
    for tmp in rm.temptations:
        for prop in tmp.proposals:
            kinds.add(prop.kind)
            phases = list(prop.phase_of) or [int(x) for x in rm.phase_of]
            broken = reference.broken_rules(
                items, phases, before, rm.items.not_after, rules.max_phases, rules.reciprocity
            )
            assert broken == [], (prop.kind, prop.phase_of, broken)
            found = reference.backward_induction(items, phases, rm.items.n_parties, prop.made_reversible)
            left = max((m for _, i, m in found if i == tmp.party), default=0.0)
            assert left < tmp.margin and (left == 0.0) == prop.removes
            if rules.self_enforcing:
                assert found == []
    return kinds


@pytest.mark.parametrize(("max_phases", "reciprocity"), USER_RULES)
@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_proposals_respect_the_users_rules(
    name: str, max_phases: int, reciprocity: float | None
) -> None:
    items, phases, reorder = HAND[name]
    rules = SequencingRules(max_phases=max_phases, reciprocity=reciprocity, party_names=("A", "B"))
    rm = evaluate(items, phases)
    attach_proposals(rm, evaluate(items, reorder) if reorder else None, rules)
    kinds = _replay(rm, items.before, rules)
    props = {(p.kind, p.phase_of) for t in rm.temptations for p in t.proposals}
    if name == "G1":
        assert kinds >= {"gate", "reorder"}
        assert (("split", (1, 2, 0, 1)) in props) == (max_phases == 12 and reciprocity is None)
    else:
        assert kinds == {"gate", "snapback", "split"}
        assert (("gate", (0, 0, 1, 0)) in props) == (reciprocity is None)


@pytest.mark.parametrize(
    "name", ["freeze-for-relief", "lift-for-freeze", "waiver-not-credible", "graded", "cap-aid-freeze"]
)
def test_every_proposal_replays_under_the_users_rules(name: str) -> None:
    """plan_roadmap on a fixture game under a grid of user rules: every proposal replays (:func:`_replay`)."""
    cs = game(name)
    for max_phases, reciprocity, self_enforcing in [
        (1, None, False),
        (2, 1.0, False),
        (2, 3.0, False),
        (12, None, False),
        (12, 3.0, True),
    ]:
        try:
            rm = plan_roadmap(
                cs,
                everything(cs),
                max_phases=max_phases,
                reciprocity=reciprocity,
                self_enforcing=self_enforcing,
                time_limit=5,
            )
        except RoadmapInfeasible:
            continue
        assert rm.violations == []
        _replay(rm, rm.items.before, SequencingRules(max_phases, reciprocity, self_enforcing))


def test_the_replays_cover_every_proposal_kind() -> None:
    kinds: set[str] = set()
    for items, phases, reorder in HAND.values():
        rules = SequencingRules(max_phases=2, reciprocity=2.0)
        rm = evaluate(items, phases)
        attach_proposals(rm, evaluate(items, reorder) if reorder else None, rules)
        kinds |= _replay(rm, items.before, rules)
    cs = game("lift-for-freeze")
    kinds |= _replay(plan_roadmap(cs, everything(cs), max_phases=2), (), SequencingRules(max_phases=2))
    assert kinds == {"gate", "split", "reorder", "snapback"}


def test_plan_items_keeps_the_callers_rules() -> None:
    """SequencingRules is immutable: sequencing fills in the party names on a copy, never on the
    caller's object."""
    cs = game("lift-for-freeze")
    rules = SequencingRules(max_phases=3)
    rm = sequence(cs, build_items(cs, everything(cs)), rules=rules)
    assert rm.n_phases == 2 and rules.party_names == ()
    with pytest.raises(FrozenInstanceError):
        rules.max_phases = 2  # type: ignore[misc]


def test_check_rules_names_every_users_rule() -> None:
    """G1 in phases {i2}, {i0, i1, i3}: 2 phases > 1; B nets 1 + 1 − 4 = −2 in phase 2 (bound 0); the
    extra gate wants i2 after i3; B is tempted (self-enforcement required)."""
    rules = SequencingRules(
        max_phases=1, reciprocity=0.0, self_enforcing=True, extra_before=((3, 2),), party_names=("A", "B")
    )
    assert evaluate(G1, [1, 1, 0, 1], rules=rules).violations == [
        "i2 must come after i3 (gate)",
        "2 phases, more than max_phases (1)",
        "phase 2: B gives 2 more than it gets, beyond the reciprocity bound 0",
        "a party is tempted to stop (self-enforcement required)",
    ]
    assert evaluate(G1, [1, 1, 0, 1]).violations == []  # the scenario's own rules hold
    assert (
        evaluate(
            G1, [0, 0, 1, 0], rules=replace(rules, max_phases=2, reciprocity=2.0, extra_before=())
        ).violations
        == []
    )
