"""The Alembic migrations build exactly the schema the ORM models describe, and step down again."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from detente.server.db import make_engine, migrate
from detente.server.models import Base


def test_migrations_match_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    migrate(engine)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
    assert "source" in {c["name"] for c in inspect(engine).get_columns("login_failures")}
    engine.dispose()
