"""Database engine and migrations.

SQLite (the default, ``sqlite:///workspace.db``) runs in WAL mode with foreign keys on,
``synchronous=FULL`` (a committed write survives a crash or ``kill -9``) and a busy timeout so
concurrent writers wait rather than fail. PostgreSQL is used through psycopg 3
(``postgresql+psycopg://user@host/db``). The schema is created and upgraded by Alembic on start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from detente.errors import DetenteError

DEFAULT_DB = "sqlite:///workspace.db"


class DatabaseError(DetenteError):
    """The database URL is wrong or the database cannot be reached."""


def make_engine(url: str) -> Engine:
    if not (url.startswith("sqlite") or url.startswith("postgresql")):
        raise DatabaseError(f"unsupported database URL {url!r}: use sqlite:///FILE or postgresql+psycopg://…")
    if url.startswith("sqlite"):
        # one connection per in-flight request: more than the server's 40 worker threads
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20, max_overflow=40
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
