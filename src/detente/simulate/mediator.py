"""The mediator of the single negotiating text (the Camp David procedure), as a CP-SAT model.

The mediator drafts a text (a package that satisfies every rule), collects each party's worst item, and
revises. The mediator plays the analyst: it knows the reservation values. A revision is the package,
over the shared package model (:func:`detente.analysis.methods.cpsat_model.build_package_model`), that
lexicographically

1. keeps as many parties as possible at or above their reservation value (``ok_i ⇒ u_i ≥ r_i``);
2. meets as many complaints as possible — complaint (i, k) is met when move k takes an option that is
   strictly better for party i than the current one (``sat_ik ⇒ Σ_{j: v_kj,i > v_kc,i} x_kj ≥ 1``);
3. changes as few moves of the current text as possible (a single text evolves, it is not replaced);
4. maximises the scaled welfare ``Σ_i u_i / w_i`` (w_i = party i's full utility range), so that among
   equally small revisions the one that costs the others least is chosen.

The first draft is the package closest to the status quo (steps 1, 3 and 4 with no complaints). CP-SAT runs
deterministically (one worker, fixed seed, a deterministic work limit of :data:`REVISION_LIMIT` per
revision, after which the best text found is used); revisions are cached per (text, complaints).
"""

from __future__ import annotations

import threading

import numpy as np

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, IntArray
from detente.simulate.offers import deterministic_solver, scenario_key

WELFARE_RESOLUTION = 100
#: Deterministic work limit of one revision: the best text found within it is used (proven or not), so
#: a round of a large scenario stays quick and the result stays the same on every machine.
REVISION_LIMIT = 1.0


class Mediator:
    """Drafts and revises the single negotiating text (see the module docstring). Use :func:`mediator`."""

    def __init__(self, cs: CompiledScenario) -> None:
        from detente.analysis.methods.cpsat_model import build_package_model

        self.cs = cs
        self.pm = build_package_model(cs, acceptable=False)
        spans = np.zeros(cs.n_parties)
        for k in range(cs.n_moves):
            block = cs.values[cs.offsets[k] : cs.offsets[k + 1]]
            spans += block.max(axis=0) - block.min(axis=0)
        spans[spans <= 0] = 1.0
        self.welfare = np.round(cs.values / spans * WELFARE_RESOLUTION).sum(axis=1).astype(np.int64)
        self.welfare -= int(self.welfare.min(initial=0))
        top = int(sum(self.welfare[cs.offsets[k] : cs.offsets[k + 1]].max() for k in range(cs.n_moves)))
        self._change_weight = top + 1
        self._complaint_weight = self._change_weight * (cs.n_moves + 1)
        self._accept_weight = self._complaint_weight * (cs.n_parties + 1)
        self._cache: dict[bytes, IntArray] = {}
        self._lock = threading.Lock()

    def first_draft(self) -> IntArray:
        return self.revise(self.cs.status_quo, ())

    def revise(self, text: IntArray, complaints: tuple[tuple[int, int], ...]) -> IntArray:
        """The revised text for complaints ``(party, move)`` on ``text`` (see the module docstring)."""
        key = np.asarray(text, dtype=np.int64).tobytes() + repr(complaints).encode()
        with self._lock:
            got = self._cache.get(key)
            if got is None:
                got = self._solve(np.asarray(text, dtype=np.int64), complaints)
                self._cache[key] = got
        return got

    def _solve(self, text: IntArray, complaints: tuple[tuple[int, int], ...]) -> IntArray:
        from ortools.sat.python import cp_model

        cs = self.cs
        model = self.pm.model.clone()
        x = [[model.get_bool_var_from_proto_index(v.Index()) for v in row] for row in self.pm.x]
        met = []
        for i, k in complaints:
            start = int(cs.offsets[k])
            current = cs.values[start + int(text[k]), i]
            better = [
                x[k][j] for j in range(int(cs.n_options[k])) if cs.values[start + j, i] > current + 1e-12
            ]
            if not better:
                continue
            lit = model.new_bool_var(f"met[{i},{k}]")
            model.add(sum(better) >= 1).only_enforce_if(lit)
            met.append(lit)
        ok = []
        u = [model.get_int_var_from_proto_index(v.Index()) for v in self.pm.u]
        for i in range(cs.n_parties):
            lit = model.new_bool_var(f"ok[{i}]")
            model.add(u[i] >= int(self.pm.int_reservation[i])).only_enforce_if(lit)
            ok.append(lit)
        kept = [x[k][int(text[k])] for k in range(cs.n_moves)]
        flat = [v for row in x for v in row]
        welfare = sum(int(w) * flat[o] for o, w in enumerate(self.welfare) if w)
        model.maximize(
            self._accept_weight * sum(ok)
            + self._complaint_weight * sum(met)
            + self._change_weight * sum(kept)
            + welfare
        )
        solver = deterministic_solver(limit=REVISION_LIMIT)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise DetenteError(
                "the mediator found no package that satisfies every rule of the scenario "
                "(see `detente diagnose`)"
            )
        return np.asarray(
            [next(j for j, v in enumerate(row) if solver.boolean_value(v)) for row in x], dtype=np.int64
        )


_MEDIATORS: dict[str, Mediator] = {}


def mediator(cs: CompiledScenario) -> Mediator:
    """The (process-wide, cached) mediator of scenario ``cs``."""
    key = scenario_key(cs)
    med = _MEDIATORS.get(key)
    if med is None:
        med = Mediator(cs)
        _MEDIATORS[key] = med
    return med
