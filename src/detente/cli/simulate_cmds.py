"""Simulation commands: ``detente simulate``, ``detente tournament`` and ``detente simulate-roadmap``.

Thin layers over :mod:`detente.simulate`; FILE may be a scenario file or a Genius/ANAC domain folder.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from detente.cli.common import (
    Concept,
    FormatOption,
    OutputFormat,
    budgeted,
    console,
    emit_json,
    err_console,
    fmt_num,
)

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario
    from detente.simulate.game import Calendar


class ProtocolChoice(StrEnum):
    alternating = "alternating"
    mediated = "mediated"


FileArg = Annotated[
    Path,
    typer.Argument(help="Scenario file (.yaml/.json) or a Genius/ANAC domain folder.", show_default=False),
]
ProtocolOpt = Annotated[
    ProtocolChoice,
    typer.Option("--protocol", help="alternating: stacked alternating offers; mediated: single text."),
]
RoundsOpt = Annotated[int, typer.Option("--rounds", min=1, help="Round deadline (each party acts once).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")]


def load_any(path: Path) -> CompiledScenario:
    """A compiled scenario from a scenario file or a Genius domain folder."""
    from detente.cli.common import load_compiled
    from detente.model.compiled import compile_scenario

    if path.is_dir():
        from detente.io.genius_import import import_genius

        return compile_scenario(import_genius(path))
    return load_compiled(path)


def _calendar(
    start: str | None, deadline: str | None, days_per_round: float, breakdown: float
) -> Calendar | None:
    from detente.errors import DetenteError
    from detente.simulate.game import Calendar

    if deadline is None and start is None:
        return None
    if deadline is None or start is None:
        raise DetenteError("a calendar deadline needs both --start and --deadline (dates, YYYY-MM-DD)")
    try:
        d0, d1 = dt.date.fromisoformat(start), dt.date.fromisoformat(deadline)
    except ValueError as exc:
        raise DetenteError(f"--start/--deadline must be dates written YYYY-MM-DD: {exc}") from exc
    return Calendar(days_per_round=days_per_round, deadline_day=float((d1 - d0).days), breakdown=breakdown)


def simulate(
    file: FileArg,
    protocol: ProtocolOpt = ProtocolChoice.alternating,
    strategy: Annotated[
        list[str] | None,
        typer.Option(
            "--strategy",
            "-s",
            help="NAME for every party, or PARTY=NAME for one (repeat). Default: boulware.",
        ),
    ] = None,
    rounds: RoundsOpt = 100,
    seed: SeedOpt = 0,
    discount: Annotated[
        float, typer.Option("--discount", min=0.0, max=1.0, help="Discount factor δ per unit of time.")
    ] = 1.0,
    start: Annotated[str | None, typer.Option("--start", help="Date of round 1 (YYYY-MM-DD).")] = None,
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="Calendar deadline (YYYY-MM-DD), e.g. year end.")
    ] = None,
    days_per_round: Annotated[
        float, typer.Option("--days-per-round", min=0.01, help="Days per round.")
    ] = 7.0,
    breakdown: Annotated[
        float,
        typer.Option(
            "--breakdown", min=0.0, max=1.0, help="Chance per round that talks break down after it."
        ),
    ] = 0.2,
    first: Annotated[int, typer.Option("--first", min=0, help="Index of the party that moves first.")] = 0,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Play one negotiation with a strategy per party; every offer keeps every rule.

    Strategies: boulware, linear, conceder, tit-for-tat, hardliner, random, learner.

    Example: [bold]detente simulate scenarios/korea-2019.yaml --protocol mediated -s linear -s DPRK=boulware[/]
    """
    from detente.simulate.run import simulate as run

    cs = load_any(file)
    cal = _calendar(start, deadline, days_per_round, breakdown)
    with err_console.status("Negotiating…"):
        sim = run(
            cs,
            strategy or ["boulware"],
            protocol=protocol.value,
            rounds=rounds,
            seed=seed,
            discount=discount,
            calendar=cal,
            first=first,
        )
    doc = sim.to_json()
    if format is OutputFormat.json:
        emit_json(doc)
        return
    console.rule(f"[bold]Simulated talks — {cs.scenario.meta.title}")
    o = sim.outcome
    if o.agreement:
        console.print(f"[green]Agreement[/] in round {o.rounds} ({o.protocol}).", highlight=False)
    else:
        console.print(f"[yellow]No agreement[/] ({o.reason}, after {o.rounds} rounds).", highlight=False)
    t = Table(title="Parties", title_justify="left")
    for col in ("party", "strategy", "reservation", "agreement"):
        t.add_column(col, justify="left" if col in ("party", "strategy") else "right")
    for i, pid in enumerate(cs.party_ids):
        u = "—" if o.utilities is None else fmt_num(float(o.utilities[i]), 3)
        t.add_row(pid, sim.strategies[i], fmt_num(float(cs.reservation[i]), 3), u)
    console.print(t)
    if o.agreement:
        console.print(
            f"Distance to the Pareto frontier (utility left on the table): {doc['distance_to_pareto']}"
            f"{'' if sim.pareto_proven else ' (not proven)'}; to the Nash package: {doc['distance_to_nash']}"
            " [dim](scaled utilities: 0 = reservation, 1 = best)[/]",
            highlight=False,
        )
    for i, row in sim.learned.items():
        rho = ", ".join(f"{cs.party_ids[j]} {r:.2f}" for j, r in row.items())
        console.print(f"{cs.party_ids[i]} learned (rank correlation): {rho}", highlight=False)
    tr = Table(title="Last moves", title_justify="left")
    for col in ("round", "party", "action", "value to each party"):
        tr.add_column(col, overflow="fold")
    for e in doc["trace"][-12:]:
        vals = e.get("utilities")
        text = ", ".join(f"{k} {fmt_num(v, 2)}" for k, v in vals.items()) if vals else e.get("move", "")
        tr.add_row(str(e["round"]), e["party"], e["action"], text)
    console.print(tr)
    console.print(f"[dim]{len(doc['trace'])} moves in all; --format json prints the whole trace.[/]")


def tournament(
    files: Annotated[
        list[Path], typer.Argument(help="Scenario files or Genius domain folders.", show_default=False)
    ],
    strategies: Annotated[
        str | None,
        typer.Option("--strategies", help="Comma-separated strategies (default: six, all but random)."),
    ] = None,
    repetitions: Annotated[int, typer.Option("--repetitions", min=1, help="Repetitions per line-up.")] = 3,
    rounds: RoundsOpt = 100,
    protocol: ProtocolOpt = ProtocolChoice.alternating,
    seed: SeedOpt = 0,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler address, or local[:N] for N local worker processes."
        ),
    ] = None,
    chart_dir: Annotated[
        Path | None, typer.Option("--chart-dir", help="Write heatmap.png and agreement-times.png here.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace chart files that exist.")] = False,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Every strategy against every other, roles rotated, on every scenario.

    Example: [bold]detente tournament tests/fixtures/simulate/three-party.yaml --strategies boulware,conceder --repetitions 1 --chart-dir out[/]
    """
    from rich.progress import Progress

    from detente.simulate.tournament import DEFAULT_STRATEGIES, n_negotiations
    from detente.simulate.tournament import tournament as run

    names = tuple(s.strip() for s in strategies.split(",") if s.strip()) if strategies else DEFAULT_STRATEGIES
    if chart_dir is not None and not force:
        from detente.io.writer import OutputExistsError
        from detente.simulate.charts import CHARTS

        for c in CHARTS:
            if (chart_dir / c).exists():
                raise OutputExistsError(
                    f"{chart_dir / c} already exists; choose another --chart-dir or pass --force"
                )
    css = [load_any(f) for f in files]
    from detente.simulate.strategies import STRATEGIES

    valid = [n for n in names if n in STRATEGIES]
    total = n_negotiations(css, valid, repetitions) if len(valid) == len(names) else 0
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("Negotiating", total=total)
        result = run(
            css,
            names,
            repetitions=repetitions,
            rounds=rounds,
            protocol=protocol.value,
            seed=seed,
            scheduler=scheduler,
            on_done=lambda: bar.advance(task),
        )
    written = []
    if chart_dir is not None:
        from detente.simulate.charts import write_charts

        written = write_charts(result, chart_dir, overwrite=force)
    if format is OutputFormat.json:
        emit_json(result.to_json())
        return
    t = Table(title=f"Tournament: {result.negotiations} negotiations", title_justify="left")
    for col in ("strategy", "learns", "utility", "agreed", "rounds", "to Nash", "ρ model"):
        t.add_column(col, justify="left" if col == "strategy" else "right")
    for s in sorted(result.strategies, key=lambda s: -s.mean_utility):
        t.add_row(
            s.strategy,
            "yes" if s.learns_opponent else "no",
            f"{s.mean_utility:.3f}",
            f"{s.agreement_rate:.0%}",
            "—" if s.mean_rounds is None else f"{s.mean_rounds:.1f}",
            "—" if s.distance_to_nash is None else f"{s.distance_to_nash:.3f}",
            "—" if s.rank_correlation is None else f"{s.rank_correlation:.2f}",
        )
    console.print(t)
    console.print(
        "[dim]utility: 0 = reservation (no deal), 1 = the party's best package; rounds: to agreement; "
        "to Nash: distance of agreements to the Nash package; ρ model: rank correlation of learned and "
        "true opponent utilities.[/]",
        highlight=False,
    )
    for p in written:
        console.print(f"Wrote {p}", highlight=False)


def simulate_roadmap(
    file: FileArg,
    runs: Annotated[int, typer.Option("--runs", min=1, help="Plays of each roadmap.")] = 1000,
    seed: SeedOpt = 0,
    concept: Annotated[
        Concept, typer.Option("--concept", help="Play the roadmaps of this solution concept's package.")
    ] = Concept.nash,
    package: Annotated[
        Path | None,
        typer.Option("--package", help="Or the package in this JSON file (`detente solve --format json`)."),
    ] = None,
    party_type: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            help="opportunist|cooperative for everyone, or PARTY=TYPE (repeat). Default: opportunist.",
        ),
    ] = None,
    noise: Annotated[
        float, typer.Option("--noise", min=0.0, max=1.0, help="Chance each intended action is flipped.")
    ] = 0.0,
    detection: Annotated[
        list[str] | None,
        typer.Option("--detection", help="MOVE=P: chance a skipped verifiable move is caught (repeat)."),
    ] = None,
    default_detection: Annotated[
        float,
        typer.Option(
            "--default-detection", min=0.0, max=1.0, help="Detection chance of other verifiable moves."
        ),
    ] = 0.9,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.1,
            help="Work budget of the command's solves: finding the package and sequencing the roadmaps "
            "(deterministic work units, one budget for the whole command).",
        ),
    ] = 10.0,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Play big-for-big, step-by-step and optimized roadmaps with parties that comply or defect.

    Example: [bold]detente simulate-roadmap scenarios/korea-2019.yaml --runs 1000 --noise 0.05[/]
    """
    from detente.errors import DetenteError
    from detente.simulate.implementation import simulate_roadmap as run

    cs = load_any(file)
    choices = None
    if package is not None:
        from detente.io.package_file import package_from_file

        choices = package_from_file(cs, package)
    types: dict[str, str] | str | None = None
    for item in party_type or []:
        pid, sep, kind = item.partition("=")
        if not sep:
            types = pid
        else:
            types = (dict.fromkeys(cs.party_ids, types) if isinstance(types, str) else types or {}) | {
                pid: kind
            }
    probs: dict[str, float] = {}
    for item in detection or []:
        key, sep, val = item.partition("=")
        try:
            probs[key] = float(val)
        except ValueError:
            sep = ""
        if not sep:
            raise DetenteError(f"--detection {item}: write MOVE=P with P a probability, e.g. dismantle=0.8")
        if key not in cs.move_ids:
            raise DetenteError(f"--detection {item}: unknown move '{key}'")
    with budgeted(time_limit), err_console.status("Sequencing and playing the roadmaps…"):
        game = run(
            cs,
            choices,
            runs=runs,
            seed=seed,
            types=types,
            noise=noise,
            detection=probs,
            default_detection=default_detection,
            concept=concept.value,
            time_limit=time_limit,
        )
    if format is OutputFormat.json:
        emit_json(game.to_json())
        return
    console.rule(f"[bold]Implementation game — {cs.scenario.meta.title}")
    console.print(
        f"{runs} plays of each roadmap; types: "
        + ", ".join(f"{p} {k}" for p, k in zip(cs.party_ids, game.types, strict=True))
        + f"; noise {noise:g}.",
        highlight=False,
    )
    t = Table(title="Completion", title_justify="left")
    for col in ("roadmap", "phases", "self-enforcing", "completes", "defects"):
        t.add_column(col, justify="left" if col in ("roadmap", "defects") else "right", overflow="fold")
    for p in game.plays:
        defects = ", ".join(
            f"{cs.party_ids[i]} {p.defection[i]:.0%}" for i in range(cs.n_parties) if p.defection[i] > 0
        )
        t.add_row(
            p.strategy,
            str(p.phases),
            "yes" if p.self_enforcing else "no",
            f"{p.completion:.0%}",
            defects or "—",
        )
    console.print(t)
    u = Table(title="Final utility: mean [p5, p95]", title_justify="left")
    u.add_column("party")
    for p in game.plays:
        u.add_column(p.strategy, justify="right")
    for i, pid in enumerate(cs.party_ids):
        u.add_row(
            pid,
            *(
                f"{fmt_num(p.utilities[i].mean)} [{fmt_num(p.utilities[i].p5)}, {fmt_num(p.utilities[i].p95)}]"
                for p in game.plays
            ),
        )
    console.print(u)


def register(app: typer.Typer) -> None:
    app.command()(simulate)
    app.command()(tournament)
    app.command(name="simulate-roadmap")(simulate_roadmap)
