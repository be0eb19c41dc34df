"""The roadmap commands: JSON keys, human output, clean errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from detente.cli.app import main
from tests.conftest import FIXTURES

GAME = FIXTURES / "roadmap" / "freeze-for-relief.yaml"
ALL = {"N-freeze": "yes", "N-dismantle": "yes", "U-waiver": "yes", "U-lift": "yes"}


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the CLI in-process (``detente.cli.app.main``), as a user would, and capture its output."""

    def invoke(*args: str) -> Result:
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, " ".join(out.err.split()))  # Rich wraps long lines

    return invoke


def package(tmp_path: Path) -> Path:
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"packages": [{"choices": ALL}]}))
    return path


def test_roadmap_json(run: Callable[..., Result], tmp_path: Path) -> None:
    chart = tmp_path / "roadmap.svg"
    r = run(
        "roadmap", str(GAME), "--package", str(package(tmp_path)), "--format", "json", "--chart", str(chart)
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert {
        "phases",
        "exposure",
        "max_exposure",
        "self_enforcing",
        "temptations",
        "method",
        "optimal",
    } <= set(doc)
    assert all({"index", "moves", "gates", "start", "end"} <= set(p) for p in doc["phases"])
    assert all({"phase", "party", "margin"} <= set(t) for t in doc["temptations"])
    assert doc["max_exposure"]["N"] == 1.0
    assert chart.read_text().lstrip().startswith("<?xml")
    again = run("roadmap", str(GAME), "--package", str(package(tmp_path)), "--chart", str(chart))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_roadmap_table_and_objective(run: Callable[..., Result], tmp_path: Path) -> None:
    r = run("roadmap", str(GAME), "--package", str(package(tmp_path)), "--objective", "phases")
    assert r.returncode == 0, r.stderr
    assert "Phase 1" in r.stdout and "Not self-enforcing" in r.stdout
    assert "the order is proven optimal for this package" in " ".join(r.stdout.split())


def test_compare_strategies_json(run: Callable[..., Result], tmp_path: Path) -> None:
    r = run("compare-strategies", str(GAME), "--package", str(package(tmp_path)), "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["strategies"]
    assert [x["strategy"] for x in rows] == ["big-for-big", "step-by-step", "optimized"]
    assert {"max_exposure", "completion_days", "tempted_phases"} <= set(rows[0])


def test_infeasible_rules_named_without_traceback(run: Callable[..., Result], tmp_path: Path) -> None:
    r = run("roadmap", str(GAME), "--package", str(package(tmp_path)), "--max-phases", "2")
    assert r.returncode == 2
    assert "at most 2 phases" in r.stderr and "requires North freezes its reactor" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_package_file(run: Callable[..., Result], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"choices": {"nope": "yes"}}')
    r = run("roadmap", str(GAME), "--package", str(bad))
    assert r.returncode == 2 and "unknown move 'nope'" in r.stderr
    r = run("roadmap", str(GAME), "--package", str(bad), "--option", "1")
    assert r.returncode == 2 and "--concept/--option or --package, not both" in r.stderr


def test_concept_and_history_packages(run: Callable[..., Result]) -> None:
    r = run("roadmap", str(GAME), "--concept", "welfare", "--format", "json")
    assert r.returncode == 0, r.stderr
    # welfare: every move is worth more to the other side than it costs its owner, so all four are in
    assert sorted(m for p in json.loads(r.stdout)["phases"] for m in p["moves"]) == sorted(ALL)
    graded = FIXTURES / "roadmap" / "graded.yaml"
    r = run("compare-strategies", str(graded), "--history", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert [x["strategy"] for x in json.loads(r.stdout)["strategies"]][-1] == "historical"
    r = run("roadmap", str(graded), "--history", "--format", "json")
    assert r.returncode == 0, r.stderr
    agreed = json.loads(r.stdout)["history"]
    assert agreed["strategy"] == "historical" and [p["moves"] for p in agreed["phases"]][0] == [
        "N-freeze",
        "cap:cap-1m",
    ]
    r = run("roadmap", str(GAME), "--history")
    assert r.returncode == 2 and "has no history.phases" in r.stderr


def test_unacceptable_package_is_refused_naming_rule_and_party(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    """Dismantling without the freeze breaks N-dismantle's prerequisite and leaves North at -4 < 0."""
    path = tmp_path / "bad-package.json"
    path.write_text(json.dumps({"choices": {"N-dismantle": "yes"}}))
    r = run("roadmap", str(GAME), "--package", str(path))
    assert r.returncode == 2 and r.stdout == ""
    assert "is not acceptable" in r.stderr
    assert "North dismantles the reactor (N-dismantle) requires North freezes its reactor" in r.stderr
    assert "North (N) gets -4, below its reservation value 0" in r.stderr
    assert "--allow-unacceptable" in r.stderr and "Traceback" not in r.stderr
    r = run("roadmap", str(GAME), "--package", str(path), "--allow-unacceptable")
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("warning: the package in") and "is NOT acceptable" in r.stderr
    assert "North (N) gets -4" in r.stderr
    out = " ".join(r.stdout.split())
    assert "(not chosen by Détente)" in out and "the order is proven optimal for this package" in out


def test_acceptable_package_passes_the_check(run: Callable[..., Result], tmp_path: Path) -> None:
    r = run("roadmap", str(GAME), "--package", str(package(tmp_path)))
    assert r.returncode == 0 and "warning" not in r.stderr


def test_no_deal_roadmap_points_to_diagnose(run: Callable[..., Result]) -> None:
    r = run("roadmap", str(FIXTURES / "analysis" / "no-deal.yaml"))
    assert r.returncode == 2 and "detente diagnose" in r.stderr
    assert run("diagnose", str(FIXTURES / "analysis" / "no-deal.yaml")).returncode == 0
