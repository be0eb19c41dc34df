"""Coalition wedges, overlap and cohesion on the hand-built allies fixture and random instances.

Answers are checked against values read off the fixture by hand and against an independent brute
force (``itertools.product`` with each party's acceptance written out here).
"""

from __future__ import annotations

import itertools
import statistics

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from detente.analysis.coalitions import cohesion, move_wedges, opponent, overlap, wedges
from detente.errors import DetenteError
from detente.io.loader import load_scenario
from detente.model.compiled import CompiledScenario, compile_scenario
from tests.analysis._instances import instances
from tests.conftest import FIXTURES

US, ROK, KP = 0, 1, 2


def allies() -> CompiledScenario:
    return compile_scenario(load_scenario(FIXTURES / "analysis" / "allies.yaml"))


def brute(cs: CompiledScenario) -> tuple[list[tuple[int, ...]], np.ndarray, np.ndarray, np.ndarray]:
    """All packages, their utilities, whether the party-less rules hold, and each party's acceptance."""
    pkgs = list(itertools.product(*[range(int(n)) for n in cs.n_options]))
    u = np.array(
        [
            [
                sum(float(cs.values[cs.offsets[k] + p[k], i]) for k in range(cs.n_moves))
                for i in range(cs.n_parties)
            ]
            for p in pkgs
        ]
    )
    rules = np.ones(len(pkgs), dtype=bool)
    acc = u >= cs.reservation - 1e-9
    for n, p in enumerate(pkgs):
        chosen = {int(cs.offsets[k]) + p[k] for k in range(cs.n_moves)}
        for con in cs.constraints:
            lhs = sum(int(c) for o, c in zip(con.options, con.coefs, strict=True) if int(o) in chosen)
            ok = (con.lo is None or lhs >= con.lo) and (con.hi is None or lhs <= con.hi)
            if con.party is None:
                rules[n] &= ok
            else:
                acc[n, con.party] &= ok
    return pkgs, u, rules, acc


def test_move_wedges_by_hand() -> None:
    cs = allies()
    ws = move_wedges(cs, [US, ROK])
    got = [(w.move, w.option, w.magnitude) for w in ws]
    assert got[0] == ("us-relief", "full", 2.0)
    assert sorted(got[1:]) == [
        ("rok-projects", "yes", 1.0),
        ("us-exercises", "suspend", 1.0),
        ("us-relief", "partial", 1.0),
    ]
    full = ws[0]
    assert full.values == {"US": -4.0, "ROK": 2.0}
    assert full.helps == ["ROK"] and full.hurts == ["US"]


def test_cohesion_and_opponent_by_hand() -> None:
    cs = allies()
    # δ of every non-status-quo option (US, ROK), read off the fixture
    us = [4, 6, -1, -4, -1, -2, 1]
    rok = [3, 2, 1, 2, 2, 1, 1]
    assert cohesion(cs, [US, ROK]) == pytest.approx(statistics.correlation(us, rok))
    assert opponent(cs, [US, ROK]) == KP


def test_wedge_packages_match_brute_force() -> None:
    cs = allies()
    pkgs, u, rules, acc = brute(cs)
    for method in ("enumeration", "cp-sat"):
        out = wedges(cs, method=method, time_limit=5)
        (rep,) = out.coalitions
        assert rep.opponent == ["KP"]
        by_pair = {(w.accepts, w.rejects): w for w in rep.wedge_packages}
        for a, b in ((US, ROK), (ROK, US)):
            mask = rules & acc[:, KP] & acc[:, a] & ~acc[:, b]
            w = by_pair[(cs.party_ids[a], cs.party_ids[b])]
            assert w.exists == bool(mask.any())
            if method == "enumeration":
                assert w.count == int(mask.sum())
            if mask.any():
                assert w.best is not None
                assert w.best.utilities["KP"] == pytest.approx(u[mask, KP].max())
                assert w.why_rejected
            else:
                assert w.best is None
    # ROK never loses from any move, so the US-accepts/ROK-rejects split cannot happen; the reverse can
    out = wedges(cs, time_limit=5)
    pairs = {(w.accepts, w.rejects): w.exists for w in out.coalitions[0].wedge_packages}
    assert pairs == {("US", "ROK"): False, ("ROK", "US"): True}


def test_overlap_matches_brute_force() -> None:
    cs = allies()
    pkgs, u, rules, acc = brute(cs)
    for parties in ([US, ROK], [US, KP], [US, ROK, KP]):
        mask = rules & acc[:, parties].all(axis=1)
        ov = overlap(cs, parties)
        assert ov.count == int(mask.sum())
        assert ov.share == pytest.approx(mask.sum() / rules.sum())
        gain = (u[:, parties] - cs.reservation[parties]).sum(axis=1)
        assert ov.best is not None
        assert sum(ov.best.margins[cs.party_ids[p]] for p in parties) == pytest.approx(gain[mask].max())
        exact = overlap(cs, parties, method="cp-sat", time_limit=5)
        assert exact.exists and exact.count is None and exact.best is not None
        assert sum(exact.best.margins[cs.party_ids[p]] for p in parties) == pytest.approx(gain[mask].max())
    # everyone's overlap is the zone of agreement
    assert overlap(cs, [US, ROK, KP]).count == int(cs.acceptable(np.asarray(pkgs)).sum())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs=instances(max_parties=4, max_moves=4))
def test_cpsat_agrees_with_enumeration(cs: CompiledScenario) -> None:
    group = [("g", "group", [0, 1])]
    a = wedges(cs, coalitions=group, method="enumeration")
    b = wedges(cs, coalitions=group, method="cp-sat", time_limit=5)
    for wa, wb in zip(a.coalitions[0].wedge_packages, b.coalitions[0].wedge_packages, strict=True):
        assert wa.exists == wb.exists
        if wa.best is not None and wb.best is not None:
            p = wa.proposer[0]
            assert wb.best.utilities[p] == pytest.approx(wa.best.utilities[p])
    oa, ob = a.coalitions[0].overlap, b.coalitions[0].overlap
    assert oa.exists == ob.exists
    if oa.best is not None and ob.best is not None:
        assert sum(ob.best.margins[p] for p in oa.parties) == pytest.approx(
            sum(oa.best.margins[p] for p in oa.parties)
        )


def test_proposer_and_errors() -> None:
    cs = allies()
    out = wedges(cs, proposer=["KP"])
    assert out.coalitions[0].opponent == ["KP"]
    with pytest.raises(DetenteError, match="did you mean 'KP'"):
        wedges(cs, proposer=["KPP"])
    with pytest.raises(DetenteError, match="member"):
        wedges(cs, proposer=["US"])
    none = wedges(cs, coalitions=[])
    assert none.coalitions == [] and "no coalitions" in none.notes[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs=instances(max_parties=4, max_moves=4))
def test_overlap_of_everyone_is_the_enumerators_zone_of_agreement(cs: CompiledScenario) -> None:
    """One enumerator: the overlap of every party counts exactly the packages the enumerator accepts."""
    from detente.analysis.enumerate import count_packages

    ov = overlap(cs, list(range(cs.n_parties)), method="enumeration")
    assert ov.count == count_packages(cs, acceptable=True)
    assert ov.exists == (ov.count > 0)


def test_overlap_decides_on_each_partys_grid() -> None:
    """A party with utilities near 10^6 beside one near 0.1: acceptance of the small party is decided
    on its own grid, the same as the enumerator's (a shared float scale would blur 3·10^-8 steps)."""
    from detente.analysis.enumerate import count_packages
    from tests.analysis._instances import build

    cs = build(
        [[[1e6, 0.12345671], [999999.0, 0.12345674]], [[0.0, 0.0], [1.0, -0.00000003]]],
        [999999.0, 0.12345671],
    )
    ov = overlap(cs, [0, 1], method="enumeration")
    pkgs = np.array(list(itertools.product(range(2), range(2))))
    assert ov.count == int(cs.acceptable(pkgs).sum()) == count_packages(cs)
