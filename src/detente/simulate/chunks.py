"""A seeded chunk runner: the same results in process and on a Dask cluster.

Work is cut into chunks, each with its own seed drawn with :func:`task_seeds` — children of
``numpy.random.SeedSequence(seed)`` by ``spawn`` — so a chunk's random numbers depend only on the master
seed and the chunk's position, never on which worker runs it or in what order. :func:`run_chunks` maps a
function over the chunks and returns the results **in chunk order**:

* ``scheduler=None`` — in this process, one chunk after the other;
* ``scheduler="local"`` or ``"local:N"`` — a Dask ``LocalCluster`` of N single-threaded worker
  processes (default: the CPU count) started for the call and closed after it;
* any other string — the address of a running Dask scheduler (``tcp://host:8786``).

``fn`` must be picklable (a module-level function, or a ``functools.partial`` of one) for Dask.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from detente.errors import DetenteError

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
    after each finished chunk (for progress bars)."""
    if scheduler is None:
        out = []
        for s in seeds:
            out.append(fn(s))
            if on_done is not None:
                on_done()
        return out
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise DetenteError(f"--scheduler needs Dask's distributed scheduler: {exc}") from exc
    cluster = None
    if scheduler == "local" or scheduler.startswith("local:"):
        n = int(scheduler.partition(":")[2] or (os.cpu_count() or 1))
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        address: object = cluster
    else:
        address = scheduler
    try:
        try:
            client = Client(address, timeout="10s")  # type: ignore[arg-type]
        except OSError as exc:
            raise DetenteError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            futures = client.map(fn, list(seeds), pure=False)
            if on_done is not None:
                for _ in as_completed(futures):
                    on_done()
            return list(client.gather(futures))
    finally:
        if cluster is not None:
            cluster.close()
