"""Roadmap commands: ``detente roadmap`` (sequence a package) and ``detente compare-strategies``."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli.common import (
    MAX_SECONDS,
    Concept,
    FormatOption,
    OutputFormat,
    ScenarioArg,
    console,
    emit_json,
    err_console,
    finite,
    fmt_num,
)
from detente.model.limits import MAX_MAGNITUDE
from detente.text import terminal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from detente.model.compiled import CompiledScenario
    from detente.roadmap.model import Roadmap


class ObjectiveChoice(StrEnum):
    phases = "phases"
    exposure = "exposure"
    time = "time"


ConceptOpt = Annotated[
    Concept | None,
    typer.Option("--concept", help="Sequence the package this solution concept selects (default: nash)."),
]
OptionOpt = Annotated[
    int | None,
    typer.Option(
        "--option", min=1, max=100, help="Sequence the K-th option for principals (ranked by --concept)."
    ),
]
PackageOpt = Annotated[
    Path | None,
    typer.Option(
        "--package",
        help="Sequence the package in this JSON file (what `detente solve --format json` prints).",
    ),
]
ObjectiveOpt = Annotated[
    ObjectiveChoice,
    typer.Option(
        "--objective", help="phases: fewest phases; exposure: smallest maximum exposure; time: earliest end."
    ),
]
MaxPhasesOpt = Annotated[
    int,
    typer.Option(
        "--max-phases",
        min=1,
        max=1000,
        help="At most this many phases (never more than the package has steps).",
    ),
]
ReciprocityOpt = Annotated[
    float | None,
    typer.Option(
        "--reciprocity",
        min=0.0,
        max=MAX_MAGNITUDE,
        callback=finite,
        help="Per-phase balance: no party's net exchange in a phase below −X (utility units).",
    ),
]
HistoryOpt = Annotated[
    bool,
    typer.Option(
        "--history", help="Sequence the package of the phases actually agreed (the file's history: section)."
    ),
]
TimeLimitOpt = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=0.1,
        max=MAX_SECONDS,
        callback=finite,
        help="Work budget of the whole command (work units, about a second each; deterministic): half to find the package when it is a concept's or an option, the rest to sequence it; one wall-clock safety stop (6× plus 8 s).",
    ),
]


def _package(
    cs: CompiledScenario,
    concept: Concept | None,
    option: int | None,
    package: Path | None,
    history: bool = False,
) -> tuple[npt.NDArray[np.int64], str]:
    from detente.errors import DetenteError
    from detente.io.package_file import package_from_file
    from detente.roadmap.package import package_from_concept, package_from_option

    given = [
        name
        for name, on in (
            ("--concept/--option", concept is not None or option is not None),
            ("--package", package is not None),
            ("--history", history),
        )
        if on
    ]
    if len(given) > 1:
        raise DetenteError(f"choose the package one way: {' or '.join(given)}, not both")
    if history:
        from detente.roadmap.history import history_package

        return history_package(cs), "package of the phases actually agreed"
    if package is not None:
        return package_from_file(cs, package), f"given in {package} (not chosen by Détente)"
    name = (concept or Concept.nash).value
    with err_console.status(f"Finding the package ({name})…"):
        if option is not None:
            return package_from_option(cs, option, concept=name), f"option {option} ({name})"
        return package_from_concept(cs, name), f"{name} solution"


def _by_owner(cs: CompiledScenario, rm: Roadmap, items: Sequence[int]) -> list[tuple[str, str]]:
    """'OWNER:', 'item, item' rows (one per owner, in order of first appearance)."""
    its = rm.items.items
    groups: dict[str, list[str]] = {}
    for n in items:
        groups.setdefault(cs.party_ids[its[n].owner], []).append(its[n].id)
    return [(f"{owner}:", ", ".join(ids)) for owner, ids in groups.items()]


def _phase_cap(cs: CompiledScenario, max_phases: int) -> int:
    """``--max-phases`` capped at the most steps any package of ``cs`` can have (Σ_k options_k − 1):
    more phases than steps would only be empty, and the sequencer's model grows with the cap."""
    return max(1, min(max_phases, int(cs.n_options.sum()) - cs.n_moves))


def _print_roadmap(rm: Roadmap, cs: CompiledScenario, source: str, detail: bool = False) -> None:
    from detente.cli import render

    its = rm.items.items
    render.title(f"Roadmap — {cs.scenario.meta.title}")
    render.say(
        f"Package: {terminal(source)}. {len(its)} items in {rm.n_phases} phases, "
        f"complete on day {rm.completion_days}."
    )
    for ph in rm.phases:
        gates = ", ".join(
            its[n].id + ("" if its[n].verifiable else " (done; not verifiable)") for n in ph.gates
        )
        render.heading(
            f"Phase {ph.index} · days {ph.start}–{ph.end}"
            + (f" · after verification of {gates}" if gates else "")
        )
        if detail:
            render.listing(
                [
                    (f"{cs.party_ids[its[n].owner]}", f"{its[n].id} [dim]{terminal(its[n].label)}[/]")
                    for n in ph.items
                ]
            )
        else:
            render.listing(_by_owner(cs, rm, ph.items))
        expiring = sorted({n for n, _ in ph.renewals})
        if expiring:
            render.listing(
                [
                    (
                        "renew:",
                        ", ".join(
                            f"{its[n].id} every {fmt_num(its[n].expires_after_days)} d" for n in expiring
                        ),
                    )
                ]
            )
    cols = [render.Col("party", "id"), *(render.Col(f"P{ph.index}", "num") for ph in rm.phases)]
    et = render.table(
        [*cols, render.Col("max", "num")],
        title="Exposure: what a party loses if the others stop in that phase",
        ids=cs.party_ids,
    )
    for i, pid in enumerate(cs.party_ids):
        et.add_row(pid, *(fmt_num(float(x)) for x in rm.exposure[i]), fmt_num(float(rm.max_exposure[i])))
    console.print()
    console.print(et)
    if rm.snapbacks:
        render.heading(f"Snapback clauses ({len(rm.snapbacks)})")
        rows = []
        for sb in rm.snapbacks:
            lead = "?" if sb.lead_days != sb.lead_days else fmt_num(sb.lead_days)
            verb = "reverts" if sb.kind == "snapback" else "lapses"
            credible = "" if sb.credible else "; [red]not credible[/] (its owner gains from keeping it)"
            rows.append(
                (
                    f"{its[sb.item].id} ({cs.party_ids[sb.owner]})",
                    f"{verb} within {lead} d if {', '.join(cs.party_ids[i] for i in sb.triggers)} stop{credible}",
                )
            )
        render.listing(rows)
    if rm.self_enforcing:
        render.say(
            "\n[green]Self-enforcing:[/] at every phase, finishing is worth more to every party than stopping."
        )
    else:
        render.say(f"\n[yellow]Not self-enforcing:[/] {len(rm.temptations)} temptation(s).")
        for t in rm.temptations:
            render.say(
                f"  Phase {t.phase + 1}: {terminal(cs.party_ids[t.party])} gains {fmt_num(t.margin)} by "
                f"stopping ({fmt_num(t.stop)} if it stops, {fmt_num(t.finish)} if it continues)"
            )
            shown = t.proposals if detail else t.proposals[:1]
            for p in shown:
                tag = "removes it" if p.removes else f"leaves {fmt_num(p.margin)}"
                render.listing([("→", f"{p.kind}: {terminal(p.text)} [dim]({tag})[/]")], indent=4)
            if len(t.proposals) > len(shown):
                render.say(f"    [dim]{len(t.proposals) - len(shown)} more fixes: --detail[/]")
    render.listing([("[red]breaks:[/]", terminal(v)) for v in rm.violations], indent=0)
    render.notes(rm.notes, prefix="note")
    status = (
        "proven optimal" if rm.optimal else (f"gap {fmt_num(rm.gap)}" if rm.gap is not None else "not proven")
    )
    render.say(
        f"[dim]Sequencing method: {rm.method}; objective {rm.objective} = {fmt_num(rm.objective_value or 0.0)}; "
        f"the order is {status} for this package; {rm.seconds:.2f} s[/]"
    )


def _print_agreed(rm: Roadmap, cs: CompiledScenario) -> None:
    """The phases actually agreed, scored with the same formulas."""
    from detente.cli import render

    history = cs.scenario.history
    names = [p.name for p in history.phases] if history else []
    used = sorted({int(x) for x in rm.phase_of})
    render.heading("Phases actually agreed (history:), scored the same way")
    for ph, original in zip(rm.phases, used, strict=True):
        worst = float(rm.exposure[:, ph.index - 1].max(initial=0.0))
        name = names[original] if original < len(names) else str(ph.index)
        render.say(f"  [bold]{terminal(name)}[/] · exposure {fmt_num(worst)}")
        render.listing(_by_owner(cs, rm, ph.items), indent=4)
    tempted = ", ".join(
        f"{cs.party_ids[x.party]} before phase {x.phase + 1} (+{fmt_num(x.margin)})" for x in rm.temptations
    )
    render.say(
        f"Agreed phases: max exposure {fmt_num(float(rm.max_exposure.max(initial=0.0)))}; "
        + (f"tempted: {tempted}" if tempted else "no party tempted")
        + f"; {len(rm.violations)} prerequisite(s) bundled in the same phase."
    )
    render.listing([("same phase:", f"[dim]{terminal(v)}[/]") for v in rm.violations])


def _check_given_package(
    cs: CompiledScenario, choices: npt.NDArray[np.int64], path: Path, allow: bool
) -> None:
    """Refuse a --package that breaks a rule or leaves a party below its reservation (unless ``allow``)."""
    from detente.analysis.package_check import check_package
    from detente.errors import DetenteError

    check = check_package(cs, choices)
    if check.acceptable:
        return
    problems = check.lines()
    if not allow:
        raise DetenteError(
            f"the package in {path} is not acceptable:\n  "
            + "\n  ".join(problems)
            + "\nSequence an acceptable package (detente solve or detente options), "
            "or pass --allow-unacceptable to sequence it anyway."
        )
    err_console.print(
        f"[bold yellow]warning:[/] the package in {terminal(str(path))} is NOT acceptable "
        "(sequenced anyway because of --allow-unacceptable):",
        highlight=False,
    )
    for line in problems:
        err_console.print(f"  {line}", highlight=False, markup=False)


def roadmap(
    file: ScenarioArg,
    concept: ConceptOpt = None,
    option: OptionOpt = None,
    package: PackageOpt = None,
    history: HistoryOpt = False,
    objective: ObjectiveOpt = ObjectiveChoice.exposure,
    max_phases: MaxPhasesOpt = 12,
    reciprocity: ReciprocityOpt = None,
    self_enforcing: Annotated[
        bool,
        typer.Option("--self-enforcing", help="Only accept orders where no party is ever tempted to stop."),
    ] = False,
    time_limit: TimeLimitOpt = 10.0,
    no_split: Annotated[
        bool, typer.Option("--no-split", help="Keep graded moves whole (one step each).")
    ] = False,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write a Gantt chart (.png, .svg or .pdf).")
    ] = None,
    exposure_chart: Annotated[
        Path | None, typer.Option("--exposure-chart", help="Write the exposure chart (.png, .svg or .pdf).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace chart files that exist.")] = False,
    allow_unacceptable: Annotated[
        bool,
        typer.Option(
            "--allow-unacceptable",
            help="Sequence a --package even if it breaks a rule or leaves a party below its reservation.",
        ),
    ] = False,
    detail: Annotated[
        bool, typer.Option("--detail", help="Print each item's label and every proposed fix.")
    ] = False,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Sequence a package into phases: verification gates, snapback, exposure, self-enforcement.

    Example: [bold]detente roadmap scenarios/korea-2019.yaml --chart roadmap.png[/]
    """
    from detente.analysis.budget import step_budget
    from detente.cli.common import budgeted, load_compiled
    from detente.io.writer import check_target
    from detente.roadmap.plan import plan_roadmap

    for path in (chart, exposure_chart):  # refuse before sequencing, not after
        if path is not None:
            check_target(path, overwrite=force)
    with budgeted(time_limit) as whole:  # one budget: half to find the package, the rest to sequence it
        cs = load_compiled(file)
        with step_budget(whole.share(2)):
            choices, source = _package(cs, concept, option, package, history)
        if package is not None:
            _check_given_package(cs, choices, package, allow_unacceptable)
        with err_console.status("Sequencing the roadmap (CP-SAT)…"):
            rm = plan_roadmap(
                cs,
                choices,
                objective=objective.value,
                max_phases=_phase_cap(cs, max_phases),
                reciprocity=reciprocity,
                self_enforcing=self_enforcing,
                time_limit=max(1e-3, whole.left()),
                split_graded=not no_split,
            )
    if chart is not None or exposure_chart is not None:
        from detente.roadmap.charts import exposure_chart as draw_exposure
        from detente.roadmap.charts import gantt_chart

        if chart is not None:
            gantt_chart(rm, cs, chart, overwrite=force)
        if exposure_chart is not None:
            draw_exposure(rm, cs, exposure_chart, overwrite=force)
    agreed = None
    if history:
        from detente.roadmap.history import historical_roadmap

        agreed = historical_roadmap(cs, rm.items)
    if format is OutputFormat.json:
        doc = rm.to_output(cs)
        doc.history = agreed.to_output(cs) if agreed is not None else None
        emit_json(doc.model_dump(mode="json"))
        return
    _print_roadmap(rm, cs, source, detail)
    if agreed is not None:
        _print_agreed(agreed, cs)
    for path in (chart, exposure_chart):
        if path is not None:
            console.print(f"Wrote {terminal(path)}", highlight=False)


def compare_strategies(
    file: ScenarioArg,
    concept: ConceptOpt = None,
    option: OptionOpt = None,
    package: PackageOpt = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history", help="Use the package of the phases actually agreed and add them as a fourth row."
        ),
    ] = False,
    objective: ObjectiveOpt = ObjectiveChoice.exposure,
    max_phases: MaxPhasesOpt = 12,
    reciprocity: ReciprocityOpt = None,
    time_limit: TimeLimitOpt = 10.0,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Compare big-for-big, naive step-by-step and the optimized roadmap for one package.

    Example: [bold]detente compare-strategies scenarios/korea-2019.yaml --concept nash[/]
    """
    from detente.analysis.budget import step_budget
    from detente.cli.common import budgeted, load_compiled
    from detente.roadmap.plan import compare_strategies as compare

    with budgeted(time_limit) as whole:  # one budget: half to find the package, the rest to sequence
        cs = load_compiled(file)
        with step_budget(whole.share(2)):
            choices, source = _package(cs, concept, option, package, history)
        with err_console.status("Sequencing the roadmaps (CP-SAT)…"):
            result = compare(
                cs,
                choices,
                objective=objective.value,
                max_phases=_phase_cap(cs, max_phases),
                reciprocity=reciprocity,
                time_limit=max(1e-3, whole.left()),
                history=history,
            )
    if format is OutputFormat.json:
        emit_json(result.to_json(cs))
        return
    from detente.cli import render

    t = render.table(
        [
            render.Col("strategy", "id"),
            render.Col("phases", "num"),
            render.Col("max exposure", "num"),
            render.Col("days", "num"),
            render.Col("tempted", "num"),
            render.Col("broken", "num"),
        ],
        title=f"Strategies for the {source}",
        ids=[rm.strategy for rm in result.roadmaps],
    )
    for rm in result.roadmaps:
        t.add_row(
            rm.strategy,
            str(rm.n_phases),
            fmt_num(float(rm.max_exposure.max(initial=0.0))),
            str(rm.completion_days),
            str(rm.tempted_phases),
            str(len(rm.violations)),
        )
    console.print(t)
    render.say(
        "[dim]max exposure: the most any party loses if the others stop (docs/roadmaps.md); days: until "
        "complete; tempted: phases where some party gains by stopping; broken: prerequisites not in an "
        "earlier phase, missed deadlines.[/]"
    )


def register(app: typer.Typer) -> None:
    app.command()(roadmap)
    app.command(name="compare-strategies")(compare_strategies)
