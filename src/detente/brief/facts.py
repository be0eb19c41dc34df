"""Brief content that needs only the compiled model: parties, stakes, tables, provenance, sources.

Definitions used here:

* what a party **gives** and **gets** in a package is computed by
  :func:`detente.analysis.options.explain` (own carried-out moves; others' moves it values above their
  status quo); here it is only turned into display lines grouped by pillar;
* a value's **provenance** is the ``basis`` and ``sources`` written on the value; when the value cites
  no source, the option's and then the move's sources are shown as *inherited*.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import numpy as np

from detente.brief.model import (
    MoveOptionRow,
    MoveRow,
    PartyInfo,
    PartyStake,
    PillarItems,
    SourceRow,
    ValueRow,
)

if TYPE_CHECKING:
    from detente.analysis.options import MoveItem, PartyView
    from detente.model.compiled import CompiledScenario


def pillar_names(cs: CompiledScenario) -> dict[str, str]:
    """Category id → display name (the scenario's ``categories`` or the id itself), in move order."""
    names = cs.scenario.categories
    return {c: names.get(c, c) for c in cs.categories}


def party_infos(cs: CompiledScenario) -> list[PartyInfo]:
    """Parties with best/worst attainable utility: Σ_k max_j / min_j values[offsets[k]+j, i]."""
    best = np.zeros(cs.n_parties)
    worst = np.zeros(cs.n_parties)
    for k in range(cs.n_moves):
        block = cs.values[cs.offsets[k] : cs.offsets[k + 1]]
        best += block.max(axis=0)
        worst += block.min(axis=0)
    return [
        PartyInfo(
            id=p.id,
            name=p.name,
            reservation=float(cs.reservation[i]),
            best=float(best[i]),
            worst=float(worst[i]),
            description=p.description,
        )
        for i, p in enumerate(cs.scenario.parties)
    ]


def item_text(name: str, label: str, n_options: int) -> str:
    """``"Move name — option label"``; a yes/no move shows just the move name for its 'yes' option."""
    if n_options == 2 and label.lower() in {"yes", "true", "do", "done", "1"}:
        return name
    return f"{name} — {label}"


def stakes_from_views(cs: CompiledScenario, views: list[PartyView]) -> list[PartyStake]:
    """Turn the analysis's per-party explanation of an option (gives/gets by pillar) into brief records."""
    pillars = pillar_names(cs)

    def grouped(groups: dict[str, list[MoveItem]]) -> list[PillarItems]:
        return [
            PillarItems(
                pillars.get(c, c),
                [item_text(it.name, it.label, int(cs.n_options[cs.move_index(it.move)])) for it in groups[c]],
            )
            for c in pillars
            if c in groups
        ]

    def top(groups: dict[str, list[MoveItem]], n: int = 3) -> list[str]:
        items = sorted((it for g in groups.values() for it in g), key=lambda it: -it.value)
        return [item_text(it.name, it.label, int(cs.n_options[cs.move_index(it.move)])) for it in items[:n]]

    return [
        PartyStake(
            party_id=v.party,
            party_name=v.name,
            gives=grouped(v.gives),
            gets=grouped(v.gets),
            utility=v.utility,
            reservation=v.reservation,
            gets_top=top(v.gets),
        )
        for v in views
    ]


def lead(text: str | None, limit: int = 320) -> str | None:
    """The first sentences of ``text`` that fit in ``limit`` characters (at least the first sentence,
    cut with an ellipsis if even that is longer)."""
    if not text:
        return None
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    out = ""
    for sentence in re.split(r"(?<=[.!?])\s+", flat):
        if out and len(out) + 1 + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    return out if len(out) <= limit else out[: limit - 1].rstrip() + "…"


def _fmt_days(x: float) -> str:
    return "" if math.isnan(x) else f"{x:g} day{'' if x == 1 else 's'}"


def move_rows(cs: CompiledScenario) -> list[MoveRow]:
    """The moves table: owner, pillar, reversibility, verification, prerequisites, every option's values."""
    pillars = pillar_names(cs)
    rows = []
    for k, m in enumerate(cs.scenario.moves):
        opts = []
        for j in range(int(cs.n_options[k])):
            g = int(cs.offsets[k]) + j
            ranges: list[tuple[float, float] | None] = []
            for i in range(cs.n_parties):
                lo, hi = float(cs.values_low[g, i]), float(cs.values_high[g, i])
                ranges.append((lo, hi) if lo != hi else None)
            opts.append(
                MoveOptionRow(
                    option_id=cs.option_ids[k][j],
                    label=cs.option_labels[k][j],
                    status_quo=j == int(cs.status_quo[k]),
                    values=[float(v) for v in cs.values[g]],
                    ranges=ranges,
                )
            )
        rev = "yes" if cs.reversible[k] else "no"
        if cs.reversible[k] and not math.isnan(cs.reversal_lead_days[k]):
            rev += f" ({_fmt_days(float(cs.reversal_lead_days[k]))})"
        ver = "yes" if cs.verifiable[k] else "no"
        if m.verification and m.verification.means:
            ver += f": {m.verification.means}"
        rows.append(
            MoveRow(
                id=m.id,
                name=m.name,
                owner=cs.party_names[int(cs.owner[k])],
                pillar=pillars[m.category],
                reversible=rev,
                verifiable=ver,
                requires=list(m.requires),
                sources=list(m.sources),
                options=opts,
                status_quo_id=m.status_quo_id,
            )
        )
    return rows


def value_rows(cs: CompiledScenario) -> list[ValueRow]:
    """Provenance of every value written in the scenario (values not written are 0 and not listed)."""
    rows = []
    for m in cs.scenario.moves:
        for opt in m.options:
            for pid, v in opt.values.items():
                lo, hi = v.bounds()
                own = list(v.sources)
                inherited = not own
                srcs = own or list(opt.sources) or list(m.sources)
                rows.append(
                    ValueRow(
                        move=m.name,
                        option=opt.label or opt.id,
                        party=cs.party_names[cs.party_index(pid)],
                        value=v.value,
                        low=lo,
                        high=hi,
                        basis=v.basis,
                        sources=srcs,
                        inherited=inherited and bool(srcs),
                    )
                )
    return rows


def move_sources(cs: CompiledScenario) -> list[set[str]]:
    """For each move, every source cited by the move, its options or their values."""
    out = []
    for m in cs.scenario.moves:
        ids = set(m.sources)
        for opt in m.options:
            ids.update(opt.sources)
            for v in opt.values.values():
                ids.update(v.sources)
        out.append(ids)
    return out


def source_rows(cs: CompiledScenario) -> list[SourceRow]:
    """Every source with the number of places (parties, moves, options, values, rules) that cite it."""
    s = cs.scenario
    count: dict[str, int] = {src.id: 0 for src in s.sources}

    def cite(ids: list[str]) -> None:
        for x in ids:
            count[x] = count.get(x, 0) + 1

    for p in s.parties:
        cite(p.sources)
    for m in s.moves:
        cite(m.sources)
        for opt in m.options:
            cite(opt.sources)
            for v in opt.values.values():
                cite(v.sources)
    for con in s.constraints:
        cite(con.sources)
    if s.history:
        cite(s.history.sources)
        for ph in s.history.phases:
            cite(ph.sources)
    return [
        SourceRow(
            id=src.id,
            title=src.title,
            publisher=src.publisher,
            date=src.date,
            url=src.url,
            note=src.note,
            cited=count[src.id],
        )
        for src in s.sources
    ]


def constraint_lines(cs: CompiledScenario) -> list[str]:
    """Every rule in the scenario's own words (red lines, prerequisites, exclusions, package rules)."""
    return [c.label for c in cs.constraints]


def carried_out(
    cs: CompiledScenario, choices: dict[str, str], moves: list[int] | None = None
) -> list[PillarItems]:
    """The moves a package carries out, grouped by owner (each move once), in move order."""
    groups: dict[str, list[str]] = {}
    for k in range(cs.n_moves) if moves is None else moves:
        j = cs.option_ids[k].index(choices[cs.move_ids[k]])
        if j != int(cs.status_quo[k]):
            owner = cs.party_names[int(cs.owner[k])]
            groups.setdefault(owner, []).append(
                item_text(cs.move_names[k], cs.option_labels[k][j], int(cs.n_options[k]))
            )
    return [PillarItems(owner, items) for owner, items in groups.items()]


def core_and_apart(
    cs: CompiledScenario, packages: list[dict[str, str]]
) -> tuple[list[PillarItems], list[list[str]]]:
    """What every package carries out alike (by owner), and for each package what sets it apart.

    A move belongs to the **core** when every package settles it the same way and carries it out. A
    package's move is **apart** when its option differs from the most common option of that move among
    the packages (ties: the first package's option); a status-quo choice reads "no <move>".
    """
    if len(packages) < 2:
        return [], [[] for _ in packages]
    core = [
        k
        for k in range(cs.n_moves)
        if len({p[cs.move_ids[k]] for p in packages}) == 1
        and packages[0][cs.move_ids[k]] != cs.option_ids[k][int(cs.status_quo[k])]
    ]
    apart: list[list[str]] = [[] for _ in packages]
    for k, mid in enumerate(cs.move_ids):
        opts = [p[mid] for p in packages]
        if len(set(opts)) == 1:
            continue
        common = max(dict.fromkeys(opts), key=opts.count)
        for n, o in enumerate(opts):
            if o == common:
                continue
            j = cs.option_ids[k].index(o)
            if j == int(cs.status_quo[k]):
                apart[n].append(f"no {cs.move_names[k]}")
            else:
                apart[n].append(item_text(cs.move_names[k], cs.option_labels[k][j], int(cs.n_options[k])))
    return carried_out(cs, packages[0], core), apart
