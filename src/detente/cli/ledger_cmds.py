"""Ledger commands: ``detente ledger keygen|init|append|verify|head|status|repair``.

A thin layer over :mod:`detente.ledger` (see docs/ledger.md for the format and the threat model).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from detente.cli.common import FormatOption, OutputFormat, console, emit_json, err_console
from detente.text import terminal

ledger_app = typer.Typer(
    name="ledger",
    help="The implementation ledger: a signed, tamper-evident record of who did what (docs/ledger.md).\n\n"
    "Example: [bold]detente ledger verify talks.ledger[/]",
    no_args_is_help=True,
)

LedgerArg = Annotated[Path, typer.Argument(help="The ledger file (JSON Lines).", show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing file.")]


@ledger_app.command("keygen")
def keygen(
    party: Annotated[str, typer.Argument(help="The party id (as in the scenario).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for PARTY.key and PARTY.pub.")],
    force: ForceOpt = False,
) -> None:
    """Create a party's Ed25519 key pair: OUT/PARTY.key (owner-only) and OUT/PARTY.pub.

    Example: [bold]detente ledger keygen DPRK -o keys[/]
    """
    from detente.ledger import generate_key

    pair = generate_key(party, out, force=force)
    console.print(f"private key: {pair.private_path} (readable by you only; keep it secret)", highlight=False)
    console.print(f"public key:  {pair.public_path}", highlight=False)


@ledger_app.command("init")
def init(
    ledger: LedgerArg,
    scenario: Annotated[Path, typer.Option("--scenario", help="The scenario file.")],
    roadmap: Annotated[
        Path, typer.Option("--roadmap", help="The roadmap JSON (`detente roadmap --format json`).")
    ],
    keys: Annotated[Path, typer.Option("--keys", help="Folder holding PARTY.pub for every party.")],
    start: Annotated[
        str | None, typer.Option("--start", help="Day 0 of the roadmap (YYYY-MM-DD; default today).")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Create a ledger bound to a scenario, its roadmap and every party's public key.

    Example: [bold]detente ledger init talks.ledger --scenario scenarios/six-party-2007.yaml --roadmap rm.json --keys keys[/]
    """
    from detente.ledger import init_ledger

    entry = init_ledger(ledger, scenario=scenario, roadmap=roadmap, keys=keys, start=start, force=force)
    console.print(f"ledger created: {ledger}", highlight=False)
    console.print(f"head: {entry.hash}", highlight=False)


@ledger_app.command("append")
def append(
    ledger: LedgerArg,
    key: Annotated[Path, typer.Option("--key", help="Your party's private key (PARTY.key).")],
    event: Annotated[str, typer.Option("--event", help="done, verified, violation, snapback or note.")],
    move: Annotated[str | None, typer.Option("--move", help="The roadmap item (move id).")] = None,
    phase: Annotated[int | None, typer.Option("--phase", help="The item's phase (checked).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    time: Annotated[
        str | None, typer.Option("--time", help="When it happened (ISO; default now, UTC).")
    ] = None,
) -> None:
    """Append a signed entry and print the new head hash.

    Example: [bold]detente ledger append talks.ledger --key keys/DPRK.key --event done --move DPRK-shutdown-seal[/]
    """
    from detente.ledger import append_entry

    entry = append_entry(ledger, key=key, event=event, move=move, phase=phase, note=note, time=time)
    typer.echo(entry.hash)


@ledger_app.command("verify")
def verify(
    ledger: LedgerArg,
    head: Annotated[str | None, typer.Option("--head", help="A head hash you recorded earlier.")] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Check every hash, signature and reporting rule; exit 1 naming the first bad entry.

    Example: [bold]detente ledger verify talks.ledger --head 3fa9c2d17b04e8aa[/]
    """
    from detente.ledger import verify_ledger

    report = verify_ledger(ledger, head=head)
    if fmt is OutputFormat.json:
        emit_json(report.__dict__)
    elif report.ok:
        console.print(
            f"[green]✓[/] {terminal(str(ledger))}: intact, {report.entries} entries", highlight=False
        )
        console.print(f"head: {report.head}", highlight=False)
    else:
        err_console.print(f"[bold red]✗[/] {terminal(report.message())}", highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@ledger_app.command("head")
def head(ledger: LedgerArg) -> None:
    """Print the hash of the last entry (record it to detect a rollback later).

    Example: [bold]detente ledger head talks.ledger[/]
    """
    from detente.ledger.actions import head_hash

    typer.echo(head_hash(ledger))


@ledger_app.command("status")
def status(
    ledger: LedgerArg,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Status on this date (YYYY-MM-DD; default today).")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Per phase and party: done, verified, overdue, violations; the snapbacks a violation triggers.

    Example: [bold]detente ledger status talks.ledger --as-of 2008-06-30[/]
    """
    from detente.ledger import ledger_status

    st = ledger_status(ledger, as_of=as_of)
    if fmt is OutputFormat.json:
        emit_json(st.to_json())
        return
    console.print(
        f"{terminal(st.title)} — status on {st.as_of} (day 0 = {st.start}), {st.entries} entries",
        highlight=False,
    )
    phases = Table(title="Phases", title_justify="left")
    for col in ("phase", "due", "moves", "done", "verified", "overdue", "violations"):
        phases.add_column(col, justify="right" if col != "due" else "left")
    for p in st.phases:
        phases.add_row(
            str(p.index),
            p.due,
            str(len(p.items)),
            str(p.done),
            str(p.verified),
            str(p.overdue),
            str(p.violations),
        )
    console.print(phases)
    parties = Table(title="Parties", title_justify="left")
    for col in ("party", "due", "on time", "late", "overdue", "violations", "compliance"):
        parties.add_column(col, justify="left" if col == "party" else "right", no_wrap=col == "party")
    for q in st.parties:
        comp = "—" if q.compliance is None else f"{q.compliance:.0%}"
        parties.add_row(
            terminal(q.party),
            str(q.due),
            str(q.done_on_time),
            str(q.done_late),
            str(q.overdue),
            str(q.violations),
            comp,
        )
    console.print(parties)
    if st.snapbacks:
        console.print("Snapbacks owed (reversible relief that reverts):", highlight=False)
        for s in st.snapbacks:
            state = "reverted" if s.reverted else f"revert by {s.revert_by or '?'}"
            console.print(
                f"  {terminal(s.move)} ({terminal(s.owner)}): {state}; triggered by entry {s.violation_index}, "
                f"{terminal(s.violator)} violated {terminal(s.violation_move)}",
                highlight=False,
                soft_wrap=False,
            )
    if st.withheld:
        console.print(
            "Withheld (relief not yet delivered to a violator): " + terminal(", ".join(st.withheld)),
            highlight=False,
        )
    console.print(f"head: {st.head}", highlight=False)


@ledger_app.command("repair")
def repair(ledger: LedgerArg) -> None:
    """Remove an incomplete last line (an interrupted write); its bytes are kept in LEDGER.torn.

    Example: [bold]detente ledger repair talks.ledger[/]
    """
    from detente.ledger import repair_ledger

    removed, kept = repair_ledger(ledger)
    if removed == 0:
        console.print("nothing to repair: the last line is complete", highlight=False)
    else:
        console.print(f"removed an incomplete last line of {removed} bytes (kept in {kept})", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
