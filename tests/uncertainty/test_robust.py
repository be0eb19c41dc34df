"""Robustness: agreement with an independent Monte Carlo written from the scenario file's own objects."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import detente as dt
from detente.model.compiled import CompiledScenario
from detente.model.scenario import Scenario
from detente.uncertainty.evaluation import evaluator, value_tables
from detente.uncertainty.robust import read_package, robustness
from detente.uncertainty.sampling import sample_inputs


def _targets(scenario: Scenario, shift, move, option_id: str) -> bool:  # type: ignore[no-untyped-def]
    carried = option_id != move.status_quo_id
    if carried and move.category in shift.categories:
        return True
    return any(ref == move.id and carried or ref == f"{move.id}:{option_id}" for ref in shift.moves)


def independent_mc(scenario: Scenario, choices: dict[str, str], n: int, seed: int) -> np.ndarray:
    """(n, P) acceptance, sampled straight from the pydantic objects with NumPy's own generators."""
    rng = np.random.default_rng(seed)
    ids = [p.id for p in scenario.parties]
    u = np.zeros((n, len(ids)))
    r = np.zeros((n, len(ids)))
    for i, p in enumerate(scenario.parties):
        d = p.reservation_distribution
        r[:, i] = rng.uniform(d.low, d.high, n) if d is not None else p.reservation
    for m in scenario.moves:
        opt = next(o for o in m.options if o.id == choices[m.id])
        for pid, v in opt.values.items():
            d = v.distribution
            if d is not None and d.kind == "triangular":
                x = rng.triangular(d.low, d.mode, d.high, n)
            elif d is not None and d.kind == "normal":
                x = rng.normal(d.mean, d.sd, n)
            elif v.low is not None and v.high is not None:
                x = rng.uniform(v.low, v.high, n)
            else:
                x = np.full(n, v.value)
            u[:, ids.index(pid)] += x
    unc = scenario.uncertainty
    assert unc is not None
    for f in unc.factors:
        z = rng.normal(f.distribution.mean, f.distribution.sd, n)
        for sh in f.shifts:
            i = ids.index(sh.party)
            r[:, i] += z * sh.reservation
            for m in scenario.moves:
                if _targets(scenario, sh, m, choices[m.id]):
                    u[:, i] += z * sh.value
    probs = [s.probability for s in unc.scenarios]
    held = rng.choice(len(probs) + 1, size=n, p=[*probs, 1 - sum(probs)])
    for k, s in enumerate(unc.scenarios):
        on = held == k
        for sh in s.shifts:
            i = ids.index(sh.party)
            r[on, i] += sh.reservation
            for m in scenario.moves:
                if _targets(scenario, sh, m, choices[m.id]):
                    u[on, i] += sh.value
    return u >= r - 1e-9


PACKAGES = [
    {"freeze": "yes", "dismantle": "yes", "relief": "full", "exercises": "suspend", "liaison": "yes"},
    {"freeze": "yes", "dismantle": "no", "relief": "partial", "exercises": "suspend", "liaison": "embassy"},
    {"freeze": "yes", "dismantle": "yes", "relief": "partial", "exercises": "continue", "liaison": "yes"},
]


@pytest.mark.parametrize("choices", PACKAGES)
def test_agrees_with_independent_monte_carlo(relief: CompiledScenario, choices: dict[str, str]) -> None:
    n = 200_000
    out = robustness(relief, packages=[("p", relief.choices_from_ids(choices))], draws=n, seed=11)
    mine = out.packages[0]
    ref = independent_mc(relief.scenario, choices, n, seed=12345)
    p_ref = float(ref.all(axis=1).mean())
    se = math.sqrt(mine.stderr_all**2 + p_ref * (1 - p_ref) / n)
    assert 0.005 < p_ref < 0.995  # the test has teeth: the probability is not trivially 0 or 1
    assert abs(mine.acceptable_all - p_ref) <= 4.5 * se, (mine.acceptable_all, p_ref)
    for i, pid in enumerate(relief.party_ids):
        q = float(ref[:, i].mean())
        se_i = math.sqrt(mine.stderr[pid] ** 2 + q * (1 - q) / n) + 1e-12
        assert abs(mine.acceptable[pid] - q) <= 4.5 * se_i, (pid, mine.acceptable[pid], q)


def test_matrix_form_equals_direct_value_tables(relief: CompiledScenario) -> None:
    pk = np.vstack([relief.choices_from_ids(c) for c in PACKAGES])
    x = sample_inputs(relief.uncertainty, np.random.default_rng(3), 500)  # type: ignore[arg-type]
    u, r = evaluator(relief, pk).utilities(x)
    vals, res = value_tables(relief, x)
    direct = vals[:, relief.global_options(pk), :].sum(axis=2)
    np.testing.assert_allclose(u, direct, atol=1e-9)
    np.testing.assert_allclose(r, res, atol=1e-12)


def test_fused_counts_equal_direct_value_tables(relief: CompiledScenario) -> None:
    """The compiled engine (uniform marginals folded into the weights, sparse fused counting) counts
    exactly what the direct value tables give, on the fixture's uniform, triangular and normal values,
    uncertain reservation, factor and discrete scenarios."""
    from detente.uncertainty.sampling import sample_raw

    pk = np.vstack([relief.choices_from_ids(c) for c in PACKAGES])
    n = 20_000
    acc, acc_all, u_sum, kept = evaluator(relief, pk).stats(
        *sample_raw(relief.uncertainty, np.random.default_rng(8), n),  # type: ignore[arg-type]
        keep=50,
    )
    x = sample_inputs(relief.uncertainty, np.random.default_rng(8), n)  # type: ignore[arg-type]
    vals, res = value_tables(relief, x)
    direct = vals[:, relief.global_options(pk), :].sum(axis=2)  # (n, K, P)
    ok = (direct >= res[:, None, :] - 1e-9) & relief.feasible(pk)[None, :, None]
    np.testing.assert_array_equal(acc, ok.sum(axis=0))
    np.testing.assert_array_equal(acc_all, ok.all(axis=2).sum(axis=0))
    np.testing.assert_allclose(u_sum, direct.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(kept, direct[:50], atol=1e-9)


def test_reproducible_by_seed(relief: CompiledScenario) -> None:
    pk = [("p", relief.choices_from_ids(PACKAGES[0]))]
    a = robustness(relief, packages=pk, draws=70_000, seed=5).model_dump(exclude={"seconds"})
    b = robustness(relief, packages=pk, draws=70_000, seed=5).model_dump(exclude={"seconds"})
    c = robustness(relief, packages=pk, draws=70_000, seed=6).model_dump(exclude={"seconds"})
    assert a == b
    assert a["packages"][0]["acceptable_all"] != c["packages"][0]["acceptable_all"]


def test_percentile_and_expectation(relief: CompiledScenario) -> None:
    """ROK's values are certain: its expected utility and 5th percentile equal its point utility."""
    c = relief.choices_from_ids(PACKAGES[0])
    out = robustness(relief, packages=[("p", c)], draws=20_000, seed=1).packages[0]
    rok = float(relief.utilities(c)[relief.party_index("ROK")])
    assert out.expected_utility["ROK"] == pytest.approx(rok)
    assert out.p5_utility["ROK"] == pytest.approx(rok)
    assert out.p5_utility["US"] < out.expected_utility["US"]


def test_read_package_from_solve_json(relief: CompiledScenario, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from detente.analysis.report import solve_output
    from detente.analysis.solve import solve

    path = tmp_path / "nash.json"
    path.write_text(json.dumps(solve_output(relief, solve(relief, "nash")).model_dump(mode="json")))
    ((label, choices),) = read_package(relief, path)
    assert label == "nash.json"
    assert np.array_equal(choices, solve(relief, "nash").packages[0].choices)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"choices": {"freeze": "maybe"}}))
    with pytest.raises(dt.DetenteError, match="unknown option 'maybe'"):
        read_package(relief, bad)
