"""The CP-SAT sequencer: optimal against brute force over every assignment; conflicts named in words."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.roadmap.evaluate import evaluate
from detente.roadmap.items import Item, ItemSet, build_items
from detente.roadmap.rules import SequencingRules
from detente.roadmap.sequencer import RoadmapInfeasible, sequence
from tests.roadmap import reference
from tests.roadmap.conftest import everything, game


@st.composite
def instances(draw: st.DrawFn) -> tuple[ItemSet, int, float | None, str]:
    n_parties = draw(st.integers(2, 3))
    n = draw(st.integers(1, 4))
    items = []
    for k in range(n):
        # fractional days (halves: exact in binary floating point, so the brute force is exact too)
        deadline = draw(st.one_of(st.just(math.inf), st.integers(0, 120).map(lambda x: x / 2)))
        items.append(
            Item(
                id=f"i{k}",
                move=k,
                option_from=0,
                option_to=1,
                label=f"item {k}",
                owner=draw(st.integers(0, n_parties - 1)),
                values=np.asarray([draw(st.integers(-4, 4)) for _ in range(n_parties)], dtype=float),
                reversible=draw(st.booleans()),
                reversal_lead_days=5.0,
                verifiable=draw(st.booleans()),
                verification_lead_days=draw(st.integers(0, 40)) / 2,
                duration_days=draw(st.integers(0, 40)) / 2,
                deadline_days=deadline,
                expires_after_days=draw(st.sampled_from([math.inf, 30.0])),
            )
        )
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    before = tuple(p for p in pairs if draw(st.integers(0, 3)) == 0)
    max_phases = draw(st.integers(1, 3))
    recip = draw(st.one_of(st.none(), st.integers(0, 4).map(float)))
    objective = draw(st.sampled_from(["exposure", "phases", "time"]))
    return ItemSet(tuple(items), before, ()), max_phases, recip, objective


def brute_force(items: ItemSet, max_phases: int, recip: float | None, objective: str) -> float | None:
    """Best primary objective over every assignment of items to at most ``max_phases`` phases."""
    n = len(items)
    n_parties = len(items.items[0].values)
    best = None
    for assign in itertools.product(range(max_phases), repeat=n):
        used = sorted(set(assign))
        phases = [used.index(p) for p in assign]
        if any(phases[a] >= phases[b] for a, b in items.before):
            continue
        times = reference.times(items.items, phases)
        if any(times[phases[k]][0] + it.duration_days > it.deadline_days for k, it in enumerate(items.items)):
            continue
        if recip is not None:
            nets = [[0.0] * len(used) for _ in range(n_parties)]
            for k, it in enumerate(items.items):
                for i in range(n_parties):
                    nets[i][phases[k]] += float(it.values[i])
            if any(x < -recip for row in nets for x in row):
                continue
        if objective == "exposure":
            value = max(max(row) for row in reference.exposure(items.items, phases, n_parties))
        elif objective == "phases":
            value = len(used)
        else:
            value = times[-1][1]
        best = value if best is None else min(best, value)
    return best


@settings(max_examples=40, deadline=None)
@given(instances())
def test_sequencer_matches_brute_force(inst: tuple[ItemSet, int, float | None, str]) -> None:
    items, max_phases, recip, objective = inst
    want = brute_force(items, max_phases, recip, objective)
    rules = SequencingRules(max_phases=max_phases, reciprocity=recip)
    if want is None:
        with pytest.raises(RoadmapInfeasible):
            sequence(None, items, objective=objective, rules=rules, time_limit=5, workers=1)
        return
    rm = sequence(None, items, objective=objective, rules=rules, time_limit=5, workers=1)
    assert rm.optimal
    assert rm.objective_value == pytest.approx(want)
    assert rm.violations == []
    assert rm.n_phases <= max_phases


def test_too_few_phases_names_the_prerequisite_chain() -> None:
    cs = game("freeze-for-relief")
    items = build_items(cs, everything(cs))
    with pytest.raises(RoadmapInfeasible) as info:
        sequence(cs, items, rules=SequencingRules(max_phases=2))
    conflicts = info.value.conflicts
    assert "at most 2 phases (max_phases)" in conflicts
    assert any(
        "North dismantles the reactor (N-dismantle) requires North freezes its reactor" in c
        for c in conflicts
    )
    assert any(
        "US lifts sanctions by law (U-lift) requires North dismantles the reactor" in c for c in conflicts
    )
    # minimal: the waiver's prerequisite plays no part in the conflict
    assert not any(c.startswith("US waives sanctions") for c in conflicts)


def test_reciprocity_conflict_is_named() -> None:
    """Per-phase nets (North, US): F (−2, +3), D (−4, +6), W (+3, −1), L (+5, −3); W needs F before it,
    D needs F, L needs D. The freeze's phase holds nothing else North gets (W must come later): North's
    net there is −2. So τ < 2 is infeasible because of North. With τ = 2, the lift's phase holds at most
    the waiver besides it: the US nets ≤ −3, so τ = 2 fails because of the US. τ = 3 works."""
    cs = game("freeze-for-relief")
    items = build_items(cs, everything(cs))
    with pytest.raises(RoadmapInfeasible) as info:
        sequence(cs, items, rules=SequencingRules(reciprocity=1.0))
    assert "every phase balanced for North within 1 (reciprocity bound)" in info.value.conflicts
    with pytest.raises(RoadmapInfeasible) as info:
        sequence(cs, items, rules=SequencingRules(reciprocity=2.0))
    assert "every phase balanced for United States within 2 (reciprocity bound)" in info.value.conflicts
    assert any(
        "US lifts sanctions by law (U-lift) requires North dismantles" in c for c in info.value.conflicts
    )
    rm = sequence(cs, items, rules=SequencingRules(reciprocity=3.0))
    assert rm.optimal


def test_deadline_conflict_is_named() -> None:
    cs = game("freeze-for-relief")
    items = build_items(cs, everything(cs))
    lift = items.index("U-lift")
    late = list(items.items)
    late[lift] = Item(**{**late[lift].__dict__, "deadline_days": 100.0})
    tight = ItemSet(tuple(late), items.before, items.not_after, items.prereq_labels)
    with pytest.raises(RoadmapInfeasible) as info:
        sequence(cs, tight)
    text = str(info.value)
    assert "US lifts sanctions by law (U-lift) must be done by day 100" in text
    assert "requires North dismantles the reactor" in text


def test_objectives_differ_on_the_hand_game() -> None:
    """Exposure: freeze, waiver, dismantle, lift in four phases keeps North's exposure at 1 (the
    waiver received before dismantling); fewest phases needs 3 and exposes North by 4."""
    cs = game("freeze-for-relief")
    items = build_items(cs, everything(cs))
    best = sequence(cs, items, objective="exposure")
    assert best.objective_value == 1.0 and best.optimal
    fewest = sequence(cs, items, objective="phases")
    assert fewest.objective_value == 3.0 and fewest.n_phases == 3
    assert fewest.max_exposure.max() >= best.max_exposure.max()


@settings(max_examples=30, deadline=None)
@given(instances())
def test_self_enforcing_rule_matches_brute_force(inst: tuple[ItemSet, int, float | None, str]) -> None:
    """With --self-enforcing a roadmap is found exactly when some order is free of temptations by
    backward induction (the reference implementation), and the one found is."""
    items, max_phases, _, _ = inst
    n_parties = len(items.items[0].values)
    exists = False
    for assign in itertools.product(range(max_phases), repeat=len(items)):
        used = sorted(set(assign))
        phases = [used.index(p) for p in assign]
        if any(phases[a] >= phases[b] for a, b in items.before):
            continue
        times = reference.times(items.items, phases)
        if any(times[phases[k]][0] + it.duration_days > it.deadline_days for k, it in enumerate(items.items)):
            continue
        if not reference.backward_induction(items.items, phases, n_parties):
            exists = True
            break
    rules = SequencingRules(max_phases=max_phases, self_enforcing=True)
    if not exists:
        with pytest.raises(RoadmapInfeasible):
            sequence(None, items, rules=rules, time_limit=5, workers=1)
        return
    rm = sequence(None, items, rules=rules, time_limit=5, workers=1)
    assert rm.self_enforcing


def test_self_enforcing_conflict_names_the_credibility_problem() -> None:
    """In the non-credible waiver game every order tempts North (the US keeps the waiver anyway)."""
    cs = game("waiver-not-credible")
    items = build_items(cs, everything(cs))
    with pytest.raises(RoadmapInfeasible) as info:
        sequence(cs, items, rules=SequencingRules(self_enforcing=True))
    assert "no party is ever tempted to stop (self-enforcement)" in info.value.conflicts
    credible = game("waiver-credible")
    rm = sequence(
        credible, build_items(credible, everything(credible)), rules=SequencingRules(self_enforcing=True)
    )
    assert rm.self_enforcing


def test_fractional_days_one_definition_of_a_met_deadline() -> None:
    """i0 takes 1 day; i1 requires it, takes half a day, deadline day 1.5. Phase 2 starts on day 1 and
    i1 finishes on day 1.5 exactly: the deadline is met, for the sequencer as for ``evaluate``. (The
    sequencer used to demand start + ⌈0.5⌉ ≤ ⌊1.5⌋ and found no roadmap.) With the deadline at day
    1.4 both say no; 3.3 − 1.3 is exactly 2 (written decimals, not binary floats)."""

    def pair(duration: float, deadline: float) -> ItemSet:
        first = _plain(0, duration=1.0)
        second = _plain(1, duration=duration, deadline=deadline)
        return ItemSet((first, second), ((0, 1),), ())

    rm = sequence(None, pair(0.5, 1.5), time_limit=5, workers=1)
    assert [ph.start for ph in rm.phases] == [0, 1] and rm.violations == []
    with pytest.raises(RoadmapInfeasible, match="must be done by day 1.4"):
        sequence(None, pair(0.5, 1.4), time_limit=5, workers=1)
    assert evaluate(pair(0.5, 1.4), [0, 1]).violations == [
        "item 1 (i1) finishes on day 1.5, after its deadline (day 1.4)"
    ]
    assert _plain(0, duration=1.3, deadline=3.3).latest_start_day == 2
    assert _plain(0, duration=0.5, deadline=0.4).latest_start_day == -1
    assert _plain(0, duration=0.1, verification=0.2).length_days == 1


def _plain(k: int, *, duration: float, deadline: float = math.inf, verification: float = 0.0) -> Item:
    return Item(
        id=f"i{k}",
        move=k,
        option_from=0,
        option_to=1,
        label=f"item {k}",
        owner=0,
        values=np.asarray([-1.0, 1.0]),
        reversible=False,
        reversal_lead_days=0.0,
        verifiable=verification > 0,
        verification_lead_days=verification,
        duration_days=duration,
        deadline_days=deadline,
        expires_after_days=math.inf,
    )
