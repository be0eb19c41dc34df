"""The forecasting commands: JSON shapes, the chart, refusing to overwrite, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli.app import main
from tests.conftest import FIXTURES, SHARED, requires_shared

EMISSIONS = str(SHARED / "reference" / "forecasting" / "eu-car-emissions-1994.csv")
TINY = str(FIXTURES / "forecast" / "tiny.tsv")
TWO = str(FIXTURES / "forecast" / "two-moves.yaml")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@requires_shared
def test_forecast_table_json_and_chart(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chart = tmp_path / "t.png"
    code, out, _ = cli(
        capsys, "forecast", EMISSIONS, "--format", "json", "--draws", "10", "--chart", str(chart)
    )
    assert code == 0 and chart.read_bytes()[:4] == b"\x89PNG"
    data = json.loads(out)
    assert round(data["statistics"]["weighted_mean"], 2) == 7.39 and data["statistics"]["condorcet"] == 7
    assert [m["model"] for m in data["models"]] == ["compromise", "bdm", "smp"]
    for m in data["models"]:
        assert m["trajectory"][0]["positions"]["UK"] == 10
        assert m["interval"]["low"] <= m["interval"]["high"]
    code, _, err = cli(capsys, "forecast", EMISSIONS, "--draws", "5", "--chart", str(chart))
    assert code == 2 and "--force" in err
    code, out, _ = cli(capsys, "forecast", EMISSIONS, "--draws", "5", "--chart", str(chart), "--force")
    assert code == 0 and "Weighted mean 7.39" in out


def test_forecast_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "forecast-validate", TINY, "--folds", "3", "--format", "json")
    assert code == 0
    models = json.loads(out)["models"]
    for m in models:
        assert {"model", "baseline", "n", "mae", "median_error", "hits"} <= set(m)
    assert {m["model"] for m in models if m["baseline"]} >= {"compromise", "weighted-median", "mean"}
    code, out, _ = cli(capsys, "forecast-validate", TINY, "--folds", "3")
    assert code == 0 and "compromise" in out


def test_forecast_scenario_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "forecast", TWO, "--format", "json", "--draws", "20")
    assert code == 0
    data = json.loads(out)
    assert [m["id"] for m in data["moves"]] == ["m1", "m2"]
    for m in data["moves"]:
        assert sum(o["probability"] for o in m["options"]) == pytest.approx(1.0)
    assert set(data["most_likely_package"]["choices"]) == {"m1", "m2"}
    assert data["nash_package"]["choices"] is not None
    code, out, _ = cli(capsys, "forecast", TWO, "--draws", "20")
    assert code == 0 and "fair deal" in out


def test_bad_table_exits_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "forecast", str(FIXTURES / "forecast" / "bad.csv"))
    assert code == 2 and "bad.csv:3:2" in err and "Traceback" not in out + err


@pytest.mark.parametrize("command", ["forecast", "forecast-validate"])
def test_help_has_an_example(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = cli(capsys, command, "--help")
    assert code == 0 and "Example" in out


def test_json_outputs_match_their_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    from detente.forecast.outputs import ForecastOutput, ForecastScenarioOutput, ForecastValidateOutput

    table = str(FIXTURES / "forecast" / "three-equal.csv")
    for args, model in (
        (("forecast", table, "--draws", "5"), ForecastOutput),
        (("forecast", TWO, "--draws", "5"), ForecastScenarioOutput),
        (("forecast-validate", TINY, "--folds", "3"), ForecastValidateOutput),
    ):
        code, out, _ = cli(capsys, *args, "--format", "json")
        assert code == 0
        data = json.loads(out)
        assert model.model_validate(data).model_dump(mode="json") == data
