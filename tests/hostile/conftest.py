"""Helpers of the hostile-input suite: run the CLI in a subprocess under a time and memory budget."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.conftest import FIXTURES

BAD = FIXTURES / "bad"
#: Hostile inputs that are not scenario files (CSV, Genius folders) or are valid but hostile (names).
HOSTILE = FIXTURES / "hostile"
#: Budget of one hostile run: a clean error within 5 s and 500 MB (issue 15).
SECONDS = 5.0
MEGABYTES = 500
#: Wall-clock safety stop of one bounded run (the budget itself is CPU time).
WALL = 60.0


#: Runs the CLI and writes the process's own peak resident memory (VmHWM of its address space) to stderr
#: on exit: wait4's ``ru_maxrss`` also counts the parent's pages at the fork, so a large test worker
#: (the suite runs many tests per worker) made every small child look as big as the worker.
PEAK_WRAPPER = """
import atexit, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("\\nPEAK-KB " + line.split()[1] + "\\n")
atexit.register(_peak)
from detente.cli.app import main
sys.argv = ["detente", *sys.argv[1:]]
main()
"""


def _limit_memory() -> None:  # runs in the child before exec
    cap = (
        MEGABYTES * 1024 * 1024 * 2
    )  # address space: twice the resident budget (Python maps more than it uses)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run(*args: str, cwd: Path | None = None, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """``detente ARGS`` in a subprocess (no resource limit: for commands that solve)."""
    return subprocess.run(
        [sys.executable, "-m", "detente.cli.app", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


def run_measured(
    *args: str, cwd: Path | None = None, memory_cap: bool = False
) -> tuple[subprocess.CompletedProcess[str], float, float, float]:
    """``detente ARGS`` in a child process: (result, CPU seconds, wall seconds, peak MB) of the child
    alone. CPU time is ``wait4``'s rusage (independent of how busy the machine is); the peak is the
    child's own VmHWM (:data:`PEAK_WRAPPER`), or wait4's figure when it died before its exit hooks.
    ``memory_cap``: the child cannot map more than twice :data:`MEGABYTES`. A wall-clock safety stop
    kills it after :data:`WALL` seconds."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", PEAK_WRAPPER, *args],
            stdout=out,
            stderr=err,
            text=True,
            cwd=cwd,
            env={**os.environ, "COLUMNS": "400"},  # long temporary paths unwrapped
            preexec_fn=_limit_memory if memory_cap else None,
        )
        timer = threading.Timer(WALL, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = stderr.split("\n")
    peaks = [int(x.split()[1]) for x in lines if x.startswith("PEAK-KB ")]
    stderr = "\n".join(x for x in lines if not x.startswith("PEAK-KB ")).removesuffix("\n")
    r = subprocess.CompletedProcess(
        [sys.executable, "-m", "detente.cli.app", *args], returncode, stdout, stderr
    )
    assert returncode != -signal.SIGKILL, f"killed after {WALL} s: {args}"
    peak_kb = peaks[-1] if peaks else usage.ru_maxrss
    return r, usage.ru_utime + usage.ru_stime, wall, peak_kb / 1024


def run_bounded(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``detente ARGS`` under the hostile budget (:func:`run_measured` with the memory cap): its own
    peak resident memory and CPU time must stay under :data:`MEGABYTES` and :data:`SECONDS`,
    interpreter start-up included."""
    r, cpu, _wall, peak_mb = run_measured(*args, cwd=cwd, memory_cap=True)
    assert cpu < SECONDS, f"{cpu:.1f} s of CPU: {args}"
    assert peak_mb < MEGABYTES, f"peak memory {peak_mb:.0f} MB: {args}"
    return r


def assert_clean_error(r: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Exit 2, no traceback, no internal error; every fragment in the (unwrapped) output."""
    out = " ".join((r.stdout + r.stderr).split())
    assert r.returncode == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    for fragment in fragments:
        assert fragment in out, out
    return out
