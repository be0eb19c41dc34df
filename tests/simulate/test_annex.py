"""The brief annex's "played out" material."""

from __future__ import annotations

from detente.simulate.annex import played_out


def test_played_out(three_party) -> None:
    out = played_out(three_party, strategies=("conceder", "hardliner"), rounds=30, runs=50)
    rates = {(r.protocol, r.mix): r for r in out.rates}
    assert set(rates) == {
        (p, f"all {s}") for p in ("alternating", "mediated") for s in ("conceder", "hardliner")
    }
    assert rates["alternating", "all conceder"].agreement_rate == 1.0
    assert rates["alternating", "all hardliner"].agreement_rate == 0.0  # nobody ever moves
    assert all(r.negotiations == three_party.n_parties for r in out.rates)
    assert [p.strategy for p in out.roadmaps.plays] == ["big-for-big", "step-by-step", "optimized"]
    doc = out.to_json()
    assert doc["roadmaps"][0]["completion"] == out.roadmaps.plays[0].completion
    lines = out.sentences()
    assert lines[0].startswith("Agreement rate with alternating talks") and "Probability" in lines[-1]
