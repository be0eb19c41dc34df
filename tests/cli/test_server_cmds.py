"""``detente workspace add-user|backup|restore`` and ``detente serve`` from the command line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx

from tests.server.conftest import PASSWORD
from tests.server.live import cli, live_server


def test_add_user_backup_restore(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text(PASSWORD + "\n")
    db = f"sqlite:///{tmp_path / 'a.db'}"
    ok = cli(
        "workspace", "add-user", "root", "--role", "admin", "--password-file", "pw", "--db", db, cwd=tmp_path
    )
    assert ok.returncode == 0 and "user root (admin) created" in ok.stdout
    dup = cli("workspace", "add-user", "root", "--password-file", "pw", "--db", db, cwd=tmp_path)
    assert dup.returncode == 2 and "exists already" in dup.stderr and "Traceback" not in dup.stderr
    missing = cli("workspace", "add-user", "x", "--password-file", "nope", "--db", db, cwd=tmp_path)
    assert missing.returncode == 2 and "nope" in missing.stderr
    bad_db = cli("workspace", "add-user", "x", "--password-file", "pw", "--db", "mysql://x", cwd=tmp_path)
    assert bad_db.returncode == 2 and "unsupported database URL" in bad_db.stderr
    assert cli("workspace", "backup", "-o", "b.json", "--db", db, cwd=tmp_path).returncode == 0
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o600
    doc = json.loads((tmp_path / "b.json").read_text())
    assert [u["username"] for u in doc["tables"]["users"]] == ["root"] and PASSWORD not in (
        tmp_path / "b.json"
    ).read_text()
    again = cli("workspace", "backup", "-o", "b.json", "--db", db, cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    into_full = cli("workspace", "restore", "b.json", "--db", db, cwd=tmp_path)
    assert into_full.returncode == 2 and "not empty" in into_full.stderr
    db2 = f"sqlite:///{tmp_path / 'b.db'}"
    assert cli("workspace", "restore", "b.json", "--db", db2, cwd=tmp_path).returncode == 0
    assert (
        cli("workspace", "add-user", "root", "--password-file", "pw", "--db", db2, cwd=tmp_path).returncode
        == 2
    )


def test_serve_starts_and_backup_restores_a_live_workspace(tmp_path: Path) -> None:
    server = live_server(tmp_path)
    try:
        page = httpx.get(f"{server.url}/login")
        assert page.status_code == 200 and "Log in" in page.text
        assert httpx.get(f"{server.url}/openapi.json").json()["info"]["title"] == "Détente workspace"
        assert httpx.get(f"{server.url}/", follow_redirects=False).status_code == 303
    finally:
        server.stop()
    assert cli("workspace", "backup", "-o", "ws.json", "--db", server.db, cwd=tmp_path).returncode == 0
    db2 = f"sqlite:///{tmp_path / 'copy.db'}"
    assert cli("workspace", "restore", "ws.json", "--db", db2, cwd=tmp_path).returncode == 0
    copy = type(server)(db2, tmp_path, server.port)
    copy.start()
    try:
        alice = copy.token("alice")
        assert (
            httpx.get(f"{copy.url}/api/negotiations/1/valuations/A", headers=alice).json()["reservation"]
            == -2
        )
    finally:
        copy.stop()
