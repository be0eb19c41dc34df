"""The analysis commands: analyze, frontier, solve, options, wedges — output formats and clean errors.

Commands run in-process through :func:`detente.cli.app.main` (the same error handling as the installed
``detente`` command); one subprocess run checks the real entry point end to end.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from detente.analysis.coalitions import WedgesOutput
from detente.analysis.options import OptionsOutput
from detente.analysis.report import AnalyzeOutput, FrontierOutput, SolveOutput
from detente.cli.app import main
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from tests.analysis._instances import brute_concept, brute_frontier
from tests.conftest import FIXTURES

ALLIES = str(FIXTURES / "analysis" / "allies.yaml")
NO_DEAL = str(FIXTURES / "analysis" / "no-deal.yaml")
BAD = str(FIXTURES / "bad" / "not-yaml.yaml")
COMMANDS = ("analyze", "frontier", "solve", "options", "wedges", "diagnose")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def cs():  # type: ignore[no-untyped-def]
    return compile_scenario(load_scenario(ALLIES))


@pytest.mark.parametrize("concept", ["nash", "ks", "egalitarian", "welfare"])
def test_solve_json_matches_brute_force(capsys: pytest.CaptureFixture[str], concept: str) -> None:
    code, out, err = cli(capsys, "solve", ALLIES, "--concept", concept, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    SolveOutput.model_validate(doc)
    assert doc["concept"] == concept and isinstance(doc["optimal"], bool) and doc["method"]
    assert "gap" in doc
    c = cs()
    got = {tuple(int(x) for x in c.choices_from_ids(p["choices"])) for p in doc["packages"]}
    assert got == brute_concept(c, concept)
    for p in doc["packages"]:
        u = c.utilities(c.choices_from_ids(p["choices"]))
        assert [p["utilities"][q] for q in c.party_ids] == pytest.approx(list(u))


def test_solve_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "solve", ALLIES, "--concept", "welfare")
    assert code == 0
    for word in ("Maximum welfare", "Method: enumeration", "proven optimal", "The package", "--detail"):
        assert word in out
    code, out, _ = cli(capsys, "solve", ALLIES, "--concept", "welfare", "--detail")
    assert code == 0
    for word in ("gives", "gets", "margin"):
        assert word in out


def test_frontier_json_csv_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "frontier", ALLIES, "--format", "json")
    assert code == 0, err
    doc = FrontierOutput.model_validate(json.loads(out))
    c = cs()
    got = {tuple(int(x) for x in c.choices_from_ids(p.choices)) for p in doc.packages}
    assert got == brute_frontier(c)
    assert doc.exact and doc.count == len(got)
    code, out, _ = cli(capsys, "frontier", ALLIES, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [*c.party_ids, *c.move_ids]
    assert len(rows) - 1 == doc.count
    for row in rows[1:]:
        choices = c.choices_from_ids(dict(zip(c.move_ids, row[c.n_parties :], strict=True)))
        assert [float(x) for x in row[: c.n_parties]] == pytest.approx(list(c.utilities(choices)))
    code, out, _ = cli(capsys, "frontier", ALLIES)
    assert code == 0 and "Pareto frontier" in out and "exact" in out


def test_options_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "options", ALLIES, "--top", "3", "--near-optimal", "0.5", "--format", "json")
    assert code == 0, err
    doc = OptionsOutput.model_validate(json.loads(out))
    assert 1 <= doc.found <= 3 and doc.found == len(doc.options)
    c = cs()
    arr = np.vstack([o.array(c) for o in doc.options])
    assert c.acceptable(arr).all()
    code, out, _ = cli(
        capsys, "options", ALLIES, "--top", "2", "--concept", "welfare", "--near-optimal", "0.5"
    )
    assert code == 0
    for word in ("Options for principals", "#1", "#2", "In every option", "What differs"):
        assert word in out
    code, out, _ = cli(
        capsys, "options", ALLIES, "--top", "2", "--concept", "welfare", "--near-optimal", "0.5", "--detail"
    )
    assert code == 0
    for word in ("Option 1: what each party gives and gets", "gives", "margin"):
        assert word in out


def test_options_unknown_pillar_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "options", ALLIES, "--pillar", "econom")
    assert code == 2
    assert "did you mean 'economy'" in err and "Traceback" not in err


def test_wedges_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "wedges", ALLIES, "--format", "json")
    assert code == 0, err
    doc = WedgesOutput.model_validate(json.loads(out))
    (rep,) = doc.coalitions
    assert rep.members == ["US", "ROK"] and rep.opponent == ["KP"]
    code, out, _ = cli(capsys, "wedges", ALLIES)
    for word in (
        "The alliance",
        "Cohesion",
        "Offers by KP",
        "us-relief",
        "rok-projects",
        "Overlap",
        "best for the members",
    ):
        assert word in out
    code, out, _ = cli(capsys, "wedges", ALLIES, "--members", "US,KP", "--proposer", "ROK", "-f", "json")
    assert code == 0
    assert json.loads(out)["coalitions"][0]["members"] == ["US", "KP"]


def test_analyze_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "analyze", ALLIES, "--format", "json")
    assert code == 0, err
    doc = AnalyzeOutput.model_validate(json.loads(out))
    assert doc.zone_of_agreement is True and doc.diagnosis is None
    assert set(doc.solutions) == {"nash", "ks", "egalitarian", "welfare"}
    assert doc.frontier is not None and doc.frontier.count == len(brute_frontier(cs()))
    assert doc.options is not None and doc.options.found >= 1
    assert doc.wedges is not None and doc.wedges.coalitions[0].id == "allies"
    code, out, _ = cli(capsys, "analyze", ALLIES)
    for word in (
        "Deal analysis",
        "zone of agreement exists",
        "frontier range, bargaining solutions",
        "Frontier:",
        "Options for principals",
        "#1",
    ):
        assert word in out


def test_analyze_without_a_deal_gives_the_diagnosis(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "analyze", NO_DEAL, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["zone_of_agreement"] is False
    assert doc["diagnosis"]["feasible"] is False
    assert doc["options"] is None and doc["solutions"] == {}
    code, out, _ = cli(capsys, "analyze", NO_DEAL)
    assert "No zone of agreement" in out and "relax" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_bad_file_exits_2_without_traceback(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = cli(capsys, command, BAD)
    assert code == 2
    assert "not valid YAML" in err and "Traceback" not in out + err


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = cli(capsys, command, "--help")
    assert code == 0 and "Example" in out


def test_installed_entry_point_reports_a_bad_file_cleanly() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "detente.cli.app", "solve", BAD], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 2 and "not valid YAML" in r.stderr and "Traceback" not in r.stderr


def test_diagnose_explains_no_deal(capsys: pytest.CaptureFixture[str]) -> None:
    """no-deal.yaml: A refuses the only move B values and B needs it, so one item must be relaxed: either
    B's reservation (2, down to 0: the status quo) or A's red line (then both moves are carried out)."""
    code, out, err = cli(capsys, "diagnose", NO_DEAL)
    assert code == 0, err
    assert "No zone of agreement" in out
    assert "relax 1 item (proven minimal); 2 alternatives" in out
    assert "Party B's reservation value (2): needs to drop to 0" in out
    assert "Party A red line: refuses A gives (A-give)" in out
    assert "A-give:yes, B-give:yes" in out
    code, out, err = cli(capsys, "diagnose", NO_DEAL, "--format", "json")
    doc = json.loads(out)
    assert doc["feasible"] is False and doc["minimum_size"] == 1 and len(doc["relaxations"]) == 2
    kinds = sorted(item["kind"] for r in doc["relaxations"] for item in r["items"])
    assert kinds == ["red_line", "reservation"]


def test_diagnose_when_a_deal_exists(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "diagnose", ALLIES)
    assert code == 0, err
    assert "A zone of agreement exists" in out and "for example:" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, _ = cli(capsys, "--version")
    assert code == 0 and out.strip() == f"detente {version('detente')}"


def test_nash_objective_is_printed_one_way(capsys: pytest.CaptureFixture[str]) -> None:
    """solve and options print the same Nash number: the geometric mean of the gains over the
    disagreement point, (Π g_i)^(1/|S|), not the raw product."""
    import re

    code, out, _ = cli(capsys, "solve", ALLIES, "--format", "json")
    doc = json.loads(out)
    c = cs()
    u = np.array([doc["packages"][0]["utilities"][p] for p in c.party_ids])
    gains = u - c.disagreement
    expected = float(np.exp(np.log(gains[gains > 0]).mean()))

    def printed(*args: str) -> float:
        code, out, _ = cli(capsys, *args)
        assert code == 0
        m = re.search(
            r"Nash score \(geometric mean of the gains over the disagreement point\) ([\d.]+)",
            " ".join(out.split()),
        )
        assert m, out
        return float(m.group(1))

    assert printed("solve", ALLIES) == pytest.approx(expected, rel=1e-5)
    assert printed("options", ALLIES, "--top", "1") == pytest.approx(expected, rel=1e-5)
