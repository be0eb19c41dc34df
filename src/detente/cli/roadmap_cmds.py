"""Roadmap commands: ``detente roadmap`` (sequence a package) and ``detente compare-strategies``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

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
from detente.io.input_policy import MAX_MAGNITUDE
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
        "--time-limit", min=0.1, max=MAX_SECONDS, callback=finite, help="Seconds for the CP-SAT sequencer."
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
    from detente.roadmap.package import package_from_concept, package_from_file, package_from_option

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
        return package_from_file(cs, package), f"package from {package}"
    name = (concept or Concept.nash).value
    with err_console.status(f"Finding the package ({name})…"):
        if option is not None:
            return package_from_option(cs, option, concept=name), f"option {option} ({name})"
        return package_from_concept(cs, name), f"{name} solution"


def _phase_cap(cs: CompiledScenario, max_phases: int) -> int:
    """``--max-phases`` capped at the most steps any package of ``cs`` can have (Σ_k options_k − 1):
    more phases than steps would only be empty, and the sequencer's model grows with the cap."""
    return max(1, min(max_phases, int(cs.n_options.sum()) - cs.n_moves))


def _print_roadmap(rm: Roadmap, cs: CompiledScenario, source: str) -> None:
    its = rm.items.items
    console.rule(f"[bold]Roadmap — {terminal(cs.scenario.meta.title)}")
    console.print(
        f"Package: {terminal(source)}. {len(its)} items in {rm.n_phases} phases, complete on day {rm.completion_days}.",
        highlight=False,
    )
    pt = Table(title="Phases", title_justify="left", show_lines=True)
    pt.add_column("phase", justify="right")
    pt.add_column("days")
    pt.add_column("moves (owner)")
    pt.add_column("starts after verification of")
    for ph in rm.phases:
        moves = "\n".join(
            f"{terminal(its[n].label)} [dim]({cs.party_ids[its[n].owner]}, {its[n].id})[/]" for n in ph.items
        )
        gates = "\n".join(
            its[n].id + ("" if its[n].verifiable else " [dim](done; not verifiable)[/]") for n in ph.gates
        )
        expiring = sorted({n for n, _ in ph.renewals})
        if expiring:
            moves += (
                "\n[dim]renew: "
                + ", ".join(f"{its[n].id} every {fmt_num(its[n].expires_after_days)} d" for n in expiring)
                + "[/]"
            )
        gates = gates or "—"
        pt.add_row(str(ph.index), f"{ph.start}–{ph.end}", moves, gates)
    console.print(pt)
    et = Table(title="Exposure (what a party loses if the others stop in that phase)", title_justify="left")
    et.add_column("party")
    for ph in rm.phases:
        et.add_column(f"P{ph.index}", justify="right")
    et.add_column("max", justify="right")
    for i, pid in enumerate(cs.party_ids):
        et.add_row(pid, *(fmt_num(float(x)) for x in rm.exposure[i]), fmt_num(float(rm.max_exposure[i])))
    console.print(et)
    if rm.snapbacks:
        st = Table(title="Snapback clauses", title_justify="left")
        for col in ("relief", "owner", "reverts if", "lead (days)", "credible"):
            st.add_column(col)
        for s in rm.snapbacks:
            st.add_row(
                its[s.item].id,
                cs.party_ids[s.owner],
                ", ".join(cs.party_ids[i] for i in s.triggers)
                + (" stop" if s.kind == "snapback" else " stop (lapses)"),
                "?" if s.lead_days != s.lead_days else fmt_num(s.lead_days),
                "yes" if s.credible else "[red]no[/] (owner gains from keeping it)",
            )
        console.print(st)
    if rm.self_enforcing:
        console.print(
            "[green]Self-enforcing:[/] at every phase, finishing is worth more to every party than stopping."
        )
    else:
        console.print(f"[yellow]Not self-enforcing:[/] {len(rm.temptations)} temptation(s).", highlight=False)
        for t in rm.temptations:
            console.print(
                f"  phase {t.phase + 1}: {terminal(cs.party_names[t.party])} gains {fmt_num(t.margin)} by stopping "
                f"({fmt_num(t.stop)} vs {fmt_num(t.finish)} by continuing)",
                highlight=False,
            )
            for p in t.proposals[:3]:
                tag = "removes it" if p.removes else f"leaves {fmt_num(p.margin)}"
                console.print(f"    → {p.kind}: {terminal(p.text)} [dim]({tag})[/]", highlight=False)
            if len(t.proposals) > 3:
                console.print(f"    [dim]… {len(t.proposals) - 3} more in --format json[/]", highlight=False)
    for v in rm.violations:
        console.print(f"[red]breaks:[/] {terminal(v)}", highlight=False)
    for note in rm.notes:
        console.print(f"[dim]note: {terminal(note)}[/]", highlight=False)
    status = (
        "proven optimal" if rm.optimal else (f"gap {fmt_num(rm.gap)}" if rm.gap is not None else "not proven")
    )
    console.print(
        f"[dim]method: {rm.method}; objective {rm.objective} = {fmt_num(rm.objective_value or 0.0)} ({status}); "
        f"{rm.seconds:.2f} s[/]",
        highlight=False,
    )


def _print_agreed(rm: Roadmap, cs: CompiledScenario) -> None:
    """The phases actually agreed, scored with the same formulas."""
    its = rm.items.items
    history = cs.scenario.history
    names = [p.name for p in history.phases] if history else []
    used = sorted({int(x) for x in rm.phase_of})
    t = Table(
        title="Phases actually agreed (history:), scored the same way", title_justify="left", show_lines=True
    )
    t.add_column("phase")
    t.add_column("moves (owner)")
    t.add_column("exposure", justify="right")
    for ph, original in zip(rm.phases, used, strict=True):
        moves = "\n".join(
            f"{terminal(its[n].label)} [dim]({cs.party_ids[its[n].owner]}, {its[n].id})[/]" for n in ph.items
        )
        worst = float(rm.exposure[:, ph.index - 1].max(initial=0.0))
        t.add_row(
            terminal(names[original]) if original < len(names) else str(ph.index), moves, fmt_num(worst)
        )
    console.print(t)
    tempted = ", ".join(
        f"{cs.party_ids[x.party]} before phase {x.phase + 1} (+{fmt_num(x.margin)})" for x in rm.temptations
    )
    console.print(
        f"Agreed phases: max exposure {fmt_num(float(rm.max_exposure.max(initial=0.0)))}; "
        + (f"tempted: {tempted}" if tempted else "no party tempted")
        + f"; {len(rm.violations)} prerequisite(s) bundled in the same phase.",
        highlight=False,
    )
    for v in rm.violations:
        console.print(f"  [dim]same phase: {terminal(v)}[/]", highlight=False)


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
    format: FormatOption = OutputFormat.table,
) -> None:
    """Sequence a package into phases: verification gates, snapback, exposure, self-enforcement.

    Example: [bold]detente roadmap scenarios/korea-2019.yaml --concept nash --objective exposure --chart roadmap.png[/]
    """
    from detente.cli.common import load_compiled
    from detente.io.writer import check_target
    from detente.roadmap.plan import plan_roadmap

    for path in (chart, exposure_chart):  # refuse before sequencing, not after
        if path is not None:
            check_target(path, overwrite=force)
    cs = load_compiled(file)
    choices, source = _package(cs, concept, option, package, history)
    with err_console.status("Sequencing the roadmap (CP-SAT)…"):
        rm = plan_roadmap(
            cs,
            choices,
            objective=objective.value,
            max_phases=_phase_cap(cs, max_phases),
            reciprocity=reciprocity,
            self_enforcing=self_enforcing,
            time_limit=time_limit,
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
        from detente.roadmap.outputs import roadmap_output

        doc = roadmap_output(rm, cs)
        doc.history = roadmap_output(agreed, cs) if agreed is not None else None
        emit_json(doc.model_dump(mode="json"))
        return
    _print_roadmap(rm, cs, source)
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
    from detente.cli.common import load_compiled
    from detente.roadmap.plan import compare_strategies as compare

    cs = load_compiled(file)
    choices, source = _package(cs, concept, option, package, history)
    with err_console.status("Sequencing the roadmaps (CP-SAT)…"):
        result = compare(
            cs,
            choices,
            objective=objective.value,
            max_phases=_phase_cap(cs, max_phases),
            reciprocity=reciprocity,
            time_limit=time_limit,
            history=history,
        )
    if format is OutputFormat.json:
        emit_json(result.to_json(cs))
        return
    t = Table(title=f"Strategies for the {terminal(source)}", title_justify="left")
    for col in ("strategy", "phases", "max exposure", "days to complete", "tempted phases", "rules broken"):
        t.add_column(col, justify="left" if col == "strategy" else "right")
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
    console.print(
        "[dim]max exposure: the most any party loses if the others stop (docs/roadmaps.md); tempted phases: "
        "phases where some party gains by stopping; rules broken: prerequisites not in an earlier phase, "
        "missed deadlines.[/]",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command()(roadmap)
    app.command(name="compare-strategies")(compare_strategies)
