"""The brief's only contact with the analysis and roadmap APIs.

:func:`analysis_facts` calls each analysis once — options, frontier, solution concepts, diagnosis,
coalitions — and turns the results into the brief's records; :func:`roadmap_for` plans one option's
roadmap. A step the analysis could not run (e.g. no exact frontier method for a very large scenario)
is listed under *not available* and the brief still renders.

Robustness is computed in :mod:`detente.brief.robust`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente.brief.model import (
    Chart,
    ConceptRow,
    MethodNote,
    OptionCard,
    Risk,
    RoadmapInfo,
    RoadmapPhase,
    ZoneInfo,
)

if TYPE_CHECKING:
    from detente.analysis.options import OptionForPrincipals
    from detente.model.compiled import CompiledScenario

CONCEPT_LABELS = {
    "nash": "Nash bargaining solution",
    "ks": "Kalai–Smorodinsky solution",
    "egalitarian": "Egalitarian solution",
    "welfare": "Utilitarian (welfare) solution",
}


@dataclass
class Candidate:
    """An option proposed by the analysis: its explanation, title and why it is on the list."""

    title: str
    rationale: str
    option: OptionForPrincipals
    concepts: list[str] = field(default_factory=list)
    method: str = ""


@dataclass
class AnalysisFacts:
    """What the brief takes from the analysis."""

    zone: ZoneInfo
    options: list[Candidate]
    concepts: list[ConceptRow]
    frontier: npt.NDArray[np.float64]
    frontier_method: MethodNote | None
    methods: list[MethodNote]
    wedges: list[Risk] = field(default_factory=list)
    extra_charts: list[Chart] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    #: The concept that ranked ``options`` (welfare when the requested one found none).
    options_concept: str | None = None


def analysis_facts(
    cs: CompiledScenario,
    *,
    n_options: int,
    concept: str = "nash",
    time_limit: float = 20.0,
    progress: Callable[[str], None] | None = None,
) -> AnalysisFacts:
    """Run :func:`detente.analysis.report.analyze` once and extract what the brief shows."""
    from detente.analysis.report import analyze

    report = analyze(cs, concept=concept, k=n_options, time_limit=time_limit, progress=progress)
    unavailable = list(report.notes)
    methods: list[MethodNote] = []

    concepts = _concepts(cs, report.solutions, methods)
    frontier, frontier_note = _frontier(cs, report.frontier, methods)
    zone = _zone(cs, report)

    rep = report.options
    if rep is not None and not rep.options and concept != "welfare" and report.zone_of_agreement:
        from detente.analysis.options import options_report  # e.g. no package gives every party a gain

        rep = options_report(cs, concept="welfare", k=n_options, time_limit=time_limit)
    cands = []
    if rep is not None:
        methods.append(
            MethodNote(
                what=f"Options ({CONCEPT_LABELS.get(rep.concept, rep.concept)}, within {rep.near_optimal:.0%} "
                f"of the best, differing in at least {rep.min_diff_moves} moves)",
                method=rep.method,
                optimal=rep.optimal,
                gap=rep.gap,
                note="; ".join([*rep.notes, *([rep.shortfall] if rep.shortfall else [])]) or None,
            )
        )
        for opt in rep.options:
            tied = [row.label for row in concepts if row.choices == opt.choices]
            cands.append(
                Candidate(
                    title=f"Option {opt.rank}",
                    rationale=_rationale(cs, opt, rep.concept),
                    option=opt,
                    concepts=tied,
                    method=rep.method,
                )
            )
    if zone.exists is False and not zone.summary:
        zone.summary = "No package satisfies every party's red lines and reservation values at once."
    wedge_risks, wedge_charts = _wedges(cs, report.wedges)
    return AnalysisFacts(
        zone=zone,
        options=cands,
        concepts=concepts,
        frontier=frontier,
        frontier_method=frontier_note,
        methods=methods,
        wedges=wedge_risks,
        extra_charts=wedge_charts,
        unavailable=unavailable,
        options_concept=None if rep is None else rep.concept,
    )


def _rationale(cs: CompiledScenario, opt: OptionForPrincipals, concept: str) -> str:
    label = CONCEPT_LABELS.get(concept, concept)
    n = len(opt.carried_out)
    if opt.rank == 1:
        head = f"The best package under the {label}"
    else:
        share = (
            f"{opt.share_of_optimum:.0%} of the best score"
            if opt.share_of_optimum is not None
            else "near-best"
        )
        head = f"A different package at {share} under the {label}"
    tail = f"; {n} move{'s' if n != 1 else ''} carried out"
    return head + tail + "."


def _concepts(cs: CompiledScenario, results: dict[str, Any], methods: list[MethodNote]) -> list[ConceptRow]:
    rows = []
    for concept, res in results.items():
        label = CONCEPT_LABELS.get(concept, concept)
        methods.append(
            MethodNote(
                what=label,
                method=res.method,
                optimal=res.optimal,
                gap=res.gap,
                note="; ".join(res.notes) or None,
            )
        )
        if not res.packages:
            continue
        p = res.packages[0]
        rows.append(
            ConceptRow(
                concept=concept,
                label=label,
                method=res.method,
                optimal=res.optimal,
                gap=res.gap,
                choices=cs.choices_to_ids(p.choices),
                utilities={pid: float(p.utilities[i]) for i, pid in enumerate(cs.party_ids)},
                n_tied=len(res.packages),
                notes=list(res.notes),
            )
        )
    return rows


def _frontier(
    cs: CompiledScenario, fr: Any, methods: list[MethodNote]
) -> tuple[npt.NDArray[np.float64], MethodNote | None]:
    if fr is None:
        return np.zeros((0, cs.n_parties)), None
    note = MethodNote(
        what="Pareto frontier",
        method=fr.method,
        optimal=bool(fr.exact and not fr.truncated),
        note="; ".join(fr.notes) or None,
    )
    methods.append(note)
    u = fr.utilities if fr.packages else np.zeros((0, cs.n_parties))
    return np.asarray(u, dtype=np.float64), note


def _zone(cs: CompiledScenario, report: Any) -> ZoneInfo:
    if report.diagnosis is not None:
        return zone_from_diagnosis(cs, report.diagnosis)
    z = report.zone_of_agreement
    return ZoneInfo(exists=z is not False, n_acceptable=None, summary="")


def package_words(cs: CompiledScenario, choices: npt.ArrayLike) -> str:
    """The moves a package carries out, in words (``"nothing"`` for the status quo)."""
    from detente.brief.facts import item_text

    c = np.asarray(choices, dtype=np.int64)
    done = [
        item_text(cs.move_names[k], cs.option_labels[k][int(c[k])], int(cs.n_options[k]))
        for k in range(cs.n_moves)
        if int(c[k]) != int(cs.status_quo[k])
    ]
    return "; ".join(done) if done else "nothing (the status quo)"


def zone_from_diagnosis(cs: CompiledScenario, diag: Any) -> ZoneInfo:
    """Read a :class:`detente.analysis.diagnosis.Diagnosis`: whether a deal exists; when not, which
    red lines, rules and reservation values block it and which smallest relaxations would open one."""
    if diag.feasible is not False:
        lines = diag.summary(cs)
        return ZoneInfo(
            exists=diag.feasible is not False, n_acceptable=None, summary=lines[0] if lines else ""
        )
    n = diag.minimum_size
    summary = (
        "No package is acceptable to every party under the current red lines, rules and reservation values."
        + (
            f" The smallest change that opens a zone of agreement relaxes {n} item{'s' if n != 1 else ''}"
            + ("" if diag.optimal else " (best found, not proven minimal)")
            + "."
            if n
            else ""
        )
    )
    blockers = list(dict.fromkeys(item.label for r in diag.relaxations for item in r.items))
    openings = [
        "relax " + " and ".join(item.words() for item in r.items) + f" — then this package is acceptable: "
        f"{package_words(cs, r.package.choices)}"
        for r in diag.relaxations
    ]
    packages = [
        (" and ".join(item.words() for item in r.items), cs.choices_to_ids(r.package.choices))
        for r in diag.relaxations
    ]
    if not diag.complete:
        openings.append("(the list of alternatives is incomplete)")
    return ZoneInfo(
        exists=False,
        n_acceptable=0,
        summary=summary,
        blockers=blockers,
        openings=openings,
        opening_packages=packages,
    )


def _n(x: float) -> str:
    """A number as the brief prints it: integers plainly, else 3 significant figures; a true minus."""
    return (str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.3g}").replace("-", "−")


def _names(cs: CompiledScenario, ids: list[str]) -> str:
    return " and ".join(cs.party_names[cs.party_index(p)] for p in ids)


def _wedges(cs: CompiledScenario, out: Any) -> tuple[list[Risk], list[Chart]]:
    """Wedge packages and the strongest move wedges as risks; one wedge chart per coalition."""
    from detente.brief.charts import wedge_chart

    if out is None:
        return [], []
    risks: list[Risk] = []
    figs: list[Chart] = []
    for co in out.coalitions:
        for wp in co.wedge_packages:
            if not wp.exists:
                continue
            who, yes, no = _names(cs, wp.proposer), _names(cs, [wp.accepts]), _names(cs, [wp.rejects])
            count = f"{wp.count:,} such packages exist" if wp.count else "such packages exist"
            why = (
                f" {no} turns the best one down because: {'; '.join(wp.why_rejected)}."
                if wp.why_rejected
                else ""
            )
            risks.append(
                Risk(
                    kind="wedge",
                    title=f"{who} can split the {co.name}: offers {yes} accepts and {no} rejects",
                    detail=f"{count} ({out.method}).{why}",
                    severity=1.0,
                )
            )
        for mw in co.move_wedges[:3]:
            helps, hurts = _names(cs, mw.helps), _names(cs, mw.hurts)
            item = mw.name if mw.label.lower() in {"yes", "true"} else f"{mw.name} — {mw.label}"
            risks.append(
                Risk(
                    kind="wedge",
                    title=f"{item} divides the {co.name}",
                    detail=f"It helps {helps} and hurts {hurts} (stake of the weaker side {mw.magnitude:.3g}); "
                    "an opponent can use it to pull the allies apart.",
                    severity=float(mw.magnitude) / 10.0,
                )
            )
        ov = co.overlap
        if ov.exists is not None:
            share = f" ({ov.share:.1%} of the packages that meet the rules)" if ov.share is not None else ""
            overlap = (
                f"The members accept {ov.count:,} packages together{share}."
                if ov.count is not None
                else ("The members accept some packages together." if ov.exists else "")
            )
            if not ov.exists:
                overlap = "No package is acceptable to every member at once."
        else:
            overlap = ""
        if co.move_wedges:
            figs.append(wedge_chart(cs, co, overlap))
    return risks, figs


# ----- roadmaps ------------------------------------------------------------------------------------
def roadmap_for(cs: CompiledScenario, choices: npt.NDArray[np.int64], *, time_limit: float = 5.0) -> Any:
    """Plan the roadmap of one package with the exposure objective (smallest maximum exposure).

    Returns the :class:`~detente.roadmap.model.Roadmap`, or the error (a
    :class:`~detente.errors.DetenteError`, e.g. no roadmap meets the deadlines) when the package cannot
    be sequenced as written.
    """
    from detente.errors import DetenteError
    from detente.roadmap import plan_roadmap

    try:
        return plan_roadmap(cs, choices, objective="exposure", time_limit=time_limit)
    except DetenteError as exc:
        return exc


def roadmap_info(cs: CompiledScenario, rm: Any) -> RoadmapInfo:
    """The brief's summary of a :class:`detente.roadmap.model.Roadmap`."""
    items = rm.items.items
    phases = []
    for t, ph in enumerate(rm.phases):
        gates = [items[g].label for g in ph.gates]
        phases.append(
            RoadmapPhase(
                name=f"Phase {ph.index}",
                start_day=float(ph.start),
                end_day=float(ph.end),
                moves=[items[n].label for n in ph.items],
                gate=("after verification of " + "; ".join(gates)) if gates else None,
                exposure={cs.party_names[i]: float(rm.exposure[i, t]) for i in range(cs.n_parties)}
                if rm.exposure.size
                else {},
            )
        )
    worst = rm.max_exposure
    i = int(np.argmax(worst)) if worst.size else None
    snaps = [
        f"{items[s.item].label} ({'snapback' if s.kind == 'snapback' else 'lapses'}"
        f"{'' if s.credible else ', not credible'})"
        for s in rm.snapbacks
    ]
    return RoadmapInfo(
        method=rm.method,
        optimal=rm.optimal,
        gap=rm.gap,
        length_days=float(rm.completion_days),
        phases=phases,
        worst_exposure_party=cs.party_names[i] if i is not None and worst[i] > 0 else None,
        worst_exposure=float(worst[i]) if i is not None and worst[i] > 0 else None,
        snapbacks=snaps,
        notes=list(rm.notes),
    )


def temptation_risks(cs: CompiledScenario, card: OptionCard, rm: Any) -> list[Risk]:
    """The roadmap's temptations as one risk per tempted party (its earliest and largest temptation).

    The numbers are payoffs of the backward induction in :mod:`detente.roadmap.evaluate`: ``stop`` is
    the party's utility if it stops before that phase; ``finish`` what it can expect by going on —
    which is below its utility for the completed package when a later phase is itself open to
    defection.
    """
    by_party: dict[int, list[Any]] = {}
    for t in rm.temptations:
        by_party.setdefault(int(t.party), []).append(t)
    out = []
    for i, ts in by_party.items():
        who = cs.party_names[i]
        worst = max(ts, key=lambda t: t.margin)
        phases = sorted({int(t.phase) + 1 for t in ts})
        where = f"phase {phases[0]}" if len(phases) == 1 else "phases " + ", ".join(map(str, phases))
        final = next((s.utility for s in card.stakes if s.party_name == who), None)
        after = (
            f" (not the {_n(final)} it gets once every phase is carried out: by backward induction a later "
            "phase is itself open to defection)"
            if final is not None and worst.finish < final - 1e-9
            else ""
        )
        fix = f" Proposed fix: {worst.proposals[0].text}" if worst.proposals else ""
        n = int(worst.phase) + 1
        out.append(
            Risk(
                kind="temptation",
                title=f"{who} is tempted to stop at {where}",
                detail=f"If {who} skips its own steps from phase {n} on while the others carry out theirs, "
                f"its utility is {_n(worst.stop)}; if it goes on, {_n(worst.finish)}{after}. Stopping gains "
                f"it {_n(worst.margin)}.{fix}",
                option=card.title,
                severity=float(worst.margin),
                subject=who,
            )
        )
    return out


def _draw(fn: Any, rm: Any, cs: CompiledScenario, size: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size)
    fn(rm, cs, ax)
    return fig


def roadmap_charts(cs: CompiledScenario, card: OptionCard, rm: Any) -> list[Chart]:
    """Gantt and exposure charts of an option's roadmap, drawn by the roadmap module."""
    from detente.brief.charts import from_figure
    from detente.roadmap import exposure_chart as expo
    from detente.roadmap import gantt_chart as gantt

    out = []
    info = card.roadmap
    if info is not None:
        out.append(
            from_figure(
                f"gantt-{card.key}",
                f"Roadmap of {card.title}",
                lambda: _draw(gantt, rm, cs, (8.0, max(2.6, 0.28 * len(rm.items.items) + 1.4))),
                alt=f"Gantt chart of the roadmap of {card.title}: "
                + "; ".join(
                    f"{p.name}, days {p.start_day:g} to {p.end_day:g}: {', '.join(p.moves)}"
                    for p in info.phases
                )
                + (". Snapback clauses: " + "; ".join(info.snapbacks) if info.snapbacks else "")
                + ".",
                caption="Each bar is a step, placed in its phase; verification gates separate phases.",
                section="charts",
            )
        )
    if info is not None and bool(np.any(rm.exposure > 1e-9)):  # else the text says no one is exposed
        out.append(
            from_figure(
                f"exposure-{card.key}",
                f"Exposure across phases, {card.title}",
                lambda: _draw(expo, rm, cs, (7.0, 3.2)),
                alt=f"Line chart of each party's exposure after each phase of {card.title}: "
                + "; ".join(
                    f"{p.name}: " + ", ".join(f"{k} {v:.3g}" for k, v in p.exposure.items())
                    for p in info.phases
                )
                + ".",
                caption="Exposure: what a party stands to lose if the others stop after that phase.",
                section="charts",
            )
        )
    return out
