"""Property-based API testing over the OpenAPI schema (schemathesis): no request yields a server error.

Every operation of ``/openapi.json`` is called with generated data as the mediator, a delegate and an
admin (they reach different code). Generation is derandomized, so the run is reproducible.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.server.conftest import make_world


@pytest.mark.slow
def test_no_server_errors(tmp_path: Path) -> None:
    world = make_world(f"sqlite:///{tmp_path / 'fuzz.db'}")
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    calls = 0
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            nonlocal calls
            for role in ("med", "alice", "admin"):
                case.call_and_validate(headers=world.h(role), checks=[not_a_server_error])
                calls += 1

        run()
    assert calls >= 3 * len(operations)
