"""Scenario forecasts: the per-move mapping by hand, probabilities, and the Nash package."""

from __future__ import annotations

import numpy as np
import pytest

import detente as dt
from detente.analysis.solve import solve
from detente.forecast.scenario import brief_annex, forecast_scenario, move_issue, option_probabilities
from tests.conftest import FIXTURES

TWO = FIXTURES / "forecast" / "two-moves.yaml"


def cs():  # type: ignore[no-untyped-def]
    return dt.compile_scenario(dt.load_scenario(TWO))


def test_move_mapping_by_hand() -> None:
    issue = move_issue(cs(), 0)
    assert list(issue.position) == [100.0, 50.0, 0.0]
    assert issue.salience == pytest.approx([75.0, 200 / 3, 50.0])
    assert list(issue.capability) == [2.0, 1.0, 1.0]
    issue2 = move_issue(cs(), 1)
    assert list(issue2.position) == [100.0, 0.0, 100.0]
    assert issue2.salience == pytest.approx([25.0, 100 / 3, 50.0])


def test_compromise_forecast_and_probabilities() -> None:
    sf = forecast_scenario(cs(), "compromise", draws=50, seed=3)
    m1, m2 = sf.moves
    assert m1.forecast == pytest.approx(68.75) and m1.most_likely == "mid"
    assert m2.forecast == pytest.approx(75.0) and m2.most_likely == "yes"
    for m in sf.moves:
        assert sum(o.probability for o in m.options) == pytest.approx(1.0)
    nash = solve(cs(), "nash").packages[0].choices
    assert np.array_equal(sf.nash, nash)
    again = forecast_scenario(cs(), "compromise", draws=50, seed=3)
    assert again.to_json() == sf.to_json()
    df = sf.to_frame()
    assert df.shape[0] == 5 and df["probability"].sum() == pytest.approx(2.0)


def test_option_probabilities_nearest_option() -> None:
    p = option_probabilities(np.array([10.0, 30.0, 60.0, 95.0]), 3)  # options at 0, 50, 100
    assert list(p) == [0.25, 0.5, 0.25]


def test_brief_annex_and_api() -> None:
    sf = dt.forecast(TWO, model="bdm", draws=10)
    annex = brief_annex(sf)
    assert "where a fair deal lies" in annex.sentence
    assert len(annex.rows) == sum(m.most_likely != m.nash for m in sf.moves)
    with pytest.raises(dt.DetenteError, match="one model"):
        dt.forecast(TWO, model="all")


def test_no_deal_has_no_nash_package() -> None:
    sf = forecast_scenario(
        dt.compile_scenario(dt.load_scenario(FIXTURES / "analysis" / "no-deal.yaml")), draws=5
    )
    assert sf.nash is None and all(m.nash is None for m in sf.moves)
    annex = brief_annex(sf)
    assert annex.rows == () and "no package is acceptable" in annex.sentence
    assert sf.to_json()["nash_package"]["choices"] is None


def test_brief_annex_from_a_compiled_scenario() -> None:
    a = brief_annex(cs(), model="compromise", seed=3)
    b = brief_annex(forecast_scenario(cs(), "compromise", seed=3))
    assert a == b and "2 of 2 moves" in a.sentence
