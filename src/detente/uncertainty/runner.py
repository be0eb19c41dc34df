"""Run a chunk function over deterministically seeded chunks: in-process, or on a Dask cluster.

The work is split into chunks of at most ``chunk_size`` items; chunk c gets the c-th child of
``numpy.random.SeedSequence(seed).spawn(n_chunks)``. Each chunk's result depends only on its own
seed and size, and results come back in chunk order, so in-process, local-cluster and remote-cluster
runs give identical numbers — the chunking, not the scheduler, defines the random stream.

This module is generic: ``fn(seed_sequence, size) -> T`` can compute anything (robustness counts,
simulation runs). ``scheduler`` is ``None`` (this process), ``"local"`` (a
:class:`distributed.LocalCluster` started and stopped here) or a scheduler address
(``tcp://host:port``) of a running cluster whose workers can import :mod:`detente`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from detente.errors import DetenteError

T = TypeVar("T")

#: Default number of items (draws) per chunk: part of the random stream's definition.
CHUNK_SIZE = 65_536


@dataclass(frozen=True)
class Chunk:
    """One unit of work: its position, its seed and how many items it holds."""

    index: int
    seed: np.random.SeedSequence
    size: int


def chunks(total: int, seed: int, chunk_size: int = CHUNK_SIZE) -> list[Chunk]:
    """Split ``total`` items into seeded chunks (see the module docstring)."""
    if total < 1:
        raise DetenteError(f"the number of draws must be at least 1, got {total}")
    if chunk_size < 1:
        raise DetenteError(f"the chunk size must be at least 1, got {chunk_size}")
    n = -(-total // chunk_size)
    seeds = np.random.SeedSequence(seed).spawn(n)
    return [Chunk(c, seeds[c], min(chunk_size, total - c * chunk_size)) for c in range(n)]


@contextmanager
def _client(scheduler: str) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise DetenteError(f"Dask is not installed ({exc}); install dask[distributed]") from exc
    if scheduler == "local" or scheduler.startswith("local:"):
        workers = scheduler.partition(":")[2]
        if workers and not workers.isdigit():
            raise DetenteError(
                f"unknown scheduler '{scheduler}': give 'local', 'local:N' or a tcp:// address"
            )
        n = int(workers) if workers else 2
        with (
            LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0") as cl,
            Client(cl) as client,
        ):
            yield client
        return
    if not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise DetenteError(
            f"unknown scheduler '{scheduler}': give 'local', 'local:N' or an address such as tcp://127.0.0.1:8786"
        )
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise DetenteError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        yield client
    finally:
        client.close()


def map_chunks(
    fn: Callable[[np.random.SeedSequence, int], T],
    work: list[Chunk],
    *,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    client: Any = None,
) -> list[T]:
    """``[fn(c.seed, c.size) for c in work]``, in chunk order, on the chosen scheduler.

    ``progress(done)`` is called as chunks finish (in any order). A ready ``client`` (a
    :class:`distributed.Client`) may be passed instead of ``scheduler`` to reuse a connection.
    """
    if client is None and scheduler is None:
        out: list[T] = []
        for c in work:
            out.append(fn(c.seed, c.size))
            if progress:
                progress(len(out))
        return out
    if client is not None:
        return _on_client(client, fn, work, progress)
    assert scheduler is not None
    with _client(scheduler) as cl:
        return _on_client(cl, fn, work, progress)


def _on_client(
    client: Any, fn: Callable[[np.random.SeedSequence, int], T], work: list[Chunk], progress: Any
) -> list[T]:
    from distributed import as_completed

    futures = [client.submit(fn, c.seed, c.size, pure=False) for c in work]
    for done, _ in enumerate(as_completed(futures), 1):
        if progress:
            progress(done)
    return [f.result() for f in futures]


def map_items(
    fn: Callable[[Any], T],
    items: list[Any],
    *,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[T]:
    """``[fn(item) for item in items]`` in order, in-process or on a Dask cluster (no randomness)."""
    if scheduler is None:
        out: list[T] = []
        for item in items:
            out.append(fn(item))
            if progress:
                progress(len(out))
        return out
    from distributed import as_completed

    with _client(scheduler) as client:
        futures = [client.submit(fn, item, pure=False) for item in items]
        for done, _ in enumerate(as_completed(futures), 1):
            if progress:
                progress(done)
        return [fut.result() for fut in futures]
