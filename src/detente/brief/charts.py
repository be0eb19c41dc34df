"""The brief's charts: matplotlib (Agg backend), Okabe–Ito colours, SVG output, alt text for each.

Every function takes plain data (never the renderer) and returns a :class:`~detente.brief.model.Chart`
whose ``alt`` describes what the chart shows in words, so a reader without the image loses nothing.
SVG output is deterministic: a fixed ``svg.hashsalt`` and no creation date in the metadata.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente.brief.model import Chart, OptionCard, PartyInfo

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Okabe & Ito (2008) colour-blind-safe palette, black last.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

_RC: dict[str, Any] = {
    "svg.hashsalt": "detente-brief",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.prop_cycle": None,  # set in _style()
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
}


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from cycler import cycler
    from matplotlib import rc_context

    from detente.text import LITERAL_TEXT_RC

    rc = {**_RC, **LITERAL_TEXT_RC}  # names drawn as typed: no mathtext
    rc["axes.prop_cycle"] = cycler(color=list(OKABE_ITO))
    with rc_context(rc):  # type: ignore[arg-type]
        yield


def figure_svg(fig: Figure) -> str:
    """SVG text of ``fig`` without the XML prolog or a creation date; closes the figure."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "Détente"})
    plt.close(fig)
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _new(width: float, height: float, ncols: int = 1) -> tuple[Figure, Any]:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
    return fig, axes[0]


def _wrap(text: str, width: int = 14) -> str:
    """Wrap a label over lines of about ``width`` characters at spaces only: a word longer than
    ``width`` gets a line of its own and is never cut (no "Neighbourin / g")."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def _num(x: float) -> str:
    return f"{x:.3g}" if abs(x - round(x)) > 1e-9 else str(int(round(x)))


def utility_bars(
    parties: Sequence[PartyInfo], options: Sequence[OptionCard], section: str = "options"
) -> Chart:
    """Grouped bars: u_i of each option per party, with the reservation value r_i as a black line."""
    with _style():
        n_opt = max(len(options), 1)
        fig, (ax,) = _new(7.0, 3.0)
        x = np.arange(len(parties))
        width = 0.8 / n_opt
        for j, card in enumerate(options):
            u = [s.utility for s in card.stakes]
            ax.bar(
                x - 0.4 + width * (j + 0.5),
                u,
                width,
                label=card.title,
                color=OKABE_ITO[j % len(OKABE_ITO)],
                hatch=("", "//", "..", "xx", "\\\\")[j % 5],
                edgecolor="white",
                linewidth=0.5,
            )
        for i, p in enumerate(parties):
            ax.hlines(p.reservation, i - 0.45, i + 0.45, colors="black", linewidth=2)
        ax.axhline(0, color="#999999", linewidth=0.6)
        ax.set_xticks(x, [_wrap(p.name) for p in parties], fontsize=7.5 if len(parties) > 4 else 9)
        ax.set_ylabel("utility")
        ax.plot([], [], color="black", linewidth=2, label="reservation value (no deal)")
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        svg = figure_svg(fig)
    parts = []
    for card in options:
        bits = [f"{s.party_name} {_num(s.utility)} (reservation {_num(s.reservation)})" for s in card.stakes]
        parts.append(f"{card.title}: " + ", ".join(bits))
    alt = "Bar chart of each party's utility under each option against its reservation value. " + "; ".join(
        parts
    )
    return Chart(
        key="utility-bars",
        title="Utility of each option for each party",
        alt=alt,
        caption="Bars: each party's utility under each option. Black line: its reservation value; "
        "a bar below the line means that party prefers no deal.",
        svg=svg,
        section=section,
    )


def pareto_chart(
    party_names: Sequence[str],
    reservation: npt.NDArray[np.float64],
    frontier: npt.NDArray[np.float64],
    marked: Sequence[tuple[str, npt.NDArray[np.float64]]],
    section: str = "charts",
) -> Chart:
    """The Pareto frontier in utility space with options and solution concepts marked.

    With P = 2 one panel; with P ≥ 3 one panel per pair of the first three parties (a projection:
    points that look dominated in a panel may be efficient because of the third party).
    """
    p = len(party_names)
    pairs = [(0, 1)] if p <= 2 else [(0, 1), (0, 2), (1, 2)]
    if p == 1:
        pairs = []
    with _style():
        fig, axes = _new(3.3 * max(len(pairs), 1), 3.2, max(len(pairs), 1))
        for ax, (a, b) in zip(axes, pairs, strict=False):
            if frontier.size:
                order = np.argsort(frontier[:, a])
                ax.plot(frontier[order, a], frontier[order, b], color="#999999", linewidth=0.8, zorder=1)
                ax.scatter(
                    frontier[:, a], frontier[:, b], s=14, color="#56B4E9", label="Pareto frontier", zorder=2
                )
            ax.axvline(reservation[a], color="black", linestyle=":", linewidth=1)
            ax.axhline(reservation[b], color="black", linestyle=":", linewidth=1)
            for j, (name, u) in enumerate(marked):
                ax.scatter(
                    [u[a]],
                    [u[b]],
                    s=60,
                    marker=MARKERS[(j + 1) % len(MARKERS)],
                    color=OKABE_ITO[(j + 4) % len(OKABE_ITO)] if j < 4 else OKABE_ITO[j % len(OKABE_ITO)],
                    edgecolor="black",
                    linewidth=0.5,
                    label=name,
                    zorder=3,
                )
            ax.set_xlabel(_wrap(f"{party_names[a]} utility", 30))
            ax.set_ylabel(_wrap(f"{party_names[b]} utility", 30))
        if pairs:
            handles, labels = axes[0].get_legend_handles_labels()
            fig.tight_layout()
            fig.legend(
                handles,
                labels,
                fontsize=7.5,
                frameon=False,
                loc="upper center",
                bbox_to_anchor=(0.5, 0.0),
                ncol=min(3, max(1, len(labels))),
            )
        svg = figure_svg(fig)
    alt = (
        f"Scatter plot of the {len(frontier)} Pareto-efficient acceptable packages in utility space"
        + (" (pairs of the first three parties)" if p > 2 else "")
        + ". Dotted lines are reservation values. Marked: "
        + "; ".join(
            f"{name} at " + ", ".join(f"{party_names[i]} {_num(u[i])}" for i in range(p))
            for name, u in marked
        )
    )
    return Chart(
        key="pareto",
        title="Pareto frontier",
        alt=alt,
        caption="Each blue dot is a package that no other acceptable package improves for one party "
        "without hurting another. Dotted lines: reservation values.",
        svg=svg,
        section=section,
    )


def interest_overlap(
    party_names: Sequence[str],
    move_labels: Sequence[str],
    gains: npt.NDArray[np.float64],
    section: str = "charts",
) -> Chart:
    """Heatmap of what each move is worth to each party over its status quo (moves × parties).

    ``gains[k, i]`` is δ_i of move k's jointly most valuable option (see
    :func:`detente.brief.build.joint_gains`); rows are labelled by move name. Rows where every cell is positive are moves every party
    wants: where the interests meet; mixed rows are the trades.
    """
    import matplotlib.colors as mcolors

    with _style():
        m = len(move_labels)
        # drawn at print size (7.2 in wide = the page's text width; 0.2 in a row) so labels print at 8 pt:
        # room on the left for the longest move name (≈ 0.062 in a character at 8 pt), the rest for cells
        fig, (ax,) = _new(7.2, max(1.8, 1.3 + 0.2 * m))
        left = min(0.55, (0.15 + 0.062 * max((len(s) for s in move_labels), default=10)) / 7.2)
        fig.subplots_adjust(left=left, right=0.86, bottom=1.1 / (1.3 + 0.2 * m), top=0.98)
        lim = float(np.abs(gains).max(initial=0)) or 1.0
        im = ax.imshow(gains, cmap="PuOr", norm=mcolors.TwoSlopeNorm(0, -lim, lim), aspect="auto")
        many = len(party_names) > 5
        ax.set_xticks(
            range(len(party_names)),
            [n if many else _wrap(n, 12) for n in party_names],
            fontsize=8,
            rotation=40 if many else 0,
            ha="right" if many else "center",
            rotation_mode="anchor",
        )
        ax.set_yticks(range(m), move_labels, fontsize=8)
        ax.tick_params(length=0)
        for r in range(m):
            for c in range(len(party_names)):
                dark = abs(gains[r, c]) > 0.55 * lim
                ax.text(
                    c,
                    r,
                    _num(gains[r, c]),
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white" if dark else "black",
                )
        fig.colorbar(im, ax=ax, shrink=0.6, pad=0.02, label="gain over status quo")
        ax.spines[:].set_visible(False)
        svg = figure_svg(fig)
    shared = [move_labels[r] for r in range(m) if np.all(gains[r] > 0)]
    alt = (
        f"Heatmap of {m} moves by {len(party_names)} parties showing each party's gain from the move over "
        "the status quo (purple: gain, orange: loss). "
        + (
            "Moves every party gains from: " + "; ".join(shared) + "."
            if shared
            else "No move is a gain for every party."
        )
    )
    return Chart(
        key="overlap",
        title="Where the interests meet",
        alt=alt,
        caption="What each move is worth to each party over the status quo (for graded moves, the option "
        "with the largest total gain). Purple: the party gains; orange: it loses. Rows that are purple "
        "throughout are where the interests meet; mixed rows are the trades.",
        svg=svg,
        section=section,
        tall=m > 20,
    )


def bar_chart(
    key: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    xlabel: str,
    caption: str,
    alt_intro: str,
    section: str = "charts",
    limits: tuple[float, float] | None = None,
) -> Chart:
    """Horizontal bars (one per label), e.g. robustness per option or wedge strength per move."""
    with _style():
        fig, (ax,) = _new(6.5, 0.7 + 0.32 * len(labels))
        y = np.arange(len(labels))
        ax.barh(y, values, color=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(labels))])
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        if limits:
            ax.set_xlim(*limits)
        for yi, v in zip(y, values, strict=True):
            ax.text(v, yi, f" {_num(v)}", va="center", fontsize=7)
        svg = figure_svg(fig)
    alt = (
        alt_intro + " " + "; ".join(f"{lab}: {_num(v)}" for lab, v in zip(labels, values, strict=True)) + "."
    )
    return Chart(key=key, title=title, alt=alt, caption=caption, svg=svg, section=section)


def from_figure(
    key: str, title: str, make: Callable[[], Figure], *, alt: str, caption: str, section: str
) -> Chart:
    """Wrap a figure drawn by another module (e.g. the roadmap's Gantt chart) as a brief chart."""
    with _style():
        fig = make()
        svg = figure_svg(fig)
    return Chart(key=key, title=title, alt=alt, caption=caption, svg=svg, section=section)


def wedge_chart(cs: Any, co: Any, overlap: str, section: str = "charts", top: int = 8) -> Chart:
    """The strongest move wedges of a coalition: each member's value of the option over the status quo.

    ``co`` is a :class:`detente.analysis.coalitions.CoalitionReport`; bars right of 0 help a member,
    bars left of 0 hurt it. ``overlap`` (a sentence on the packages all members accept) goes in the
    caption.
    """
    wedges = list(co.move_wedges[:top])
    members = list(co.members)
    names = [cs.party_names[cs.party_index(m)] for m in members]
    labels = [w.name if w.label.lower() in {"yes", "true"} else f"{w.name} — {w.label}" for w in wedges]
    with _style():
        fig, (ax,) = _new(7.0, 0.9 + 0.42 * len(wedges) * max(1, len(members)) / 2)
        y = np.arange(len(wedges))
        h = 0.8 / max(1, len(members))
        for j, (m, name) in enumerate(zip(members, names, strict=True)):
            vals = [w.values.get(m, 0.0) for w in wedges]
            ax.barh(
                y - 0.4 + h * (j + 0.5),
                vals,
                h,
                label=name,
                color=OKABE_ITO[(j + 4) % len(OKABE_ITO)],
                hatch=("", "//", "..", "xx")[j % 4],
                edgecolor="white",
                linewidth=0.5,
            )
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, labels, fontsize=7.5)
        ax.invert_yaxis()
        ax.set_xlabel("value to the member over the status quo")
        ax.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        svg = figure_svg(fig)
    alt = (
        f"Bar chart of the {len(wedges)} strongest wedges in the {co.name} (cohesion {co.cohesion:.2f}): "
        + "; ".join(
            f"{lab}: "
            + ", ".join(f"{n} {_num(w.values.get(m, 0.0))}" for m, n in zip(members, names, strict=True))
            for lab, w in zip(labels, wedges, strict=True)
        )
        + ". "
        + overlap
    )
    return Chart(
        key=f"wedges-{co.id}",
        title=f"Wedges in the {co.name}",
        alt=alt,
        caption=f"Moves that help one member and hurt another. Cohesion of the members' interests: "
        f"{co.cohesion:.2f} (1 = aligned, ≤ 0 = opposed). {overlap}",
        svg=svg,
        section=section,
    )
