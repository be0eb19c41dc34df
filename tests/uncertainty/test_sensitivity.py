"""Variance-based indices, EVPPI and the sensitivity report."""

from __future__ import annotations

import numpy as np
import pytest

from detente.model.compiled import CompiledScenario
from detente.uncertainty.sensitivities import sensitivity, sobol_indices


def test_sobol_estimators_on_an_analytic_model() -> None:
    """Y = X1 + 2·X2 with X ~ U(0,1)² (X3 inert): S1 = ST = (1/5, 4/5, 0)."""
    rng = np.random.default_rng(0)
    n = 200_000
    a, b = rng.random((n, 3)), rng.random((n, 3))

    def f(x: np.ndarray) -> np.ndarray:
        return x[:, 0] + 2 * x[:, 1]

    f_ab = np.vstack([f(np.where(np.arange(3) == j, b, a)) for j in range(3)])
    s, s_se, st, st_se = sobol_indices(f(a), f(b), f_ab)
    np.testing.assert_allclose(s, [0.2, 0.8, 0.0], atol=0.02)
    np.testing.assert_allclose(st, [0.2, 0.8, 0.0], atol=0.02)
    assert np.all(s_se < 0.01) and np.all(st_se < 0.01)


def test_sensitivity_report(relief: CompiledScenario) -> None:
    out = sensitivity(relief, concept="nash", draws=4096, seed=1)
    assert len(out.judgments) == 13
    totals = [j.total for j in out.judgments]
    assert totals == sorted(totals, reverse=True)
    top = out.judgments[0]
    assert top.total > 0.05
    values = [j for j in out.judgments if j.kind == "value"]
    assert all(j.move and j.option and j.party and j.low is not None for j in values)
    assert any(j.break_even is not None for j in values)
    # inputs that cannot move "all accept" of the package get ~0 indices: the embassy option is not in it
    assert out.package["liaison"] != "embassy"
    emb = [j for j in values if j.option == "embassy"]
    assert all(j.total == 0 for j in emb)
    assert out.evpi >= 0 and all(j.evppi >= 0 for j in out.judgments)
    again = sensitivity(relief, concept="nash", draws=4096, seed=1)
    assert again.model_dump(exclude={"seconds"}) == out.model_dump(exclude={"seconds"})


def test_tornado_and_brief_material(relief: CompiledScenario) -> None:
    from detente.uncertainty.brief import brief_material, robustness_sentence

    m = brief_material(relief, draws=20_000, seed=0)
    assert m.tornado_png.startswith(b"\x89PNG")
    assert m.sentence.startswith(
        f"Acceptable to every party in {m.acceptable_all:.0%} of plausible value draws"
    )
    assert m.rests_on and m.rests_on[0] in m.sentence
    assert [r.label for r in m.tradeoff][0] == "most robust"
    assert robustness_sentence(0.444, ["a", "b"]) == (
        "Acceptable to every party in 44% of plausible value draws; the judgments it rests on are a and b."
    )


@pytest.mark.parametrize("bad", [1])
def test_too_few_draws(relief: CompiledScenario, bad: int) -> None:
    from detente.errors import DetenteError

    with pytest.raises(DetenteError, match="at least 2"):
        sensitivity(relief, draws=bad)


def test_python_api(relief: CompiledScenario) -> None:
    import detente as dt

    rob = dt.robustness(relief.scenario, draws=2_000, seed=1)
    assert rob.packages and 0 <= rob.packages[0].acceptable_all <= 1
    sens = dt.sensitivity(relief, draws=512, break_evens=False)
    assert not sens.break_evens and all(j.break_even is None for j in sens.judgments)
