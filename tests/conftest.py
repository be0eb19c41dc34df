"""Shared test fixtures: paths to the repository's scenarios, fixtures and the shared reference data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SCENARIOS = ROOT / "scenarios"
#: The shared reference data (Genius domains, published tables) sits beside the repository as ``../shared``;
#: override with DETENTE_SHARED. Wherever it exists, every test that uses it runs (``make test`` on any
#: machine, CI or not). Without it those tests are skipped, except in CI (CI=true), where the session stops.
SHARED = Path(os.environ.get("DETENTE_SHARED", ROOT.parent / "shared"))
requires_shared = pytest.mark.skipif(not SHARED.exists(), reason=f"reference data not found at {SHARED}")


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("CI") == "true" and not SHARED.exists():
        raise pytest.UsageError(f"CI needs the shared reference data at {SHARED} (or set DETENTE_SHARED)")


def pytest_report_header(config: pytest.Config) -> str:
    state = "found: its tests run" if SHARED.exists() else "NOT found: its tests are skipped"
    return f"shared reference data {SHARED} {state}"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))
