"""The shared terminal rendering: ids whole in narrow terminals, hanging-indent lists, titles not cut."""

from __future__ import annotations

import io
import math

import pytest
from rich.console import Console

from detente.cli import render
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from tests.conftest import FIXTURES

LONG_ID = "dprk-yongbyon-dismantle"


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Route render's output to a 40-column console and return what it printed."""
    buf = io.StringIO()
    monkeypatch.setattr(render, "console", Console(file=buf, width=40, color_system=None))
    return buf


def test_table_keeps_ids_whole_and_wraps_text(screen: io.StringIO) -> None:
    t = render.table(
        [render.Col("move", "id"), render.Col("value", "num"), "why"], ids=[LONG_ID, "us-end-of-war"]
    )
    t.add_row(LONG_ID, "-15", "a long explanation that has to wrap over several lines of text")
    render.console.print(t)
    lines = screen.getvalue().splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert any(LONG_ID in line for line in lines) and "…" not in screen.getvalue()
    assert len(lines) > 3  # the text column wrapped instead of the id


def test_listing_hanging_indent(screen: io.StringIO) -> None:
    items = ", ".join(f"{LONG_ID}:option-{n}" for n in range(3))
    render.listing([("gives", items)])
    lines = screen.getvalue().splitlines()
    assert lines[0].startswith("  gives ") and all(line.startswith(" " * 8) for line in lines[1:])
    assert all(f"{LONG_ID}:option-{n}" in screen.getvalue() for n in range(3))


def test_long_title_is_not_cut(screen: io.StringIO) -> None:
    render.title("Korean Peninsula 2019 — denuclearization for relief and peace")
    out = screen.getvalue()
    assert "…" not in out and "relief and peace" in " ".join(out.split())


def test_nash_score_is_the_geometric_mean_of_positive_gains() -> None:
    cs = compile_scenario(load_scenario(FIXTURES / "analysis" / "allies.yaml"))
    d = cs.disagreement
    u = [float(d[0]) + 4, float(d[1]) + 9, float(d[2]) + 0]  # the third party gains nothing
    assert render.nash_score(cs, u) == pytest.approx(math.sqrt(4 * 9))
    assert render.nash_score(cs, list(d)) is None


def test_objective_text_names_the_quantity() -> None:
    assert render.objective_text("nash", 22.690712) == (
        "Nash score (geometric mean of the gains over the disagreement point) 22.6907"
    )
    assert render.objective_text("welfare", 73.5) == "welfare (sum of utilities) 73.5"
    assert render.objective_text("ks", None) == "no objective value"
