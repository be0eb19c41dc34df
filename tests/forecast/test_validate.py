"""Validation on outcomes: hand-computed baselines on a tiny file, the DEU III development figures,
group folds, and located errors."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecast.deu import parse_validation, read_validation
from detente.forecast.table import TableError
from detente.forecast.validate import group_folds, validate_forecasts
from tests.conftest import FIXTURES, SHARED, requires_shared

TINY = FIXTURES / "forecast" / "tiny.tsv"
DEU = SHARED / "reference" / "forecasting" / "deu3" / "deu3-development.tsv"


def test_tiny_file_baselines_by_hand() -> None:
    r = validate_forecasts(TINY, folds=3)
    # see tests/fixtures/forecast/tiny.tsv: capabilities com 4, ep 4, de 4, fr 3, mt 0.02
    compromise = [45000 / 950, 35000 / 750, 30100 / 751, 60.0]  # p3i1 has no salience: plain mean
    outcome = [60.0, 100.0, 20.0, 40.0]
    err = np.abs(np.array(compromise) - outcome)
    assert r.score("compromise").n == 4 and r.skipped == 1
    assert r.score("compromise").mae == pytest.approx(err.mean())
    assert r.score("compromise").median_error == pytest.approx(np.median(err))
    assert r.score("compromise").hits == 0.0
    assert r.score("weighted-median").mae == pytest.approx((10 + 100 + 30 + 20) / 4)
    assert r.score("mean").mae == pytest.approx((0 + 50 + 30 + 20) / 4)
    assert r.score("reference-point").n == 1 and r.score("reference-point").mae == pytest.approx(20.0)
    assert r.score("commission").mae == pytest.approx((40 + 100 + 30 + 20) / 4)
    assert {s.model for s in r.scores if s.baseline} == {
        "compromise",
        "weighted-median",
        "mean",
        "reference-point",
        "commission",
    }
    assert r.score("compromise-fitted").cross_validated and not r.score("bdm").cross_validated


def test_group_folds_keep_a_proposal_together() -> None:
    props = tuple("aabbbcdde")
    f = group_folds(props, 3, seed=1)
    for p in set(props):
        assert len({f[i] for i, q in enumerate(props) if q == p}) == 1
    assert set(f) == {0, 1, 2}
    assert np.array_equal(f, group_folds(props, 3, seed=1))


@requires_shared
@pytest.mark.slow
def test_deu3_development_baselines() -> None:
    r = validate_forecasts(DEU)
    assert r.score("compromise").n == 155
    assert round(r.score("compromise").mae, 1) == 23.3
    assert round(r.score("weighted-median").mae, 1) == 27.0
    assert round(r.score("mean").mae, 1) == 25.0
    assert round(r.score("commission").mae, 1) == 35.9
    for s in r.scores:
        assert 0 <= s.hits <= 1 and s.n > 0
    assert r.to_frame().shape[0] == len(r.scores)


def test_located_errors() -> None:
    text = TINY.read_text().replace("\t60\n", "\tsixty\n", 1)
    with pytest.raises(TableError, match=r"t.tsv:3:16: out: 'sixty' is not a number"):
        parse_validation(text, "t.tsv")
    text = TINY.read_text().replace("\t100\t50\t0\t100\t50", "\t100\t50\t0\t170\t50", 1)
    with pytest.raises(TableError, match=r"t.tsv:3:8: pfr: 170 is outside 0–100"):
        parse_validation(text, "t.tsv")
    with pytest.raises(TableError, match="file not found"):
        read_validation(FIXTURES / "forecast" / "missing.tsv")
