"""One work budget per command (:mod:`detente.analysis.budget`): shares, charges, the safety stop."""

from __future__ import annotations

import pytest

from detente.analysis.budget import (
    SKIPPED_NOTE,
    WALL_STOP_NOTE,
    Budget,
    active,
    charge,
    command_budget,
    recall,
    step_budget,
)
from detente.analysis.methods.cpsat import solve_cpsat
from detente.analysis.report import analyze
from detente.analysis.solve import solve
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from tests.conftest import FIXTURES, SCENARIOS


def test_shares_never_exceed_the_command_and_pass_on_what_is_unused() -> None:
    with command_budget(8.0) as total:
        first = total.share(4)
        assert first.left() == pytest.approx(2.0)
        first.spend(0.5)  # a step that used a quarter of its share
        assert total.left() == pytest.approx(7.5)
        second = total.share(3)
        assert second.left() == pytest.approx(2.5)  # the unused 1.5 passes on
        with step_budget(second):
            inner = Budget.of(100.0)  # a step asking for more than it has gets what it has
            assert inner.left() == pytest.approx(2.5)
            inner.spend(1.0)
            charge(0.25)  # non-solver work of the running step
        assert second.left() == pytest.approx(1.25)
        assert total.left() == pytest.approx(6.25)
    assert active() is None


def test_outside_a_command_a_budget_is_its_own() -> None:
    b = Budget.of(3.0)
    assert b.left() == 3.0 and b.parent is None and not b.expired


def test_the_safety_stop_marks_the_answer_incomplete() -> None:
    cs = compile_scenario(load_scenario(SCENARIOS / "korea-2019.yaml"))
    with command_budget(50.0, wall=0.0) as total:  # the stop has already fired: a very slow machine
        result = solve_cpsat(cs, "nash")
    assert total.wall_stopped
    assert not result.optimal and WALL_STOP_NOTE in result.notes


def test_analyze_after_the_safety_stop_skips_and_says_so() -> None:
    cs = compile_scenario(load_scenario(FIXTURES / "analysis" / "allies.yaml"))
    with command_budget(50.0, wall=0.0):
        rep = analyze(cs, k=2)
    assert not rep.complete
    assert WALL_STOP_NOTE in rep.notes
    assert any(SKIPPED_NOTE in n for n in rep.notes)
    assert rep.to_json(cs)["complete"] is False


def test_a_concept_is_solved_once_per_command() -> None:
    cs = compile_scenario(load_scenario(FIXTURES / "analysis" / "allies.yaml"))
    with command_budget(10.0):
        first = solve(cs, "nash")
        assert recall(("solve", "nash", "auto"), cs) is first
        assert solve(cs, "nash") is first  # reused, not solved again
        other = compile_scenario(load_scenario(FIXTURES / "analysis" / "allies.yaml"))
        assert recall(("solve", "nash", "auto"), other) is None  # another scenario object never matches
    assert solve(cs, "nash") is not first  # outside the command nothing is kept


def test_a_brief_after_the_safety_stop_says_what_was_skipped() -> None:
    from detente.brief import BriefOptions, build_brief

    cs = compile_scenario(load_scenario(FIXTURES / "analysis" / "allies.yaml"))
    with command_budget(50.0, wall=0.0):
        data = build_brief(cs, options=BriefOptions(n_options=2, samples=200))
    assert WALL_STOP_NOTE in data.unavailable
    assert any(n.startswith("roadmaps:") and SKIPPED_NOTE in n for n in data.unavailable)
    assert not any(section.key == "forecast" for section in data.annex)


def test_every_dt_call_runs_inside_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    import detente as dt
    import detente.analysis.solve as solve_module

    seen: list[Budget | None] = []
    real = solve_module.solve

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(active())
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_module, "solve", spy)
    dt.solve(FIXTURES / "analysis" / "allies.yaml", "nash", time_limit=5)
    assert seen and seen[0] is not None and seen[0].parent is None
    assert 0 < seen[0].work < 5  # compiling the file was charged to it
    assert active() is None
    assert dt.analyze(FIXTURES / "analysis" / "allies.yaml", time_limit=5).complete
