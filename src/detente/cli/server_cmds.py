"""Workspace commands: ``detente serve`` and ``detente workspace add-user|backup|restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import console

DbOpt = Annotated[
    str,
    typer.Option("--db", help="Database URL: sqlite:///FILE (default) or postgresql+psycopg://USER@HOST/DB."),
]
workspace_app = typer.Typer(
    name="workspace",
    help="Administer a workspace database (docs/workspace.md).\n\n"
    "Example: [bold]detente workspace add-user alice --role admin --password-file pw.txt[/]",
    no_args_is_help=True,
)


def serve(
    db: DbOpt = "sqlite:///workspace.db",
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")
    ] = False,
) -> None:
    """Start the workspace server (browser pages at /, JSON API at /api, OpenAPI at /openapi.json).

    Example: [bold]detente serve --db sqlite:///workspace.db --port 8000[/]
    """
    import uvicorn

    from detente.server.app import create_app

    app = create_app(db, secure_cookies=secure_cookies)
    console.print(
        f"Détente workspace on http://{host}:{port}/ (database {db.split('@')[-1]})", highlight=False
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@workspace_app.command("add-user")
def add_user(
    name: Annotated[str, typer.Argument(help="The username.", show_default=False)],
    password_file: Annotated[
        Path, typer.Option("--password-file", help="A file whose first line is the password.")
    ],
    role: Annotated[str, typer.Option("--role", help="admin or user.")] = "user",
    db: DbOpt = "sqlite:///workspace.db",
) -> None:
    """Create a user directly in the database (bootstraps the first admin).

    Example: [bold]detente workspace add-user alice --role admin --password-file pw.txt[/]
    """
    from detente.errors import DetenteError
    from detente.server.db import make_engine, migrate, session_factory
    from detente.server.service import ServiceError, create_user

    try:
        password = password_file.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, UnicodeDecodeError, IndexError) as exc:
        raise DetenteError(f"{password_file}: cannot read a password from it ({exc})") from None
    engine = make_engine(db)
    migrate(engine)
    with session_factory(engine)() as session:
        try:
            create_user(session, None, name, password, role)
        except ServiceError as exc:
            raise DetenteError(exc.message) from None
        session.commit()
    console.print(f"user {name} ({role}) created", highlight=False)


@workspace_app.command("backup")
def backup(
    out: Annotated[Path, typer.Option("--out", "-o", help="The backup file (JSON).")],
    db: DbOpt = "sqlite:///workspace.db",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write every table to one JSON file (mode 0600; portable between SQLite and PostgreSQL).

    Example: [bold]detente workspace backup -o workspace-backup.json[/]
    """
    from detente.server import backup as bk
    from detente.server.db import make_engine, migrate

    engine = make_engine(db)
    migrate(engine)
    counts = bk.backup(engine, out, force=force)
    console.print(
        f"backup written to {out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()), highlight=False
    )


@workspace_app.command("restore")
def restore(
    source: Annotated[Path, typer.Argument(help="A backup file.", show_default=False)],
    db: DbOpt = "sqlite:///workspace.db",
) -> None:
    """Load a backup into an empty database.

    Example: [bold]detente workspace restore workspace-backup.json --db sqlite:///restored.db[/]
    """
    from detente.server import backup as bk
    from detente.server.db import make_engine, migrate

    engine = make_engine(db)
    migrate(engine)
    counts = bk.restore(engine, source)
    console.print("restored: " + ", ".join(f"{k} {v}" for k, v in counts.items()), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(workspace_app, name="workspace")
