"""Commands on scenario files: validate, show, schema, new."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

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
                    f"[green]✓[/] {terminal(r.file)}: {r.parties} parties, {r.moves} moves, {fmt_count(r.outcomes or 0)} packages",
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
    detail: Annotated[
        bool,
        typer.Option(
            "--detail", help="Also print names, option labels, value ranges and the rules' reasons."
        ),
    ] = False,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Show a scenario: parties, coalitions, moves with each option's value to each party, and the rules.

    Example: [bold]detente show scenarios/korea-2019.yaml --detail[/]
    """
    from detente.cli.common import load_compiled

    cs = load_compiled(file)
    doc = show_document(cs, str(file))
    if format is OutputFormat.json:
        emit_json(doc.model_dump(mode="json"))
        return
    _print_show(cs, doc, detail)


def _first_paragraph(text: str) -> str:
    return text.strip().split("\n")[0].strip()


def _print_show(cs, doc, detail: bool) -> None:  # type: ignore[no-untyped-def]
    from detente.cli import render

    s = cs.scenario
    render.title(s.meta.title)
    if s.meta.description:
        desc = s.meta.description.strip()
        short = _first_paragraph(desc)
        render.plain(desc if detail else short)
    if s.meta.values_note:
        note = " ".join(s.meta.values_note.split())
        if not detail:
            note = note.split(". ")[0].rstrip(".") + "."
        render.plain(f"Values: {note}", style="italic")
    if not detail and (
        (s.meta.description and _first_paragraph(s.meta.description) != s.meta.description.strip())
        or s.meta.values_note
    ):
        render.say("[dim](full description, names, labels and reasons: --detail)[/]")

    pt = render.table(
        [
            render.Col("party", "id"),
            render.Col("reservation", "num"),
            render.Col("best", "num"),
            render.Col("worst", "num"),
            *([render.Col("weight", "num")] if any(p.weight != 1 for p in doc.parties) else []),
            "name",
        ],
        title=f"Parties ({len(doc.parties)}; best/worst: over all packages, rules ignored)",
        ids=cs.party_ids,
    )
    for p in doc.parties:
        weight = [fmt_num(p.weight)] if any(q.weight != 1 for q in doc.parties) else []
        pt.add_row(p.id, fmt_num(p.reservation), fmt_num(p.best), fmt_num(p.worst), *weight, terminal(p.name))
    console.print()
    console.print(pt)
    if doc.coalitions:
        render.listing(
            [("Coalitions:", "; ".join(f"{cid} ({', '.join(m)})" for cid, m in doc.coalitions.items()))],
            indent=0,
        )

    n_options = sum(len(m.options) for m in doc.moves)
    render.heading(
        f"Moves ({cs.n_moves} moves, {n_options} options; {fmt_count(cs.n_outcomes)} packages before the rules)"
    )
    render.say(
        "[dim]Value of each option to each party (blank = 0; ~ = uncertain, ranges in --detail). "
        "Each move: owner, R reversible, V verifiable; its status quo option first.[/]"
    )
    ids = [*cs.move_ids, *(f"  {o}" for ids_ in cs.option_ids for o in ids_)]
    vt = render.table(
        [render.Col("move / option", "id"), *(render.Col(p, "num") for p in cs.party_ids)], ids=ids
    )
    category = None
    for m in doc.moves:
        if m.category != category:
            category = m.category
            name = s.categories.get(category)
            vt.add_row(f"[bold underline]{terminal(category)}[/]", *([""] * cs.n_parties))
            if detail and name and name != category:
                vt.add_row(f"[dim]{terminal(name)}[/]", *([""] * cs.n_parties))
        flags = ("R" if m.reversible else "") + ("V" if m.verifiable else "")
        vt.add_row(
            f"[bold]{terminal(m.id)}[/] [dim]{terminal(m.owner)}{(' ' + flags) if flags else ''}[/]",
            *([""] * cs.n_parties),
        )
        if detail:
            vt.add_row(f"  [dim]{terminal(m.name)}[/]", *([""] * cs.n_parties))
        sq_first = sorted(m.options, key=lambda o: not o.status_quo)
        for o in sq_first:
            cells = []
            for pid in cs.party_ids:
                v = o.values[pid]
                cell = "" if (v == 0 and pid not in o.uncertain) else fmt_num(v)
                if pid in o.uncertain:
                    cell += "~"
                cells.append(cell)
            label = f"  {terminal(o.id)}" + (" [dim](status quo)[/]" if o.status_quo else "")
            vt.add_row(label, *cells)
            if detail:
                extra = [] if o.label == o.id else [terminal(o.label)]
                extra += [f"{pid} {fmt_num(lo)} to {fmt_num(hi)}" for pid, (lo, hi) in o.uncertain.items()]
                if extra:
                    vt.add_row(f"    [dim]{'; '.join(extra)}[/]", *([""] * cs.n_parties))
        for word, refs in (("needs", m.requires), ("excludes", m.excludes)):
            if refs:
                vt.add_row(f"  [dim]{word} {terminal(', '.join(refs))}[/]", *([""] * cs.n_parties))
    console.print(vt)

    rules = [c for c in s.constraints]
    if rules:
        render.heading(f"Rules ({len(rules)}; plus the moves' needs/excludes above)")
        rows = []
        for c in rules:
            rows.append((c.type.replace("_", " "), terminal(_rule_text(c, detail))))
        render.listing(rows, indent=2)
    render.say(f"[dim]{doc.sources} sources cited.[/]")


def _rule_text(c, detail: bool) -> str:  # type: ignore[no-untyped-def]
    """A scenario rule in ids: 'US refuses unsc-lift-all', 'if a then b or c', …"""
    from detente.model.scenario import CountRule, Implies, MinContent, RedLine

    if isinstance(c, RedLine):
        verb = "requires" if c.requires else "refuses"
        text = f"{c.party} {verb} " + " or ".join(c.requires or c.refuses)
    elif isinstance(c, MinContent):
        text = f"at least {c.at_least} move(s) in {c.category}"
    elif isinstance(c, CountRule):
        bounds = " and ".join(
            x
            for x in (
                f"at least {c.min}" if c.min is not None else "",
                f"at most {c.max}" if c.max is not None else "",
            )
            if x
        )
        text = f"{bounds} of " + ", ".join(c.refs)
    elif isinstance(c, Implies):
        text = f"if {c.if_} then " + " or ".join(c.then)
    else:  # pragma: no cover - a new rule type
        text = str(c)
    if detail and c.reason:
        text += f" — {' '.join(c.reason.split())}"
    return text


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
        from detente.errors import did_you_mean

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
