"""Typed, frozen results of forecasting, each with ``.to_frame()`` (pandas) and ``.to_json()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from detente.forecast.issue import Issue
from detente.forecast.stats import Descriptive
from detente.forecast.trajectory import Trajectory
from detente.model.compiled import FloatArray

if TYPE_CHECKING:
    import pandas as pd

    from detente.forecast.outputs import ModelRun, ScoreOutput


@dataclass(frozen=True, eq=False)
class ModelForecast:
    """One model's forecast on one issue: the point forecast, an 80 % interval from ``draws`` seeded
    perturbations of the inputs, and the trajectory (positions and forecast per round)."""

    model: str
    forecast: float
    low: float
    high: float
    trajectory: Trajectory
    draws: FloatArray
    seed: int

    def to_output(self, issue: Issue) -> ModelRun:
        from detente.forecast.outputs import Interval, ModelRun, Round

        t = self.trajectory
        return ModelRun(
            model=self.model,
            forecast=self.forecast,
            interval=Interval(low=self.low, high=self.high, level=0.8, draws=int(self.draws.size)),
            seed=self.seed,
            rounds=t.rounds,
            converged=t.converged,
            trajectory=[
                Round(
                    round=r,
                    forecast=float(t.outcome[r]),
                    positions={a: float(t.positions[r, i]) for i, a in enumerate(issue.actors)},
                )
                for r in range(t.rounds + 1)
            ],
        )


@dataclass(frozen=True, eq=False)
class IssueForecast:
    """Descriptive statistics and every model's forecast for one issue."""

    issue: Issue
    stats: Descriptive
    models: tuple[ModelForecast, ...]

    def model(self, name: str) -> ModelForecast:
        return next(m for m in self.models if m.model == name)

    def to_frame(self) -> pd.DataFrame:
        """One row per model: forecast, interval, rounds, converged."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "model": m.model,
                    "forecast": m.forecast,
                    "low": m.low,
                    "high": m.high,
                    "rounds": m.trajectory.rounds,
                    "converged": m.trajectory.converged,
                }
                for m in self.models
            ]
        )

    def trajectory_frame(self) -> pd.DataFrame:
        """Long format: one row per model, round and actor (position), plus the forecast of that round."""
        import pandas as pd

        rows = [
            {
                "model": m.model,
                "round": r,
                "actor": a,
                "position": float(m.trajectory.positions[r, i]),
                "forecast": float(m.trajectory.outcome[r]),
            }
            for m in self.models
            for r in range(m.trajectory.rounds + 1)
            for i, a in enumerate(self.issue.actors)
        ]
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        """The ``detente forecast TABLE.csv --format json`` document (:class:`ForecastOutput`)."""
        from detente.forecast.outputs import ForecastOutput, Statistics

        return ForecastOutput(
            issue=self.issue.name,
            actors=list(self.issue.actors),
            statistics=Statistics(
                weighted_mean=self.stats.weighted_mean,
                weighted_median=self.stats.weighted_median,
                condorcet=self.stats.condorcet,
                mean=self.stats.mean,
            ),
            models=[m.to_output(self.issue) for m in self.models],
        ).model_dump(mode="json")


@dataclass(frozen=True)
class ModelScore:
    """Errors of one model over the validation issues (0–100 scale). ``cross_validated``: its
    parameters were fitted on the other folds only, so every error is on an issue it never saw."""

    model: str
    baseline: bool
    n: int
    mae: float
    median_error: float
    hits: float
    cross_validated: bool = False
    description: str = ""

    def to_output(self) -> ScoreOutput:
        from detente.forecast.outputs import ScoreOutput

        return ScoreOutput(**self.to_json())

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "baseline": self.baseline,
            "n": self.n,
            "mae": self.mae,
            "median_error": self.median_error,
            "hits": self.hits,
            "cross_validated": self.cross_validated,
            "description": self.description,
        }


@dataclass(frozen=True, eq=False)
class ValidationResult:
    """Every model and baseline scored on a validation file; ``predictions[model]`` is aligned with
    ``issues`` (NaN where a baseline does not apply, e.g. no reference point)."""

    path: str
    issues: tuple[str, ...]
    proposals: tuple[str, ...]
    outcome: FloatArray
    predictions: dict[str, FloatArray]
    scores: tuple[ModelScore, ...]
    folds: int
    seed: int
    skipped: int
    fitted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    seconds: float = 0.0

    def score(self, model: str) -> ModelScore:
        return next(s for s in self.scores if s.model == model)

    def to_frame(self) -> pd.DataFrame:
        """One row per model: baseline, n, mae, median_error, hits, cross_validated."""
        import pandas as pd

        return pd.DataFrame([s.to_json() for s in self.scores])

    def predictions_frame(self) -> pd.DataFrame:
        """One row per issue: proposal, outcome and every model's prediction."""
        import pandas as pd

        data: dict[str, Any] = {
            "issue": list(self.issues),
            "proposal": list(self.proposals),
            "outcome": self.outcome,
        }
        data.update({m: p for m, p in self.predictions.items()})
        return pd.DataFrame(data)

    def to_json(self) -> dict[str, Any]:
        """The ``detente forecast-validate --format json`` document (:class:`ForecastValidateOutput`)."""
        from detente.forecast.outputs import ForecastValidateOutput

        return ForecastValidateOutput(
            file=self.path,
            issues=len(self.issues),
            proposals=len(set(self.proposals)),
            skipped=self.skipped,
            folds=self.folds,
            seed=self.seed,
            models=[s.to_output() for s in self.scores],
            fitted_parameters_per_fold={m: list(v) for m, v in self.fitted.items()},
        ).model_dump(mode="json")
