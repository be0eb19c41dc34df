"""Risks for principals, derived from the options, their roadmaps, the coalitions and the sources.

* **Temptation** — a phase of an option's roadmap before which a party gains by stopping (found by
  the roadmap module's self-enforcement check; passed in as given risks).
* **Wedge** — an option *splits an alliance* when it is acceptable (u_i ≥ r_i) to some members of a
  coalition but not to others; the analysis's wedge results (moves that pull allies apart) are added.
* **Single source** — a move carried out by some option whose values rest on at most one cited
  source (counting sources on the move, its options and their values). Severity = the move's largest
  absolute gain over the status quo for any party, as a share of the largest such gain of any move.
* **Robustness** — an option acceptable to every party in fewer than :data:`ROBUST_ENOUGH` of the
  plausible value draws (:mod:`detente.brief.robust`). Severity = 1 − share.

**Ranking an option's risks** (so each option shows its own main risk, not one sentence for all):
an option that cannot be sequenced says so first; then the risks on which it is uniquely the worst
option (e.g. the lowest robustness, the largest temptation of a party); risks alike in every option
come last; otherwise the fewer other options are as badly off, the earlier; then risks not shared by
every option before shared ones, by kind (:data:`KIND_RANK`), the ones fewer options share, and
severity. The same risk (kind and subject) in several options is shown once, with the options it
concerns (:func:`group_risks`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from detente.brief.facts import move_sources
from detente.brief.model import OptionCard, Risk, RiskGroup, RiskLine

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

#: Below this share of draws acceptable to every party, an option's robustness is stated as a risk.
ROBUST_ENOUGH = 0.5
#: Kinds of risk, most serious first.
KIND_RANK = ("sequencing", "robustness", "temptation", "wedge", "single-source")
GROUPS = (
    ("sequencing", "Options that cannot be sequenced as written", "The roadmap planner found no order."),
    (
        "robustness",
        "Options that may not survive the value judgments",
        "Acceptable to every party in fewer than half of the plausible value draws.",
    ),
    (
        "temptation",
        "Phases where a side is tempted to stop",
        "After these phases one party gains more by stopping than by going on.",
    ),
    (
        "wedge",
        "Offers that would split an alliance",
        "Options or moves that are good for some members of a coalition and bad for others.",
    ),
    (
        "single-source",
        "Values that rest on a single source",
        "Moves of the options whose value judgments cite at most one source.",
    ),
)


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
                        subject=f"split {name}",
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
                subject=cs.move_ids[k],
            )
        )
    return sorted(out, key=lambda r: -r.severity)


def robustness_risks(cards: list[OptionCard]) -> list[Risk]:
    """Options acceptable to every party in fewer than :data:`ROBUST_ENOUGH` of the value draws."""
    out = []
    for card in cards:
        if card.robustness is None or card.robustness >= ROBUST_ENOUGH or not card.acceptable:
            continue
        rests = f" The judgments it rests on: {'; '.join(card.rests_on)}." if card.rests_on else ""
        out.append(
            Risk(
                kind="robustness",
                title=f"acceptable to every party in only {100 * card.robustness:.0f}% of plausible "
                "value draws",
                detail=f"{card.title} stays acceptable to every party in {100 * card.robustness:.0f}% of "
                f"the draws of the uncertain values: a small error in the judgments may lose the deal.{rests}",
                option=card.title,
                severity=1.0 - card.robustness,
                subject="robustness",
            )
        )
    return out


def all_risks(cs: CompiledScenario, cards: list[OptionCard], given: list[Risk]) -> list[Risk]:
    """``given`` risks (roadmap temptations, analysis wedges) plus alliance-split, robustness and
    single-source risks, by kind (:data:`KIND_RANK`) and most severe first within each kind."""
    found = given + split_risks(cs, cards) + robustness_risks(cards) + single_source_risks(cs, cards)
    return sorted(found, key=lambda r: (KIND_RANK.index(r.kind), -r.severity))


def _options_of(r: Risk) -> list[str]:
    return list(dict.fromkeys(([r.option] if r.option else []) + list(r.also)))


def _shared_by_all(r: Risk, risk_list: list[Risk], cards: list[OptionCard]) -> bool:
    """Whether every option has a risk of this kind and subject (so it does not set any option apart)."""
    if not r.subject or len(cards) < 2:
        return False
    have = {t for x in risk_list if x.kind == r.kind and x.subject == r.subject for t in _options_of(x)}
    return all(c.title in have for c in cards)


def _short(r: Risk, card: OptionCard) -> str:
    title = r.title
    for prefix in (f"{card.title}: ", f"{card.title} "):
        if title.startswith(prefix):
            title = title[len(prefix) :]
    return title[:1].upper() + title[1:]


def ranked_risks(card: OptionCard, risk_list: list[Risk], cards: list[OptionCard]) -> list[str]:
    """An option's risks as short lines, most important first (module docstring)."""
    below = [s for s in card.stakes if not s.acceptable]
    if card.needs:
        return [f"Needs: relax {card.needs}."]
    if below:
        return ["Not acceptable to " + ", ".join(s.party_name for s in below) + " (below reservation value)."]
    mine = [r for r in risk_list if r.concerns(card.title)]

    def same(r: Risk) -> list[Risk]:  # the same risk (kind and subject) in every option that has it
        return [x for x in risk_list if x.kind == r.kind and x.subject == r.subject] if r.subject else [r]

    def spread(r: Risk) -> int:  # how many options share it
        return len({t for x in same(r) for t in _options_of(x)})

    def standing(r: Risk) -> tuple[int, int]:  # (options worse, options as bad): (0, 0) = uniquely worst
        worse = sum(1 for x in same(r) if x.severity > r.severity + 1e-12)
        tied = sum(1 for x in same(r) if x is not r and abs(x.severity - r.severity) <= 1e-12)
        return worse, tied

    def key(r: Risk) -> tuple[object, ...]:
        worse, tied = standing(r)
        everywhere_alike = _shared_by_all(r, risk_list, cards) and worse == 0 and tied == spread(r) - 1
        return (
            r.kind != "sequencing",
            (worse, tied) != (0, 0),  # uniquely worst here first
            everywhere_alike,  # the same in every option: says nothing about this one
            worse + tied,  # how many other options are at least as exposed to it
            _shared_by_all(r, risk_list, cards),
            KIND_RANK.index(r.kind),
            spread(r),
            -r.severity,
            r.title,
        )

    mine.sort(key=key)
    lines = list(dict.fromkeys(_short(r, card) + "." for r in mine))
    return lines or ["No specific risk found."]


def main_risk(card: OptionCard, risk_list: list[Risk], cards: list[OptionCard] | None = None) -> str:
    """The one-line main risk of an option: the first of :func:`ranked_risks`."""
    return ranked_risks(card, risk_list, cards or [card])[0]


def group_risks(risk_list: list[Risk], cards: list[OptionCard]) -> list[RiskGroup]:
    """The risks by kind; one line per subject, naming every option it concerns (module docstring)."""
    titles = {c.title: c for c in cards}
    out = []
    for kind, title, intro in GROUPS:
        lines: dict[str, RiskLine] = {}
        for r in risk_list:
            if r.kind != kind:
                continue
            opts = _options_of(r)
            card = titles.get(r.option or "")
            text = _short(r, card) if card is not None else r.title
            key = r.subject or r.title
            if kind == "robustness":
                key = r.title
            if key in lines:
                line = lines[key]
                line.options += [o for o in opts if o not in line.options]
                if r.severity > line.severity:
                    line.title, line.detail, line.severity = text, r.detail, r.severity
                if kind == "temptation":
                    line.title = f"{r.subject} is tempted to stop part-way"
            else:
                lines[key] = RiskLine(title=text, detail=r.detail, options=opts, severity=r.severity)
        for line in lines.values():
            if kind == "temptation" and len(line.options) > 1:
                worst = next(r for r in risk_list if r.kind == kind and r.detail == line.detail)
                line.detail = f"Worst in {worst.option}: {line.detail}"
        if lines:
            ordered = sorted(lines.values(), key=lambda x: (-len(x.options), -x.severity, x.title))
            out.append(RiskGroup(kind=kind, title=title, intro=intro, lines=ordered))
    return out
