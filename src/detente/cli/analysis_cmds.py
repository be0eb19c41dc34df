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
from rich.table import Table

from detente.cli.common import (
    Concept,
    FormatOption,
    OutputFormat,
    ScenarioArg,
    console,
    emit_json,
    err_console,
    fmt_num,
    load_compiled,
)

if TYPE_CHECKING:
    from detente.analysis.coalitions import WedgesOutput
    from detente.analysis.options import OptionForPrincipals, OptionsOutput
    from detente.analysis.report import AnalysisReport, SolveOutput
    from detente.model.compiled import CompiledScenario


class Method(StrEnum):
    auto = "auto"
    enumeration = "enumeration"
    dp = "dp"
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
TimeLimitOption = Annotated[
    float, typer.Option("--time-limit", "-t", min=0.1, help="CP-SAT time limit in seconds (per step).")
]
CONCEPT_NAMES = {
    "nash": "Nash bargaining solution",
    "ks": "Kalai–Smorodinsky solution",
    "egalitarian": "Egalitarian (leximin) solution",
    "welfare": "Maximum welfare",
}


@contextmanager
def _working(message: str, enabled: bool = True) -> Iterator[None]:
    """A spinner on stderr while something slow runs (stdout stays clean for JSON)."""
    if not enabled or not err_console.is_terminal:
        yield
        return
    with err_console.status(message):
        yield


def _proof(optimal: bool, gap: float | None) -> str:
    if optimal:
        return "[green]proven optimal[/]"
    return "[yellow]not proven optimal[/]" + (f" (gap {fmt_num(gap, 4)})" if gap is not None else "")


def _items(groups: dict, compact: bool = False, names: dict[str, str] | None = None) -> str:
    """'pillar: move: option (value); …' lines for a gives/gets cell (``compact``: move ids only)."""
    lines = []
    for pillar, items in groups.items():
        parts = []
        for it in items:
            what = f"{it.move}:{it.option}" if compact else f"{it.name}: {it.label}"
            parts.append(f"{what} ({'+' if it.value > 0 else ''}{fmt_num(it.value)})")
        lines.append(f"[bold]{(names or {}).get(pillar, pillar)}[/]: " + "; ".join(parts))
    return "\n".join(lines) or "[dim]—[/]"


def _option_table(
    opt: OptionForPrincipals, title: str, compact: bool = False, names: dict[str, str] | None = None
) -> Table:
    t = Table(title=title, title_justify="left", show_lines=True)
    t.add_column("party")
    t.add_column("gives (own moves carried out, value to it)")
    t.add_column("gets (others' moves it values)")
    t.add_column("utility", justify="right")
    t.add_column("margin", justify="right")
    for v in opt.parties:
        margin = fmt_num(v.margin)
        t.add_row(
            f"{v.party}\n[dim]{v.name}[/]",
            _items(v.gives, compact, names),
            _items(v.gets, compact, names),
            fmt_num(v.utility),
            f"[green]{margin}[/]" if v.margin >= 0 else f"[red]{margin}[/]",
        )
    return t


def _print_options(cs: CompiledScenario, out: OptionsOutput, compact: bool = False) -> None:
    console.rule(f"[bold]Options for principals[/] — {CONCEPT_NAMES[out.concept]}")
    console.print(
        f"Method: {out.method}; best score {fmt_num(out.best_score or 0, 4)} ({_proof(out.optimal, out.gap)}); "
        f"options within {out.near_optimal:.0%} of it, pairwise ≥ {out.min_diff_moves} move(s) apart"
        + (f" in pillar '{out.pillar}'" if out.pillar else "")
        + ".",
        highlight=False,
    )
    for opt in out.options:
        share = f", {opt.share_of_optimum:.1%} of best" if opt.share_of_optimum is not None else ""
        title = f"Option {opt.rank} — score {fmt_num(opt.score, 4)}{share}"
        console.print(_option_table(opt, title, compact, cs.scenario.categories))
        diffs = "; ".join(f"option {r}: {', '.join(ms)}" for r, ms in opt.differs_from.items())
        if diffs:
            console.print(f"  [dim]differs from {diffs}[/]", highlight=False)
        if opt.distinctive:
            console.print(f"  [dim]only here: {', '.join(opt.distinctive)}[/]", highlight=False)
    if out.shortfall:
        console.print(f"[yellow]Fewer than {out.k} options:[/] {out.shortfall}", highlight=False)
    for note in out.notes:
        console.print(f"[dim]Note: {note}[/]", highlight=False)


def _print_solve(cs: CompiledScenario, out: SolveOutput) -> None:
    from detente.analysis.options import explain

    console.rule(f"[bold]{CONCEPT_NAMES[out.concept]}")
    obj = f"objective {fmt_num(out.objective, 4)}; " if out.objective is not None else ""
    console.print(
        f"Method: {out.method}; {obj}{_proof(out.optimal, out.gap)}; {out.seconds:.2f} s.", highlight=False
    )
    if not out.packages:
        console.print("[red]No package selected.[/]", highlight=False)
    choices = [cs.choices_from_ids(p.choices) for p in out.packages]
    import numpy as np

    if choices:
        arr = np.vstack(choices)
        opts = explain(cs, arr, np.full(len(choices), out.objective or 0.0), None)
        for n, opt in enumerate(opts, start=1):
            title = f"Package {n} of {len(opts)} (tied)" if len(opts) > 1 else "The package"
            console.print(_option_table(opt, title, names=cs.scenario.categories))
    for note in out.notes:
        console.print(f"[dim]Note: {note}[/]", highlight=False)


def _moves(choices: dict[str, str], carried_out: list[str]) -> str:
    """'move:option, …' for the moves carried out in a package."""
    return ", ".join(f"{m}:{choices[m]}" for m in carried_out) or "status quo"


def _print_wedges(cs: CompiledScenario, out: WedgesOutput) -> None:
    console.rule("[bold]Coalitions: wedges, overlap, cohesion")
    console.print(f"Method: {out.method}; {out.seconds:.2f} s.", highlight=False)
    for c in out.coalitions:
        console.print(
            f"\n[bold]{c.name}[/] ({', '.join(c.members)}): cohesion {c.cohesion:+.2f} "
            f"[dim](mean correlation of members' option values; "
            + ", ".join(f"{k} {v:+.2f}" for k, v in c.correlations.items())
            + ")[/]",
            highlight=False,
        )
        if c.move_wedges:
            t = Table(
                title=f"Moves that help one member and hurt another ({c.n_move_wedges}; largest first)",
                title_justify="left",
            )
            for col in ("move", "option", "pillar", *c.members, "magnitude"):
                t.add_column(col, justify="right" if col in (*c.members, "magnitude") else "left")
            for w in c.move_wedges:
                t.add_row(
                    w.name,
                    w.label,
                    w.pillar,
                    *(fmt_num(w.values[m]) for m in c.members),
                    fmt_num(w.magnitude),
                )
            console.print(t)
        else:
            console.print("No move helps one member while hurting another.", highlight=False)
        if c.wedge_packages:
            t = Table(
                title=f"Offers by {', '.join(c.opponent)} that split the coalition", title_justify="left"
            )
            for col in (
                "accepted by",
                "rejected by",
                "how many",
                "best offer for the proposer: moves",
                "why rejected",
            ):
                t.add_column(col)
            for wp in c.wedge_packages:
                if wp.exists is None:
                    how = "?"
                elif not wp.exists:
                    how = "none"
                else:
                    how = str(wp.count) if wp.count is not None else "some"
                moves = _moves(wp.best.choices, wp.best.carried_out) if wp.best else "—"
                t.add_row(wp.accepts, wp.rejects, how, moves, "\n".join(wp.why_rejected) or "—")
            console.print(t)
        ov = c.overlap
        size = f"{ov.count:,} packages" if ov.count is not None else ("exists" if ov.exists else "empty")
        share = f" ({ov.share:.1%} of packages meeting the rules)" if ov.share is not None else ""
        console.print(f"Overlap (acceptable to every member): {size}{share}.", highlight=False)
        if ov.best:
            margins = ", ".join(f"{p} {fmt_num(ov.best.margins[p])}" for p in c.members)
            console.print(
                f"  Best for the members: {_moves(ov.best.choices, ov.best.carried_out)} (margins {margins})",
                highlight=False,
            )
    for note in out.notes:
        console.print(f"[dim]Note: {note}[/]", highlight=False)


def _print_analysis(cs: CompiledScenario, rep: AnalysisReport) -> None:
    doc = rep.output(cs)
    console.rule(f"[bold]Deal analysis: {doc.title}")
    if doc.zone_of_agreement:
        console.print("[green]A zone of agreement exists[/]: some packages are acceptable to every party.")
    elif doc.zone_of_agreement is False:
        console.print("[red]No zone of agreement[/]: no package is acceptable to every party.")
        if rep.diagnosis is not None:
            for line in rep.diagnosis.summary(cs):
                console.print(line, highlight=False, markup=False)
    else:
        console.print("[yellow]Could not decide whether a zone of agreement exists in time.[/]")
    if doc.frontier is not None:
        f = doc.frontier
        t = Table(
            title=f"Pareto frontier: {f.count:,} packages ({f.method}, {'exact' if f.exact else 'not exact'}"
            + (", truncated" if f.truncated else "")
            + ")",
            title_justify="left",
        )
        t.add_column("party")
        t.add_column("reservation", justify="right")
        t.add_column("min on frontier", justify="right")
        t.add_column("max on frontier", justify="right")
        mark = "" if f.ranges_complete else " (incomplete)"
        for p, (lo, hi) in f.ranges.items():
            t.add_row(p, fmt_num(doc.reservation[p]), fmt_num(lo) + mark, fmt_num(hi) + mark)
        console.print(t)
    if doc.solutions:
        t = Table(title="Bargaining solutions", title_justify="left")
        t.add_column("concept")
        t.add_column("method")
        t.add_column("optimal")
        t.add_column("packages", justify="right")
        for p in cs.party_ids:
            t.add_column(p, justify="right")
        for c, s in doc.solutions.items():
            u = s.packages[0].utilities if s.packages else {}
            t.add_row(
                c,
                s.method,
                "yes" if s.optimal else f"no (gap {fmt_num(s.gap, 4)})" if s.gap is not None else "no",
                str(len(s.packages)),
                *(fmt_num(u[p]) if p in u else "—" for p in cs.party_ids),
            )
        console.print(t)
    if doc.options is not None:
        _print_options(cs, doc.options, compact=True)
    if doc.wedges is not None:
        _print_wedges(cs, doc.wedges)
    for note in doc.notes:
        console.print(f"[dim]Note: {note}[/]", highlight=False)
    console.print(f"[dim]Analysis took {doc.seconds:.1f} s.[/]", highlight=False)


# ----- commands -------------------------------------------------------------------------------------
def analyze(
    file: ScenarioArg,
    concept: ConceptOption = Concept.nash,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Number of options for principals.")] = 4,
    time_limit: TimeLimitOption = 10.0,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Analyze a deal: zone of agreement (or why none), frontier, bargaining solutions, options, wedges.

    Example: [bold]detente analyze scenarios/korea-2019.yaml --top 4[/]
    """
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from detente.analysis.report import STEPS
    from detente.analysis.report import analyze as run

    cs = load_compiled(file)
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
    if format is OutputFormat.json:
        emit_json(rep.to_json(cs))
        return
    _print_analysis(cs, rep)


def frontier(
    file: ScenarioArg,
    method: Annotated[
        Method, typer.Option("--method", "-m", help="auto, enumeration, dp or cp-sat.")
    ] = Method.auto,
    budget: Annotated[int, typer.Option("--budget", min=1, help="Most frontier packages to list.")] = 10_000,
    time_limit: TimeLimitOption = 30.0,
    format: Annotated[
        FrontierFormat, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = FrontierFormat.table,
) -> None:
    """List the Pareto frontier of the acceptable packages (no party can gain without another losing).

    Example: [bold]detente frontier scenarios/six-party-2007.yaml --format csv > frontier.csv[/]
    """
    from detente.analysis.report import frontier_output
    from detente.analysis.solve import frontier as run

    cs = load_compiled(file)
    with _working("Computing the frontier…"):
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
    console.rule("[bold]Pareto frontier")
    console.print(
        f"Method: {out.method}; {out.count:,} packages; "
        + ("[green]exact[/]" if out.exact else "[yellow]not exact[/]")
        + (" [yellow](truncated)[/]" if out.truncated else "")
        + (f"; {out.n_acceptable:,} acceptable packages" if out.n_acceptable is not None else "")
        + f"; {out.seconds:.2f} s.",
        highlight=False,
    )
    shown = 25
    t = Table(title=f"Frontier packages (first {min(shown, out.count)})", title_justify="left")
    t.add_column("#", justify="right")
    for q in cs.party_ids:
        t.add_column(q, justify="right")
    t.add_column("moves carried out")
    for n, p in enumerate(out.packages[:shown], start=1):
        c = cs.choices_from_ids(p.choices)
        moved = [cs.move_ids[k] for k in range(cs.n_moves) if int(c[k]) != int(cs.status_quo[k])]
        t.add_row(str(n), *(fmt_num(p.utilities[q]) for q in cs.party_ids), ", ".join(moved) or "—")
    console.print(t)
    if out.ranges:
        console.print(
            "Ranges on the frontier: "
            + "; ".join(
                f"{q} {fmt_num(lo)}…{fmt_num(hi)}" + ("" if out.ranges_complete else " (incomplete)")
                for q, (lo, hi) in out.ranges.items()
            ),
            highlight=False,
        )
    for note in out.notes:
        console.print(f"[dim]Note: {note}[/]", highlight=False)


def solve(
    file: ScenarioArg,
    concept: ConceptOption = Concept.nash,
    method: Annotated[
        Method, typer.Option("--method", "-m", help="auto, enumeration, dp or cp-sat.")
    ] = Method.auto,
    time_limit: TimeLimitOption = 30.0,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Find the package(s) a bargaining solution concept selects — every tie, with method and optimality.

    Example: [bold]detente solve scenarios/korea-2019.yaml --concept nash --format json[/]
    """
    from detente.analysis.report import solve_output
    from detente.analysis.solve import solve as run

    cs = load_compiled(file)
    with _working(f"Solving ({concept.value})…", format is OutputFormat.table):
        result = run(cs, concept.value, method=method.value, time_limit=time_limit)
    out = solve_output(cs, result)
    if format is OutputFormat.json:
        emit_json(out.model_dump(mode="json"))
        return
    _print_solve(cs, out)


def options(
    file: ScenarioArg,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="How many options.")] = 4,
    concept: ConceptOption = Concept.nash,
    min_diff: Annotated[
        int | None,
        typer.Option("--min-diff", min=1, help="Moves each option must differ by (default max(2, M/8))."),
    ] = None,
    pillar: Annotated[
        str | None, typer.Option("--pillar", help="Make options differ within this category instead.")
    ] = None,
    near_optimal: Annotated[
        float, typer.Option("--near-optimal", min=0.0, max=1.0, help="Least share of the best score.")
    ] = 0.9,
    time_limit: TimeLimitOption = 30.0,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Options for principals: the top K acceptable, near-optimal and genuinely different packages,
    with what each party gives and gets by pillar.

    Example: [bold]detente options scenarios/korea-2019.yaml --top 4 --pillar sanctions-relief[/]
    """
    from detente.analysis.options import options_report

    cs = load_compiled(file)
    with _working("Searching options…", format is OutputFormat.table):
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
    _print_options(cs, out)


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
    format: FormatOption = OutputFormat.table,
) -> None:
    """Coalition wedges: moves and offers that split allies, the overlap they accept, their cohesion.

    Example: [bold]detente wedges scenarios/korea-2019.yaml --proposer DPRK[/]
    """
    from detente.analysis.coalitions import party_index
    from detente.analysis.coalitions import wedges as run

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
    _print_wedges(cs, out)


def register(app: typer.Typer) -> None:
    app.command()(analyze)
    app.command()(frontier)
    app.command()(solve)
    app.command()(options)
    app.command()(wedges)
