"""The API: plan_roadmap, compare_strategies, package selection from files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.io.package_file import package_from_file
from detente.roadmap import compare_strategies, plan_roadmap
from detente.roadmap.plan import naive_order
from tests.roadmap.conftest import everything, game


def test_compare_strategies_on_hand_game() -> None:
    """Big-for-big puts everything in one phase (three prerequisites broken): North does all it does
    (freeze reclaimed, dismantle −4) while the US stops → exposure 4. The naive order (file order,
    prerequisites first) is F, D, W, L: North dismantles before any relief → exposure 4. The optimized
    roadmap releases the waiver before the dismantlement → exposure 1."""
    cs = game("freeze-for-relief")
    cmp = compare_strategies(cs, everything(cs))
    big, naive, best = cmp.roadmaps
    assert (big.strategy, naive.strategy, best.strategy) == ("big-for-big", "step-by-step", "optimized")
    assert big.n_phases == 1 and len(big.violations) == 3
    assert [rm.max_exposure.max() for rm in cmp.roadmaps] == [4.0, 4.0, 1.0]
    assert naive.n_phases == 4 and naive.violations == []
    assert big.completion_days == 270 and naive.completion_days == 90 + 270 + 10 + 60
    doc = cmp.to_json(cs)
    assert [r["strategy"] for r in doc["strategies"]] == ["big-for-big", "step-by-step", "optimized"]
    assert doc["strategies"][2]["max_exposure"] == 1.0


def test_naive_order_respects_prerequisites() -> None:
    cs = game("freeze-for-relief")
    rm = plan_roadmap(cs, everything(cs))
    order = naive_order(rm.items)
    assert sorted(order.tolist()) == list(range(len(rm.items)))
    assert all(order[a] < order[b] for a, b in rm.items.before)


def test_to_json_keys_and_phase_numbers() -> None:
    cs = game("freeze-for-relief")
    doc = plan_roadmap(cs, everything(cs)).to_json(cs)
    for key in ("phases", "exposure", "max_exposure", "self_enforcing", "temptations", "method", "optimal"):
        assert key in doc
    assert [p["index"] for p in doc["phases"]] == [1, 2, 3, 4]
    assert set(doc["phases"][0]) >= {"index", "moves", "gates", "start", "end"}
    assert set(doc["exposure"]) == {"N", "U"} and len(doc["exposure"]["N"]) == 4
    assert doc["max_exposure"] == {"N": 1.0, "U": 0.0}
    assert {(t["phase"], t["party"]) for t in doc["temptations"]} == {(3, "N"), (4, "U")}
    assert doc["method"] == "cp-sat" and doc["optimal"] is True


def test_empty_package(tmp_path: Path) -> None:
    cs = game("freeze-for-relief")
    rm = plan_roadmap(cs, cs.status_quo_package())
    assert rm.n_phases == 0 and rm.self_enforcing and rm.optimal
    doc = rm.to_json(cs)
    assert (
        doc["phases"] == []
        and doc["exposure"] == {"N": [], "U": []}
        and doc["max_exposure"] == {"N": 0.0, "U": 0.0}
    )
    assert compare_strategies(cs, cs.status_quo_package()).to_json(cs)["strategies"][0]["phases"] == 0
    from detente.roadmap import gantt_chart

    assert gantt_chart(rm, cs, tmp_path / "empty.png") is not None


def test_package_file_formats_and_errors(tmp_path: Path) -> None:
    cs = game("freeze-for-relief")
    solve_doc = tmp_path / "solve.json"
    solve_doc.write_text(json.dumps({"packages": [{"choices": {"N-freeze": "yes", "U-waiver": "yes"}}]}))
    assert np.array_equal(
        package_from_file(cs, solve_doc), cs.choices_from_ids({"N-freeze": "yes", "U-waiver": "yes"})
    )
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"choices": {"N-freeze": "yes"}}))
    assert package_from_file(cs, bare).tolist() == [1, 0, 0, 0]
    cases = {
        "{": "not valid JSON",
        '{"packages": []}': "'packages' is empty",
        '{"choices": {"N-frieze": "yes"}}': "did you mean 'N-freeze'",
        '{"choices": {"N-freeze": "maybe"}}': "has no option 'maybe'",
        "[1, 2]": "expected",
    }
    for text, message in cases.items():
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        with pytest.raises(DetenteError, match=message):
            package_from_file(cs, bad)
    with pytest.raises(DetenteError, match="not found"):
        package_from_file(cs, tmp_path / "missing.json")


def test_package_file_errors_name_line_and_column(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A --package file's unknown move or option is reported at its line and column, with a fix."""
    import pytest

    from detente.errors import DetenteError
    from detente.io.loader import load_scenario
    from detente.io.package_file import package_from_file
    from detente.model.compiled import compile_scenario
    from tests.conftest import FIXTURES

    cs = compile_scenario(load_scenario(FIXTURES / "scenarios" / "minimal.yaml"))
    bad_option = tmp_path / "a.json"
    bad_option.write_text('{\n  "choices": {\n    "freeze": "maybe"\n  }\n}\n')
    with pytest.raises(DetenteError, match=r"a\.json:3:15: choices: move 'freeze' has no option 'maybe'"):
        package_from_file(cs, bad_option)
    bad_move = tmp_path / "b.json"
    bad_move.write_text('{"packages": [\n {"choices": {"frieze": "yes"}}]}\n')
    with pytest.raises(
        DetenteError,
        match=r"b\.json:2:15: packages\[0\]\.choices: unknown move 'frieze'; did you mean 'freeze'",
    ):
        package_from_file(cs, bad_move)
