"""Charts: the Gantt and exposure charts are written as PNG/SVG, atomically and without overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.roadmap import exposure_chart, gantt_chart, plan_roadmap
from tests.roadmap.conftest import everything, game


def test_charts_written(tmp_path: Path) -> None:
    cs = game("graded")
    rm = plan_roadmap(cs, everything(cs))
    png = gantt_chart(rm, cs, tmp_path / "g.png")
    assert png is not None and png.read_bytes()[:4] == b"\x89PNG"
    svg = exposure_chart(rm, cs, tmp_path / "e.svg")
    assert svg is not None and "<svg" in svg.read_text()
    with pytest.raises(DetenteError, match="already exists"):
        gantt_chart(rm, cs, tmp_path / "g.png", overwrite=False)
    with pytest.raises(DetenteError, match=r"\.png, \.svg or \.pdf"):
        gantt_chart(rm, cs, tmp_path / "g.txt")


def test_chart_into_axes() -> None:
    from matplotlib.figure import Figure

    cs = game("freeze-for-relief")
    rm = plan_roadmap(cs, everything(cs))
    ax = Figure().add_subplot()
    assert gantt_chart(rm, cs, ax) is None
    assert len(ax.patches) >= len(rm.items)  # one bar (or more) per item
