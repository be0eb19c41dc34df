"""Charts: the tornado of the judgments and the robust–efficient trade-off (matplotlib, no pyplot)."""

from __future__ import annotations

import io
from pathlib import Path

from detente.errors import DetenteError
from detente.uncertainty.results import SensitivityOutput, TradeoffRow

#: Bars shown in the tornado.
TORNADO_BARS = 15


def _figure(size: tuple[float, float]):  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def figure_bytes(fig, fmt: str = "png") -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=150)
    return buf.getvalue()


def save(fig, path: Path, *, overwrite: bool) -> Path:  # type: ignore[no-untyped-def]
    """Write a figure atomically; the suffix (.png, .svg, .pdf) gives the format."""
    from detente.io.writer import atomic_write_bytes

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise DetenteError(f"chart file {path} must end in .png, .svg or .pdf")
    return atomic_write_bytes(path, figure_bytes(fig, fmt), overwrite=overwrite)


def tornado_figure(out: SensitivityOutput, bars: int = TORNADO_BARS):  # type: ignore[no-untyped-def]
    """P(every party accepts the concept's package) with each judgment at its low and its high end,
    the widest swings on top; the vertical line is the overall probability."""
    rows = [j for j in out.judgments if j.acceptable_at_low is not None and j.acceptable_at_high is not None]
    rows.sort(key=lambda j: -abs((j.acceptable_at_high or 0.0) - (j.acceptable_at_low or 0.0)))
    rows = rows[:bars][::-1]
    fig = _figure((7.5, 0.32 * max(4, len(rows)) + 1.2))
    ax = fig.add_subplot()
    base = out.acceptable_all
    for y, j in enumerate(rows):
        lo, hi = j.acceptable_at_low or 0.0, j.acceptable_at_high or 0.0
        ax.barh(
            y, lo - base, left=base, color="#D55E00", height=0.7, label="at its low end" if y == 0 else None
        )
        ax.barh(
            y, hi - base, left=base, color="#0072B2", height=0.7, label="at its high end" if y == 0 else None
        )
    ax.set_yticks(range(len(rows)), [j.label for j in rows], fontsize=7)
    ax.axvline(base, color="black", linewidth=0.8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("P(every party accepts), one judgment held at an end of its range")
    if rows:
        ax.legend(loc="lower right", fontsize=7)
    ax.set_title(f"Which judgments the {out.concept} package rests on", fontsize=10)
    return fig


def tradeoff_figure(rows: list[TradeoffRow]):  # type: ignore[no-untyped-def]
    """Robust–efficient trade-off: P(every party accepts) against the welfare gain at the point values."""
    fig = _figure((6.0, 4.0))
    ax = fig.add_subplot()
    for r in rows:
        ax.errorbar(r.welfare, r.acceptable_all, yerr=1.96 * r.stderr_all, fmt="o", color="#0072B2")
        ax.annotate(
            r.label, (r.welfare, r.acceptable_all), textcoords="offset points", xytext=(5, 4), fontsize=8
        )
    ax.set_xlabel("Welfare gain Σ(u − d) at the point values")
    ax.set_ylabel("P(every party accepts)")
    ax.set_ylim(0, 1)
    ax.set_title("Robust–efficient trade-off", fontsize=10)
    return fig
