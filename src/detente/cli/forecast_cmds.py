"""Forecasting commands: ``detente forecast`` (a BDM table or a scenario) and ``detente forecast-validate``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from detente.cli.common import FormatOption, OutputFormat, console, emit_json, err_console, fmt_num

if TYPE_CHECKING:
    from detente.forecast.results import IssueForecast, ValidationResult
    from detente.forecast.scenario import ScenarioForecast


class ModelChoice(StrEnum):
    all = "all"
    compromise = "compromise"
    bdm = "bdm"
    smp = "smp"


def forecast(
    file: Annotated[
        Path, typer.Argument(help="A BDM table (.csv) or a scenario (.yaml/.yml/.json).", show_default=False)
    ],
    model: Annotated[
        ModelChoice | None,
        typer.Option("--model", "-m", help="Model (table default: all; scenario default: compromise)."),
    ] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write the trajectory chart (.png/.svg/.pdf; tables only).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing chart file.")] = False,
    draws: Annotated[
        int, typer.Option("--draws", min=1, help="Perturbed draws for the interval and option probabilities.")
    ] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the perturbed draws.")] = 0,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Forecast where talks will land: descriptive statistics and each model's trajectory.

    For a table (header actor,capability,position,salience; clout, power or influence for capability):
    the weighted mean, weighted median and Condorcet winner, then each model's forecast, rounds and an
    80 % interval. For a scenario: one spatial issue per move, the probability of each option, and the
    most likely package beside the Nash package.

    Example: [bold]detente forecast tests/fixtures/forecast/three-equal.csv --chart forecast.png[/]
    """
    from detente.errors import DetenteError
    from detente.forecast import SCENARIO_SUFFIXES
    from detente.forecast import forecast as run_forecast

    is_scenario = file.suffix.lower() in SCENARIO_SUFFIXES
    if is_scenario and chart is not None:
        raise DetenteError("--chart draws single-issue tables; a scenario forecast has no trajectory chart")
    if chart is not None and chart.exists() and not force:
        raise DetenteError(f"{chart} already exists; choose another name or pass --force to replace it")
    if is_scenario and model is ModelChoice.all:
        raise DetenteError("a scenario forecast runs one model: choose --model compromise, bdm or smp")
    name = None if model is None else model.value
    with err_console.status("Forecasting…"):
        result = run_forecast(file, name, draws=draws, seed=seed)
    from detente.forecast.results import IssueForecast

    if isinstance(result, IssueForecast):
        if chart is not None:
            from detente.forecast.charts import trajectory_chart

            written = trajectory_chart(result, chart, overwrite=force)
            err_console.print(f"Chart written to {written}", highlight=False)
        if format is OutputFormat.json:
            emit_json(result.to_json())
        else:
            _print_issue(result)
    else:
        if format is OutputFormat.json:
            emit_json(result.to_json())
        else:
            _print_scenario(result)


def _print_issue(r: IssueForecast) -> None:
    st = r.stats
    console.rule(f"[bold]Forecast — {r.issue.name}")
    console.print(
        f"{r.issue.n_actors} actors; scale {fmt_num(r.issue.scale[0])}–{fmt_num(r.issue.scale[1])}. "
        f"Weighted mean {st.weighted_mean:.2f}, weighted median {fmt_num(st.weighted_median)}, Condorcet "
        f"winner {'none (tie)' if st.condorcet is None else fmt_num(st.condorcet)} (weights capability × salience).",
        highlight=False,
    )
    t = Table(title="Models", title_justify="left")
    for col in ("model", "forecast", "80 % interval", "rounds", "converged"):
        t.add_column(col, justify="left" if col == "model" else "right", overflow="fold")
    for m in r.models:
        t.add_row(
            m.model,
            f"{m.forecast:.2f}",
            f"{m.low:.2f}–{m.high:.2f}",
            str(m.trajectory.rounds),
            "yes" if m.trajectory.converged else "no (round limit)",
        )
    console.print(t)
    for m in r.models:
        if m.trajectory.rounds <= 1:
            continue
        path = " → ".join(f"{v:.2f}" for v in m.trajectory.outcome[:8])
        more = " …" if m.trajectory.rounds >= 8 else ""
        console.print(f"{m.model} forecast per round: {path}{more}", highlight=False)
    console.print(
        f"[dim]Intervals: 10th–90th percentile of {r.models[0].draws.size} seeded perturbations "
        f"(seed {r.models[0].seed}); --format json gives every round's positions.[/]",
        highlight=False,
    )


def _print_scenario(sf: ScenarioForecast) -> None:
    from detente.forecast.scenario import brief_annex

    console.rule(f"[bold]Forecast — {sf.title}")
    console.print(f"Model: {sf.model}; option probabilities from {sf.draws} seeded draws.", highlight=False)
    t = Table(title="Where talks are heading vs. where a fair deal lies", title_justify="left")
    t.add_column("move", overflow="fold")
    t.add_column("most likely (p)", overflow="fold")
    t.add_column("Nash", overflow="fold")
    for m in sf.moves:
        p = max(o.probability for o in m.options)
        mark = "" if m.most_likely == m.nash else " [bold]≠[/]"
        t.add_row(m.id, f"{m.most_likely} ({p:.2f})", f"{m.nash or '—'}{mark}")
    console.print(t)
    console.print(brief_annex(sf).sentence, highlight=False)
    console.print(f"[dim]{sf.nash_note}[/]", highlight=False)


def forecast_validate(
    file: Annotated[Path, typer.Argument(help="A DEU-style .tsv with outcomes.", show_default=False)],
    folds: Annotated[
        int, typer.Option("--folds", min=2, help="Cross-validation folds (grouped by proposal).")
    ] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fold assignment.")] = 0,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Score every model and baseline against the outcomes actually adopted.

    MAE and median error on the 0–100 scale, hits = share within 10 points. Models with fitted
    parameters are scored by group k-fold cross-validation over proposals.

    Example: [bold]detente forecast-validate tests/fixtures/forecast/tiny.tsv --folds 3 --format json[/]
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from detente.forecast.validate import validate_forecasts

    with Progress(
        TextColumn("Running the models"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("validate", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = validate_forecasts(file, folds=folds, seed=seed, progress=report)
    if format is OutputFormat.json:
        emit_json(result.to_json())
    else:
        _print_validation(result)


def _print_validation(r: ValidationResult) -> None:
    console.rule("[bold]Forecast validation")
    console.print(
        f"{len(r.issues)} issues of {len(set(r.proposals))} proposals ({r.skipped} skipped: no outcome); "
        f"{r.folds}-fold cross-validation grouped by proposal, seed {r.seed}.",
        highlight=False,
    )
    t = Table(title="Errors on the 0–100 scale (lower is better)", title_justify="left")
    for col in ("model", "kind", "n", "MAE", "median", "hits ≤10"):
        t.add_column(col, justify="left" if col in ("model", "kind") else "right", overflow="fold")
    best = min(s.mae for s in r.scores if s.baseline)
    for s in sorted(r.scores, key=lambda s: s.mae):
        kind = "baseline" if s.baseline else "model, CV" if s.cross_validated else "model"
        mae = f"{s.mae:.1f}" + (" *" if not s.baseline and s.mae < best else "")
        t.add_row(s.model, kind, str(s.n), mae, f"{s.median_error:.1f}", f"{s.hits:.0%}")
    console.print(t)
    beats = [s.model for s in r.scores if not s.baseline and s.mae < best]
    console.print(
        f"Models beating every baseline: {', '.join(beats)}"
        if beats
        else f"No model beats the best baseline (MAE {best:.1f}).",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast)
    app.command("forecast-validate")(forecast_validate)
