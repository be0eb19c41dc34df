"""Run ``detente serve`` as a real process on 127.0.0.1 for the tests that need one (browser,
concurrency, kill -9), bootstrapped with ``detente workspace add-user``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.server.conftest import PASSWORD, SCENARIO_TEXT, free_port


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "detente.cli.app", *args], cwd=cwd, capture_output=True, text=True
    )


@dataclass
class LiveServer:
    db: str
    folder: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115 - the server process owns it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "detente.cli.app", "serve", "--db", self.db, "--port", str(self.port)],
            cwd=self.folder, stdout=log, stderr=log,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {(self.folder / 'server.log').read_text()[-2000:]}")
        raise RuntimeError("the server did not start within 60 s")

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def token(self, user: str) -> dict[str, str]:
        r = httpx.post(f"{self.url}/api/login", json={"username": user, "password": PASSWORD}, timeout=30)
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['token']}"}


def live_server(
    folder: Path, scenario: str = SCENARIO_TEXT, parties: tuple[str, str] = ("A", "B")
) -> LiveServer:
    """A started server with users admin, med, alice and bob (delegates of ``parties``) and one negotiation."""
    (folder / "pw").write_text(PASSWORD + "\n")
    db = f"sqlite:///{folder / 'workspace.db'}"
    made = cli(
        "workspace", "add-user", "admin", "--role", "admin", "--password-file", "pw", "--db", db, cwd=folder
    )
    assert made.returncode == 0, made.stderr
    server = LiveServer(db, folder, free_port())
    server.start()
    try:
        admin = server.token("admin")
        for name in ("med", "alice", "bob"):
            httpx.post(
                f"{server.url}/api/users", json={"username": name, "password": PASSWORD}, headers=admin
            ).raise_for_status()
        r = httpx.post(
            f"{server.url}/api/negotiations",
            json={"scenario": scenario, "mediator": "med"},
            headers=admin,
            timeout=30,
        )
        r.raise_for_status()
        nid = r.json()["id"]
        med = server.token("med")
        for user, party in zip(("alice", "bob"), parties, strict=True):
            httpx.post(f"{server.url}/api/negotiations/{nid}/members", json={"username": user, "role": "delegate", "party": party},
                       headers=med).raise_for_status()  # fmt: skip
    except BaseException:
        server.stop()  # never leave a server running when the set-up fails
        raise
    return server
