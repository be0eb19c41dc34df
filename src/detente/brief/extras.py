"""Annex sections that come from other parts of Détente: where talks are heading (forecasting) and
the implementation status from a ledger. Each returns an :class:`~detente.brief.model.AnnexSection`
whose partial lives in ``templates/annex/``."""

from __future__ import annotations

from pathlib import Path

from detente.brief.model import AnnexSection
from detente.model.compiled import CompiledScenario


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
