"""``detente brief``: writes the memo, replaces an earlier brief, never writes over the scenario."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.brief.conftest import BRIEF_FIXTURES

NO_DEAL = BRIEF_FIXTURES / "no-deal.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "detente.cli.app", "brief", *args], capture_output=True, text=True, timeout=300
    )


def test_markdown_brief_with_chart_files_and_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "memo.md"
    r = run(str(NO_DEAL), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "Brief written to" in r.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Deadlocked sale — options memo")
    charts = sorted(p.name for p in (tmp_path / "memo-charts").iterdir())
    assert charts and all(name.endswith(".svg") for name in charts)
    for name in charts:
        assert f"memo-charts/{name}" in text
    out.write_text("old brief", encoding="utf-8")
    r = run(str(NO_DEAL), "-o", str(out), "--no-roadmaps")  # never replaced without --force
    assert r.returncode == 2 and "--force" in r.stderr
    assert out.read_text(encoding="utf-8") == "old brief"
    r = run(str(NO_DEAL), "-o", str(out), "--no-roadmaps", "--force")
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8") == text


def test_never_writes_over_the_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "deal.yaml"
    shutil.copy(NO_DEAL, scenario)
    before = scenario.read_bytes()
    r = run(str(scenario), "-o", str(scenario), "--format", "md")
    assert r.returncode == 2
    assert "refusing to write the brief over the scenario file" in " ".join(r.stderr.split())
    assert "Traceback" not in r.stderr
    assert scenario.read_bytes() == before


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    r = run(str(NO_DEAL), "-o", str(tmp_path / "memo.docx"))
    assert r.returncode == 2
    assert "use an output name ending in .html, .pdf or .md" in " ".join(r.stderr.split())
    assert not (tmp_path / "memo.docx").exists()


def test_bad_scenario_exits_2(tmp_path: Path) -> None:
    bad = Path(__file__).resolve().parents[1] / "fixtures" / "bad" / "unknown-owner.yaml"
    r = run(str(bad), "-o", str(tmp_path / "memo.html"))
    assert r.returncode == 2
    assert "unknown party" in " ".join((r.stdout + r.stderr).split())


def test_several_outputs_from_one_analysis(tmp_path: Path) -> None:
    html, md = tmp_path / "memo.html", tmp_path / "memo.md"
    r = run(str(NO_DEAL), "-o", str(html), "-o", str(md))
    assert r.returncode == 0, r.stderr
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert md.read_text(encoding="utf-8").startswith("# Deadlocked sale")
