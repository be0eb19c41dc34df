"""``detente analyze --format json`` on the flagship is the same on an idle and on a busy machine
(issue 8): no result depends on the clock. Timing fields (``seconds``) are left out of the comparison."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import SCENARIOS

HOG = "import time\nend = time.time() + 120\nwhile time.time() < end:\n    pass\n"


def _without_timing(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _without_timing(v) for k, v in x.items() if k != "seconds"}
    if isinstance(x, list):
        return [_without_timing(v) for v in x]
    return x


def _analyze() -> dict[str, Any]:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "detente.cli.app",
            "analyze",
            str(SCENARIOS / "korea-2019.yaml"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)  # type: ignore[no-any-return]


@pytest.mark.slow
def test_analyze_json_is_identical_on_an_idle_and_a_busy_machine() -> None:
    idle = _analyze()
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(3)]  # more busy loops than cores
    try:
        busy = _analyze()
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    assert idle["complete"] and busy["complete"]  # the safety stop did not fire
    assert _without_timing(idle) == _without_timing(busy)
