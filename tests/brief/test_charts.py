"""Charts: deterministic SVG, alt text that states the data, colour-blind-safe palette."""

from __future__ import annotations

import numpy as np

from detente.brief import charts
from detente.brief.model import OptionCard, PartyInfo, PartyStake

PARTIES = [PartyInfo("a", "Alpha", 1.0, 5.0, -1.0), PartyInfo("b", "Beta", 0.0, 4.0, -2.0)]


def _card(title: str, ua: float, ub: float) -> OptionCard:
    stakes = [PartyStake("a", "Alpha", [], [], ua, 1.0), PartyStake("b", "Beta", [], [], ub, 0.0)]
    return OptionCard(key=title, title=title, rationale="", choices={}, stakes=stakes, acceptable=True)


def test_svg_is_deterministic_and_has_no_date() -> None:
    cards = [_card("Option 1", 3, 2), _card("Option 2", 2, 3.5)]
    a = charts.utility_bars(PARTIES, cards)
    b = charts.utility_bars(PARTIES, cards)
    assert a.svg == b.svg
    assert a.svg.startswith("<svg") and "<dc:date>" not in a.svg


def test_alt_text_states_every_value() -> None:
    chart = charts.utility_bars(PARTIES, [_card("Option 1", 3, 2.5)])
    assert "Option 1: Alpha 3 (reservation 1), Beta 2.5 (reservation 0)" in chart.alt


def test_okabe_ito_colours_are_used() -> None:
    chart = charts.utility_bars(PARTIES, [_card("Option 1", 3, 2), _card("Option 2", 1, 1)])
    svg = chart.svg.lower()
    assert charts.OKABE_ITO[0].lower() in svg and charts.OKABE_ITO[1].lower() in svg


def test_pareto_alt_lists_marked_points() -> None:
    frontier = np.asarray([[4.0, 1.0], [3.0, 3.0], [1.0, 4.0]])
    chart = charts.pareto_chart(["Alpha", "Beta"], np.asarray([1.0, 0.0]), frontier, [("Nash", frontier[1])])
    assert "3 Pareto-efficient" in chart.alt and "Nash at Alpha 3, Beta 3" in chart.alt


def test_overlap_alt_names_moves_every_party_gains_from() -> None:
    gains = np.asarray([[1.0, 2.0], [-1.0, 3.0]])
    chart = charts.interest_overlap(["Alpha", "Beta"], ["Shared move", "Split move"], gains)
    assert "every party gains from: Shared move." in chart.alt
