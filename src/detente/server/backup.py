"""Backup and restore of a workspace as one JSON document (portable between SQLite and PostgreSQL).

The backup holds every table, including password and token *hashes* (never clear secrets), and is
written atomically with mode 0600. Restore goes into an empty database only.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from detente.errors import DetenteError
from detente.server.models import Base

FORMAT = "detente-workspace-backup/1"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def backup(engine: Engine, out: str | Path, *, force: bool = False) -> dict[str, int]:
    from detente.io.writer import atomic_write_text

    doc: dict[str, Any] = {"format": FORMAT, "tables": {}}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
            doc["tables"][table.name] = [{k: _plain(v) for k, v in r.items()} for r in rows]
    path = atomic_write_text(out, json.dumps(doc, indent=1, ensure_ascii=False) + "\n", overwrite=force)
    os.chmod(path, 0o600)
    return {name: len(rows) for name, rows in doc["tables"].items()}


def restore(engine: Engine, source: str | Path) -> dict[str, int]:
    path = Path(source)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DetenteError(f"{path}: not a workspace backup ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise DetenteError(f"{path}: not a {FORMAT} document")
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if conn.scalar(select(func.count()).select_from(table)):
                raise DetenteError(
                    f"the database is not empty (table {table.name}); restore into a new database"
                )
        for table in Base.metadata.sorted_tables:
            rows = doc["tables"].get(table.name, [])
            for row in rows:
                for col in table.columns:
                    if (
                        isinstance(col.type.python_type, type)
                        and col.type.python_type is datetime
                        and row.get(col.name)
                    ):
                        row[col.name] = datetime.fromisoformat(row[col.name])
            if rows:
                conn.execute(insert(table), rows)
            counts[table.name] = len(rows)
            if engine.dialect.name == "postgresql" and rows:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT MAX(id) FROM {table.name}))"
                    )
                )
    return counts
