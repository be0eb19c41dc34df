"""Roadmap items: the steps a package is carried out in.

A package (one option per move, see :mod:`detente.model.compiled`) moves every move k whose chosen
option c_k differs from its status quo s_k. Each such move becomes one **item**, or several when it is
a **graded move** that can be carried out in stages (e.g. a petroleum cap raised 500k → 1M → 2M):

* the options between s_k and c_k, in file order, form the path s_k = o_0, o_1, …, o_n = c_k;
* the move is split into n steps o_{j-1} → o_j when n ≥ 2 and every party's value is monotone along
  the path (a graded quantity, not a list of unrelated alternatives);
* step j is worth ``v[o_j] − v[o_{j-1}]`` to each party (the value increments sum to the move's value);
* step j may not come before step j−1 (same phase allowed: a chunk is then released at once).

Item attributes come from the move: owner, reversibility (and reversal lead time), verification (and
lead time), duration, deadline and expiry. Relief that **expires unless renewed** counts as reversible
by its owner at no cost (the owner simply does not renew it). An item whose move states no
``reversibility`` has an open form (``form_open``): the roadmap may propose granting it reversibly.

Prerequisites (``requires`` in the scenario) become item precedences: the dependent move's first
step comes in a strictly later phase than the required step — the first step of a required ``MOVE``,
or the step that reaches ``MOVE:OPTION`` (the last step if that option is beyond the package).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, FloatArray


def exact(days: float) -> Fraction:
    """The decimal a finite number of days was written as, exactly: its shortest repr as a fraction
    (0.1 → 1/10, so 3.3 − 1.3 is exactly 2, not 1.9999999999999998)."""
    return Fraction(repr(float(days)))


@dataclass(frozen=True, eq=False)
class Item:
    """One step of a roadmap (a whole move, or one stage of a graded move)."""

    id: str
    move: int
    option_from: int
    option_to: int
    label: str
    owner: int
    values: FloatArray
    reversible: bool
    reversal_lead_days: float
    verifiable: bool
    verification_lead_days: float
    duration_days: float
    deadline_days: float
    expires_after_days: float
    step: int = 0
    n_steps: int = 1
    form_open: bool = False  # the scenario leaves its reversibility unstated: it could be granted reversibly

    @property
    def expiring(self) -> bool:
        return math.isfinite(self.expires_after_days)

    @property
    def revocable(self) -> bool:
        """Reversible by its owner: explicitly reversible, or relief that lapses unless renewed."""
        return self.reversible or self.expiring

    @property
    def length_days(self) -> int:
        """Days from release until the item is carried out and (if verifiable) verified:
        ⌈duration + verification lead⌉, exactly (see :func:`exact`)."""
        ver = exact(self.verification_lead_days) if self.verifiable else Fraction(0)
        return math.ceil(exact(self.duration_days) + ver)

    @property
    def latest_start_day(self) -> int | None:
        """The last whole day the item may be released and still finish by its deadline:
        ⌊deadline − duration⌋, exactly (None without a deadline). Phases start on whole days, so
        start ≤ latest_start_day ⇔ start + duration ≤ deadline. The one definition of a met deadline,
        used by the sequencer and by :func:`detente.roadmap.rules.check_rules`."""
        if not math.isfinite(self.deadline_days):
            return None
        return math.floor(exact(self.deadline_days) - exact(self.duration_days))


@dataclass(frozen=True, eq=False)
class ItemSet:
    """The items of one package plus their precedences.

    ``before`` holds pairs (a, b): item a in a strictly earlier phase than item b (prerequisites).
    ``not_after`` holds pairs (a, b): item a no later than item b (successive steps of a graded move).
    ``prereq_labels[(a, b)]`` says the rule behind each ``before`` pair in the scenario's words.
    """

    items: tuple[Item, ...]
    before: tuple[tuple[int, int], ...]
    not_after: tuple[tuple[int, int], ...]
    prereq_labels: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    parties: int = 0  # P, needed when there are no items

    def __len__(self) -> int:
        return len(self.items)

    @property
    def n_parties(self) -> int:
        return len(self.items[0].values) if self.items else self.parties

    @property
    def values(self) -> FloatArray:
        """(N, P) value of every item to every party."""
        if not self.items:
            return np.zeros((0, self.parties))
        return np.vstack([it.values for it in self.items])

    @property
    def owners(self) -> npt.NDArray[np.int64]:
        return np.asarray([it.owner for it in self.items], dtype=np.int64)

    def index(self, item_id: str) -> int:
        for n, it in enumerate(self.items):
            if it.id == item_id:
                return n
        raise KeyError(item_id)


def _monotone(block: FloatArray) -> bool:
    """Every column (party) of ``block`` (path length × P) is non-decreasing or non-increasing."""
    d = np.diff(block, axis=0)
    return bool(np.all(np.all(d >= -1e-12, axis=0) | np.all(d <= 1e-12, axis=0)))


def build_items(cs: CompiledScenario, choices: npt.ArrayLike, *, split_graded: bool = True) -> ItemSet:
    """The roadmap items of package ``choices`` (see the module docstring)."""
    c = np.asarray(choices, dtype=np.int64)
    if c.shape != (cs.n_moves,):
        raise DetenteError(f"a package needs one option per move ({cs.n_moves}); got shape {c.shape}")
    items: list[Item] = []
    first: dict[int, int] = {}
    steps_of: dict[int, list[int]] = {}
    for k in range(cs.n_moves):
        sq, ch = int(cs.status_quo[k]), int(c[k])
        if ch == sq:
            continue
        path = list(range(sq, ch + 1)) if ch > sq else list(range(sq, ch - 1, -1))
        start = int(cs.offsets[k])
        block = cs.values[[start + j for j in path]]
        if not (split_graded and len(path) > 2 and _monotone(block)):
            path = [sq, ch]
        n_steps = len(path) - 1
        ids: list[int] = []
        for j in range(1, len(path)):
            a, b = path[j - 1], path[j]
            opt = cs.option_ids[k][b]
            item_id = cs.move_ids[k] if n_steps == 1 else f"{cs.move_ids[k]}:{opt}"
            label = cs.move_names[k] if n_steps == 1 else f"{cs.move_names[k]} → {cs.option_labels[k][b]}"
            ids.append(len(items))
            items.append(
                Item(
                    id=item_id,
                    move=k,
                    option_from=a,
                    option_to=b,
                    label=label,
                    owner=int(cs.owner[k]),
                    values=cs.values[start + b] - cs.values[start + a],
                    reversible=bool(cs.reversible[k]),
                    reversal_lead_days=float(cs.reversal_lead_days[k]),
                    verifiable=bool(cs.verifiable[k]),
                    verification_lead_days=float(cs.verification_lead_days[k]),
                    duration_days=float(cs.duration_days[k]),
                    deadline_days=float(cs.deadline_days[k]),
                    expires_after_days=float(cs.expires_after_days[k]),
                    step=j,
                    n_steps=n_steps,
                    form_open=cs.scenario.moves[k].reversibility is None,
                )
            )
        first[k] = ids[0]
        steps_of[k] = ids
    not_after = [(ids[j - 1], ids[j]) for ids in steps_of.values() for j in range(1, len(ids))]
    before: list[tuple[int, int]] = []
    labels: dict[tuple[int, int], str] = {}
    notes: list[str] = []
    prereq_label = {
        con.origin: con.label for con in cs.constraints if con.kind == "prerequisite" and con.origin
    }
    for k, m in enumerate(cs.scenario.moves):
        if k not in first:
            continue
        for j, ref in enumerate(m.requires):
            move_id, _, opt = ref.partition(":")
            r = cs.move_index(move_id)
            if r not in steps_of:
                notes.append(
                    f"{m.name} ({m.id}) requires {ref}, which is not in the package; the rule is ignored"
                )
                continue
            target = steps_of[r][0]
            if opt:
                reach = cs.option_ids[r].index(opt)
                hits = [n for n in steps_of[r] if items[n].option_to == reach]
                target = hits[0] if hits else steps_of[r][-1]
            pair = (target, first[k])
            if pair not in labels:
                before.append(pair)
                labels[pair] = prereq_label.get(("moves", k, "requires", j), f"{m.id} requires {ref}")
    return ItemSet(tuple(items), tuple(before), tuple(not_after), labels, tuple(notes), cs.n_parties)
