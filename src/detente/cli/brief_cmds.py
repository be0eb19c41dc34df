"""``detente brief``: write the options memo for principals (HTML, PDF or Markdown)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import MAX_SECONDS, MAX_SEED, Concept, ScenarioArg, console, err_console, finite
from detente.text import terminal


class BriefFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    md = "md"


def brief(
    file: ScenarioArg,
    output: Annotated[
        list[Path],
        typer.Option(
            "--output",
            "-o",
            help="Where to write the brief: .html, .pdf or .md (format from the extension). Repeat to write "
            "several formats from one analysis.",
        ),
    ],
    format: Annotated[
        BriefFormat | None,
        typer.Option(
            "--format", "-f", help="Output format, when the file name does not say (html, pdf, md)."
        ),
    ] = None,
    options: Annotated[
        int,
        typer.Option(
            "--options", "-k", min=1, max=8, help="How many options to put side by side (3–5 read best)."
        ),
    ] = 4,
    concept: Annotated[
        Concept, typer.Option("--concept", help="Solution concept that ranks the options.")
    ] = Concept.nash,
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the robustness draws (reproducible).")
    ] = 0,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.1,
            max=MAX_SECONDS,
            callback=finite,
            help="Work budget of the whole brief (work units, about a second each; deterministic), shared by the analysis, the roadmaps and the annex; one wall-clock safety stop (6× plus 8 s).",
        ),
    ] = 40.0,
    no_roadmaps: Annotated[
        bool, typer.Option("--no-roadmaps", help="Skip sequencing the options (faster).")
    ] = False,
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="An implementation ledger: its verified status goes in the annex."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the ledger status (YYYY-MM-DD; default today).")
    ] = None,
    played_out: Annotated[
        bool,
        typer.Option(
            "--played-out",
            help="Add the recommended option played out: simulated talks and its roadmap's implementation game (slow).",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace output files (and a Markdown brief's charts) that exist.")
    ] = False,
) -> None:
    """Write the options memo: at most 4 pages (the recommendation in words, its robustness, roadmap and risks; the options side by side), then an Annex with charts, assumptions, sources and full tables.

    An existing file is replaced only with --force; the scenario file itself is never written over. Markdown briefs write their charts to NAME-charts/ beside them, together with the brief.

    Example: [bold]detente brief scenarios/six-party-2007.yaml -o brief.html -o brief.pdf[/]
    """
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from detente.brief import BriefOptions, build_brief, write_brief
    from detente.brief.render import output_format
    from detente.cli.common import budgeted, load_compiled
    from detente.errors import DetenteError

    kinds = [output_format(out, format.value if format else None) for out in output]
    for out in output:
        if out.exists() and out.resolve() == file.resolve():
            raise DetenteError(
                f"refusing to write the brief over the scenario file '{file}'; choose another -o name"
            )
    from detente.io.writer import check_target

    for out in output:  # refuse before the (long) analysis, not after it
        check_target(out, overwrite=force)
    opts = BriefOptions(
        n_options=options,
        concept=concept.value,
        seed=seed,
        time_limit=time_limit,
        roadmaps=not no_roadmaps,
        played_out=played_out,
        ledger=str(ledger) if ledger else None,
        ledger_as_of=as_of,
    )
    if ledger is not None:
        from detente.ledger import verify_ledger

        check = verify_ledger(ledger)
        if not check.ok:
            raise DetenteError(f"the ledger does not verify: {check.message()}")
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("Building the brief", total=5)

        def report(label: str, done: int, total: int) -> None:
            progress.update(task, description=label, completed=done, total=total + 1)

        with budgeted(time_limit):
            cs = load_compiled(file)
            data = build_brief(cs, progress=report, options=opts)
        results = []
        for out, kind in zip(output, kinds, strict=True):
            progress.update(task, description=f"Writing {out.name}")
            results.append(write_brief(data, out, fmt=kind, protect=file, overwrite=force))
        progress.update(task, completed=progress.tasks[0].total)
    for written in results:
        console.print(f"Brief written to [bold]{terminal(written[0])}[/]", highlight=False)
        if len(written) > 1:
            console.print(
                f"  with {len(written) - 1} chart file(s) in {terminal(written[1].parent)}", highlight=False
            )


def register(app: typer.Typer) -> None:
    app.command("brief")(brief)
