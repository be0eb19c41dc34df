"""The scenario commands: validate, show, schema, new — exit codes, JSON output, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from detente.outputs import json_schema, schema_names
from tests.conftest import FIXTURES, ROOT, shipped_scenarios

MINIMAL = FIXTURES / "scenarios" / "minimal.yaml"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "detente.cli.app", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_validate_ok_and_json() -> None:
    r = run("validate", str(MINIMAL), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["valid"] is True
    assert doc["files"][0]["outcomes"] == 6


def test_validate_bad_exits_2_without_traceback() -> None:
    r = run("validate", str(MINIMAL), str(FIXTURES / "bad" / "unknown-owner.yaml"))
    assert r.returncode == 2
    assert "unknown-owner.yaml:7:5: moves[0].owner: unknown party 'US'" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_show_bad_file_clean_error() -> None:
    r = run("show", str(FIXTURES / "bad" / "not-yaml.yaml"))
    assert r.returncode == 2
    assert "not valid YAML" in r.stderr and "Traceback" not in r.stderr


def test_show_table_and_json() -> None:
    r = run("show", str(MINIMAL))
    assert r.returncode == 0, r.stderr
    for word in ("Parties", "Party A", "freeze", "partial", "Rules", "red line", "B refuses relief:full"):
        assert word in r.stdout
    doc = json.loads(run("show", str(MINIMAL), "--format", "json").stdout)
    assert [p["id"] for p in doc["parties"]] == ["A", "B"]
    assert doc["parties"][0]["best"] == 4 and doc["parties"][0]["worst"] == -3
    assert doc["moves"][1]["options"][1]["uncertain"] == {"A": [1.0, 3.0]}


@pytest.mark.parametrize("name", schema_names())
def test_schema_files_are_current(name: str) -> None:
    """schema/NAME.schema.json equals what `detente schema NAME` prints (regenerate with make schema)."""
    path = ROOT / "schema" / f"{name}.schema.json"
    assert path.exists(), f"missing {path}: run `detente schema {name} > {path}`"
    assert json.loads(path.read_text()) == json_schema(name)


def test_schema_command() -> None:
    r = run("schema")
    assert r.returncode == 0
    assert json.loads(r.stdout)["title"] == "Scenario"
    r = run("schema", "sho")
    assert r.returncode == 2 and "did you mean 'show'" in r.stderr


def test_new_scaffold_validates_and_never_overwrites(tmp_path: Path) -> None:
    r = run("new", "trade-talks", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    created = tmp_path / "trade-talks.yaml"
    assert "Trade Talks" in created.read_text()
    assert run("validate", str(created)).returncode == 0
    created.write_text("# my work\n" + created.read_text())
    r = run("new", "trade-talks", cwd=tmp_path)
    assert r.returncode == 2 and "already exists" in r.stderr
    assert created.read_text().startswith("# my work")


def test_shipped_scenarios_validate() -> None:
    files = shipped_scenarios()
    if not files:
        pytest.skip("no scenarios shipped yet")
    r = run("validate", *map(str, files))
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_command_has_help_with_an_example() -> None:
    import typer.main

    from detente.cli.app import app

    names = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert {"validate", "show", "schema", "new", "analyze", "roadmap", "brief"} <= set(names)
    for cmd in names:
        r = run(cmd, "--help")
        assert r.returncode == 0 and "Example" in r.stdout, cmd
