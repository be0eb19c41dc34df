"""Tournament charts (matplotlib, imported lazily): a strategy × strategy heat map of mean utility, and
the distribution of agreement times per strategy (box plots of rounds / max rounds)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from detente.simulate.tournament import TournamentResult

CHARTS = ("heatmap.png", "agreement-times.png")


def _save(fig: object, path: Path, overwrite: bool) -> Path:
    from detente.io.writer import atomic_write_bytes

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)  # type: ignore[attr-defined]
    return atomic_write_bytes(path, buf.getvalue(), overwrite=overwrite)


def heatmap(result: TournamentResult, path: Path, *, overwrite: bool = False) -> Path:
    """Mean utility (0 = reservation, 1 = best) of the row strategy against the column strategy."""
    from matplotlib.figure import Figure

    names = [s.strategy for s in result.strategies]
    k = len(names)
    fig = Figure(figsize=(1.1 * k + 2.5, 0.9 * k + 1.8), layout="constrained")
    ax = fig.add_subplot()
    m = np.ma.masked_invalid(result.matrix)
    im = ax.imshow(m, cmap="viridis", vmin=min(0.0, float(m.min())), vmax=1.0)
    ax.set_xticks(range(k), names, rotation=35, ha="right")
    ax.set_yticks(range(k), names)
    ax.set_xlabel("against")
    ax.set_ylabel("strategy")
    for i in range(k):
        for j in range(k):
            v = result.matrix[i, j]
            if np.isfinite(v):
                a = result.agreement_matrix[i, j]
                ax.text(j, i, f"{v:.2f}\n{a:.0%}", ha="center", va="center", fontsize=7, color="w")
    fig.colorbar(im, ax=ax, label="mean utility (0 = reservation, 1 = best)")
    ax.set_title(f"Mean utility and agreement rate, {result.negotiations} negotiations")
    return _save(fig, path, overwrite)


def agreement_times(result: TournamentResult, path: Path, *, overwrite: bool = False) -> Path:
    """Box plots of the time of agreement (rounds / max rounds) of each strategy's agreements."""
    from matplotlib.figure import Figure

    times = result.agreement_times()
    names = list(times)
    fig = Figure(figsize=(max(5.0, 1.1 * len(names) + 2), 4), layout="constrained")
    ax = fig.add_subplot()
    data = [times[n] or [np.nan] for n in names]
    ax.boxplot(data, tick_labels=names, showfliers=True)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("time of agreement (rounds / max rounds)")
    ax.tick_params(axis="x", rotation=35)
    ax.set_title("When agreements are reached")
    return _save(fig, path, overwrite)


def write_charts(result: TournamentResult, folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Both charts into ``folder`` (created if needed); refuses to replace files unless ``overwrite``."""
    from detente.io.writer import OutputExistsError

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in CHARTS]
    if not overwrite:
        for p in paths:
            if p.exists():
                raise OutputExistsError(f"{p} already exists; choose another --chart-dir or pass --force")
    return [
        heatmap(result, paths[0], overwrite=overwrite),
        agreement_times(result, paths[1], overwrite=overwrite),
    ]
