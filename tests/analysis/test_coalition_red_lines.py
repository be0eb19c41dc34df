"""The members' best package in a coalition's overlap keeps every member's own red lines."""

from __future__ import annotations

import pytest

from detente.analysis.coalitions import overlap, wedges
from detente.analysis.package_check import check_package
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "analysis" / "red-line-member.yaml"


@pytest.mark.parametrize("method", ["enumeration", "cp-sat"])
def test_best_for_the_members_honours_a_members_red_line(method: str) -> None:
    cs = compile_scenario(load_scenario(FIXTURE))
    ov = overlap(cs, [0, 1], method=method, time_limit=5.0)
    assert ov.best is not None
    # by hand: c-aid (A +1, B +10) is refused by A's red line, so the best is a-step alone
    assert ov.best.carried_out == ["a-step"]
    assert ov.best.margins == {"A": 2.0, "B": 1.0, "C": 0.0}
    if method == "enumeration":
        assert ov.count == 2  # the status quo and a-step alone (c-aid is refused by A)


@pytest.mark.parametrize("method", ["enumeration", "cp-sat"])
def test_wedges_report_keeps_members_red_lines(method: str) -> None:
    cs = compile_scenario(load_scenario(FIXTURE))
    (rep,) = wedges(cs, method=method, time_limit=5.0).coalitions
    assert rep.overlap.best is not None
    c = cs.choices_from_ids(rep.overlap.best.choices)
    broken = check_package(cs, c).broken
    assert [b.party for b in broken if b.party in rep.members] == []
    assert "c-aid" not in rep.overlap.best.carried_out
