"""A seeded chunk runner: the same results in process and on a Dask cluster.

Work is cut into chunks, each with its own seed drawn with :func:`task_seeds` — children of
``numpy.random.SeedSequence(seed)`` by ``spawn`` — so a chunk's random numbers depend only on the master
seed and the chunk's position, never on which worker runs it or in what order. :func:`run_chunks` maps a
function over the chunks and returns the results **in chunk order**:

* ``scheduler=None`` — in this process, one chunk after the other;
* ``scheduler="local"`` or ``"local:N"`` — a Dask ``LocalCluster`` of N single-threaded worker
  processes (default: 2) started for the call and closed after it;
* any other string — the address of a running Dask scheduler (``tcp://host:8786``).

``fn`` must be picklable (a module-level function, or a ``functools.partial`` of one) for Dask.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

S = TypeVar("S")
R = TypeVar("R")


def task_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent child seeds of ``SeedSequence(seed)`` (deterministic per position)."""
    return np.random.SeedSequence(seed).spawn(n)


def run_chunks(
    fn: Callable[[S], R],
    seeds: Sequence[S],
    scheduler: str | None = None,
    *,
    on_done: Callable[[], None] | None = None,
) -> list[R]:
    """``[fn(s) for s in seeds]``, in process or on Dask (see the module docstring); ``on_done`` is called
    after each finished chunk (for progress bars). One runner for the whole package:
    :func:`detente.uncertainty.runner.map_items`."""
    from detente.uncertainty.runner import map_items

    progress = (lambda _done: on_done()) if on_done is not None else None
    return map_items(fn, list(seeds), scheduler=scheduler, progress=progress)
