"""Annex sections that come from other parts of Détente: where talks are heading (forecasting) and
the implementation status from a ledger. Each returns an :class:`~detente.brief.model.AnnexSection`
whose partial lives in ``templates/annex/``."""

from __future__ import annotations

from pathlib import Path

from detente.brief.model import AnnexSection, Chart
from detente.model.compiled import CompiledScenario, IntArray


def robustness_section(
    cs: CompiledScenario,
    *,
    concept: str = "nash",
    seed: int = 0,
    draws: int = 20_000,
    packages: list[tuple[str, IntArray]] | None = None,
) -> tuple[AnnexSection, list[Chart]] | None:
    """The sensitivity tornado and the robust–efficient trade-off (``detente robustness --most-robust``,
    ``detente sensitivity``), or None when no judgment is uncertain. ``packages``: the recommended
    option as ``[(label, choices)]`` when the caller already has it (the brief passes the analysis's
    option 1, so it is not searched again); default: option 1 of the options report."""
    from detente.brief.charts import figure_svg
    from detente.uncertainty.brief import brief_material
    from detente.uncertainty.charts import tornado_figure, tradeoff_figure
    from detente.uncertainty.evaluation import uncertainty_of
    from detente.uncertainty.robust import robustness
    from detente.uncertainty.sensitivities import sensitivity

    if uncertainty_of(cs).n_inputs == 0:
        return None
    sens = sensitivity(cs, concept=concept, seed=seed, break_evens=False)
    rob = robustness(cs, packages=packages, concept=concept, draws=draws, seed=seed, most_robust=True, k=1)
    material = brief_material(cs, concept=concept, seed=seed, sens=sens, rob=rob)
    charts = [
        Chart(
            key="tornado",
            title="Which judgments the recommendation rests on",
            alt=f"Tornado chart: the probability that every party accepts the {concept} package with each "
            "judgment at its low and its high end, widest swings on top.",
            caption=material.sentence,
            svg=figure_svg(tornado_figure(sens)),
            section="robustness",
        )
    ]
    if material.tradeoff:
        charts.append(
            Chart(
                key="tradeoff",
                title="Robust or efficient?",
                alt="Scatter of the probability that every party accepts against the welfare gain, for the "
                "most robust package and the Nash, Kalai–Smorodinsky and egalitarian packages.",
                caption="The most robust package is found by a sample-average MILP (HiGHS); its probability "
                "is re-measured on fresh draws.",
                svg=figure_svg(tradeoff_figure(material.tradeoff)),
                section="robustness",
            )
        )
    return AnnexSection("robustness", "Robustness to the judgments", "robustness", material), charts


def played_out_section(cs: CompiledScenario, choices: object, *, seed: int = 0) -> AnnexSection:
    """The recommended option played out: agreement rates by strategy mix and its roadmap's completion
    probability under the implementation game (:mod:`detente.simulate`)."""
    from detente.simulate.annex import played_out

    return AnnexSection("played-out", "Played out", "played_out", played_out(cs, choices, seed=seed))  # type: ignore[arg-type]


def forecast_section(cs: CompiledScenario, *, seed: int = 0) -> AnnexSection:
    """Where talks are heading (the compromise forecast per move) beside the Nash package."""
    from detente.forecast.scenario import brief_annex

    return AnnexSection("forecast", "Where talks are heading", "forecast", brief_annex(cs, seed=seed))


def ledger_section(ledger: str | Path, *, as_of: str | None = None) -> AnnexSection:
    """Implementation status from a signed ledger (``detente ledger status``), verified first."""
    from detente.ledger import ledger_status

    return AnnexSection(
        "implementation", "Implementation status", "implementation", ledger_status(ledger, as_of=as_of)
    )
