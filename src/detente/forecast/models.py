"""The model registry, one entry point per issue, and the seeded uncertainty interval.

:func:`run_model` runs one model on one issue; :func:`forecast_issue` runs several and adds the
descriptive statistics and, per model, an interval from perturbed inputs: ``draws`` copies of the
issue whose capabilities and saliences are each multiplied by an independent log-normal factor
exp(ε), ε ~ N(0, σ²) (σ = ``noise``, default 0.2, i.e. roughly ±20 %), drawn from
``numpy.random.default_rng(seed)``; the interval is the 10th–90th percentile of the draws' forecasts.
Same issue, seed and draws → the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detente.errors import DetenteError
from detente.forecast.bdm import bdm
from detente.forecast.compromise import compromise
from detente.forecast.issue import Issue
from detente.forecast.results import IssueForecast, ModelForecast
from detente.forecast.smp import smp
from detente.forecast.stats import describe
from detente.forecast.trajectory import Trajectory
from detente.model.compiled import FloatArray

MODELS: tuple[str, ...] = ("compromise", "bdm", "smp")
MODEL_NAMES = {
    "compromise": "compromise (capability × salience weighted mean)",
    "bdm": "expected utility (Bueno de Mesquita; Scholz et al. 2011)",
    "smp": "probabilistic-Condorcet bargaining (after KTAB SMP)",
}
DRAWS = 100
NOISE = 0.2
LEVEL = 0.8


def check_models(models: str | Sequence[str]) -> tuple[str, ...]:
    """``"all"`` → every model; otherwise the names given, each checked."""
    names = MODELS if models == "all" else (models,) if isinstance(models, str) else tuple(models)
    for m in names:
        if m not in MODELS:
            raise DetenteError(f"unknown model '{m}': choose one of {', '.join(MODELS)} or 'all'")
    return names


def run_model(issue: Issue, model: str) -> Trajectory:
    """Run one model (deterministic) on one issue."""
    check_models(model)
    if model == "compromise":
        return compromise(issue)
    if model == "bdm":
        return bdm(issue)
    return smp(issue)


def perturbed_forecasts(
    issue: Issue, model: str, *, draws: int = DRAWS, seed: int = 0, noise: float = NOISE
) -> FloatArray:
    """Forecasts of ``draws`` seeded perturbations of the issue's capabilities and saliences."""
    rng = np.random.default_rng(seed)
    out = np.empty(draws)
    n = issue.n_actors
    for d in range(draws):
        factors = np.exp(rng.normal(0.0, noise, size=(2, n)))
        sal = np.minimum(issue.salience * factors[1], 100.0)
        out[d] = run_model(
            issue.with_inputs(capability=issue.capability * factors[0], salience=sal), model
        ).forecast
    return out


def forecast_issue(
    issue: Issue, models: str | Sequence[str] = "all", *, draws: int = DRAWS, seed: int = 0
) -> IssueForecast:
    """Every requested model on one issue, with descriptive statistics and seeded intervals."""
    results = []
    for m in check_models(models):
        traj = run_model(issue, m)
        sample = (
            perturbed_forecasts(issue, m, draws=draws, seed=seed) if draws > 0 else np.array([traj.forecast])
        )
        lo, hi = np.quantile(sample, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
        results.append(
            ModelForecast(
                model=m,
                forecast=traj.forecast,
                low=float(lo),
                high=float(hi),
                trajectory=traj,
                draws=sample,
                seed=seed,
            )
        )
    return IssueForecast(issue=issue, stats=describe(issue), models=tuple(results))
