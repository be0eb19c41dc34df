"""Forecasts for multi-issue scenarios: one spatial issue per move, option probabilities, and the most
likely package beside the Nash package ("where talks are heading vs. where a fair deal lies").

Mapping of move k (with options o = 0 … m−1 in file order) to a spatial issue on 0–100:

* option o sits at y_o = 100·o/(m − 1) (the file's order is read as the scale, e.g. none → partial → full);
* party i's position is y at its preferred option, argmax_o v_i(o) (ties: the status quo option if
  tied, else the first);
* its salience is its stake in the move relative to its whole stake,
  s_ik = 100 · (max_o v_ik − min_o v_ik) / Σ_k' (max_o v_ik' − min_o v_ik') (0 for a party with no stake);
* its capability is its ``weight``.

The model runs on each move; option probabilities come from the seeded perturbation draws of
:func:`detente.forecast.models.perturbed_forecasts` (each draw's forecast settles the move at the
nearest option; ties go to the lower option), so they sum to 1 per move. The most likely package
takes each move's most probable option; the Nash package comes from
:func:`detente.analysis.solve.solve`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.forecast.issue import Issue
from detente.forecast.models import DRAWS, MODEL_NAMES, check_models, perturbed_forecasts, run_model
from detente.model.compiled import CompiledScenario, FloatArray, IntArray

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class OptionForecast:
    id: str
    label: str
    position: float
    probability: float


@dataclass(frozen=True)
class MoveForecast:
    """One move: the forecast position (0–100), each option's probability, the most likely and the
    Nash option."""

    id: str
    name: str
    forecast: float
    options: tuple[OptionForecast, ...]
    most_likely: str
    nash: str | None


@dataclass(frozen=True, eq=False)
class ScenarioForecast:
    """Where talks are heading (the most likely package) beside where a fair deal lies (Nash)."""

    title: str
    model: str
    seed: int
    draws: int
    party_ids: tuple[str, ...]
    moves: tuple[MoveForecast, ...]
    most_likely: IntArray
    most_likely_utilities: FloatArray
    most_likely_acceptable: bool
    nash: IntArray | None
    nash_utilities: FloatArray | None
    nash_note: str

    @property
    def agreement(self) -> int:
        """Number of moves on which the most likely package and the Nash package agree."""
        return sum(m.most_likely == m.nash for m in self.moves)

    def to_frame(self) -> pd.DataFrame:
        """One row per move and option: probability, and whether it is the most likely / Nash option."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "move": m.id,
                    "option": o.id,
                    "position": o.position,
                    "probability": o.probability,
                    "most_likely": o.id == m.most_likely,
                    "nash": o.id == m.nash,
                }
                for m in self.moves
                for o in m.options
            ]
        )

    def to_json(self) -> dict[str, Any]:
        """The ``detente forecast FILE.yaml --format json`` document (:class:`ForecastScenarioOutput`)."""
        from detente.forecast.outputs import (
            ForecastScenarioOutput,
            MoveOutput,
            OptionProbability,
            PackageOutput,
        )

        def utils(u: FloatArray | None) -> dict[str, float] | None:
            return None if u is None else {p: float(u[i]) for i, p in enumerate(self.party_ids)}

        return ForecastScenarioOutput(
            scenario=self.title,
            model=self.model,
            method=MODEL_NAMES[self.model],
            seed=self.seed,
            draws=self.draws,
            moves=[
                MoveOutput(
                    id=m.id,
                    name=m.name,
                    forecast=m.forecast,
                    most_likely=m.most_likely,
                    nash=m.nash,
                    options=[
                        OptionProbability(id=o.id, label=o.label, probability=o.probability)
                        for o in m.options
                    ],
                )
                for m in self.moves
            ],
            most_likely_package=PackageOutput(
                choices={m.id: m.most_likely for m in self.moves},
                utilities=utils(self.most_likely_utilities),
                acceptable=self.most_likely_acceptable,
                note="each move's most probable option",
            ),
            nash_package=PackageOutput(
                choices=None if self.nash is None else {m.id: str(m.nash) for m in self.moves},
                utilities=utils(self.nash_utilities),
                acceptable=None if self.nash is None else True,
                note=self.nash_note,
            ),
            moves_in_agreement=self.agreement,
        ).model_dump(mode="json")


def stakes(cs: CompiledScenario) -> FloatArray:
    """(M, P) spread of each party's values over each move: max_o v_ik(o) − min_o v_ik(o)."""
    return np.maximum.reduceat(cs.values, cs.offsets[:-1], axis=0) - np.minimum.reduceat(
        cs.values, cs.offsets[:-1], axis=0
    )


def move_issue(cs: CompiledScenario, k: int, spread: FloatArray | None = None) -> Issue:
    """The spatial issue of move k (see the module docstring); ``spread`` = :func:`stakes` (cs), if
    already computed."""
    values = cs.values[cs.offsets[k] : cs.offsets[k + 1]]  # (m, P)
    m = values.shape[0]
    grid = 100.0 * np.arange(m) / (m - 1)
    top = values.max(axis=0)
    tied = np.isclose(values, top[None, :])
    sq = int(cs.status_quo[k])
    pref = np.where(tied[sq], sq, np.argmax(tied, axis=0))
    spread = stakes(cs) if spread is None else spread
    stake = spread.sum(axis=0)
    sal = np.divide(100.0 * spread[k], stake, out=np.zeros(cs.n_parties), where=stake > 0)
    return Issue(cs.move_ids[k], cs.party_ids, cs.weight.astype(np.float64), grid[pref], sal, (0.0, 100.0))


def option_probabilities(forecasts: FloatArray, m: int) -> FloatArray:
    """Share of forecasts (0–100) nearest each of m equally spaced options (ties to the lower)."""
    grid = 100.0 * np.arange(m) / (m - 1)
    nearest = np.argmin(np.abs(forecasts[:, None] - grid[None, :]), axis=1)
    return np.bincount(nearest, minlength=m) / forecasts.size


def forecast_scenario(
    cs: CompiledScenario,
    model: str = "compromise",
    *,
    draws: int = DRAWS,
    seed: int = 0,
    nash_time_limit: float = 30.0,
) -> ScenarioForecast:
    """Run one model on every move of a compiled scenario and compare with the Nash package."""
    (name,) = check_models(model)
    draws = max(draws, 1)
    moves: list[MoveForecast] = []
    choice = np.zeros(cs.n_moves, dtype=np.int64)
    points: list[float] = []
    probs: list[FloatArray] = []
    spread = stakes(cs)
    for k in range(cs.n_moves):
        issue = move_issue(cs, k, spread)
        point = run_model(issue, name).forecast
        p = option_probabilities(
            perturbed_forecasts(issue, name, draws=draws, seed=seed + k), int(cs.n_options[k])
        )
        choice[k] = int(np.argmax(p))
        points.append(point)
        probs.append(p)
    nash, nash_u, note = _nash(cs, nash_time_limit)
    for k in range(cs.n_moves):
        m = int(cs.n_options[k])
        moves.append(
            MoveForecast(
                id=cs.move_ids[k],
                name=cs.move_names[k],
                forecast=points[k],
                options=tuple(
                    OptionForecast(
                        cs.option_ids[k][o], cs.option_labels[k][o], 100.0 * o / (m - 1), float(probs[k][o])
                    )
                    for o in range(m)
                ),
                most_likely=cs.option_ids[k][int(choice[k])],
                nash=None if nash is None else cs.option_ids[k][int(nash[k])],
            )
        )
    return ScenarioForecast(
        title=cs.scenario.meta.title,
        model=name,
        seed=seed,
        draws=draws,
        party_ids=cs.party_ids,
        moves=tuple(moves),
        most_likely=choice,
        most_likely_utilities=cs.utilities(choice),
        most_likely_acceptable=bool(cs.acceptable(choice)[0]),
        nash=nash,
        nash_utilities=nash_u,
        nash_note=note,
    )


def _nash(cs: CompiledScenario, time_limit: float) -> tuple[IntArray | None, FloatArray | None, str]:
    from detente.analysis.solve import solve

    res = solve(cs, "nash", time_limit=time_limit)
    if not res.packages:
        return None, None, "no acceptable package, so no Nash package"
    ties = f"; {len(res.packages)} tied packages, the first shown" if len(res.packages) > 1 else ""
    proven = "proven optimal" if res.optimal else f"not proven optimal (gap {res.gap})"
    return res.packages[0].choices, res.packages[0].utilities, f"Nash package by {res.method}, {proven}{ties}"


@dataclass(frozen=True)
class AnnexRow:
    move: str
    heading_to: str
    probability: float
    fair_deal: str


@dataclass(frozen=True)
class ForecastAnnex:
    """Brief-annex material: a short table of the moves where talks head away from the Nash package,
    and one sentence."""

    rows: tuple[AnnexRow, ...]
    sentence: str


def brief_annex(
    scenario: ScenarioForecast | CompiledScenario,
    *,
    model: str = "compromise",
    seed: int = 0,
    max_rows: int = 8,
) -> ForecastAnnex:
    """The brief-annex material for a scenario: a short table of the moves where the most likely option
    differs from the Nash package's (most confident first, at most ``max_rows``) and a one-sentence
    summary. Given a compiled scenario, runs :func:`forecast_scenario` with ``model`` and ``seed`` first."""
    sf = scenario if isinstance(scenario, ScenarioForecast) else forecast_scenario(scenario, model, seed=seed)
    differ = [m for m in sf.moves if m.nash is not None and m.most_likely != m.nash]
    differ.sort(key=lambda m: -max(o.probability for o in m.options))
    rows = tuple(
        AnnexRow(
            move=m.name,
            heading_to=next(o.label for o in m.options if o.id == m.most_likely),
            probability=max(o.probability for o in m.options),
            fair_deal=next(o.label for o in m.options if o.id == m.nash),
        )
        for m in differ[:max_rows]
    )
    n = len(sf.moves)
    if sf.nash is None:
        sentence = (
            f"The {sf.model} forecast (seeded, {sf.draws} draws) puts the most likely package beside no Nash "
            "package: no package is acceptable to every party."
        )
    else:
        verdict = "acceptable" if sf.most_likely_acceptable else "not acceptable"
        sentence = (
            f"Where talks are heading vs. where a fair deal lies: the {sf.model} forecast (seeded, "
            f"{sf.draws} draws) settles {sf.agreement} of {n} moves as the Nash package does; the most likely "
            f"package is {verdict} to every party."
        )
    return ForecastAnnex(rows=rows, sentence=sentence)
