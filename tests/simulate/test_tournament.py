"""Tournaments: line-ups, summaries, and identical results in process and on Dask."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.simulate.chunks import run_chunks, task_seeds
from detente.simulate.tournament import lineups, tournament


def test_lineups_rotate_roles_without_duplicates() -> None:
    two = lineups(["a", "b", "c"], 2)
    assert len(two) == 9 and ("a", "b") in two and ("b", "a") in two
    three = lineups(["a", "b"], 3)
    # self-play twice, then a in each of 3 roles against b, and b in each role against a
    assert len(three) == 2 + 3 + 3
    assert ("a", "b", "b") in three and ("b", "b", "a") in three


def test_summary(three_party) -> None:
    res = tournament([three_party], ["boulware", "conceder", "learner"], repetitions=2, rounds=40, seed=3)
    assert res.negotiations == 2 * len(lineups(["boulware", "conceder", "learner"], 3))
    by = {s.strategy: s for s in res.strategies}
    assert by["learner"].learns_opponent and by["learner"].rank_correlation is not None
    assert by["boulware"].rank_correlation is None
    for s in res.strategies:
        assert 0.0 <= s.agreement_rate <= 1.0
        assert s.negotiations > 0
    doc = res.to_json()
    assert doc["negotiations"] == res.negotiations
    assert {"strategy", "learns_opponent", "mean_utility", "agreement_rate", "mean_rounds"} <= set(
        doc["strategies"][0]
    )
    assert np.isfinite(res.matrix).all()


def test_bad_requests(three_party) -> None:
    with pytest.raises(DetenteError, match="unknown strategy"):
        tournament([three_party], ["boulware", "bogus"])
    with pytest.raises(DetenteError, match="at least one scenario"):
        tournament([], ["boulware"])


def _square(seed: np.random.SeedSequence) -> float:
    return float(np.random.default_rng(seed).random())


def test_seeds_are_positional() -> None:
    a = run_chunks(_square, task_seeds(5, 4))
    b = run_chunks(_square, task_seeds(5, 6))[:4]
    assert a == b  # adding chunks does not change the earlier ones


@pytest.mark.slow
def test_same_results_on_dask(three_party) -> None:
    from dask.distributed import LocalCluster

    kw = {"repetitions": 1, "rounds": 30, "seed": 11}
    names = ["random", "learner", "linear"]
    local = tournament([three_party], names, **kw)
    # a separate worker process: cold offer caches, its own CP-SAT runs
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        remote = tournament([three_party], names, scheduler=cl.scheduler_address, **kw)
    assert local.to_json() == remote.to_json()
    for a, b in zip(local.results, remote.results, strict=True):
        assert a.names == b.names and a.rounds == b.rounds and np.array_equal(a.scaled, b.scaled)
