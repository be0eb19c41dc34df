"""The simulation commands: JSON keys, 80-column tables, charts that are never overwritten, clean errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from detente.cli.app import main
from tests.conftest import FIXTURES, SHARED

THREE = FIXTURES / "simulate" / "three-party.yaml"
FREE = FIXTURES / "simulate" / "free-relief.yaml"
CAR = SHARED / "reference" / "genius" / "anac" / "y2012" / "CarA"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run the CLI in-process on an 80-column terminal and capture its output."""
    monkeypatch.setenv("COLUMNS", "80")
    from detente.cli import common

    monkeypatch.setattr(common.console, "_width", 80)

    def invoke(*args: str) -> Result:
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, " ".join(out.err.split()))

    return invoke


def fits(text: str) -> None:
    assert max(len(line) for line in text.splitlines()) <= 80


def test_simulate_json(run: Callable[..., Result]) -> None:
    r = run("simulate", str(THREE), "-s", "conceder", "-s", "B=linear", "--rounds", "30", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["agreement"] is True
    assert set(doc["package"]) >= {"choices", "utilities"}
    assert doc["reservation"] == {"A": 2.0, "B": 1.0, "C": 0.0}
    assert doc["strategies"] == {"A": "conceder", "B": "linear", "C": "conceder"}
    assert doc["trace"][0]["action"] == "offer" and "choices" in doc["trace"][0]
    assert doc["distance_to_pareto"] >= 0 and doc["distance_to_nash"] >= 0
    again = run(
        "simulate", str(THREE), "-s", "conceder", "-s", "B=linear", "--rounds", "30", "--format", "json"
    )
    assert again.stdout == r.stdout


@pytest.mark.skipif(not CAR.exists(), reason="reference data not found")
def test_simulate_table_on_a_genius_folder(run: Callable[..., Result]) -> None:
    r = run("simulate", str(CAR), "-s", "learner", "--rounds", "50")
    assert r.returncode == 0, r.stderr
    assert "Car-A-prof1" in r.stdout and "learned (rank correlation)" in r.stdout
    fits(r.stdout)


def test_simulate_mediated_with_calendar(run: Callable[..., Result]) -> None:
    r = run(
        "simulate", str(THREE), "--protocol", "mediated", "-s", "hardliner", "--start", "2019-03-01",
        "--deadline", "2019-12-31", "--breakdown", "1", "--days-per-round", "30", "--format", "json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["reason"] == "breakdown" and doc["package"] is None
    assert doc["calendar"]["deadline_day"] == 305


def test_simulate_errors(run: Callable[..., Result]) -> None:
    r = run("simulate", str(THREE), "-s", "bogus")
    assert r.returncode == 2 and "unknown strategy 'bogus'" in r.stderr and "Traceback" not in r.stderr
    r = run("simulate", str(THREE), "-s", "Z=linear")
    assert r.returncode == 2 and "unknown party 'Z'" in r.stderr
    r = run("simulate", str(THREE), "--deadline", "2019-12-31")
    assert r.returncode == 2 and "--start" in r.stderr


def test_tournament_json_and_charts(run: Callable[..., Result], tmp_path: Path) -> None:
    charts = tmp_path / "charts"
    args = ["tournament", str(THREE), "--strategies", "boulware,conceder,learner", "--repetitions", "1"]
    r = run(*args, "--rounds", "30", "--format", "json", "--chart-dir", str(charts))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["negotiations"] == 3 + 6 * 3
    row = {s["strategy"]: s for s in doc["strategies"]}
    assert row["learner"]["learns_opponent"] and row["learner"]["rank_correlation"] is not None
    for key in ("mean_utility", "agreement_rate", "mean_rounds", "distance_to_nash"):
        assert key in row["boulware"]
    assert (charts / "heatmap.png").stat().st_size > 0 and (charts / "agreement-times.png").exists()
    again = run(*args, "--rounds", "30", "--chart-dir", str(charts))
    assert again.returncode == 2 and "--force" in again.stderr
    table = run(*args, "--rounds", "30", "--chart-dir", str(charts), "--force")
    assert table.returncode == 0 and "learner" in table.stdout
    fits(table.stdout)


def test_simulate_roadmap(run: Callable[..., Result]) -> None:
    r = run("simulate-roadmap", str(FREE), "--runs", "50", "--default-detection", "1", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [s["strategy"] for s in doc["strategies"]] == ["big-for-big", "step-by-step", "optimized"]
    assert all(s["completion"] == 1.0 for s in doc["strategies"])
    assert set(doc["strategies"][0]["utilities"]["US"]) == {"mean", "p5", "p50", "p95"}
    t = run("simulate-roadmap", str(FREE), "--runs", "50", "--type", "DPRK=cooperative", "--noise", "0.1")
    assert t.returncode == 0, t.stderr
    fits(t.stdout)
    bad = run("simulate-roadmap", str(FREE), "--detection", "nomove=0.5")
    assert bad.returncode == 2 and "unknown move" in bad.stderr


@pytest.mark.slow
def test_simulate_the_flagship(run: Callable[..., Result]) -> None:
    from tests.conftest import SCENARIOS

    korea = str(SCENARIOS / "korea-2019.yaml")
    r = run(
        "simulate",
        korea,
        "--protocol",
        "mediated",
        "-s",
        "conceder",
        "-s",
        "DPRK=boulware",
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["agreement"] is True and set(doc["reservation"]) == {
        "US",
        "DPRK",
        "ROK",
        "CHN",
        "JPN",
        "RUS",
        "UNSC",
    }
    assert doc["distance_to_nash"] is not None
    table = run("simulate", korea, "-s", "learner", "--rounds", "10")
    assert table.returncode == 0, table.stderr
    fits(table.stdout)
