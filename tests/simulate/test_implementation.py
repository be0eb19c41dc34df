"""The implementation game against hand-solved cases (tests/fixtures/simulate/*relief*.yaml).

Two moves: relief by the US (reversible, verifiable; worth 3 to the DPRK) and the DPRK's dismantlement
(irreversible, verifiable; costs it 2, worth 4 to the US). Package: both.

* free-relief.yaml — relief costs the US 0, so finishing gives (4, 1), the US's snapback is credible and
  it has nothing to reclaim: every order is self-enforcing. With certain detection nobody defects:
  completion 1, utilities (4, 1). With detection p the DPRK skips its dismantlement iff
  (1 − p)·3 > 1, i.e. p < 2/3: at p = 0.5 it is caught half the time (relief snapped back: (0, 0)),
  else keeps the relief ((0, 3)): means (0, 1.5), completion 0.
* relief-for-dismantlement.yaml — relief costs the US 1: finishing gives (3, 1), but once the DPRK has
  dismantled the US gains by taking its relief back (4 > 3) whatever the detection: no order is
  self-enforcing, the US defects, final utilities (4, −2), completion 0.
"""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.simulate.implementation import simulate_roadmap
from tests.simulate.conftest import fixture

PACKAGE = np.array([1, 1])


@pytest.fixture(scope="module")
def free():
    return fixture("free-relief.yaml")


@pytest.fixture(scope="module")
def costly():
    return fixture("relief-for-dismantlement.yaml")


def by_name(game):
    return {p.strategy: p for p in game.plays}


def test_certain_detection_and_snapback_complete_a_self_enforcing_roadmap(free) -> None:
    game = simulate_roadmap(free, PACKAGE, runs=200, seed=0, default_detection=1.0)
    assert [p.strategy for p in game.plays] == ["big-for-big", "step-by-step", "optimized"]
    for p in game.plays:
        assert p.self_enforcing
        assert p.completion == 1.0
        assert [d.mean for d in p.utilities] == [4.0, 1.0]
        assert p.defection.tolist() == [0.0, 0.0]


def test_backtracking_party_defects_whatever_the_detection(costly) -> None:
    game = simulate_roadmap(costly, PACKAGE, runs=100, seed=0, default_detection=1.0)
    for p in game.plays:
        assert not p.self_enforcing
        assert p.completion == 0.0
        assert [d.mean for d in p.utilities] == [4.0, -2.0]
        assert p.defection.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("fixture_name", ["free-relief.yaml", "relief-for-dismantlement.yaml"])
def test_certain_detection_completion_matches_self_enforcement(fixture_name) -> None:
    cs = fixture(fixture_name)
    for p in simulate_roadmap(cs, PACKAGE, runs=20, default_detection=1.0).plays:
        assert p.completion == (1.0 if p.self_enforcing else 0.0)


def test_uncertain_detection_tempts_the_dprk(free) -> None:
    game = simulate_roadmap(free, PACKAGE, runs=4000, seed=1, default_detection=0.5)
    for p in game.plays:
        assert p.completion == 0.0
        assert p.defection.tolist() == [0.0, 1.0]
        assert p.detected[1] == pytest.approx(0.5, abs=0.03)
        assert p.utilities[0].mean == 0.0
        assert p.utilities[1].mean == pytest.approx(1.5, abs=0.1)
        assert (p.utilities[1].p5, p.utilities[1].p95) == (0.0, 3.0)


def test_per_move_detection_threshold(free) -> None:
    # the DPRK complies above p = 2/3 and defects below it
    above = by_name(simulate_roadmap(free, PACKAGE, runs=50, detection={"dismantle": 0.7}))
    below = by_name(simulate_roadmap(free, PACKAGE, runs=50, detection={"dismantle": 0.6}))
    assert above["step-by-step"].completion == 1.0
    assert below["step-by-step"].completion == 0.0


def test_cooperative_parties_and_noise(costly) -> None:
    calm = simulate_roadmap(costly, PACKAGE, runs=100, types="cooperative")
    assert all(p.completion == 1.0 for p in calm.plays)
    noisy = simulate_roadmap(costly, PACKAGE, runs=2000, seed=3, types="cooperative", noise=0.1)
    step = by_name(noisy)["step-by-step"]
    # each party owes one item once: the roadmap completes when neither trembles, 0.9² = 0.81
    assert step.completion == pytest.approx(0.81, abs=0.03)


def test_reproducible_and_json(free) -> None:
    a = simulate_roadmap(free, PACKAGE, runs=300, seed=5, noise=0.2).to_json()
    b = simulate_roadmap(free, PACKAGE, runs=300, seed=5, noise=0.2).to_json()
    assert a == b
    row = a["strategies"][0]
    assert {"strategy", "completion", "utilities"} <= set(row)
    assert set(row["utilities"]["US"]) == {"mean", "p5", "p50", "p95"}


def test_bad_input(free) -> None:
    with pytest.raises(DetenteError, match="party type"):
        simulate_roadmap(free, PACKAGE, types="saint")
    with pytest.raises(DetenteError, match="noise"):
        simulate_roadmap(free, PACKAGE, noise=2.0)
