"""Roadmap items: whole moves, stages of graded moves, prerequisites as precedences."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.roadmap.items import build_items
from tests.roadmap.conftest import everything, game


def test_whole_moves_and_prerequisites() -> None:
    cs = game("freeze-for-relief")
    items = build_items(cs, everything(cs))
    assert [it.id for it in items.items] == ["N-freeze", "N-dismantle", "U-waiver", "U-lift"]
    # dismantle and waiver need the freeze; the lift needs the dismantlement
    assert set(items.before) == {(0, 1), (0, 2), (1, 3)}
    assert "requires North freezes its reactor" in items.prereq_labels[(0, 1)]
    assert items.items[1].length_days == 180 + 90  # duration + verification lead
    assert items.items[2].length_days == 10  # not verifiable: no lead time


def test_graded_move_is_split_into_stages_with_value_increments() -> None:
    cs = game("graded")
    items = build_items(cs, everything(cs))
    ids = [it.id for it in items.items]
    assert ids == ["N-freeze", "cap:cap-1m", "cap:cap-2m", "talks"]
    one, two = items.items[1], items.items[2]
    # cap 500k → 1M is worth (N 2, U −1, C 1); 1M → 2M the rest of (5, −3, 2)
    assert one.values.tolist() == [2, -1, 1]
    assert two.values.tolist() == [3, -2, 1]
    assert (1, 2) in items.not_after  # stage 1 no later than stage 2
    assert (0, 1) in items.before  # the freeze comes before the first stage
    # "talks" has three options but values that do not grow along them: an unordered choice, not split
    assert items.items[3].option_from == 0 and items.items[3].option_to == 2
    assert np.allclose(items.values.sum(axis=0), cs.utilities(everything(cs)))


def test_no_split_keeps_graded_move_whole() -> None:
    cs = game("graded")
    items = build_items(cs, everything(cs), split_graded=False)
    assert [it.id for it in items.items] == ["N-freeze", "cap", "talks"]
    assert items.items[1].values.tolist() == [5, -3, 2]


def test_status_quo_moves_are_not_items_and_missing_prerequisite_is_noted() -> None:
    cs = game("freeze-for-relief")
    c = cs.choices_from_ids({"U-waiver": "yes"})
    items = build_items(cs, c)
    assert [it.id for it in items.items] == ["U-waiver"]
    assert any("not in the package" in n for n in items.notes)


def test_bad_shape() -> None:
    cs = game("freeze-for-relief")
    with pytest.raises(DetenteError, match="one option per move"):
        build_items(cs, [1, 1])
