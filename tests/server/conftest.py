"""Workspace fixtures: the app on SQLite and on a throw-away PostgreSQL cluster, users and a negotiation.

PostgreSQL comes from Debian's ``postgresql`` package (``make test`` installs it); the cluster lives in a
temporary folder, listens on 127.0.0.1 on a free port and is stopped at the end of the session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FIXTURES

SCENARIO_TEXT = (FIXTURES / "server" / "talks.yaml").read_text()
PASSWORD = "correct horse battery"


def _pg_bin() -> Path | None:
    root = Path("/usr/lib/postgresql")
    versions = sorted(root.glob("*/bin/initdb")) if root.exists() else []
    return versions[-1].parent if versions else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its smallest cost in tests (the server's default cost is argon2-cffi's, RFC 9106 low-memory)."""
    from argon2 import PasswordHasher

    from detente.server import security

    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server for the session; yields an admin URL without a database name."""
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (make test installs Debian's postgresql package)")
        pytest.skip("PostgreSQL is not installed here; `make test` installs it")
    base = Path(tempfile.mkdtemp(prefix="detente-pg-"))
    data = base / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    port = free_port()
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run(
        [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-o",
         f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=on", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


_counter = iter(range(1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspace.db'}"
    admin = request.getfixturevalue("pg_server")
    import psycopg

    name = f"t{os.getpid()}_{next(_counter)}"
    with psycopg.connect(
        admin.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True
    ) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{admin}/{name}"


@dataclass
class World:
    client: TestClient
    tokens: dict[str, str]
    nid: int

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


def make_world(db_url: str) -> World:
    from detente.server.app import create_app
    from detente.server.service import create_user

    app = create_app(db_url)
    with app.state.sessions() as db:
        create_user(db, None, "admin", PASSWORD, "admin")
        db.commit()
    client = TestClient(app)
    tokens = {
        "admin": client.post("/api/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
    }
    for name in ("med", "alice", "bob", "olga", "eve"):
        r = client.post(
            "/api/users",
            json={"username": name, "password": PASSWORD},
            headers={"Authorization": f"Bearer {tokens['admin']}"},
        )
        assert r.status_code == 201, r.text
        tokens[name] = client.post("/api/login", json={"username": name, "password": PASSWORD}).json()[
            "token"
        ]
    world = World(client, tokens, 0)
    r = client.post(
        "/api/negotiations", json={"scenario": SCENARIO_TEXT, "mediator": "med"}, headers=world.h("admin")
    )
    assert r.status_code == 201, r.text
    world.nid = r.json()["id"]
    for user, role, party in (
        ("alice", "delegate", "A"),
        ("bob", "delegate", "B"),
        ("olga", "observer", None),
    ):
        r = client.post(f"/api/negotiations/{world.nid}/members", json={"username": user, "role": role, "party": party},
                        headers=world.h("med"))  # fmt: skip
        assert r.status_code == 201, r.text
    return world


@pytest.fixture
def world(db_url: str) -> World:
    return make_world(db_url)
