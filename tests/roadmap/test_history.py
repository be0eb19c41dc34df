"""The phases actually agreed (a scenario's history: section) as a roadmap."""

from __future__ import annotations

import pytest

from detente.errors import DetenteError
from detente.roadmap.history import historical_roadmap, history_package
from detente.roadmap.items import build_items
from detente.roadmap.plan import compare_strategies
from tests.roadmap.conftest import game


def test_history_package_and_phases() -> None:
    cs = game("graded")
    c = history_package(cs)
    # the furthest option named for each move: the cap at 2M, talks in Geneva
    assert cs.choices_to_ids(c) == {"N-freeze": "yes", "cap": "cap-2m", "talks": "geneva"}
    items = build_items(cs, c)
    rm = historical_roadmap(cs, items)
    # the cap's first stage is named in the first phase, its second stage in the second
    assert [[items.items[n].id for n in ph.items] for ph in rm.phases] == [
        ["N-freeze", "cap:cap-1m"],
        ["cap:cap-2m", "talks"],
    ]
    # the agreed first phase bundles the cap with the freeze it requires
    assert rm.violations == [
        "Refined-petroleum cap raised (cap) requires North freezes its reactor (N-freeze)"
    ]
    assert rm.strategy == "historical" and "First phase; Second phase" in rm.method


def test_compare_with_history_adds_a_row() -> None:
    cs = game("graded")
    cmp = compare_strategies(cs, history_package(cs), history=True)
    assert [rm.strategy for rm in cmp.roadmaps] == ["big-for-big", "step-by-step", "optimized", "historical"]


def test_no_history_is_a_clean_error() -> None:
    cs = game("freeze-for-relief")
    with pytest.raises(DetenteError, match="has no history.phases"):
        history_package(cs)
