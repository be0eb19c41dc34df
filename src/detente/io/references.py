"""Cross-reference checks on a shape-valid scenario.

Checks: duplicate ids (parties, moves, options within a move, sources, coalitions, constraints);
unknown party ids (owners, values, weights, coalition members, red lines); unknown move/option ids in
references (``MOVE`` or ``MOVE:OPTION``); unknown source ids; status-quo options that do not exist;
categories named by constraints that no move has; and cycles among prerequisites (``requires``).
In the ``uncertainty`` section: factor and scenario ids that repeat (across both lists), and the
parties, moves, options, categories and sources their shifts name.
Each problem carries the field path and, through the source map, the line and column.
"""

from __future__ import annotations

from collections.abc import Iterable

from detente.errors import did_you_mean
from detente.io.errors import PathItem, Problem
from detente.io.source_map import SourceMap
from detente.model.scenario import DiscreteScenario, Factor, Implies, MinContent, RedLine, Scenario


class _Checker:
    def __init__(self, scenario: Scenario, smap: SourceMap, filename: str):
        self.s = scenario
        self.smap = smap
        self.filename = filename
        self.problems: list[Problem] = []
        self.party_ids = [p.id for p in scenario.parties]
        self.move_ids = [m.id for m in scenario.moves]
        self.source_ids = [s.id for s in scenario.sources]
        self.options = {m.id: [o.id for o in m.options] for m in scenario.moves}
        self.status_quo = {m.id: m.status_quo_id for m in scenario.moves if m.options}

    def add(self, path: tuple[PathItem, ...], message: str, hint: str | None = None) -> None:
        mark = self.smap.locate(path)
        self.problems.append(
            Problem(self.filename, path, message, mark[0] if mark else None, mark[1] if mark else None, hint)
        )

    def unknown(
        self, path: tuple[PathItem, ...], what: str, value: str, pool: Iterable[str], of: str = ""
    ) -> None:
        pool = list(pool)
        guess = did_you_mean(value, pool)
        if guess:
            hint = f"did you mean '{guess}'?"
        elif pool:
            shown = ", ".join(pool[:12]) + (", …" if len(pool) > 12 else "")
            hint = f"known: {shown}"
        else:
            hint = f"no {what}s are defined"
        self.add(path, f"unknown {what} '{value}'" + (f" of {of}" if of else ""), hint)

    def duplicates(self, ids: list[str | None], path: tuple[PathItem, ...], what: str) -> None:
        seen: dict[str, int] = {}
        for index, ident in enumerate(ids):
            if ident is None:
                continue
            if ident in seen:
                self.add(
                    (*path, index, "id"),
                    f"duplicate {what} id '{ident}' (first used at {path[-1]}[{seen[ident]}])",
                    "ids must be unique: rename one",
                )
            else:
                seen[ident] = index

    def party(self, path: tuple[PathItem, ...], pid: str) -> None:
        if pid not in self.party_ids:
            self.unknown(path, "party", pid, self.party_ids)

    def sources(self, path: tuple[PathItem, ...], ids: list[str]) -> None:
        for i, sid in enumerate(ids):
            if sid not in self.source_ids:
                self.unknown((*path, i), "source", sid, self.source_ids)

    def ref(self, path: tuple[PathItem, ...], ref: str) -> None:
        move, _, option = ref.partition(":")
        if move not in self.options:
            self.unknown(path, "move", move, self.move_ids)
        elif option and option not in self.options[move]:
            self.unknown(path, "option", option, self.options[move], of=f"move '{move}'")

    def count_overlaps(self, path: tuple[PathItem, ...], refs: list[str]) -> None:
        """A count rule counts the options of a package that its references name, each once: two
        references that name the same option (``m0`` and ``m0:o1``, or ``m0`` twice) would count it
        once, not twice, so they are refused instead of being merged silently."""
        seen: dict[str, int] = {}
        for j, ref in enumerate(refs):
            move, _, option = ref.partition(":")
            if move not in self.options:
                continue
            sq = self.status_quo.get(move)
            named = [option] if option else [o for o in self.options[move] if o != sq]
            for o in named:
                key = f"{move}:{o}"
                if key in seen:
                    earlier = refs[seen[key]]
                    self.add(
                        (*path, "refs", j),
                        f"'{ref}' names option '{key}', which '{earlier}' (refs[{seen[key]}]) already names",
                        "list each option once: a count rule counts each option of a package once "
                        f"(keep '{earlier}' or '{ref}', not both)",
                    )
                    break
                seen.setdefault(key, j)

    def run(self) -> list[Problem]:
        s = self.s
        self.duplicates(list(self.party_ids), ("parties",), "party")
        self.duplicates(list(self.move_ids), ("moves",), "move")
        self.duplicates(list(self.source_ids), ("sources",), "source")
        self.duplicates([c.id for c in s.coalitions], ("coalitions",), "coalition")
        self.duplicates([getattr(c, "id", None) for c in s.constraints], ("constraints",), "constraint")
        for i, p in enumerate(s.parties):
            self.sources(("parties", i, "sources"), p.sources)
        for i, c in enumerate(s.coalitions):
            for j, member in enumerate(c.members):
                self.party(("coalitions", i, "members", j), member)
        categories = {m.category for m in s.moves}
        for i, m in enumerate(s.moves):
            base: tuple[PathItem, ...] = ("moves", i)
            self.party((*base, "owner"), m.owner)
            self.duplicates([o.id for o in m.options], (*base, "options"), "option")
            if m.status_quo is not None and m.status_quo not in self.options[m.id]:
                self.unknown(
                    (*base, "status_quo"), f"option of move '{m.id}'", m.status_quo, self.options[m.id]
                )
            for pid in m.weights or {}:
                self.party((*base, "weights", pid), pid)
            for j, o in enumerate(m.options):
                self.sources((*base, "options", j, "sources"), o.sources)
                for pid, value in o.values.items():
                    self.party((*base, "options", j, "values", pid), pid)
                    self.sources((*base, "options", j, "values", pid, "sources"), value.sources)
            for field in ("requires", "excludes"):
                for j, r in enumerate(getattr(m, field)):
                    self.ref((*base, field, j), r)
                    if r.partition(":")[0] == m.id:
                        self.add((*base, field, j), f"move '{m.id}' {field} itself", "remove this entry")
            self.sources((*base, "sources"), m.sources)
        for i, con in enumerate(s.constraints):
            base = ("constraints", i)
            self.sources((*base, "sources"), con.sources)
            if isinstance(con, RedLine):
                self.party((*base, "party"), con.party)
                for field in ("requires", "refuses"):
                    for j, r in enumerate(getattr(con, field)):
                        self.ref((*base, field, j), r)
            elif isinstance(con, MinContent):
                if con.category not in categories:
                    self.unknown((*base, "category"), "category", con.category, sorted(categories))
            elif isinstance(con, Implies):
                self.ref((*base, "if"), con.if_)
                for j, r in enumerate(con.then):
                    self.ref((*base, "then", j), r)
            else:
                for j, r in enumerate(con.refs):
                    self.ref((*base, "refs", j), r)
                self.count_overlaps(base, con.refs)
        for i, src in enumerate(s.sources):
            if not src.title.strip():
                self.add(("sources", i, "title"), "empty source title", "say what the source is")
        if s.history is not None:
            self.sources(("history", "sources"), s.history.sources)
            for i, ph in enumerate(s.history.phases):
                for j, r in enumerate(ph.moves):
                    self.ref(("history", "phases", i, "moves", j), r)
                self.sources(("history", "phases", i, "sources"), ph.sources)
        if s.uncertainty is not None:
            self.uncertainty(categories)
        if not self.problems:
            self.cycles()
        return self.problems

    def uncertainty(self, categories: set[str]) -> None:
        """Ids in the ``uncertainty`` section: factors and scenarios (one id space), their shifts."""
        u = self.s.uncertainty
        assert u is not None
        seen: dict[str, str] = {}
        entries: list[tuple[str, int, Factor | DiscreteScenario]] = [
            ("factors", n, f) for n, f in enumerate(u.factors)
        ] + [("scenarios", n, d) for n, d in enumerate(u.scenarios)]
        for section, n, item in entries:
            base: tuple[PathItem, ...] = ("uncertainty", section, n)
            if item.id in seen:
                self.add(
                    (*base, "id"),
                    f"duplicate id '{item.id}' (first used at {seen[item.id]})",
                    "factor and scenario ids share one namespace: rename one",
                )
            else:
                seen[item.id] = f"uncertainty.{section}[{n}]"
            self.sources((*base, "sources"), item.sources)
            for k, shift in enumerate(item.shifts):
                at = (*base, "shifts", k)
                self.party((*at, "party"), shift.party)
                for j, r in enumerate(shift.moves):
                    self.ref((*at, "moves", j), r)
                for j, cat in enumerate(shift.categories):
                    if cat not in categories:
                        self.unknown((*at, "categories", j), "category", cat, sorted(categories))

    def cycles(self) -> None:
        """Report each prerequisite cycle once, as the chain of move ids that closes it."""
        graph = {m.id: [r.partition(":")[0] for r in m.requires] for m in self.s.moves}
        index = {m.id: i for i, m in enumerate(self.s.moves)}
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done
        stack: list[str] = []
        reported: set[frozenset[str]] = set()

        def visit(node: str) -> None:
            state[node] = 1
            stack.append(node)
            for nxt in graph.get(node, []):
                if state.get(nxt) == 1:
                    cycle = stack[stack.index(nxt) :] + [nxt]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        self.add(
                            ("moves", index[nxt], "requires"),
                            "prerequisite cycle: " + " → ".join(cycle),
                            "a move cannot (indirectly) require itself: remove one 'requires' entry",
                        )
                elif state.get(nxt) is None:
                    visit(nxt)
            stack.pop()
            state[node] = 2

        for move_id in graph:
            if move_id not in state:
                visit(move_id)


def check_references(scenario: Scenario, smap: SourceMap, filename: str) -> list[Problem]:
    """All cross-reference problems in ``scenario`` (empty list when it is consistent)."""
    return _Checker(scenario, smap, filename).run()
