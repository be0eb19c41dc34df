"""Uncertainty commands: robustness (and the most robust deal), sensitivity."""

from __future__ import annotations

from pathlib import Path
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
    load_compiled,
)

if TYPE_CHECKING:
    from detente.uncertainty.results import RobustnessOutput, SensitivityOutput

DrawsOption = Annotated[int, typer.Option("--draws", "-n", min=1, help="Number of value draws.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same numbers).")]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run on Dask: 'local' starts a local cluster, or give a scheduler address (tcp://host:port).",
    ),
]
ChartOption = Annotated[Path | None, typer.Option("--chart", help="Write the chart (.png, .svg or .pdf).")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace a chart file that exists.")]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _check_chart(chart: Path | None, force: bool) -> None:
    from detente.errors import DetenteError

    if chart is not None and chart.exists() and not force:
        raise DetenteError(f"{chart} already exists; choose another name or pass --force to replace it")


def _print_robustness(out: RobustnessOutput) -> None:
    console.print(f"[bold]{out.scenario}[/]", highlight=False)
    console.print(out.method, highlight=False, soft_wrap=False)
    rows = list(out.packages)
    if out.most_robust is not None:
        rows += [out.most_robust.package]
    if not rows:
        console.print("No package to assess.")
    parties = list(rows[0].acceptable) if rows else []
    t = Table(title="P(accepts) per party; all ± standard error", title_justify="left")
    t.add_column("package", overflow="fold")
    t.add_column("all", justify="right")
    for pid in parties:
        t.add_column(pid, justify="right", overflow="fold")
    for r in rows:
        t.add_row(
            r.label,
            f"{_pct(r.acceptable_all)} ±{_pct(r.stderr_all)}",
            *[f"{100 * r.acceptable[p]:.0f}%" for p in parties],
        )
    console.print(t)
    u = Table(title="Expected utility / 5th percentile per party", title_justify="left")
    u.add_column("package", overflow="fold")
    for pid in parties:
        u.add_column(pid, justify="right", overflow="fold")
    for r in rows:
        u.add_row(r.label, *[f"{round(r.expected_utility[p])}/{round(r.p5_utility[p])}" for p in parties])
    console.print(u)
    mr = out.most_robust
    if mr is not None:
        proof = "proven optimal" if mr.optimal else f"not proven (bound {_pct(mr.saa_bound)})"
        console.print(
            f"Most robust: {_pct(mr.saa_probability)} of {mr.saa_draws} SAA draws, {proof}; "
            f"{_pct(mr.package.acceptable_all)} on fresh draws.",
            highlight=False,
        )
        tt = Table(title="Robust–efficient trade-off (point values)", title_justify="left")
        for col in ("package", "P(all)", "welfare", "nash", "min gain"):
            tt.add_column(col, justify="left" if col == "package" else "right")
        for row in mr.tradeoff:
            tt.add_row(
                row.label,
                _pct(row.acceptable_all),
                f"{row.welfare:.1f}",
                f"{row.nash:.2f}",
                f"{row.min_gain:.1f}",
            )
        console.print(tt)
        for note in mr.notes:
            console.print(f"note: {note}", highlight=False)
    for note in out.notes:
        console.print(f"note: {note}", highlight=False)


def _print_sensitivity(out: SensitivityOutput, top: int) -> None:
    console.print(
        f"[bold]{out.scenario}[/]: the {out.concept} package is acceptable to every party in "
        f"{_pct(out.acceptable_all)} of draws.",
        highlight=False,
    )
    from rich import box

    t = Table(
        title=f"Judgments ranked by total Sobol' index (top {top})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    t.add_column("party", overflow="fold")
    width = max((len(f"{j.move}:{j.option}") for j in out.judgments[:top] if j.kind == "value"), default=10)
    t.add_column("judgment (move:option)", overflow="fold", min_width=min(width, 40))
    t.add_column("value (range)", justify="right")
    t.add_column("break-even", justify="right")
    t.add_column("ST", justify="right")
    for j in out.judgments[:top]:
        what = f"{j.move}:{j.option}" if j.kind == "value" else j.label
        rng = "" if j.low is None else f" ({j.low:g}..{j.high:g})"
        value = "" if j.value is None else f"{j.value:g}"
        if not out.break_evens or j.kind not in ("value", "reservation"):
            be = "-"
        else:
            be = "none" if j.break_even is None else f"{j.break_even:g}"
        t.add_row(j.party or "", what, value + rng, be, f"{j.total:.2f}")
    console.print(t)
    console.print(f"EVPI on the choice among {len(out.options)} options: {_pct(out.evpi)} (P(all accept)).")
    if out.research_first:
        console.print("Research first:")
        for n, r in enumerate(out.research_first[:top], 1):
            console.print(f"  {n}. {r.label} (EVPPI {_pct(r.evppi)}, ST {r.total:.2f})", highlight=False)
    for note in out.notes:
        console.print(f"note: {note}", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command()
    def robustness(
        file: ScenarioArg,
        package: Annotated[
            list[Path] | None,
            typer.Option(
                "--package", "-p", help="Assess this package (JSON of 'detente solve --format json')."
            ),
        ] = None,
        concept: Annotated[
            Concept, typer.Option("--concept", "-c", help="Concept of the default options.")
        ] = Concept.nash,
        k: Annotated[int, typer.Option("--k", min=1, help="Number of options assessed by default.")] = 4,
        draws: DrawsOption = 100_000,
        seed: SeedOption = 0,
        most_robust: Annotated[
            bool, typer.Option("--most-robust", help="Also find the package most likely acceptable to all.")
        ] = False,
        saa_draws: Annotated[
            int, typer.Option("--saa-draws", min=1, help="Draws in the most-robust optimization.")
        ] = 300,
        node_limit: Annotated[
            int,
            typer.Option("--node-limit", min=1, help="HiGHS branch-and-bound node limit (deterministic)."),
        ] = 500,
        scheduler: SchedulerOption = None,
        chart: ChartOption = None,
        force: ForceOption = False,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """How likely each party is to accept the options (or given packages) over plausible values.

        Example: [bold]detente robustness scenarios/korea-2019.yaml --most-robust --chart tradeoff.png[/]
        """
        from detente.uncertainty.robust import read_package
        from detente.uncertainty.robust import robustness as run

        _check_chart(chart, force)
        cs = load_compiled(file)
        packages = None
        if package:
            packages = [item for path in package for item in read_package(cs, path)]
        out = run(
            cs,
            packages=packages,
            concept=concept.value,
            k=k,
            draws=draws,
            seed=seed,
            most_robust=most_robust,
            saa_draws=saa_draws,
            node_limit=node_limit,
            scheduler=scheduler,
            progress=fmt == OutputFormat.table,
        )
        if chart is not None:
            from detente.errors import DetenteError
            from detente.uncertainty.charts import save, tradeoff_figure

            if out.most_robust is None:
                raise DetenteError("--chart draws the robust–efficient trade-off: add --most-robust")
            save(tradeoff_figure(out.most_robust.tradeoff), chart, overwrite=force)
        if fmt == OutputFormat.json:
            emit_json(out.model_dump(mode="json"))
        else:
            _print_robustness(out)

    @app.command()
    def sensitivity(
        file: ScenarioArg,
        concept: Annotated[
            Concept, typer.Option("--concept", "-c", help="Concept whose package is examined.")
        ] = Concept.nash,
        draws: DrawsOption = 8_192,
        seed: SeedOption = 0,
        break_even: Annotated[
            bool,
            typer.Option("--break-even/--no-break-even", help="Compute break-even values (solver calls)."),
        ] = True,
        top: Annotated[int, typer.Option("--top", min=1, help="Judgments shown in the table.")] = 15,
        scheduler: SchedulerOption = None,
        chart: ChartOption = None,
        force: ForceOption = False,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """Which judgments the concept's package rests on: break-evens, Sobol' indices, EVPI, tornado.

        Example: [bold]detente sensitivity scenarios/korea-2019.yaml --concept nash --chart tornado.png[/]
        """
        from detente.uncertainty.sensitivities import sensitivity as run

        _check_chart(chart, force)
        cs = load_compiled(file)
        out = run(
            cs,
            concept=concept.value,
            draws=draws,
            seed=seed,
            break_evens=break_even,
            scheduler=scheduler,
            progress=fmt == OutputFormat.table,
        )
        if chart is not None:
            from detente.uncertainty.charts import save, tornado_figure

            save(tornado_figure(out), chart, overwrite=force)
        if fmt == OutputFormat.json:
            emit_json(out.model_dump(mode="json"))
        else:
            _print_sensitivity(out, top)
