"""Shared test fixtures: paths to the repository's scenarios, fixtures and the shared reference data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SCENARIOS = ROOT / "scenarios"
#: The shared reference data (Genius domains, published tables) sits beside the repository; override
#: with DETENTE_SHARED. Tests that need it skip without it, except in CI (CI=true), where it must exist.
SHARED = Path(os.environ.get("DETENTE_SHARED", ROOT.parent / "shared"))
requires_shared = pytest.mark.skipif(not SHARED.exists(), reason=f"reference data not found at {SHARED}")


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("CI") == "true" and not SHARED.exists():
        raise pytest.UsageError(f"CI needs the shared reference data at {SHARED} (or set DETENTE_SHARED)")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))
