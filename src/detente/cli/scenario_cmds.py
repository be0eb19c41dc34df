"""Commands on scenario files: validate, show, schema, new."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from detente.cli.common import FormatOption, OutputFormat, ScenarioArg, console, emit_json, fmt_count, fmt_num
from detente.text import terminal, visible_controls


def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", show_default=False)],
    format: FormatOption = OutputFormat.table,
) -> None:
    """Check scenario files: syntax, fields, references, prerequisite cycles.

    Prints every problem with its file, line, column and field path; exits 2 if any file is invalid.

    Example: [bold]detente validate scenarios/*.yaml[/]
    """
    from detente.io.errors import ScenarioError
    from detente.io.loader import load_scenario
    from detente.model.compiled import compile_scenario
    from detente.outputs import FileValidation, ValidateOutput

    results: list[FileValidation] = []
    for f in files:
        try:
            scenario = load_scenario(f)
        except ScenarioError as exc:
            results.append(FileValidation(file=str(f), valid=False, problems=[str(p) for p in exc.problems]))
            continue
        cs = compile_scenario(scenario)
        results.append(
            FileValidation(
                file=str(f), valid=True, parties=cs.n_parties, moves=cs.n_moves, outcomes=cs.n_outcomes
            )
        )
    out = ValidateOutput(files=results, valid=all(r.valid for r in results))
    if format is OutputFormat.json:
        emit_json(out.model_dump(mode="json"))
    else:
        for r in results:
            if r.valid:
                console.print(
                    f"[green]✓[/] {terminal(r.file)}: {r.parties} parties, {r.moves} moves, "
                    f"{fmt_count(r.outcomes or 0)} possible packages",
                    highlight=False,
                )
            else:
                console.print(f"[red]✗[/] {terminal(r.file)}: {len(r.problems)} problem(s)", highlight=False)
                for line in r.problems:
                    console.print(
                        f"    {visible_controls(line)}", markup=False, highlight=False, soft_wrap=True
                    )
    if not out.valid:
        raise typer.Exit(2)


def show_document(cs, file: str):  # type: ignore[no-untyped-def]
    """The :class:`~detente.outputs.ShowOutput` for a compiled scenario."""
    from detente.outputs import ConstraintRow, MoveRow, OptionRow, PartyRow, ShowOutput

    s = cs.scenario
    parties = []
    for i, p in enumerate(s.parties):
        best = worst = 0.0
        for k in range(cs.n_moves):
            block = cs.values[cs.offsets[k] : cs.offsets[k + 1], i]
            best += float(block.max())
            worst += float(block.min())
        parties.append(
            PartyRow(
                id=p.id,
                name=p.name,
                reservation=float(cs.reservation[i]),
                disagreement=float(cs.disagreement[i]),
                weight=p.weight,
                best=best,
                worst=worst,
            )
        )
    moves = []
    for k, m in enumerate(s.moves):
        opts = []
        for j, o in enumerate(m.options):
            g = int(cs.offsets[k]) + j
            vals = {pid: float(cs.values[g, i]) for i, pid in enumerate(cs.party_ids)}
            unc = {
                pid: [float(cs.values_low[g, i]), float(cs.values_high[g, i])]
                for i, pid in enumerate(cs.party_ids)
                if cs.values_low[g, i] != cs.values_high[g, i]
            }
            opts.append(
                OptionRow(
                    id=o.id,
                    label=o.label or o.id,
                    status_quo=(j == int(cs.status_quo[k])),
                    values=vals,
                    uncertain=unc,
                )
            )
        moves.append(
            MoveRow(
                id=m.id,
                name=m.name,
                owner=m.owner,
                category=m.category,
                options=opts,
                reversible=bool(cs.reversible[k]),
                verifiable=bool(cs.verifiable[k]),
                requires=m.requires,
                excludes=m.excludes,
                sources=m.sources,
            )
        )
    cons = [
        ConstraintRow(kind=c.kind, label=c.label, party=None if c.party is None else cs.party_ids[c.party])
        for c in cs.constraints
    ]
    return ShowOutput(
        title=s.meta.title,
        file=file,
        parties=parties,
        coalitions={c.id: list(c.members) for c in s.coalitions},
        moves=moves,
        constraints=cons,
        outcomes=cs.n_outcomes,
        sources=len(s.sources),
    )


def show(
    file: ScenarioArg,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Show a scenario: parties, coalitions, moves, the value table and the constraints.

    Example: [bold]detente show scenarios/korea-2019.yaml[/]
    """
    from detente.cli.common import load_compiled

    cs = load_compiled(file)
    doc = show_document(cs, str(file))
    if format is OutputFormat.json:
        emit_json(doc.model_dump(mode="json"))
        return
    s = cs.scenario
    console.rule(f"[bold]{terminal(s.meta.title)}")
    if s.meta.description:
        console.print(terminal(s.meta.description.strip()), highlight=False)
    if s.meta.values_note:
        console.print(f"[italic]Values: {terminal(s.meta.values_note.strip())}[/]", highlight=False)
    pt = Table(title="Parties", title_justify="left")
    for col in ("id", "name", "reservation", "best possible", "worst possible", "weight"):
        pt.add_column(col, justify="right" if col not in ("id", "name") else "left")
    for p in doc.parties:
        pt.add_row(
            p.id,
            terminal(p.name),
            fmt_num(p.reservation),
            fmt_num(p.best),
            fmt_num(p.worst),
            fmt_num(p.weight),
        )
    console.print(pt)
    if doc.coalitions:
        for cid, members in doc.coalitions.items():
            console.print(f"Coalition [bold]{cid}[/]: {', '.join(members)}", highlight=False)
    vt = Table(
        title=f"Moves and values ({cs.n_moves} moves, {fmt_count(cs.n_outcomes)} packages before constraints)",
        title_justify="left",
        show_lines=False,
    )
    vt.add_column("move")
    vt.add_column("owner")
    vt.add_column("category")
    vt.add_column("option")
    for pid in cs.party_ids:
        vt.add_column(pid, justify="right")
    vt.add_column("rev/ver")
    vt.add_column("requires")
    for m in doc.moves:
        flags = ("R" if m.reversible else "-") + ("V" if m.verifiable else "-")
        for j, o in enumerate(m.options):
            cells = []
            for pid in cs.party_ids:
                v = o.values[pid]
                cell = "" if (v == 0 and pid not in o.uncertain) else fmt_num(v)
                if pid in o.uncertain:
                    lo, hi = o.uncertain[pid]
                    cell += f" [dim]({fmt_num(lo)}…{fmt_num(hi)})[/]"
                cells.append(cell)
            label = terminal(o.label) + (" [dim](status quo)[/]" if o.status_quo else "")
            vt.add_row(
                f"{m.id}\n[dim]{terminal(m.name)}[/]" if j == 0 else "",
                m.owner if j == 0 else "",
                m.category if j == 0 else "",
                label,
                *cells,
                flags if j == 0 else "",
                ", ".join(m.requires) if j == 0 else "",
                end_section=(j == len(m.options) - 1),
            )
    console.print(vt)
    if doc.constraints:
        ct = Table(title="Constraints", title_justify="left")
        ct.add_column("kind")
        ct.add_column("rule")
        for c in doc.constraints:
            ct.add_row(c.kind, terminal(c.label))
        console.print(ct)
    console.print(f"{doc.sources} sources cited. R = reversible, V = verifiable.", highlight=False)


def schema(
    name: Annotated[
        str, typer.Argument(help="Which schema: 'scenario' or a command's JSON output.")
    ] = "scenario",
    list_: Annotated[bool, typer.Option("--list", help="List the available schemas.")] = False,
) -> None:
    """Print a JSON Schema: the scenario format (default) or a command's --format json output.

    Example: [bold]detente schema > scenario.schema.json[/]   (then point your editor at it)
    """
    from detente.errors import DetenteError
    from detente.outputs import json_schema, schema_names

    if list_:
        for n in schema_names():
            console.print(n)
        return
    if name not in schema_names():
        from detente.io.errors import did_you_mean

        guess = did_you_mean(name, schema_names())
        raise DetenteError(
            f"no schema named '{name}'"
            + (f"; did you mean '{guess}'?" if guess else "")
            + f" (available: {', '.join(schema_names())})"
        )
    emit_json(json_schema(name))


def new(
    name: Annotated[str, typer.Argument(help="Scenario name or file name (.yaml added if missing).")],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Create a commented scenario file to start from.

    Example: [bold]detente new trade-talks[/]  (writes trade-talks.yaml)
    """
    from importlib.resources import files

    from detente.errors import DetenteError
    from detente.io.writer import atomic_write_text

    if not name.strip() or not Path(name).name.strip() or Path(name).name.startswith("."):
        raise DetenteError(f"'{name}' is not a scenario name; give a name such as trade-talks")
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    title = re.sub(r"[-_]+", " ", path.stem).strip().title() or "New scenario"
    text = (files("detente") / "templates" / "new-scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("{{TITLE}}", title.replace('"', "'")).replace("{{FILE}}", str(path))
    atomic_write_text(path, text, overwrite=force)
    console.print(
        f"Wrote {terminal(path)}. Next: edit it, then [bold]detente validate {terminal(path)}[/]",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(show)
    app.command()(schema)
    app.command()(new)
