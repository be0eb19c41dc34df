"""Deal-analysis commands: analyze, frontier, solve, options, wedges."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli.common import (
    MAX_COUNT_OPTION,
    MAX_SECONDS,
    Concept,
    FormatOption,
    OutputFormat,
    ScenarioArg,
    budgeted,
    console,
    emit_json,
    err_console,
    finite,
    fmt_num,
    load_compiled,
)
from detente.cli.render import signed
from detente.text import terminal

if TYPE_CHECKING:
    from detente.analysis.coalitions import WedgesOutput
    from detente.analysis.diagnosis import Diagnosis
    from detente.analysis.options import OptionsOutput
    from detente.analysis.report import AnalysisReport, FrontierOutput, SolveOutput
    from detente.model.compiled import CompiledScenario


class Method(StrEnum):
    auto = "auto"
    enumeration = "enumeration"
    dp = "dp"
    cp_sat = "cp-sat"


class SolveMethod(StrEnum):
    """``solve`` also takes ``milp`` (HiGHS: welfare, egalitarian, KS; the cutting-plane loop for Nash)."""

    auto = "auto"
    enumeration = "enumeration"
    dp = "dp"
    milp = "milp"
    cp_sat = "cp-sat"


class FrontierFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


ConceptOption = Annotated[
    Concept,
    typer.Option(
        "--concept", "-c", help="Solution concept: nash, ks (Kalai–Smorodinsky), egalitarian or welfare."
    ),
]
DetailOption = Annotated[
    bool, typer.Option("--detail", help="Print every row and what each party gives and gets.")
]
TimeLimitOption = Annotated[
    float,
    typer.Option(
        "--time-limit",
        "-t",
        min=0.1,
        max=MAX_SECONDS,
        callback=finite,
        help="Work budget of the whole command, in work units (about a second each on an idle machine; deterministic, not the clock); multi-step commands share it among their steps. A wall-clock safety stop (6× plus 8 s) marks the answer incomplete if it fires.",
    ),
]


@contextmanager
def _working(message: str, enabled: bool = True) -> Iterator[None]:
    """A spinner on stderr while something slow runs (stdout stays clean for JSON)."""
    if not enabled or not err_console.is_terminal:
        yield
        return
    with err_console.status(message):
        yield


def _options_differences(cs: CompiledScenario, out: OptionsOutput) -> list[tuple[str, str]]:
    """One row per move the options settle differently: 'move', '#1 #3 opt · #2 #4 other'."""
    rows = []
    for k, mid in enumerate(cs.move_ids):
        picks = [opt.choices.get(mid) for opt in out.options]
        if len(set(picks)) <= 1:
            continue
        sq = cs.option_ids[k][int(cs.status_quo[k])]
        groups: dict[str, list[int]] = {}
        for opt, pick in zip(out.options, picks, strict=True):
            groups.setdefault(pick or sq, []).append(opt.rank)
        parts = [
            " ".join(f"#{r}" for r in ranks) + " " + ("—" if pick == sq else terminal(pick))
            for pick, ranks in groups.items()
        ]
        rows.append((mid, " · ".join(parts)))
    return rows


def _print_options(cs: CompiledScenario, out: OptionsOutput, detail: bool = False) -> None:
    """Options side by side: utilities per option, what they share, what differs (--detail: gives/gets)."""
    from detente.cli import render

    render.title(f"Options for principals — {render.CONCEPT_NAMES[out.concept]}")
    render.say(
        f"Method: {out.method}; best {render.objective_text(out.concept, out.best_score)} "
        f"({render.proof(out.optimal, out.gap)}). Options score at least {out.near_optimal:.0%} of the best "
        f"and differ pairwise in ≥ {out.min_diff_moves} moves"
        + (f" of pillar '{terminal(out.pillar)}'" if out.pillar else "")
        + "."
    )
    if out.options:
        columns = {f"#{o.rank}": o.utilities for o in out.options}
        t = render.utilities_table(cs, columns, title="Utility to each party, by option")
        t.add_section()
        t.add_row("score", "", *(fmt_num(o.score, 2) for o in out.options))
        t.add_row(
            "of best",
            "",
            *(f"{o.share_of_optimum:.0%}" if o.share_of_optimum is not None else "—" for o in out.options),
        )
        console.print()
        console.print(t)
        common = {
            mid: out.options[0].choices[mid]
            for mid in out.options[0].carried_out
            if all(o.choices.get(mid) == out.options[0].choices[mid] for o in out.options)
        }
        render.heading(f"In every option ({len(common)} moves)")
        render.package_by_pillar(cs, common)
        diffs = _options_differences(cs, out)
        if diffs:
            render.heading(f"What differs ({len(diffs)} moves; — = not carried out)")
            render.listing(diffs)
        if detail:
            for opt in out.options:
                render.heading(f"Option {opt.rank}: what each party gives and gets")
                render.gives_gets(opt)
        else:
            render.say("[dim]What each party gives and gets in each option: --detail or --format json.[/]")
    if out.shortfall:
        render.say(f"[yellow]Fewer than {out.k} options:[/] {terminal(out.shortfall)}")
    render.notes(out.notes)


def _print_solve(cs: CompiledScenario, out: SolveOutput, detail: bool = False) -> None:
    from detente.cli import render

    render.title(render.CONCEPT_NAMES[out.concept])
    value = out.objective
    if out.concept == "nash" and out.packages:
        value = render.nash_score(cs, [out.packages[0].utilities[p] for p in cs.party_ids])
    render.say(
        f"Method: {out.method}; {render.objective_text(out.concept, value)}; "
        f"{render.proof(out.optimal, out.gap)}; {out.seconds:.2f} s."
    )
    if not out.packages:
        render.say("[red]No package selected.[/]")
    if out.packages:
        columns = {
            (f"#{n}" if len(out.packages) > 1 else "utility"): p.utilities
            for n, p in enumerate(out.packages, start=1)
        }
        console.print()
        console.print(render.utilities_table(cs, columns))
    for n, p in enumerate(out.packages, start=1):
        head = f"Package {n} of {len(out.packages)} (tied)" if len(out.packages) > 1 else "The package"
        moved = render.moved(cs, p.choices)
        render.heading(f"{head}: {len(moved)} of {cs.n_moves} moves carried out")
        render.package_by_pillar(cs, p.choices)
    if detail and out.packages:
        import numpy as np

        from detente.analysis.options import explain

        arr = np.vstack([cs.choices_from_ids(p.choices) for p in out.packages])
        for n, opt in enumerate(explain(cs, arr, np.full(len(arr), out.objective or 0.0), None), start=1):
            render.heading(f"Package {n}: what each party gives and gets")
            render.gives_gets(opt)
    elif out.packages:
        render.say("[dim]What each party gives and gets: --detail; every field: --format json.[/]")
    render.notes(out.notes)


def _moves(cs: CompiledScenario, choices: dict[str, str], carried_out: list[str]) -> str:
    """'move:option, …' for the moves carried out in a package (yes/no moves by id only)."""
    from detente.cli import render

    index = {m: k for k, m in enumerate(cs.move_ids)}
    return ", ".join(render.move_option(cs, index[m], choices[m]) for m in carried_out) or "status quo"


def _print_wedges(
    cs: CompiledScenario, out: WedgesOutput, detail: bool = False, shown: int = 5, brief: bool = False
) -> None:
    """Per coalition: cohesion, the largest move wedges, splitting offers, overlap.

    ``brief`` (inside ``analyze``): no package lists, which ``detente wedges`` prints.
    """
    from detente.cli import render

    render.title("Coalitions: wedges, overlap, cohesion")
    render.say(f"Method: {out.method}; {out.seconds:.2f} s.")
    for c in out.coalitions:
        render.heading(f"{c.name} ({', '.join(c.members)})")
        render.say(
            f"Cohesion {c.cohesion:+.2f} [dim](mean correlation of the members' option values: "
            + ", ".join(f"{k} {v:+.2f}" for k, v in c.correlations.items())
            + ")[/]"
        )
        if c.move_wedges:
            rows = c.move_wedges if detail else c.move_wedges[:shown]
            t = render.table(
                [
                    render.Col("move", "id"),
                    render.Col("option", "id"),
                    *(render.Col(m, "num") for m in c.members),
                    render.Col("size", "num"),
                ],
                title=f"Moves that help one member and hurt another ({len(rows)} of {c.n_move_wedges})",
                ids=[*(w.move for w in rows), *(w.option for w in rows)],
            )
            for w in rows:
                t.add_row(w.move, w.option, *(signed(w.values[m]) for m in c.members), fmt_num(w.magnitude))
            console.print(t)
        else:
            render.say("No move helps one member while hurting another.")
        if c.wedge_packages:
            render.say(f"Offers by {', '.join(c.opponent)} that split the coalition:")
            for wp in c.wedge_packages:
                if wp.exists is None:
                    how = "unknown (time limit)"
                elif not wp.exists:
                    how = "no"
                else:
                    how = f"{wp.count:,}" if wp.count is not None else "some"
                rows2 = [(f"{wp.accepts} yes, {wp.rejects} no:", f"{how} package{'' if how == '1' else 's'}")]
                if wp.best is not None and (detail or not brief):
                    rows2.append(("  best for proposer:", _moves(cs, wp.best.choices, wp.best.carried_out)))
                    if wp.why_rejected:
                        rows2.append(("  rejected because:", terminal("; ".join(wp.why_rejected))))
                render.listing(rows2)
        ov = c.overlap
        size = f"{ov.count:,} packages" if ov.count is not None else ("exists" if ov.exists else "empty")
        share = f" ({ov.share:.1%} of packages meeting the rules)" if ov.share is not None else ""
        render.say(f"Overlap (acceptable to every member): {size}{share}.")
        if ov.best and (detail or not brief):
            margins = ", ".join(f"{p} {signed(ov.best.margins[p])}" for p in c.members)
            rows3 = [
                ("best for the members:", _moves(cs, ov.best.choices, ov.best.carried_out)),
                ("margins:", margins),
            ]
            outside = _rejected_outside(cs, ov.best.choices, c.members)
            if outside:
                rows3.append(("other parties reject it:", terminal(outside)))
            render.listing(rows3)
            render.say("  [dim](keeps the members' red lines and reservations, not other parties')[/]")
    render.notes(out.notes)


def _rejected_outside(cs: CompiledScenario, choices: dict[str, str], members: list[str]) -> str:
    """'DPRK (red line; below reservation), …' for the non-members that would reject a package."""
    from detente.analysis.package_check import check_package

    check = check_package(cs, cs.choices_from_ids(choices))
    why: dict[str, list[str]] = {}
    for b in check.broken:
        if b.party is not None and b.party not in members:
            why.setdefault(b.party, []).append("red line")
    for r in check.below:
        if r.party not in members:
            why.setdefault(r.party, []).append(f"utility {r.utility:g} < reservation {r.reservation:g}")
    return ", ".join(f"{p} ({'; '.join(w)})" for p, w in why.items())


def _print_analysis(cs: CompiledScenario, rep: AnalysisReport, detail: bool = False) -> None:
    from detente.cli import render

    doc = rep.output(cs)
    render.title(f"Deal analysis: {doc.title}")
    if doc.zone_of_agreement:
        render.say("[green]A zone of agreement exists[/]: some packages are acceptable to every party.")
    elif doc.zone_of_agreement is False:
        if rep.diagnosis is not None:
            _print_diagnosis_body(cs, rep.diagnosis)
            render.notes(rep.diagnosis.notes)
        else:
            render.say("[red]No zone of agreement[/]: no package is acceptable to every party.")
        render.say("[dim]More: detente diagnose FILE (--format json for every field).[/]")
    else:
        render.say("[yellow]Could not decide whether a zone of agreement exists in time.[/]")
    if doc.frontier is None and not doc.solutions:
        render.notes(doc.notes)
        render.say(f"[dim]Analysis took {doc.seconds:.1f} s.[/]")
        return
    cols: list[render.Col | str] = [render.Col("party", "id"), render.Col("reservation", "num")]
    if doc.frontier is not None:
        cols.append(render.Col("frontier", "num"))
    concepts = list(doc.solutions) if doc.solutions else []
    cols += [render.Col(c, "num") for c in concepts]
    t = render.table(
        cols, title="Utility to each party: frontier range, bargaining solutions", ids=cs.party_ids
    )
    mark = "" if doc.frontier is None or doc.frontier.ranges_complete else " (incomplete)"
    for p in cs.party_ids:
        cells = [p, fmt_num(doc.reservation[p])]
        if doc.frontier is not None:
            span = doc.frontier.ranges.get(p)
            cells.append("—" if span is None else f"{fmt_num(span[0])} to {fmt_num(span[1])}{mark}")
        for c in concepts:
            s = doc.solutions[c]
            u = s.packages[0].utilities if s.packages else {}
            cells.append(fmt_num(u[p]) if p in u else "—")
        t.add_row(*cells)
    console.print()
    console.print(t)
    if doc.frontier is not None:
        f = doc.frontier
        render.say(
            f"Frontier: {f.count:,} packages ({f.method}, {'exact' if f.exact else 'not exact'}"
            + (", truncated" if f.truncated else "")
            + ")."
        )
    for c, s in (doc.solutions or {}).items():
        ties = f"{len(s.packages)} tied packages, first shown" if len(s.packages) > 1 else "1 package"
        render.listing([(f"{c}:", f"{s.method}, {render.proof(s.optimal, s.gap)}, {ties}")], indent=2)
    if doc.options is not None:
        console.print()
        _print_options(cs, doc.options, detail)
    if doc.wedges is not None:
        console.print()
        _print_wedges(cs, doc.wedges, detail, shown=3, brief=True)
        if not detail:
            render.say("[dim]The offers and packages behind these counts: detente wedges FILE.[/]")
    render.notes(doc.notes)
    render.say(f"[dim]Analysis took {doc.seconds:.1f} s.[/]")


def _print_frontier(cs: CompiledScenario, out: FrontierOutput, detail: bool, shown: int = 20) -> None:
    """Utilities of the first frontier packages, one line each; their moves with --detail."""
    from detente.cli import render

    render.title("Pareto frontier")
    render.say(
        f"Method: {out.method}; {out.count:,} packages; "
        + ("[green]exact[/]" if out.exact else "[yellow]not exact[/]")
        + (" [yellow](truncated)[/]" if out.truncated else "")
        + (f"; {out.n_acceptable:,} acceptable packages" if out.n_acceptable is not None else "")
        + f"; {out.seconds:.2f} s."
    )
    rows = out.packages if detail else out.packages[:shown]
    t = render.table(
        [render.Col("#", "num"), *(render.Col(q, "num") for q in cs.party_ids), render.Col("moves", "num")],
        title=f"Utility to each party (packages 1 to {len(rows)} of {out.count:,})",
    )
    for n, p in enumerate(rows, start=1):
        t.add_row(
            str(n),
            *(fmt_num(p.utilities[q]) for q in cs.party_ids),
            str(len(render.moved(cs, p.choices))),
        )
    console.print(t)
    if out.ranges:
        render.listing(
            [
                (
                    "Ranges:",
                    "; ".join(
                        f"{q} {fmt_num(lo)} to {fmt_num(hi)}"
                        + ("" if out.ranges_complete else " (incomplete)")
                        for q, (lo, hi) in out.ranges.items()
                    ),
                )
            ],
            indent=0,
        )
    if detail:
        for n, p in enumerate(rows, start=1):
            render.heading(f"Package {n}")
            render.package_by_pillar(cs, p.choices)
    else:
        render.say(
            "[dim]moves = how many moves each package carries out; which ones: --detail or --format csv.[/]"
        )
    render.notes(out.notes)


# ----- commands -------------------------------------------------------------------------------------
def analyze(
    file: ScenarioArg,
    concept: ConceptOption = Concept.nash,
    top: Annotated[
        int, typer.Option("--top", "-k", min=1, max=100, help="Number of options for principals.")
    ] = 4,
    time_limit: TimeLimitOption = 10.0,
    detail: DetailOption = False,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Analyze a deal: zone of agreement (or why none), frontier, bargaining solutions, options, wedges.

    Example: [bold]detente analyze scenarios/korea-2019.yaml --top 4[/]
    """
    with budgeted(time_limit):
        cs = load_compiled(file)
        rep = _analyze_with_progress(cs, concept, top, time_limit)
    if format is OutputFormat.json:
        emit_json(rep.to_json(cs))
        return
    _print_analysis(cs, rep, detail)


def _analyze_with_progress(
    cs: CompiledScenario, concept: Concept, top: int, time_limit: float
) -> AnalysisReport:
    """:func:`detente.analysis.report.analyze` with a progress display of its steps on stderr."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from detente.analysis.report import STEPS
    from detente.analysis.report import analyze as run

    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task("Analyzing", total=len(STEPS))
        seen: list[str] = []

        def advance(step: str) -> None:
            if seen:
                progress.advance(task)
            seen.append(step)
            progress.update(task, description=f"Analyzing: {step}")

        rep = run(cs, concept=concept.value, k=top, time_limit=time_limit, progress=advance)
        progress.update(task, completed=len(STEPS))
    return rep


def frontier(
    file: ScenarioArg,
    method: Annotated[
        Method, typer.Option("--method", "-m", help="auto, enumeration, dp or cp-sat.")
    ] = Method.auto,
    budget: Annotated[
        int, typer.Option("--budget", min=1, max=10_000_000, help="Most frontier packages to list.")
    ] = 10_000,
    time_limit: TimeLimitOption = 30.0,
    detail: DetailOption = False,
    format: Annotated[
        FrontierFormat, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = FrontierFormat.table,
) -> None:
    """List the Pareto frontier of the acceptable packages (no party can gain without another losing).

    Example: [bold]detente frontier scenarios/six-party-2007.yaml --format csv > frontier.csv[/]
    """
    from detente.analysis.report import frontier_output
    from detente.analysis.solve import frontier as run

    with budgeted(time_limit), _working("Computing the frontier…"):
        cs = load_compiled(file)
        fr = run(cs, method=method.value, budget=budget, time_limit=time_limit)
    out = frontier_output(cs, fr)
    if format is FrontierFormat.json:
        emit_json(out.model_dump(mode="json"))
        return
    if format is FrontierFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([*cs.party_ids, *cs.move_ids])
        for p in out.packages:
            w.writerow([*(repr(p.utilities[q]) for q in cs.party_ids), *(p.choices[m] for m in cs.move_ids)])
        sys.stdout.write(buf.getvalue())
        return
    _print_frontier(cs, out, detail)


def solve(
    file: ScenarioArg,
    concept: ConceptOption = Concept.nash,
    method: Annotated[
        SolveMethod, typer.Option("--method", "-m", help="auto, enumeration, dp, milp or cp-sat.")
    ] = SolveMethod.auto,
    time_limit: TimeLimitOption = 30.0,
    detail: DetailOption = False,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Find the package(s) a bargaining solution concept selects — every tie, with method and optimality.

    Example: [bold]detente solve scenarios/korea-2019.yaml --concept nash --format json[/]
    """
    from detente.analysis.report import solve_output
    from detente.analysis.solve import solve as run

    with budgeted(time_limit), _working(f"Solving ({concept.value})…", format is OutputFormat.table):
        cs = load_compiled(file)
        result = run(cs, concept.value, method=method.value, time_limit=time_limit)
    out = solve_output(cs, result)
    if format is OutputFormat.json:
        emit_json(out.model_dump(mode="json"))
        return
    _print_solve(cs, out, detail)


def options(
    file: ScenarioArg,
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=100, help="How many options.")] = 4,
    concept: ConceptOption = Concept.nash,
    min_diff: Annotated[
        int | None,
        typer.Option(
            "--min-diff",
            min=1,
            max=MAX_COUNT_OPTION,
            help="Moves each option must differ by (default max(2, M/8)).",
        ),
    ] = None,
    pillar: Annotated[
        str | None, typer.Option("--pillar", help="Make options differ within this category instead.")
    ] = None,
    near_optimal: Annotated[
        float,
        typer.Option(
            "--near-optimal", min=0.0, max=1.0, callback=finite, help="Least share of the best score."
        ),
    ] = 0.9,
    time_limit: TimeLimitOption = 30.0,
    detail: DetailOption = False,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Options for principals: the top K acceptable, near-optimal and genuinely different packages,
    with what each party gives and gets by pillar.

    Example: [bold]detente options scenarios/korea-2019.yaml --top 4 --pillar sanctions-relief[/]
    """
    from detente.analysis.options import options_report

    with budgeted(time_limit), _working("Searching options…", format is OutputFormat.table):
        cs = load_compiled(file)
        out = options_report(
            cs,
            concept=concept.value,
            k=top,
            min_diff_moves=min_diff,
            pillar=pillar,
            near_optimal=near_optimal,
            time_limit=time_limit,
        )
    if format is OutputFormat.json:
        emit_json(out.model_dump(mode="json"))
        return
    _print_options(cs, out, detail)


def wedges(
    file: ScenarioArg,
    proposer: Annotated[
        list[str] | None,
        typer.Option(
            "--proposer", help="Party making the offers (repeatable; default: each coalition's opponent)."
        ),
    ] = None,
    members: Annotated[
        str | None, typer.Option("--members", help="Analyze this ad-hoc coalition instead, e.g. US,ROK.")
    ] = None,
    time_limit: TimeLimitOption = 30.0,
    detail: DetailOption = False,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Coalition wedges: moves and offers that split allies, the overlap they accept, their cohesion.

    Example: [bold]detente wedges scenarios/korea-2019.yaml --proposer DPRK[/]
    """
    from detente.analysis.coalitions import party_index
    from detente.analysis.coalitions import wedges as run

    with budgeted(time_limit):
        cs = load_compiled(file)
        groups = None
        if members:
            ids = [m.strip() for m in members.split(",") if m.strip()]
            member_idx = [party_index(cs, m, "--members") for m in ids]
            if len(set(member_idx)) < 2:
                from detente.errors import DetenteError

                raise DetenteError("--members needs at least two different parties, e.g. --members US,ROK")
            groups = [("members", " + ".join(ids), member_idx)]
        with _working("Looking for wedges…", format is OutputFormat.table):
            out = run(cs, coalitions=groups, proposer=proposer, time_limit=time_limit)
    if format is OutputFormat.json:
        emit_json(out.model_dump(mode="json"))
        return
    _print_wedges(cs, out, detail)


def _print_diagnosis(cs: CompiledScenario, d: Diagnosis) -> None:
    """Why no deal (the smallest relaxations), or that a deal exists and which red lines bind."""
    from detente.cli import render

    render.title(f"Diagnosis: {cs.scenario.meta.title}")
    _print_diagnosis_body(cs, d)
    render.notes(d.notes)
    render.say(f"[dim]Method: {d.method}; {d.seconds:.2f} s.[/]")


def _print_diagnosis_body(cs: CompiledScenario, d: Diagnosis) -> None:
    from detente.analysis.diagnosis import describe_package
    from detente.cli import render

    if d.feasible is None:
        render.say("[yellow]Undetermined[/]: the time limit was reached first; try a larger --time-limit.")
    elif d.feasible:
        render.say("[green]A zone of agreement exists[/]: at least one package is acceptable to every party.")
        if d.package is not None:
            render.listing([("for example:", terminal(describe_package(cs, d.package)))], indent=0)
        if d.binding is not None:
            if not d.binding:
                render.say("No red line is binding: removing any one alone would not raise welfare.")
            else:
                render.heading("Binding red lines (removing one alone raises the maximum welfare)")
                render.listing([(f"+{b.welfare_gain:g}", terminal(b.label)) for b in d.binding])
    else:
        render.say("[red]No zone of agreement[/]: no package meets every rule and reservation value at once.")
        n = d.minimum_size
        if n is not None:
            render.say(
                f"Smallest change that opens one: relax {n} item{'s' if n != 1 else ''} "
                + ("(proven minimal)" if d.optimal else "(best found; not proven minimal)")
                + f"; {len(d.relaxations)} alternative{'s' if len(d.relaxations) != 1 else ''}"
                + ("" if d.complete else " (list incomplete)")
                + "."
            )
        for k, option in enumerate(d.relaxations, start=1):
            render.heading(f"Alternative {k}")
            rows = [("relax:", terminal(item.words())) for item in option.items]
            rows.append(("then acceptable:", terminal(describe_package(cs, option.package))))
            render.listing(rows)


def diagnose(
    file: ScenarioArg,
    binding: Annotated[
        bool,
        typer.Option(
            "--binding/--no-binding",
            help="When a deal exists, test which red lines bind (one solve per red line).",
        ),
    ] = True,
    alternatives: Annotated[
        int, typer.Option("--alternatives", min=1, help="Most alternative minimum relaxations to list.")
    ] = 10,
    relax_prerequisites: Annotated[
        bool, typer.Option("--relax-prerequisites", help="Let prerequisites be relaxed too.")
    ] = False,
    time_limit: TimeLimitOption = 30.0,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Why is there no deal? The smallest sets of red lines, rules or reservation values to relax.

    When a deal exists, says so, gives one acceptable package and lists the binding red lines.

    Example: [bold]detente diagnose scenarios/korea-2019.yaml[/]
    """
    from detente.analysis.diagnosis import diagnose as run

    with budgeted(time_limit), _working("Diagnosing…", format is OutputFormat.table):
        cs = load_compiled(file)
        d = run(
            cs,
            time_limit=time_limit,
            max_alternatives=alternatives,
            relax_prerequisites=relax_prerequisites,
            binding=binding,
        )
    if format is OutputFormat.json:
        emit_json(d.to_json(cs))
        return
    _print_diagnosis(cs, d)


def register(app: typer.Typer) -> None:
    app.command()(analyze)
    app.command()(frontier)
    app.command()(solve)
    app.command()(options)
    app.command()(wedges)
    app.command()(diagnose)
