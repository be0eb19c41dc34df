"""Terminal rendering shared by every CLI command: output that fits 80 columns and never cuts an id.

Rules (docs: README "A tour"):

* **ids are never cut**: id columns have ``overflow="fold"`` and a minimum width of their longest id,
  so Rich shrinks the other columns instead; text wraps at spaces, so an id stays on one line.
  Nothing uses ``overflow="ellipsis"``;
* **one line per item**: compact borderless tables (:func:`table`) with a few columns, and vertical
  "label: item, item, …" lists with a hanging indent (:func:`listing`) instead of wide grids;
* **details on request**: commands print a summary and point to ``--detail`` or ``--format json``;
* **one way to print an objective**: :func:`objective_text` (the Nash objective is the geometric mean
  of the gains, ``(Π_{i∈S} (u_i − d_i))^{1/|S|}`` — the same number the options and the brief rank by,
  in utility units — never the raw product).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from rich import box
from rich.table import Table

from detente.cli.common import console, fmt_num
from detente.text import terminal

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

ColumnKind = Literal["id", "num", "text"]

#: Human names of the solution concepts (one place for every command).
CONCEPT_NAMES = {
    "nash": "Nash bargaining solution",
    "ks": "Kalai–Smorodinsky solution",
    "egalitarian": "Egalitarian (leximin) solution",
    "welfare": "Maximum welfare",
}


@dataclass(frozen=True)
class Col:
    """A column of :func:`table`: ``id`` (never cut), ``num`` (right-aligned) or ``text`` (wraps)."""

    header: str
    kind: ColumnKind = "text"
    min_width: int | None = None


def table(columns: Sequence[Col | str], title: str | None = None, ids: Iterable[str] = ()) -> Table:
    """A compact borderless table (header rule only). ``ids``: every id that may appear, so id columns
    are at least as wide as the longest one (plain strings are ``text`` columns)."""
    longest = max((len(i) for i in ids), default=0)
    t = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
        min_width=len(title) if title else None,
    )
    for c in columns:
        col = Col(c) if isinstance(c, str) else c
        if col.kind == "id":
            width = max(col.min_width or 0, longest, len(col.header))
            t.add_column(col.header, overflow="fold", min_width=width)
        elif col.kind == "num":
            t.add_column(col.header, justify="right", no_wrap=True, overflow="fold", min_width=col.min_width)
        else:
            t.add_column(col.header, overflow="fold", min_width=col.min_width)
    return t


def heading(text: str) -> None:
    """A section heading: a bold line (no rule, so it never wraps into two)."""
    console.print(f"\n[bold]{terminal(text)}[/]", highlight=False, soft_wrap=False)


def title(text: str) -> None:
    """The title of a command's output: in a rule across the terminal, or above it when too long
    (a rule would cut it with "…")."""
    if len(text) + 4 <= console.width:
        console.rule(f"[bold]{terminal(text)}")
    else:
        console.print(f"[bold]{terminal(text)}[/]", highlight=False)
        console.rule()


def say(text: str, *, markup: bool = True, style: str | None = None) -> None:
    """A paragraph, wrapped at spaces (so ids stay whole)."""
    console.print(text, highlight=False, markup=markup, style=style)


def plain(text: str, style: str | None = None) -> None:
    """A paragraph of user text (no markup interpretation)."""
    console.print(text, highlight=False, markup=False, style=style)


def listing(rows: Sequence[tuple[str, str]], indent: int = 2) -> None:
    """Lines "label  text" with the text wrapped under itself (a hanging indent).

    Labels are never wrapped; the text is markup and wraps at spaces (``a:b, c:d`` items stay whole).
    """
    if not rows:
        return
    g = Table.grid(padding=(0, 1), pad_edge=False)
    g.add_column(no_wrap=True, overflow="fold")
    g.add_column(overflow="fold")
    for label, text in rows:
        g.add_row(" " * indent + label, text)
    console.print(g)


def notes(lines: Iterable[str], prefix: str = "Note") -> None:
    for line in lines:
        console.print(f"[dim]{prefix}: {terminal(line)}[/]", highlight=False)


def proof(optimal: bool, gap: float | None) -> str:
    """'proven optimal' or 'not proven optimal (gap …)' (markup)."""
    if optimal:
        return "[green]proven optimal[/]"
    return "[yellow]not proven optimal[/]" + (f" (gap {fmt_num(gap, 4)})" if gap is not None else "")


def signed(x: float) -> str:
    """A value with its sign (+3, −2, 0)."""
    s = fmt_num(x)
    return f"+{s}" if x > 0 else s


def nash_score(cs: CompiledScenario, utilities: Sequence[float] | Any) -> float | None:
    """Geometric mean of the gains over the parties that gain: ``(Π_{i∈S} g_i)^{1/|S|}``,
    g_i = u_i − d_i, S = {i : g_i > 0}. None when no party gains."""
    gains = [float(u) - float(d) for u, d in zip(utilities, cs.disagreement, strict=True)]
    pos = [g for g in gains if g > 1e-9]
    if not pos:
        return None
    return math.exp(sum(math.log(g) for g in pos) / len(pos))


def objective_text(concept: str, value: float | None) -> str:
    """The objective of a concept, labelled in words (one formula per concept, used everywhere)."""
    if value is None:
        return "no objective value"
    what = {
        "nash": "Nash score (geometric mean of the gains over the disagreement point)",
        "ks": "Kalai–Smorodinsky score (least share of the ideal gain)",
        "egalitarian": "egalitarian score (smallest gain)",
        "welfare": "welfare (sum of utilities)",
    }.get(concept, f"{concept} score")
    return f"{what} {value:.6g}"


# ----- packages -------------------------------------------------------------------------------------
def moved(cs: CompiledScenario, choices: Mapping[str, str]) -> list[int]:
    """Indices of the moves a package carries out (options other than the status quo)."""
    out = []
    for k, mid in enumerate(cs.move_ids):
        if mid in choices and choices[mid] != cs.option_ids[k][int(cs.status_quo[k])]:
            out.append(k)
    return out


def move_option(cs: CompiledScenario, k: int, option: str) -> str:
    """``move`` for yes/no moves (two options), else ``move:option``."""
    return cs.move_ids[k] if len(cs.option_ids[k]) == 2 else f"{cs.move_ids[k]}:{option}"


def package_by_pillar(cs: CompiledScenario, choices: Mapping[str, str], indent: int = 2) -> None:
    """The moves a package carries out, one line per pillar (category)."""
    groups: dict[str, list[str]] = {}
    for k in moved(cs, choices):
        groups.setdefault(cs.category[k], []).append(move_option(cs, k, choices[cs.move_ids[k]]))
    if not groups:
        say(" " * indent + "status quo (no move carried out)")
        return
    listing([(f"{pillar}:", ", ".join(items)) for pillar, items in groups.items()], indent=indent)


def utilities_table(
    cs: CompiledScenario,
    columns: Mapping[str, Mapping[str, float]],
    title: str | None = None,
    reservation: bool = True,
) -> Table:
    """Rows = parties; columns = packages (name → party id → utility); the reservation first."""
    cols: list[Col | str] = [Col("party", "id")]
    if reservation:
        cols.append(Col("reservation", "num"))
    cols += [Col(name, "num") for name in columns]
    t = table(cols, title=title, ids=cs.party_ids)
    for i, pid in enumerate(cs.party_ids):
        cells = [fmt_num(float(u[pid])) if pid in u else "—" for u in columns.values()]
        res = [fmt_num(float(cs.reservation[i]))] if reservation else []
        t.add_row(pid, *res, *cells)
    return t


def gives_gets(opt: Any) -> None:
    """Per party: what it gives (its own moves) and gets (others' moves it values), with values."""

    def items(groups: Mapping[str, Sequence[Any]]) -> str:
        # value attached to the item ("move:option(+3)") so a line break never separates them
        parts = [f"{it.move}:{it.option}({signed(it.value)})" for its in groups.values() for it in its]
        return ", ".join(parts) or "—"

    for v in opt.parties:
        margin = f"[green]{signed(v.margin)}[/]" if v.margin >= 0 else f"[red]{signed(v.margin)}[/]"
        say(
            f"  [bold]{terminal(v.party)}[/] utility {fmt_num(v.utility)}, margin {margin}"
            f" [dim]({terminal(v.name)})[/]"
        )
        listing([("gives", items(v.gives)), ("gets ", items(v.gets))], indent=4)
