"""``--time-limit`` bounds the whole command (issue 15): a generated 1,000-move file with ``-t 2``.

Before the one-budget-per-command change, ``analyze -t 2`` on such a file ran 90–110 s (every step had
its own budget and the MILP steps stopped only on a 30 s wall clock each). The bounds, and why:

* **CPU ≤ 12 s** (the child's own rusage, independent of the machine's load): the budget is 2 work
  units for everything (about 2 s of solver time on an idle machine; CP-SAT's deterministic time runs
  up to ~2.2 CPU-s per unit on the largest models of this file) plus interpreter start-up and reading
  and compiling the 170 KB file (~2.5 s), so ~7.5 s at most, with room for a slower CI machine;
* **wall ≤ the safety stop + 5 s**: the command's one wall-clock safety stop (``safety_seconds(2)`` =
  20 s from the moment the command starts; it is generous so that a merely busy machine never changes
  an answer) plus interpreter start-up, imports and printing — 25 s, so however loaded the machine,
  the command cannot run on; on an idle machine these runs take 3–7 s;
* **peak memory < 500 MB** (measured ~160 MB: the models are linear in the file).

Every answer must stay honest when the budget runs out: not proven optimal / not exact / incomplete,
with a note saying why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.analysis.budget import WALL_STOP_NOTE, safety_seconds
from tests.hostile.conftest import run_measured
from tests.hostile.large import write_large

BUDGET = 2.0
CPU_SECONDS = 12.0
WALL_SECONDS = safety_seconds(BUDGET) + 5.0
MEGABYTES = 500


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_large(tmp_path_factory.mktemp("large") / "large-1000.yaml")


def _bounded(command: str, path: Path) -> dict:
    r, cpu, wall, mb = run_measured(command, str(path), "-t", str(BUDGET), "--format", "json")
    assert r.returncode == 0, r.stderr[-2000:]
    assert cpu < CPU_SECONDS, f"{command}: {cpu:.1f} s of CPU"
    assert wall < WALL_SECONDS, f"{command}: {wall:.1f} s wall"
    assert mb < MEGABYTES, f"{command}: peak memory {mb:.0f} MB"
    return json.loads(r.stdout)


@pytest.mark.slow
def test_solve_is_bounded_and_honest(large_file: Path) -> None:
    out = _bounded("solve", large_file)
    if not out["optimal"]:
        assert out["notes"], "an answer cut short must say why"


@pytest.mark.slow
def test_frontier_is_bounded_and_honest(large_file: Path) -> None:
    out = _bounded("frontier", large_file)
    if not out["exact"]:
        assert not out["ranges_complete"] and out["notes"]


@pytest.mark.slow
def test_options_is_bounded_and_honest(large_file: Path) -> None:
    out = _bounded("options", large_file)
    assert out["complete"] is False or out["found"] == 4
    if not out["optimal"]:
        assert out["gap"] is None or out["gap"] >= 0


@pytest.mark.slow
def test_wedges_is_bounded(large_file: Path) -> None:
    out = _bounded("wedges", large_file)
    assert [c["id"] for c in out["coalitions"]] == ["ab"]


@pytest.mark.slow
def test_diagnose_is_bounded_and_honest(large_file: Path) -> None:
    out = _bounded("diagnose", large_file)
    assert out["feasible"] in (True, None)
    if not out["optimal"]:
        assert out["notes"]


@pytest.mark.slow
def test_analyze_is_bounded_and_honest(large_file: Path) -> None:
    out = _bounded("analyze", large_file)
    assert out["complete"] == (WALL_STOP_NOTE not in out["notes"])
    for concept, sol in out["solutions"].items():
        if not sol["optimal"]:
            assert sol["notes"], concept
    if out["frontier"] is not None and not out["frontier"]["exact"]:
        assert not out["frontier"]["ranges_complete"]
