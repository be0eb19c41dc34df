"""Chart of a single-issue forecast (matplotlib, imported lazily): one panel per model with every
actor's position per round (thin lines) and the model's forecast per round (thick black line), the
80 % interval shaded at the last round."""

from __future__ import annotations

import io
from pathlib import Path

from detente.errors import DetenteError
from detente.forecast.results import IssueForecast

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")


def trajectory_chart(result: IssueForecast, path: str | Path, *, overwrite: bool = False) -> Path:
    """Save the trajectory chart to a .png/.svg/.pdf file (atomic; refuses to overwrite unless asked)."""
    from matplotlib.figure import Figure

    from detente.io.writer import atomic_write_bytes

    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise DetenteError(f"chart file {target} must end in .png, .svg or .pdf")
    if target.exists() and not overwrite:
        raise DetenteError(f"{target} already exists; choose another name or pass --force to replace it")
    n = len(result.models)
    fig = Figure(figsize=(4.2 * n, 3.6), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    issue = result.issue
    for ax, m in zip(axes, result.models, strict=True):
        t = m.trajectory
        rounds = range(t.rounds + 1)
        for i, actor in enumerate(issue.actors):
            ax.plot(
                rounds,
                t.positions[:, i],
                color=OKABE_ITO[i % 7],
                ls=("-", "--", ":", "-.")[(i // 7) % 4],
                lw=1,
                alpha=0.8,
                label=actor,
            )
        ax.plot(rounds, t.outcome, color="black", lw=2.5, label="forecast")
        ax.fill_between(
            [t.rounds - 0.3, t.rounds + 0.3], m.low, m.high, color="grey", alpha=0.3, label="80 % interval"
        )
        ax.set_title(f"{m.model}: {m.forecast:.2f}")
        ax.set_xlabel("round")
        ax.set_ylim(issue.scale[0] - 0.05 * issue.span, issue.scale[1] + 0.05 * issue.span)
    axes[0].set_ylabel("position")
    axes[-1].legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle(f"Forecast — {issue.name}")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=150)
    return atomic_write_bytes(target, buf.getvalue(), overwrite=overwrite)
