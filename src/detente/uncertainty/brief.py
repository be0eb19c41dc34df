"""Material for the brief: page 1's robustness sentence and the annex (tornado chart, trade-off table).

This module does not touch :mod:`detente.brief`; the brief's builder calls :func:`brief_material`.
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.model.compiled import CompiledScenario
from detente.uncertainty.results import RobustnessOutput, SensitivityOutput, TradeoffRow


@dataclass(frozen=True)
class BriefMaterial:
    """``sentence`` for page 1; the tornado (PNG bytes) and the robust–efficient table for the annex."""

    sentence: str
    acceptable_all: float
    rests_on: list[str]
    tornado_png: bytes
    tradeoff: list[TradeoffRow]
    tradeoff_png: bytes | None


def robustness_sentence(share: float, rests_on: list[str]) -> str:
    """ "Acceptable to every party in N% of plausible value draws; the judgments it rests on are …"."""
    text = f"Acceptable to every party in {share:.0%} of plausible value draws"
    if rests_on:
        text += "; the judgments it rests on are " + ", ".join(rests_on[:-1])
        text += (" and " if len(rests_on) > 1 else "") + rests_on[-1]
    return text + "."


def brief_material(
    cs: CompiledScenario,
    *,
    concept: str = "nash",
    draws: int = 100_000,
    seed: int = 0,
    top: int = 3,
    most_robust: bool = True,
    sens: SensitivityOutput | None = None,
    rob: RobustnessOutput | None = None,
) -> BriefMaterial:
    """Run (or reuse) the sensitivity and robustness analyses and package their results for the brief."""
    from detente.uncertainty.charts import figure_bytes, tornado_figure, tradeoff_figure
    from detente.uncertainty.robust import robustness
    from detente.uncertainty.sensitivities import sensitivity

    if sens is None:
        sens = sensitivity(cs, concept=concept, seed=seed, break_evens=False)
    if rob is None:
        rob = robustness(cs, concept=concept, draws=draws, seed=seed, most_robust=most_robust, k=1)
    rests_on = [j.label for j in sens.judgments[:top] if j.total > 0]
    share = rob.packages[0].acceptable_all if rob.packages else sens.acceptable_all
    rows = rob.most_robust.tradeoff if rob.most_robust else []
    return BriefMaterial(
        sentence=robustness_sentence(share, rests_on),
        acceptable_all=share,
        rests_on=rests_on,
        tornado_png=figure_bytes(tornado_figure(sens)),
        tradeoff=rows,
        tradeoff_png=figure_bytes(tradeoff_figure(rows)) if rows else None,
    )
