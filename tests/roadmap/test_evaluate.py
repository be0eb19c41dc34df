"""Exposure and self-enforcement on hand-solved games, and against a plain reference implementation."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.roadmap.evaluate import evaluate
from detente.roadmap.items import Item, ItemSet, build_items
from tests.roadmap import reference
from tests.roadmap.conftest import everything, game


def test_freeze_for_relief_by_hand() -> None:
    """Items: F = North freeze (reversible; N −2, U +3), D = dismantle (irreversible; N −4, U +6),
    W = US waiver (reversible; N +3, U −1), L = US lift (irreversible; N +5, U −3).
    Roadmap: phase 1 {F}, phase 2 {D, W}, phase 3 {L}. Completion: u_N = 2, u_U = 5.

    Exposure of N (N has done its phase-t items, the US has stopped before t; N takes back its
    reversible concessions):
      phase 1: F done, reclaimed → 0.            phase 2: F (reclaimed), D (−4) → 4.
      phase 3: F (reclaimed), D (−4), W (+3, the US stopped but did not revoke) → 1.
    Exposure of the US: phase 1: 0; phase 2: F +3, W reclaimed → 0; phase 3: F + D = 9, W reclaimed,
      L irreversible −3 → 6 ≥ 0 → 0.

    Backward induction (V = continuation):
      phase 3, V = (2, 5). N stops: gets F, D, W, L; reverts F, the US credibly revokes W (it costs the
        US) → N: −4 + 5 = 1 < 2, no. US stops: gets F, D, W; reverts its own W, the North reverts F
        → US: 6 > 5: tempted by 1. V(3) = the US-stop outcome = (N: −4, US: 6).
      phase 2: N stops: gets F, W (simultaneous); reverts F; the US revokes W → N: 0 > −4: tempted by 4.
        US stops: gets F, D; the North reverts F → US: 6 = 6, no. V(2) = (N: 0, US: 0).
      phase 1: N stops → 0 = 0; the US stops: gets F, reverted → 0 = 0. Nobody tempted.
    """
    cs = game("freeze-for-relief")
    rm = evaluate(build_items(cs, everything(cs)), [0, 1, 1, 2])
    assert rm.exposure.tolist() == [[0, 4, 1], [0, 0, 0]]
    assert [(t.phase, cs.party_ids[t.party], t.margin) for t in rm.temptations] == [
        (1, "N", 4.0),
        (2, "U", 1.0),
    ]
    assert not rm.self_enforcing
    assert [(p.start, p.end) for p in rm.phases] == [(0, 90), (90, 360), (360, 420)]
    assert rm.phases[1].gates == (0,)  # dismantle and waiver wait for the verified freeze
    assert rm.phases[2].gates == (1,)  # the lift waits for the verified dismantlement
    assert rm.violations == []


def test_credible_snapback_makes_it_self_enforcing() -> None:
    """W = US waiver (reversible; N +3, U −1) in phase 1, F = North freeze (reversible; N −2, U +3) in
    phase 2. Completion (1, 2).
      phase 2: N stops → keeps W, but the US revokes it (revoking gains the US 1) → 0 < 1.
               US stops → gets W, F; revokes its W, the North reverts F → 0 < 2. V(2) = (1, 2).
      phase 1: N stops → W revoked → 0 < 1; US stops → nothing → 0 < 2.
    Self-enforcing."""
    cs = game("waiver-credible")
    rm = evaluate(build_items(cs, everything(cs)), [0, 1])
    assert rm.self_enforcing
    assert [s.credible for s in rm.snapbacks] == [True, True]


def test_snapback_threat_not_credible() -> None:
    """Same game, but the waiver is worth +1 to the US (its business gains): revoking it would cost
    the US, so the snapback threat is not credible. Completion (1, 4).
      phase 2: N stops → keeps W (the US will not revoke it) → 3 > 1: tempted by 2.
               US stops → gets W, F; keeps W, the North reverts F → 1 < 4. V(2) = (3, 1).
      phase 1: N stops → W → 3 = 3, no; US stops → 0 < 1, no.
    One temptation: North before phase 2, margin 2."""
    cs = game("waiver-not-credible")
    rm = evaluate(build_items(cs, everything(cs)), [0, 1])
    assert [(t.phase, cs.party_ids[t.party], t.margin) for t in rm.temptations] == [(1, "N", 2.0)]
    waiver = next(s for s in rm.snapbacks if rm.items.items[s.item].id == "U-waiver")
    assert waiver.credible is False
    assert rm.temptations[0].stop == 3.0 and rm.temptations[0].finish == 1.0


def test_expiring_relief_lapses_and_is_renewed() -> None:
    """The petroleum cap expires after 180 days unless renewed: it lapses (without any snapback)
    if the US stops, so it does not count as received in North's exposure."""
    cs = game("graded")
    items = build_items(cs, everything(cs))
    rm = evaluate(items, [0, 1, 2, 2])
    # phase 3: North has done the freeze (reversible, reclaimed); the cap stages lapse → exposure 0
    assert rm.exposure[0].tolist() == [0, 0, 0]
    clause = [s for s in rm.snapbacks if items.items[s.item].id.startswith("cap")]
    assert {s.kind for s in clause} == {"snapback"}  # reversible AND expiring: reversal is explicit
    assert rm.completion_days == 90 + 5 + 5


def _item(n: int, owner: int, values: list[float], rev: bool, expires: bool, dur: int, ver: int) -> Item:
    return Item(
        id=f"i{n}",
        move=n,
        option_from=0,
        option_to=1,
        label=f"item {n}",
        owner=owner,
        values=np.asarray(values, dtype=float),
        reversible=rev,
        reversal_lead_days=7.0,
        verifiable=ver > 0,
        verification_lead_days=float(ver),
        duration_days=float(dur),
        deadline_days=math.inf,
        expires_after_days=90.0 if expires else math.inf,
    )


@st.composite
def games(draw: st.DrawFn) -> tuple[ItemSet, list[int], int]:
    n_parties = draw(st.integers(2, 3))
    n = draw(st.integers(1, 5))
    items = []
    for k in range(n):
        owner = draw(st.integers(0, n_parties - 1))
        vals = [draw(st.integers(-5, 5)) for _ in range(n_parties)]
        items.append(
            _item(
                k,
                owner,
                vals,
                draw(st.booleans()),
                draw(st.booleans()),
                draw(st.integers(0, 50)),
                draw(st.integers(0, 30)),
            )
        )
    n_phases = draw(st.integers(1, n))
    phases = [draw(st.integers(0, n_phases - 1)) for _ in range(n)]
    used = sorted(set(phases))
    phases = [used.index(p) for p in phases]
    return ItemSet(tuple(items), (), ()), phases, n_parties


@settings(max_examples=60, deadline=None)
@given(games())
def test_matches_reference_implementation(g: tuple[ItemSet, list[int], int]) -> None:
    items, phases, n_parties = g
    rm = evaluate(items, phases)
    assert np.allclose(rm.exposure, reference.exposure(items.items, phases, n_parties))
    got = [(t.phase, t.party, round(t.margin, 9)) for t in rm.temptations]
    want = [(t, i, round(m, 9)) for t, i, m in reference.backward_induction(items.items, phases, n_parties)]
    assert got == want
    assert [(p.start, p.end) for p in rm.phases] == reference.times(items.items, phases)
