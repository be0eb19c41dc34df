"""Charts of a roadmap (matplotlib, imported lazily): a Gantt-style phase chart and exposure over phases.

Colours are the Okabe–Ito colour-blind-safe palette, one per party. In the Gantt chart a solid bar is
the time to carry an item out, the hatched part its verification lead time; ▼ marks a verification
gate (the phase waits for the named verified steps); ↺ marks reversible relief under a snapback
clause (✕ when the threat is not credible); ◷ marks relief that expires unless renewed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.roadmap.model import Roadmap
from detente.text import chart

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")


def party_colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def _target(path_or_ax: Any, size: tuple[float, float]) -> tuple[Any, Any]:
    """(figure, axes): a new figure when given a path, else the given axes' figure."""
    if isinstance(path_or_ax, str | Path):
        from matplotlib.figure import Figure

        fig = Figure(figsize=size, layout="constrained")
        return fig, fig.add_subplot()
    return path_or_ax.figure, path_or_ax


def _save(fig: Any, path_or_ax: Any, overwrite: bool) -> Path | None:
    if not isinstance(path_or_ax, str | Path):
        return None
    from detente.io.writer import atomic_write_bytes

    path = Path(path_or_ax)
    fmt = path.suffix.lower().lstrip(".") or "png"
    if fmt not in ("png", "svg", "pdf"):
        from detente.errors import DetenteError

        raise DetenteError(f"chart file {path} must end in .png, .svg or .pdf")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=150)
    return atomic_write_bytes(path, buf.getvalue(), overwrite=overwrite)


def gantt_chart(rm: Roadmap, cs: CompiledScenario, path_or_ax: Any, *, overwrite: bool = True) -> Path | None:
    """Draw the phases as a Gantt chart into an axes, or save it to a .png/.svg/.pdf path."""
    its = rm.items.items
    order = [n for ph in rm.phases for n in ph.items]
    fig, ax = _target(path_or_ax, (11, max(3.0, 0.32 * len(order) + 1.6)))
    clause = {s.item: s for s in rm.snapbacks}
    span = max(rm.completion_days, 1)
    for row, n in enumerate(order):
        it = its[n]
        ph = rm.phases[int(rm.phase_of[n])]
        colour = party_colour(it.owner)
        ax.barh(
            row, max(it.duration_days, span * 0.004), left=ph.start, color=colour, edgecolor="black", lw=0.4
        )
        if it.verifiable and it.verification_lead_days > 0:
            ax.barh(
                row,
                it.verification_lead_days,
                left=ph.start + it.duration_days,
                color=colour,
                alpha=0.35,
                hatch="///",
                edgecolor="black",
                lw=0.4,
            )
        mark = ""
        if n in clause:
            c = clause[n]
            mark = ("◷" if c.kind == "lapse" else "↺") + ("" if c.credible else "✕")
        ax.text(ph.start + it.length_days + span * 0.005, row, mark, va="center", fontsize=8)
    top = ax.get_xaxis_transform()  # x in days, y in axes fraction
    for ph in rm.phases:
        ax.axvline(ph.start, color="grey", lw=0.6, ls="--")
        ax.text(
            (ph.start + ph.end) / 2,
            1.005,
            f"phase {ph.index}",
            transform=top,
            fontsize=8,
            ha="center",
            va="bottom",
        )
        if ph.gates:
            ax.plot([ph.start], [1.0], marker="v", color="black", ms=7, transform=top, clip_on=False)
    ax.set_yticks(range(len(order)), [f"{its[n].id}" for n in order], fontsize=8)
    ax.set_ylim(len(order) - 0.4, -0.6)
    ax.set_xlabel("days from the start of the roadmap")
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=party_colour(i), edgecolor="black", label=chart(cs.party_names[i]))
        for i in sorted({it.owner for it in its})
    ]
    handles.append(Patch(facecolor="white", hatch="///", edgecolor="black", label="verification lead time"))
    ax.legend(  # outside the plot, on the right, so it never hides a bar
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        fontsize=8,
        title="▼ gate  ↺ snapback  ◷ expires  ✕ not credible",
        title_fontsize=7,
    )
    ax.set_title(
        f"Roadmap ({rm.strategy}): {rm.n_phases} phases, {rm.completion_days} days", fontsize=10, pad=16
    )
    return _save(fig, path_or_ax, overwrite)


def exposure_chart(
    rm: Roadmap, cs: CompiledScenario, path_or_ax: Any, *, overwrite: bool = True
) -> Path | None:
    """Each party's exposure by phase (steps), with ● and the margin where it is tempted to stop."""
    fig, ax = _target(path_or_ax, (7, 3.5))
    x = list(range(1, rm.n_phases + 1))
    for i in range(len(cs.party_ids)):
        if not rm.exposure[i].any() and not any(t.party == i for t in rm.temptations):
            continue
        ax.step(x, rm.exposure[i], where="mid", color=party_colour(i), label=chart(cs.party_names[i]), lw=1.8)
        for t in rm.temptations:
            if t.party != i:
                continue
            y = float(rm.exposure[i][t.phase])
            ax.plot([t.phase + 1], [y], "o", color=party_colour(i), mec="black", ms=7)
            ax.annotate(
                f"{cs.party_ids[i]} +{t.margin:g}",
                (t.phase + 1, y),
                textcoords="offset points",
                xytext=(4, 6 + 9 * (i % 3)),
                fontsize=7,
            )
    ax.set_xticks(x)
    ax.set_ylim(0, max(1.0, float(rm.exposure.max(initial=0.0))) * 1.25)
    ax.set_xlabel("phase")
    ax.set_ylabel("exposure (utility lost if the others stop)")
    ax.set_title("Exposure by phase (● party +m: tempted to stop, gains m)", fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    return _save(fig, path_or_ax, overwrite)
