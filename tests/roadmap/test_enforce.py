"""Proposals that remove temptations, replayed with the reference implementation."""

from __future__ import annotations

import math

import numpy as np

from detente.roadmap.enforce import attach_proposals
from detente.roadmap.evaluate import evaluate
from detente.roadmap.items import Item, ItemSet
from detente.roadmap.plan import plan_roadmap
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


def test_every_proposal_replays() -> None:
    """Each proposal's change, replayed by the reference implementation, leaves its party a smaller
    largest temptation (none when it says it removes it)."""
    for name in ("freeze-for-relief", "lift-for-freeze", "waiver-not-credible", "graded"):
        cs = game(name)
        rm = plan_roadmap(cs, everything(cs))
        for tmp in rm.temptations:
            for prop in tmp.proposals:
                phases = list(prop.phase_of) or [int(x) for x in rm.phase_of]
                found = reference.backward_induction(
                    rm.items.items, phases, cs.n_parties, prop.made_reversible
                )
                left = max((m for _, i, m in found if i == tmp.party), default=0.0)
                assert left < tmp.margin
                assert (left == 0.0) == prop.removes


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
    attach_proposals(rm, None, ("North", "US"))
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
