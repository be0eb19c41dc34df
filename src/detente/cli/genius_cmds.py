"""Commands for Genius/ANAC interop and the Adjusted Winner procedure:
``import-genius``, ``export-genius``, ``adjusted-winner``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import (
    FormatOption,
    OutputFormat,
    ScenarioArg,
    console,
    emit_json,
    err_console,
    fmt_count,
)
from detente.text import terminal


def import_genius(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Genius domain folder (domain XML + one profile XML per party), "
            "or a GeniusWeb folder of JSON files.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Scenario file to write (.yaml or .json); without it the scenario is printed.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")] = False,
) -> None:
    """Turn a Genius/ANAC (or GeniusWeb) domain into a scenario.

    Parties are the profiles in sorted file-name order; each discrete issue becomes a move owned by the
    first party (category 'genius'); reservation values are kept, discount factors ignored.

    Example: [bold]detente import-genius tests/fixtures/genius/tiny -o tiny.yaml[/]
    """
    from detente.io.genius_import import import_genius as do_import
    from detente.io.writer import dump_scenario, save_scenario
    from detente.model.compiled import compile_scenario

    scenario = do_import(folder)
    cs = compile_scenario(scenario)
    for note in (scenario.meta.description or "").split(" Note: ")[1:]:  # e.g. weights not summing to 1
        err_console.print(f"[yellow]note:[/] {terminal(note.rstrip('.'))}", highlight=False, soft_wrap=True)
    if output is None:
        sys.stdout.write(dump_scenario(scenario))  # plain text: no Rich markup or emoji codes
        return
    save_scenario(scenario, output, overwrite=force)
    console.print(
        f"Wrote {terminal(output)}: {cs.n_parties} parties, {cs.n_moves} moves, {fmt_count(cs.n_outcomes)} possible "
        f"packages. Next: [bold]detente show {terminal(output)}[/]",
        highlight=False,
        soft_wrap=True,
    )


def export_genius(
    file: ScenarioArg,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Folder to write the domain and profiles into.", show_default=False
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace files that already exist in the folder.")
    ] = False,
) -> None:
    """Write a scenario as a Genius domain: a domain XML plus one profile XML per party.

    Re-importing the folder gives the same utilities, except that a party with negative values has
    them shifted up by one constant (Genius evaluations are 0 or more; every comparison is kept, and
    the command prints the shift per party). The scenario's rules (red lines, prerequisites, counts),
    uncertainty ranges and timing have no place in the Genius format and are left out (the command
    warns).

    Example: [bold]detente export-genius tests/fixtures/genius/nonneg-scenario.yaml -o genius-out/[/]
    """
    from detente.cli.common import load
    from detente.io.genius import export_genius as do_export

    export = do_export(load(file), output, overwrite=force)
    console.print(
        f"Wrote {len(export.files)} files to {terminal(output)}: {terminal(export.domain_file)} (domain) and "
        f"{len(export.files) - 1} profile(s)",
        highlight=False,
        soft_wrap=True,
    )
    for warning in export.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    for note in export.notes:
        err_console.print(f"[yellow]note:[/] {terminal(note)}", highlight=False, soft_wrap=True)


def adjusted_winner(
    table: Annotated[
        Path, typer.Argument(help="CSV table with header 'issue,<party A>,<party B>'.", show_default=False)
    ],
    format: FormatOption = OutputFormat.table,
) -> None:
    """Divide issues between two parties with Adjusted Winner (Brams–Taylor).

    Each party spreads 100 points over the issues. Every issue first goes to the side that values it more;
    the side ahead then hands over issues (lowest ratio of its points to the other's first), splitting
    one issue so that both end with exactly equal points. The result is envy-free, equitable and efficient.

    Example: [bold]detente adjusted-winner tests/fixtures/aw/bob-carol.csv[/]
    """
    from detente.analysis.adjusted_winner import adjusted_winner, to_output
    from detente.io.points_table import read_points_csv

    parties, issues, points_a, points_b = read_points_csv(table)
    result = adjusted_winner(issues, points_a, points_b, parties)
    doc = to_output(result, str(table))
    if format is OutputFormat.json:
        emit_json(doc.model_dump(mode="json"))
        return
    pa, pb = doc.parties
    from detente.cli import render

    t = render.table(
        [
            "issue",
            render.Col(f"{pa} points", "num"),
            render.Col(f"{pb} points", "num"),
            render.Col(f"{pa} gets", "num"),
            render.Col(f"{pb} gets", "num"),
        ],
        title=f"Adjusted Winner: {pa} and {pb}",
    )
    for row in doc.issues:
        cells = [
            f"{row.share[p]} ({row.share_decimal[p]:.4f})"
            if row.share[p] not in ("0", "1")
            else ("all" if row.share[p] == "1" else "-")
            for p in (pa, pb)
        ]
        t.add_row(
            terminal(row.issue) + (" [bold](split)[/]" if row.split else ""),
            row.points[pa],
            row.points[pb],
            *cells,
        )
    t.add_section()
    t.add_row(
        "[bold]total points[/]", "", "", *(f"{doc.totals[p]} ({doc.totals_decimal[p]:.4f})" for p in (pa, pb))
    )
    console.print(t)
    for note in doc.notes:
        console.print(f"[yellow]note:[/] {terminal(note)}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("import-genius")(import_genius)
    app.command("export-genius")(export_genius)
    app.command("adjusted-winner")(adjusted_winner)
