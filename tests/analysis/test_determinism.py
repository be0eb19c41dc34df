"""The same input gives byte-identical analysis JSON (timing fields aside), on an idle and a busy machine.

Every exact solver runs on a deterministic work budget (CP-SAT's deterministic time, one worker, a
fixed seed; HiGHS node budgets, one thread), never on the clock: these tests run the real CLI as
separate processes, once of them next to a process that keeps a core busy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import SCENARIOS

FLAGSHIP = SCENARIOS / "korea-2019.yaml"
TIMING = {"seconds"}


def _strip(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _strip(v) for k, v in doc.items() if k not in TIMING}
    if isinstance(doc, list):
        return [_strip(v) for v in doc]
    return doc


def _analyze() -> str:
    cmd = [sys.executable, "-m", "detente.cli.app", "analyze", "--format", "json", str(FLAGSHIP)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600)
    return json.dumps(_strip(json.loads(out.stdout)), sort_keys=True)


@pytest.mark.slow
def test_analyze_json_identical_idle_and_busy():
    first = _analyze()
    second = _analyze()
    assert first == second
    burn = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        busy = _analyze()
    finally:
        burn.kill()
        burn.wait()
    assert busy == first
    doc = json.loads(first)
    # the work budget is generous enough that the flagship's answers are proven, not cut by a budget
    assert all(s["optimal"] for s in doc["solutions"].values())


@pytest.mark.slow
def test_cold_process_import_is_not_charged_to_the_budget():
    """A cold process spends time importing OR-Tools before the first solve; the budget is deterministic
    work, so a small budget still gives the same proven answer as a warm call."""
    cmd = [
        sys.executable,
        "-m",
        "detente.cli.app",
        "solve",
        str(FLAGSHIP),
        "--concept",
        "nash",
        "--method",
        "cp-sat",
        "--time-limit",
        "3",
        "--format",
        "json",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600)
    doc = json.loads(out.stdout)
    assert doc["packages"] and doc["optimal"]
    from detente.analysis.solve import solve
    from detente.io.loader import load_scenario
    from detente.model.compiled import compile_scenario

    cs = compile_scenario(load_scenario(FLAGSHIP))
    warm = solve(cs, "nash", method="cp-sat", time_limit=3)
    assert [p.to_json(cs)["choices"] for p in warm.packages] == [p["choices"] for p in doc["packages"]]
