"""A real server under load: 50 concurrent clients lose no write, and kill -9 loses no acknowledged write."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.server.live import live_server

CHOICES = [{"freeze": "yes", "relief": "partial", "office": o} for o in ("no", "yes")]


@pytest.mark.slow
def test_fifty_concurrent_clients_no_errors_no_lost_write(tmp_path: Path) -> None:
    server = live_server(tmp_path)
    try:
        med, alice = server.token("med"), server.token("alice")
        errors: list[str] = []
        acked: list[int] = []
        lock = threading.Lock()

        def client(k: int) -> None:
            with httpx.Client(base_url=server.url, timeout=60) as c:
                for j in range(4):
                    if k % 2:
                        r = c.post(
                            "/api/negotiations/1/proposals", json={"choices": CHOICES[j % 2]}, headers=med
                        )
                        if r.status_code == 201:
                            with lock:
                                acked.append(r.json()["id"])
                    else:
                        r = c.put("/api/negotiations/1/valuations/A", json={"values": {"office": {"yes": k + j / 10}}},
                                  headers=alice)  # fmt: skip
                    if r.status_code not in (200, 201):
                        errors.append(f"{r.status_code} {r.text[:100]}")
                    if c.get("/api/negotiations/1/proposals", headers=alice).status_code != 200:
                        errors.append("read failed")

        with ThreadPoolExecutor(50) as pool:
            list(pool.map(client, range(50)))
        assert not errors, errors[:5]
        stored = httpx.get(f"{server.url}/api/negotiations/1/proposals", headers=med, timeout=60).json()
        assert sorted(p["id"] for p in stored) == sorted(acked) and len(acked) == 25 * 4
        final = httpx.get(f"{server.url}/api/negotiations/1/valuations/A", headers=alice).json()["values"][
            "office"
        ]["yes"]
        assert final in {k + j / 10 for k in range(0, 50, 2) for j in range(4)}
    finally:
        server.stop()


@pytest.mark.slow
def test_kill_9_loses_no_acknowledged_write(tmp_path: Path) -> None:
    server = live_server(tmp_path)
    try:
        med = server.token("med")
        acked: list[int] = []
        for round_ in range(3):
            stop = threading.Event()

            def writer(stop: threading.Event = stop) -> None:
                with httpx.Client(base_url=server.url, timeout=10) as c:
                    while not stop.is_set():
                        try:
                            r = c.post(
                                "/api/negotiations/1/proposals", json={"choices": CHOICES[0]}, headers=med
                            )
                        except httpx.HTTPError:
                            return  # the server died mid-request: that write was never acknowledged
                        if r.status_code == 201:
                            acked.append(r.json()["id"])

            threads = [threading.Thread(target=writer) for _ in range(4)]
            for t in threads:
                t.start()
            time.sleep(1.0 + 0.3 * round_)
            server.kill9()
            stop.set()
            for t in threads:
                t.join()
            server.start()
            stored = {
                p["id"]
                for p in httpx.get(
                    f"{server.url}/api/negotiations/1/proposals", headers=med, timeout=60
                ).json()
            }
            assert set(acked) <= stored, f"lost acknowledged writes: {sorted(set(acked) - stored)[:10]}"
        assert len(acked) > 10
    finally:
        server.stop()
