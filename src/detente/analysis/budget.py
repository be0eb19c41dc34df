"""One deterministic work budget per command, with one wall-clock safety stop.

``--time-limit T`` (and ``time_limit=T`` in the ``dt.*`` API) is a budget of T **work units** for the
whole command — about a second each on an idle machine, but never read from the clock:

* a CP-SAT solve is charged its own deterministic time (``response_proto.deterministic_time``; the
  solver is given what is left as ``max_deterministic_time``);
* a HiGHS solve is charged the branch-and-bound nodes it used (``NODES_PER_UNIT`` per unit,
  :mod:`detente.analysis.methods.milp`);
* non-solver work is charged by size, a fixed rate per unit of input (:func:`charge_model` for building a
  CP-SAT model, :func:`charge_packages` for enumerating or tabulating packages), so it counts against the
  same budget and a large file cannot run unbounded before the first solve.

Where a search stops therefore depends only on the input and T, never on the machine's load: the same
command gives the same answer on an idle and on a busy machine.

**One budget per command.** :func:`command_budget` opens the command's budget (the CLI and every
``dt.*`` function open one); while it is open, every :meth:`Budget.of` inside the algorithms returns a
*child* of it: at most what the command has left, charged to the command as it is spent. A multi-step
command (``analyze``, ``brief``, ``roadmap``, ``options``) gives each step a share with
:meth:`Budget.share` (what a step leaves unused passes to the later ones, deterministically).

**The safety stop.** The command has one wall-clock deadline, :func:`safety_seconds` (T) after it
starts. It only fires on a machine many times slower than the budget assumes; every solver's own
wall-clock limit is what is left of it, and when it fires ``wall_stopped`` is set on the command, the
answer is marked incomplete (not optimal) and says so (:data:`WALL_STOP_NOTE`). A step that has not
started when it fires is skipped with a note.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

#: The wall-clock safety stop of a command is this many times its budget plus :data:`SAFETY_MARGIN` s
#: (start-up, reading the file). It must not fire on a merely busy machine, or answers would depend on
#: the load: CP-SAT's deterministic time runs up to ~2.2 CPU-s per unit on the largest models measured,
#: and a busy 2-core machine gives a process about half a core, so ~4.5 s of wall per unit; 6× leaves a
#: margin, and a machine slower than that gets a marked, incomplete answer instead of an endless one.
SAFETY_FACTOR = 6.0
SAFETY_MARGIN = 8.0
#: Work units charged per option literal and party coefficient when a CP-SAT model is built
#: (measured: about 2.5·10^-6 s per term on an idle machine; rounded up).
MODEL_TERM_UNITS = 4e-6
#: Work units charged per package enumerated or tabulated (about 10^-7 s each, vectorised; rounded up).
PACKAGE_UNITS = 2e-7
WALL_STOP_NOTE = (
    "wall-clock safety stop reached (the machine was much slower than the work budget assumes): "
    "the answer is incomplete and may differ from run to run"
)
SKIPPED_NOTE = "skipped: the command's wall-clock safety stop had fired"


def safety_seconds(work: float) -> float:
    """Wall-clock safety stop (seconds) of a command with a budget of ``work`` units."""
    return SAFETY_FACTOR * float(work) + SAFETY_MARGIN


_ACTIVE: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("detente_budget", default=None)


@dataclass
class Budget:
    """A deterministic work budget (module docstring) and the wall-clock safety deadline.

    ``work`` is what is left, in work units; :meth:`spend` subtracts from it and from every ancestor
    (the command's budget), so a step can never spend more than the command has. ``deadline`` is a
    :func:`time.perf_counter` instant; ``wall_stopped`` records that it fired (on the command too).
    """

    work: float
    deadline: float
    wall_stopped: bool = False
    parent: Budget | None = field(default=None, repr=False, compare=False)
    #: Results computed once per command and shared by its steps (:func:`recall`, :func:`remember`).
    memo: dict[tuple[Any, ...], tuple[object, Any]] = field(default_factory=dict, repr=False, compare=False)

    def root(self) -> Budget:
        """The command's budget (the outermost ancestor)."""
        b = self
        while b.parent is not None:
            b = b.parent
        return b

    @classmethod
    def of(cls, work: float, *, wall: float | None = None) -> Budget:
        """A budget of ``work`` units. Inside :func:`command_budget`, a child of the command's budget
        (at most what it has left, its deadline, charged to it); otherwise a budget of its own whose
        safety stop (``wall`` seconds, default :func:`safety_seconds`) starts now."""
        command = _ACTIVE.get()
        if command is not None:
            return command.child(work)
        return cls(float(work), time.perf_counter() + (safety_seconds(work) if wall is None else wall))

    def child(self, work: float | None = None) -> Budget:
        """A budget of ``work`` units (default: all that is left) charged to this one, never more
        than this one has left, with the same deadline."""
        left = self.left() if work is None else min(self.left(), float(work))
        return Budget(left, self.deadline, self.wall_stopped, parent=self)

    def share(self, parts: int) -> Budget:
        """A child with ``1/parts`` of what is left: call it once per remaining step (the last step
        asks for ``share(1)``), so unused work passes on to the later steps."""
        return self.child(self.left() / max(1, parts))

    def left(self) -> float:
        return max(0.0, self.work)

    def wall_left(self) -> float:
        return max(0.0, self.deadline - time.perf_counter())

    def spend(self, units: float) -> None:
        """Charge ``units`` of work here and to every ancestor."""
        b: Budget | None = self
        while b is not None:
            b.work -= float(units)
            b = b.parent

    def stop_wall(self) -> None:
        """Record that the safety stop fired (here and on every ancestor)."""
        b: Budget | None = self
        while b is not None:
            b.wall_stopped = True
            b = b.parent

    @property
    def expired(self) -> bool:
        """No work left, or the safety stop fired (which is then recorded)."""
        if not self.wall_stopped and self.wall_left() <= 0.0:
            self.stop_wall()
        return self.work <= 0.0 or self.wall_stopped

    def charge_solver(self, solver: cp_model.CpSolver) -> None:
        """Charge a finished CP-SAT solve: its deterministic time, and the safety stop if it fired."""
        self.spend(solver.response_proto.deterministic_time)
        if solver_wall_stopped(solver):
            self.stop_wall()


def solver_wall_stopped(solver: cp_model.CpSolver) -> bool:
    """Whether a CP-SAT solve ended on its wall-clock limit (the safety stop) rather than on its
    deterministic work limit."""
    params = solver.parameters
    dtime = solver.response_proto.deterministic_time
    return bool(
        solver.wall_time >= 0.98 * params.max_time_in_seconds and dtime < params.max_deterministic_time
    )


def active() -> Budget | None:
    """The budget of the running command, if one is open."""
    return _ACTIVE.get()


@contextmanager
def command_budget(work: float, *, wall: float | None = None) -> Iterator[Budget]:
    """Open the budget of one command (module docstring): ``work`` units and one safety stop of
    ``wall`` seconds (default :func:`safety_seconds`) for everything run inside the ``with`` block.
    Nested calls (a command calling another command's function) share the outer budget."""
    outer = _ACTIVE.get()
    if outer is not None:
        yield outer.child(work)
        return
    budget = Budget(float(work), time.perf_counter() + (safety_seconds(work) if wall is None else wall))
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


@contextmanager
def step_budget(budget: Budget) -> Iterator[Budget]:
    """Run a step of a command with ``budget`` (e.g. :meth:`Budget.share`) as the active budget, so
    every :meth:`Budget.of` inside the step is a child of the step's share."""
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def charge(units: float) -> None:
    """Charge ``units`` of non-solver work to the running command (no-op outside a command)."""
    b = _ACTIVE.get()
    if b is not None:
        b.spend(units)


def charge_model(n_terms: int) -> None:
    """Charge the building of a model with ``n_terms`` coefficients (:data:`MODEL_TERM_UNITS` each)."""
    charge(MODEL_TERM_UNITS * n_terms)


def charge_packages(n_packages: int) -> None:
    """Charge the enumeration or tabulation of ``n_packages`` packages (:data:`PACKAGE_UNITS` each)."""
    charge(PACKAGE_UNITS * n_packages)


#: Work units charged per option × party value when a scenario is read and compiled (measured about
#: 5·10^-5 s per value on an idle machine for YAML, rounded up).
COMPILE_UNITS = 6e-5


def charge_compiled(cs: Any) -> None:
    """Charge reading and compiling ``cs`` (:data:`COMPILE_UNITS` per option × party value)."""
    charge(COMPILE_UNITS * int(cs.n_total_options) * (int(cs.n_parties) + 1))


def solver_limits(work: float) -> tuple[float, float]:
    """(deterministic limit, wall-clock limit) of one solve asking for ``work`` units: inside a command,
    at most what the command has left and what is left of its safety stop."""
    b = _ACTIVE.get()
    if b is None:
        return float(work), safety_seconds(work)
    return max(1e-3, min(float(work), b.left())), max(1e-3, b.wall_left())


def charge_solver(solver: Any) -> None:
    """Charge a finished CP-SAT solve to the running command (no-op outside a command)."""
    b = _ACTIVE.get()
    if b is not None:
        b.charge_solver(solver)


def recall(key: tuple[Any, ...], cs: object) -> Any:
    """What :func:`remember` stored under ``key`` for the same scenario object ``cs`` in the running
    command, else None. This is how the steps of one command share a result (``analyze`` solves each
    concept once; the options step and the brief's annex sections reuse those solutions)."""
    b = _ACTIVE.get()
    if b is None:
        return None
    hit = b.root().memo.get(key)
    return hit[1] if hit is not None and hit[0] is cs else None


def remember(key: tuple[Any, ...], cs: object, value: Any) -> None:
    """Store ``value`` for ``(key, cs)`` until the running command ends (no-op outside a command).
    The scenario object is kept with it, so an identical key for another scenario never matches."""
    b = _ACTIVE.get()
    if b is not None:
        b.root().memo[key] = (cs, value)
