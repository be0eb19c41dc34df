"""check_package: every broken rule (with the party holding a red line) and every party below reservation."""

from __future__ import annotations

import numpy as np
import pytest

from detente.analysis.package_check import check_package
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from tests.conftest import FIXTURES


def test_red_line_and_reservation_by_hand() -> None:
    cs = compile_scenario(load_scenario(FIXTURES / "analysis" / "red-line-member.yaml"))
    check = check_package(cs, cs.choices_from_ids({"c-aid": "yes"}))
    assert not check.acceptable
    assert [(b.kind, b.party) for b in check.broken] == [("red_line", "A")]
    assert check.below == []  # A gets +1, B +10, C 0: all at or above their reservation 0
    assert check.lines() == ["breaks red line: " + cs.constraints[0].label]
    assert check_package(cs, cs.choices_from_ids({"a-step": "yes"})).acceptable


def test_below_reservation_and_prerequisite() -> None:
    cs = compile_scenario(load_scenario(FIXTURES / "roadmap" / "freeze-for-relief.yaml"))
    check = check_package(cs, cs.choices_from_ids({"N-dismantle": "yes"}))
    assert [b.kind for b in check.broken] == ["prerequisite"]
    assert [(b.party, b.utility, b.reservation) for b in check.below] == [("N", -4.0, 0.0)]
    assert "North (N) gets -4, below its reservation value 0" in check.lines()


def test_agrees_with_the_compiled_acceptability_on_every_package() -> None:
    cs = compile_scenario(load_scenario(FIXTURES / "analysis" / "allies.yaml"))
    grid = np.stack(np.unravel_index(np.arange(cs.n_outcomes), tuple(int(x) for x in cs.n_options)), axis=1)
    ok = cs.acceptable(grid)
    for c, expected in zip(grid, ok, strict=True):
        assert check_package(cs, c).acceptable == bool(expected)


def test_wrong_shape_is_a_clear_error() -> None:
    cs = compile_scenario(load_scenario(FIXTURES / "analysis" / "allies.yaml"))
    with pytest.raises(ValueError, match="one option index per move"):
        check_package(cs, np.zeros(cs.n_moves + 1, dtype=np.int64))
