"""Risks for principals, derived from the options, their roadmaps, the coalitions and the sources.

* **Temptation** — a phase of an option's roadmap before which a party gains by stopping (found by
  the roadmap module's self-enforcement check; passed in as given risks).
* **Wedge** — an option *splits an alliance* when it is acceptable (u_i ≥ r_i) to some members of a
  coalition but not to others; the analysis's wedge results (moves that pull allies apart) are added.
* **Single source** — a move carried out by some option whose values rest on at most one cited
  source (counting sources on the move, its options and their values). Severity = the move's largest
  absolute gain over the status quo for any party, as a share of the largest such gain of any move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from detente.brief.facts import move_sources
from detente.brief.model import OptionCard, Risk

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario


def split_risks(cs: CompiledScenario, cards: list[OptionCard]) -> list[Risk]:
    out = []
    for _, name, members in cs.coalitions:
        for card in cards:
            stakes = [card.stakes[i] for i in members]
            ok = [s for s in stakes if s.acceptable]
            no = [s for s in stakes if not s.acceptable]
            if ok and no:
                out.append(
                    Risk(
                        kind="wedge",
                        title=f"{card.title} would split the {name}",
                        detail=", ".join(f"{s.party_name} gains ({s.surplus:+.3g} over no deal)" for s in ok)
                        + "; "
                        + ", ".join(
                            f"{s.party_name} falls below its reservation ({s.surplus:+.3g})" for s in no
                        )
                        + ".",
                        option=card.title,
                        severity=max(-s.surplus for s in no),
                    )
                )
    return out


def single_source_risks(cs: CompiledScenario, cards: list[OptionCard]) -> list[Risk]:
    srcs = move_sources(cs)
    gains = np.zeros(cs.n_moves)
    for k in range(cs.n_moves):
        block = cs.values[cs.offsets[k] : cs.offsets[k + 1]]
        gains[k] = float(np.abs(block - block[int(cs.status_quo[k])]).max())
    top = float(gains.max(initial=0)) or 1.0
    used: dict[int, list[str]] = {}
    for card in cards:
        for k, mid in enumerate(cs.move_ids):
            if card.choices[mid] != cs.option_ids[k][int(cs.status_quo[k])]:
                used.setdefault(k, []).append(card.title)
    if not cards:
        used = {k: [] for k in range(cs.n_moves)}
    out = []
    for k, titles in used.items():
        if len(srcs[k]) > 1 or gains[k] <= 0:
            continue
        what = "no cited source" if not srcs[k] else f"a single source ({next(iter(srcs[k]))})"
        out.append(
            Risk(
                kind="single-source",
                title=f"{cs.move_names[k]} rests on {what}",
                detail=f"The value of {cs.move_names[k]} (largest effect {gains[k]:.3g} for a party) "
                f"rests on {what}"
                + (f"; it is part of {', '.join(titles)}." if titles else ".")
                + " A second, independent source would make the judgment easier to defend.",
                option=titles[0] if len(titles) == 1 else None,
                severity=float(gains[k] / top),
                also=list(titles),
            )
        )
    return sorted(out, key=lambda r: -r.severity)


def all_risks(cs: CompiledScenario, cards: list[OptionCard], given: list[Risk]) -> list[Risk]:
    """``given`` risks (roadmap temptations, analysis wedges) plus alliance-split and single-source
    risks, most severe first within each kind."""
    temptations = [r for r in given if r.kind in ("temptation", "sequencing")]
    wedges = [r for r in given if r.kind == "wedge"] + split_risks(cs, cards)
    return (
        sorted(temptations, key=lambda r: -r.severity)
        + sorted(wedges, key=lambda r: -r.severity)
        + single_source_risks(cs, cards)
    )


def main_risk(card: OptionCard, risk_list: list[Risk]) -> str:
    """The one-line main risk of an option: unacceptable party first, then its most severe risk."""
    below = [s for s in card.stakes if not s.acceptable]
    if card.needs:
        return f"Needs: relax {card.needs}."
    if below:
        return "Not acceptable to " + ", ".join(s.party_name for s in below) + " (below reservation value)."
    mine = [r for r in risk_list if r.concerns(card.title)]
    for kind in ("sequencing", "temptation", "wedge", "single-source"):
        of_kind = [r for r in mine if r.kind == kind]
        if of_kind:
            return max(of_kind, key=lambda r: r.severity).title + "."
    return "No specific risk found."
