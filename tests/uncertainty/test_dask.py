"""A real Dask scheduler and worker on loopback give the same numbers as the in-process run."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from detente.model.compiled import CompiledScenario
from detente.uncertainty.robust import robustness

DASK = Path(sys.executable).parent / "dask"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask")
    common = {"stdout": subprocess.DEVNULL, "cwd": logs}
    sched = subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
        stderr=(logs / "scheduler.log").open("wb"),
        **common,  # type: ignore[arg-type]
    )
    worker = subprocess.Popen(
        [str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
        stderr=(logs / "worker.log").open("wb"),
        **common,  # type: ignore[arg-type]
    )
    try:
        from distributed import Client

        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout="5s") as c:
                    c.wait_for_workers(2, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for p in (worker, sched):
            p.terminate()
        for p in (worker, sched):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.mark.slow
def test_remote_cluster_equals_in_process(relief: CompiledScenario, cluster: str) -> None:
    kw = {"draws": 40_000, "seed": 9, "chunk_size": 8_192}
    here = robustness(relief, **kw).model_dump(exclude={"seconds"})  # type: ignore[arg-type]
    there = robustness(relief, scheduler=cluster, **kw).model_dump(exclude={"seconds"})  # type: ignore[arg-type]
    assert here == there
    assert 0 < here["packages"][0]["acceptable_all"] < 1


@pytest.mark.slow
def test_unreachable_scheduler_is_a_clean_error(relief: CompiledScenario) -> None:
    from detente.errors import DetenteError

    with pytest.raises(DetenteError, match="cannot reach the Dask scheduler"):
        robustness(relief, draws=10, scheduler=f"tcp://127.0.0.1:{_free_port()}")


@pytest.mark.slow
def test_local_cluster_equals_in_process(relief: CompiledScenario) -> None:
    kw = {"draws": 20_000, "seed": 4, "chunk_size": 4_096}
    here = robustness(relief, **kw).model_dump(exclude={"seconds"})  # type: ignore[arg-type]
    local = robustness(relief, scheduler="local", **kw).model_dump(exclude={"seconds"})  # type: ignore[arg-type]
    assert here == local
