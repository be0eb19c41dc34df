"""The three models: hand-derived expected utilities, symmetric cases, determinism and seeds."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecast.bdm import BDMParams, bdm, expected_utilities, risk_exponents, win_probability
from detente.forecast.compromise import compromise
from detente.forecast.issue import make_issue
from detente.forecast.models import forecast_issue, run_model
from detente.forecast.smp import SMPParams, pce, smp


def test_bdm_expected_utility_by_hand() -> None:
    # two equal actors at 0 and 1, r = 1, Q = 1: U_s = 2d, U_f = −2d, U_sq = 0, P = ½,
    # so E = s_j(½·2 − ½·2) + (1 − s_j)·2 = 2(1 − s_j): 1.8 for s_j = 0.1
    x = np.array([0.0, 1.0])
    s = np.array([0.1, 0.1])
    p = win_probability(x, np.array([1.0, 1.0]) * s)
    assert p[0, 1] == pytest.approx(0.5)
    e = expected_utilities(x, s, p, 0.0, np.ones(2), 1.0, 1.0)
    assert e[0, 1] == pytest.approx(1.8) and e[1, 0] == pytest.approx(1.8)
    # double the capability of actor 0: P_01 = 2/3, E_01 = 0.1·(2/3·2 − 1/3·2) + 0.9·2 = 1.8667
    p = win_probability(x, np.array([2.0, 1.0]) * s)
    e = expected_utilities(x, s, p, 0.0, np.ones(2), 1.0, 1.0)
    assert e[0, 1] == pytest.approx(1.8 + 0.2 / 3)


def test_risk_exponents_lie_between_half_and_two() -> None:
    rng = np.random.default_rng(3)
    x, s, c = rng.random(8), rng.random(8), rng.random(8)
    e = expected_utilities(x, s, win_probability(x, c * s), 0.5, np.ones(8), 1.0, 1.0)
    r = risk_exponents(e)
    assert r.min() == pytest.approx(0.5) and r.max() == pytest.approx(2.0)


@pytest.mark.parametrize("model", ["compromise", "bdm", "smp"])
def test_symmetric_issue_lands_in_the_middle(model: str) -> None:
    issue = make_issue(["A", "B", "C"], [1, 1, 1], [0, 50, 100], [80, 80, 80])
    assert run_model(issue, model).forecast == pytest.approx(50.0, abs=1e-9)


@pytest.mark.parametrize("model", ["compromise", "bdm", "smp"])
def test_consensus_stays_put(model: str) -> None:
    issue = make_issue(["A", "B"], [1, 2], [30, 30], [50, 90], scale=(0, 100))
    t = run_model(issue, model)
    assert t.forecast == pytest.approx(30.0) and t.converged


def test_compromise_is_the_weighted_mean() -> None:
    issue = make_issue(["A", "B"], [1, 3], [0, 100], [100, 50])
    assert compromise(issue).forecast == pytest.approx(100 * 150 / 250)


def test_trajectories_stay_on_the_scale_and_converge_or_stop() -> None:
    issue = make_issue(list("ABCDE"), [5, 1, 2, 4, 3], [0, 20, 45, 80, 100], [90, 40, 60, 30, 70])
    for t in (bdm(issue, BDMParams(max_rounds=15)), smp(issue)):
        assert t.positions.min() >= 0 and t.positions.max() <= 100
        assert t.positions.shape == (t.rounds + 1, 5) and t.outcome.shape == (t.rounds + 1,)
        assert t.converged or t.rounds == 15


def test_pce_favours_the_stronger_side() -> None:
    pi = pce(np.array([0.0, 1.0]), np.array([3.0, 1.0]), np.array([0.0, 1.0]))
    assert pi.sum() == pytest.approx(1.0) and pi[0] == pytest.approx(0.75)


def test_seeded_and_reproducible() -> None:
    issue = make_issue(list("ABCD"), [1, 2, 3, 4], [0, 30, 60, 100], [50, 60, 70, 80])
    a = forecast_issue(issue, draws=20, seed=7)
    b = forecast_issue(issue, draws=20, seed=7)
    c = forecast_issue(issue, draws=20, seed=8)
    for ma, mb, mc in zip(a.models, b.models, c.models, strict=True):
        assert np.array_equal(ma.draws, mb.draws) and ma.forecast == mb.forecast
        assert ma.low <= ma.forecast + 1e-9 or ma.model != "compromise"
        assert not np.array_equal(ma.draws, mc.draws) or ma.model != "compromise"
    s1 = smp(issue, SMPParams(stochastic=True), seed=1)
    s2 = smp(issue, SMPParams(stochastic=True), seed=1)
    assert np.array_equal(s1.positions, s2.positions)


def test_frames() -> None:
    issue = make_issue(list("ABC"), [1, 1, 2], [0, 50, 100], [50, 50, 50])
    r = forecast_issue(issue, draws=5)
    df = r.to_frame()
    assert list(df["model"]) == ["compromise", "bdm", "smp"]
    assert set(r.trajectory_frame().columns) == {"model", "round", "actor", "position", "forecast"}


def test_public_api(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import detente as dt

    table = tmp_path / "t.csv"
    table.write_text("actor,influence,position,salience\nA,1,0,100\nB,3,100,50\n", encoding="utf-8")
    r = dt.forecast(table, draws=5)
    assert r.stats.weighted_mean == pytest.approx(60.0)  # 150·100 / 250
    assert list(r.to_frame()["model"]) == ["compromise", "bdm", "smp"]
    one = dt.forecast(make_issue(["A", "B"], [1, 3], [0, 100], [100, 50]), model="compromise", draws=5)
    assert one.model("compromise").forecast == pytest.approx(60.0)
    with pytest.raises(dt.DetenteError, match="unknown model"):
        dt.forecast(table, model="nope")
    with pytest.raises(dt.DetenteError, match="expected a .csv table"):
        dt.forecast(tmp_path / "x.txt")
    assert callable(dt.validate_forecasts)


def test_chart_refuses_a_bad_suffix_and_an_existing_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from detente.errors import DetenteError
    from detente.forecast.charts import trajectory_chart

    r = forecast_issue(make_issue(list("AB"), [1, 1], [0, 10], [50, 50]), draws=3)
    with pytest.raises(DetenteError, match=r"\.png, \.svg or \.pdf"):
        trajectory_chart(r, tmp_path / "c.txt")
    out = trajectory_chart(r, tmp_path / "c.svg")
    assert out.read_text().lstrip().startswith("<?xml")
    with pytest.raises(DetenteError, match="--force"):
        trajectory_chart(r, out)
    trajectory_chart(r, out, overwrite=True)
