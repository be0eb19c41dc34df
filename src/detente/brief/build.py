"""Assemble a :class:`~detente.brief.model.BriefData` from a compiled scenario.

:func:`build_brief` calls each API once — the analysis (zone of agreement, frontier, solution concepts,
options, coalitions), the roadmap planner for each acceptable option, and the model-only facts — then
derives the bottom line, the risks and the charts from those results. Rendering lives in
:mod:`detente.brief.render`; nothing here formats text for a particular output.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente.brief import charts, facts, risks, robust
from detente.brief.adapters import (
    AnalysisFacts,
    analysis_facts,
    roadmap_charts,
    roadmap_for,
    roadmap_info,
    temptation_risks,
)
from detente.brief.model import (
    AnnexSection,
    BriefData,
    Chart,
    OptionCard,
    PartyInfo,
    Recommendation,
    Risk,
)

if TYPE_CHECKING:
    from detente.analysis.budget import Budget
    from detente.analysis.options import OptionForPrincipals
    from detente.model.compiled import CompiledScenario

#: ``progress(step description, steps done, total steps)`` — called before each step and at the end.
ProgressFn = Callable[[str, int, int], None]


@dataclass
class BriefOptions:
    """Knobs of :func:`build_brief`.

    ``n_options``: how many options to put before principals (3–5 recommended); ``concept``: the
    solution concept that ranks them. ``packages``: extra packages to brief as options,
    ``(title, {move id: option id})``; moves not named stay at their status quo. ``seed``/``samples``:
    the Monte-Carlo draw for robustness. ``roadmaps``: sequence each acceptable option.
    ``time_limit``: the work budget of the whole brief (work units, about a second each; deterministic;
    see :func:`build_brief`); ``roadmap_time_limit``: at most this much per roadmap.
    ``robustness``: add the sensitivity tornado and the robust–efficient trade-off to the annex;
    ``played_out``: add the recommended option played out (simulated talks, implementation game; slow:
    about a minute and a half on the flagship); ``forecast``: add "where talks are heading" to the annex; ``ledger``: a ledger file whose
    implementation status (on ``ledger_as_of``, default today) goes in the annex.
    """

    n_options: int = 4
    concept: str = "nash"
    packages: Sequence[tuple[str, dict[str, str]]] = field(default_factory=tuple)
    seed: int = 0
    samples: int = 2000
    roadmaps: bool = True
    time_limit: float = 40.0
    roadmap_time_limit: float = 5.0
    forecast: bool = True
    robustness: bool = True
    played_out: bool = False
    ledger: str | None = None
    ledger_as_of: str | None = None


class _Steps:
    """Progress bookkeeping: scenario, the analysis's steps, one roadmap per option, charts."""

    def __init__(self, progress: ProgressFn | None, n_options: int) -> None:
        from detente.analysis.report import STEPS as ANALYSIS_STEPS

        self.progress = progress
        self.done = 0
        self.total = 1 + len(ANALYSIS_STEPS) + n_options + 1

    def __call__(self, label: str) -> None:
        if self.progress is not None:
            self.progress(label, min(self.done, self.total - 1), self.total)
        self.done += 1

    def finish(self, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        if self.progress is not None:
            self.progress("Done", self.total, self.total)


def _question(cs: CompiledScenario) -> str:
    names = [p.name for p in cs.scenario.parties]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Which package, if any, should {who} agree on — and in what sequence should it be carried out?"


def build_brief(
    cs: CompiledScenario, *, progress: ProgressFn | None = None, options: BriefOptions | None = None
) -> BriefData:
    """Build everything the brief shows for ``cs`` (see the module docstring).

    ``options.time_limit`` is one work budget for the whole brief (the running command's when called
    inside one; :mod:`detente.analysis.budget`): the analysis gets half of it, each roadmap an even
    share of what is left (at most ``roadmap_time_limit``), the annex sections the rest. The annex
    reuses the analysis's solutions and options instead of solving them again."""
    from detente.analysis.budget import command_budget

    opts = options or BriefOptions()
    with command_budget(opts.time_limit) as whole:
        return _build_brief(cs, progress, opts, whole)


def _build_brief(
    cs: CompiledScenario, progress: ProgressFn | None, opts: BriefOptions, whole: Budget
) -> BriefData:
    from detente.analysis.budget import SKIPPED_NOTE, step_budget

    step = _Steps(progress, opts.n_options if opts.roadmaps else 0)
    step("Reading the scenario")
    s = cs.scenario
    parties = facts.party_infos(cs)

    with step_budget(whole.share(2)) as part:
        found = analysis_facts(
            cs,
            n_options=opts.n_options,
            concept=opts.concept,
            time_limit=part.left(),
            progress=lambda name: step(f"Analysis: {name}"),
        )
    cards = _option_cards(cs, found, opts)
    assessed = robust.assess(
        cs, [cs.choices_from_ids(c.choices) for c in cards], seed=opts.seed, samples=opts.samples
    )
    for card, rb in zip(cards, assessed or [], strict=False):
        card.robustness = rb.share
        card.rests_on = [j.words() for j in rb.judgments]

    plans: dict[str, Any] = {}
    risk_list: list[Risk] = []
    skipped: list[str] = []  # what the command's wall-clock safety stop cut (said in the brief)
    if opts.roadmaps and whole.expired and whole.wall_stopped:
        skipped.append(f"roadmaps: {SKIPPED_NOTE}")
    elif opts.roadmaps:
        to_plan = [card for card in cards if card.acceptable]
        for n, card in enumerate(to_plan):
            step(f"Sequencing {card.title}")
            with step_budget(whole.share(len(to_plan) - n + 1)) as part:
                limit = max(1e-3, min(opts.roadmap_time_limit, part.left()))
                rm = roadmap_for(cs, cs.choices_from_ids(card.choices), time_limit=limit)
            if isinstance(rm, Exception):
                card.roadmap_error = str(rm)
                risk_list.append(
                    Risk(
                        kind="sequencing",
                        title=f"{card.title} cannot be sequenced as written",
                        detail=str(rm),
                        option=card.title,
                        severity=1.0,
                    )
                )
            elif rm is not None:
                plans[card.key] = rm
                card.roadmap = roadmap_info(cs, rm)
                risk_list += temptation_risks(cs, card, rm)
    risk_list = risks.all_risks(cs, cards, risk_list + found.wedges)
    for card in cards:
        card.risks = risks.ranked_risks(card, risk_list, cards)
        card.main_risk = card.risks[0]

    step.total = step.done + 1
    step("Drawing charts")
    chart_list = _charts(cs, parties, cards, found, plans)
    step.finish()

    best = recommended(cards) if found.zone.exists else None
    data = BriefData(
        title=s.meta.title,
        question=_question(cs),
        description=s.meta.description,
        context=facts.lead(s.meta.description),
        date=s.meta.date,
        authors=list(s.meta.authors),
        values_note=s.meta.values_note,
        core=facts.core_and_apart(cs, [c.choices for c in cards])[0],
        parties=parties,
        pillars=facts.pillar_names(cs),
        zone=found.zone,
        bottom_line=_bottom_line(found, cards),
        options=cards,
        concepts=found.concepts,
        frontier=[
            {cs.party_names[i]: float(u[i]) for i in range(cs.n_parties)} for u in _shown(found.frontier)
        ],
        frontier_count=len(found.frontier),
        frontier_method=found.frontier_method,
        charts=chart_list,
        risks=risk_list,
        values=facts.value_rows(cs),
        sources=facts.source_rows(cs),
        moves=facts.move_rows(cs),
        constraints=facts.constraint_lines(cs),
        methods=found.methods,
        unavailable=found.unavailable,
        coalitions=[(name, [cs.party_names[i] for i in members]) for _, name, members in cs.coalitions],
        recommendation=None if best is None else _recommendation(best),
        risk_groups=risks.group_risks(risk_list, cards),
    )
    from detente.brief import extras

    extra = []
    if whole.expired and whole.wall_stopped:  # the annex's extra sections are skipped, with a note
        opts = dataclasses.replace(opts, robustness=False, played_out=False, forecast=False)
        skipped.append(f"annex sections (robustness, played out, forecast): {SKIPPED_NOTE}")
    data.unavailable = [*data.unavailable, *skipped]
    first = [
        (f"option 1 ({opts.concept})", c.option.array(cs))
        for c in found.options
        if c.option.rank == 1 and found.options_concept == opts.concept
    ]
    if opts.robustness:
        found_robustness = extras.robustness_section(
            cs, concept=opts.concept, seed=opts.seed, packages=first[:1] or None
        )
        if found_robustness is not None:
            extra.append(found_robustness[0])
            data.charts.extend(found_robustness[1])
    if opts.played_out and best is not None:
        extra.append(extras.played_out_section(cs, cs.choices_from_ids(best.choices), seed=opts.seed))
    if opts.forecast:
        extra.append(extras.forecast_section(cs, seed=opts.seed))
    if opts.ledger:
        extra.append(extras.ledger_section(opts.ledger, as_of=opts.ledger_as_of))
    data.annex = annex_sections(data, extra)
    return data


#: The annex, in order: (key, title, partial). Other modules add sections with :func:`annex_sections`'
#: ``extra`` or by appending an :class:`~detente.brief.model.AnnexSection` to ``BriefData.annex``.
ANNEX = (
    ("context", "Context, parties and the options in full", "options"),
    ("charts", "Charts", "charts"),
    ("risks", "Risks in full", "risks"),
    ("assumptions", "Assumptions and sources", "assumptions"),
    ("tables", "Full tables", "tables"),
)


def annex_sections(data: BriefData, extra: Sequence[AnnexSection] = ()) -> list[AnnexSection]:
    """The annex's sections: the standard ones (:data:`ANNEX`) then ``extra`` (e.g. a tornado chart)."""
    return [AnnexSection(key, title, template) for key, title, template in ANNEX] + list(extra)


def recommended(cards: list[OptionCard]) -> OptionCard | None:
    """The option to recommend: acceptable, named by the most solution concepts, largest smallest margin."""
    good = [c for c in cards if c.acceptable]
    if not good:
        return None
    return max(good, key=lambda c: (len(c.concepts), min(s.surplus for s in c.stakes), -cards.index(c)))


def _num(x: float) -> str:
    return (str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.3g}").replace("-", "−")


def _recommendation(best: OptionCard) -> Recommendation:
    why = best.rationale
    if best.concepts:
        why += f" It is the {', '.join(best.concepts)}."
    worst_off = min(best.stakes, key=lambda s: s.surplus)
    why += (
        f" Every party is at or above its reservation value; the smallest margin is "
        f"{worst_off.party_name}'s ({'+' if worst_off.surplus >= 0 else ''}{_num(worst_off.surplus)})."
    )
    rob = None
    if best.robustness is not None:
        rob = f"Acceptable to every party in {100 * best.robustness:.0f}% of plausible value draws"
        rob += (
            "; the judgments it rests on are " + "; ".join(best.rests_on) + "."
            if best.rests_on
            else "; no single judgment sways it much."
        )
        if best.robustness < risks.ROBUST_ENOUGH:
            rob += " That is less than one in two: treat it as a risk."
    return Recommendation(
        option=best, why=why, robustness=rob, roadmap=_roadmap_line(best), risks=best.risks[:3]
    )


def _roadmap_line(card: OptionCard) -> str | None:
    rm = card.roadmap
    if card.roadmap_error:
        return "It cannot be sequenced as written: " + card.roadmap_error
    if rm is None or not rm.phases:
        return None
    n = len(rm.phases)
    days = f" over {rm.length_days:g} days" if rm.length_days else ""
    first = rm.phases[0].moves
    opening = "; ".join(first[:2]) + (f" and {len(first) - 2} more" if len(first) > 2 else "")
    expo = (
        f"worst exposure {rm.worst_exposure_party}'s ({_num(rm.worst_exposure)})"
        if rm.worst_exposure_party and rm.worst_exposure is not None
        else "no one is exposed at any point"
    )
    return f"{n} verified phase{'s' if n != 1 else ''}{days}, opening with {opening}; {expo}."


def _option_cards(cs: CompiledScenario, found: AnalysisFacts, opts: BriefOptions) -> list[OptionCard]:
    from detente.analysis.options import explain

    cards: list[OptionCard] = []
    for cand in found.options:
        cards.append(_card(cs, cand.title, cand.rationale, cand.option, cand.concepts, cand.method))
    if not found.zone.exists and found.zone.opening_packages:
        # no deal: put the packages each minimal relaxation would make acceptable side by side
        arr = np.vstack([cs.choices_from_ids(m) for _, m in found.zone.opening_packages[: opts.n_options]])
        views = explain(cs, arr, np.zeros(len(arr)), None)
        for n, ((needs, _), view) in enumerate(
            zip(found.zone.opening_packages, views, strict=False), start=1
        ):
            card = _card(
                cs, f"Opening {n}", f"Becomes acceptable if you relax {needs}.", view, [], "diagnosis"
            )
            card.needs = needs
            cards.append(card)
    if opts.packages:
        arr = np.vstack([cs.choices_from_ids(mapping) for _, mapping in opts.packages])
        views = explain(cs, arr, np.zeros(len(arr)), None)
        for (title, _), view in zip(opts.packages, views, strict=True):
            cards.append(_card(cs, title, "Put forward for comparison.", view, [], "given"))
    for j, card in enumerate(cards):
        card.key = f"option-{j + 1}"
        card.carried_out = facts.carried_out(cs, card.choices)
    _, apart = facts.core_and_apart(cs, [c.choices for c in cards])
    for card, items in zip(cards, apart, strict=True):
        card.apart = items
    return cards


def _card(
    cs: CompiledScenario,
    title: str,
    rationale: str,
    option: OptionForPrincipals,
    concepts: list[str],
    method: str,
) -> OptionCard:
    c = option.array(cs)
    return OptionCard(
        key="",
        title=title,
        rationale=rationale,
        choices=dict(option.choices),
        stakes=facts.stakes_from_views(cs, option.parties),
        acceptable=bool(cs.acceptable(c)[0]),
        concepts=concepts,
        method=method,
    )


def _bottom_line(found: AnalysisFacts, cards: list[OptionCard]) -> list[str]:
    """The lines above the recommendation: whether a deal exists (and when none does, what would open
    one); the recommendation itself is :class:`~detente.brief.model.Recommendation`."""
    out: list[str] = []
    z = found.zone
    if not z.exists:
        out.append("There is no zone of agreement. " + z.summary)
        if z.openings:
            alt = "Alternatives that would open one" if len(z.openings) > 1 else "What would open one"
            out.append(f"{alt}: " + " Or: ".join(f"{x}." for x in z.openings[:3]))
        return out
    if z.summary:
        out.append(z.summary)
    if not any(c.acceptable for c in cards):
        out.append("No option acceptable to every party was found.")
    return out


def _charts(
    cs: CompiledScenario,
    parties: list[PartyInfo],
    cards: list[OptionCard],
    found: AnalysisFacts,
    plans: dict[str, Any],
) -> list[Chart]:
    out: list[Chart] = []
    if cs.n_parties >= 2 and (len(found.frontier) or cards):
        marked = [(c.title, np.asarray([s.utility for s in c.stakes])) for c in cards]
        marked += [(r.label, np.asarray([r.utilities[p] for p in cs.party_ids])) for r in found.concepts]
        out.append(
            charts.pareto_chart(
                cs.party_names, cs.reservation, np.asarray(found.frontier).reshape(-1, cs.n_parties), marked
            )
        )
    if cards:
        out.append(charts.utility_bars(parties, cards))
    for card in cards:
        if card.key in plans:
            out.extend(roadmap_charts(cs, card, plans[card.key]))
    if cs.n_parties >= 2 and cs.n_moves <= 60:
        gains, labels = joint_gains(cs)
        out.append(charts.interest_overlap(cs.party_names, labels, gains))
    out.extend(found.extra_charts)
    rob = [(c.title, float(c.robustness)) for c in cards if c.robustness is not None]
    if rob:
        out.append(
            charts.bar_chart(
                "robustness",
                "Robustness of each option",
                [t for t, _ in rob],
                [r for _, r in rob],
                xlabel="share of draws in which every party accepts",
                caption="Share of random draws of the uncertain values (each on its stated shape: uniform, "
                "triangular or normal) in which the option stays acceptable to every party.",
                alt_intro="Bar chart of the share of uncertain-value draws in which each option stays "
                "acceptable to every party.",
                limits=(0, 1.1),
            )
        )
    return out


def joint_gains(cs: CompiledScenario) -> tuple[npt.NDArray[np.float64], list[str]]:
    """For each move, its jointly most valuable option: the non-status-quo option o maximizing
    Σ_i δ_i(o), with δ_i(o) = values[o, i] − values[status quo, i]; returns (M, P) δ and row labels."""
    out = np.zeros((cs.n_moves, cs.n_parties))
    labels = []
    for k in range(cs.n_moves):
        block = cs.values[cs.offsets[k] : cs.offsets[k + 1]]
        sq = int(cs.status_quo[k])
        delta = block - block[sq]
        total = delta.sum(axis=1)
        total[sq] = -np.inf
        j = int(np.argmax(total))
        out[k] = delta[j]
        labels.append(cs.move_names[k])
    return out, labels


#: At most this many frontier points are listed in the annex (representatives beyond that).
FRONTIER_ROWS = 40


def _shown(frontier: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The frontier points to list: all when few, else representatives (farthest-point sampling,
    seeded, by :func:`detente.analysis.pareto.summarize`) sorted by the first party's utility."""
    if len(frontier) <= FRONTIER_ROWS:
        return frontier
    from detente.analysis.pareto import summarize

    rows = frontier[summarize(frontier, k=FRONTIER_ROWS, seed=0).representatives]
    return rows[np.lexsort(rows.T[::-1])]
