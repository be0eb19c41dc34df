"""The implementation ledger in the workspace: keys registered, ledger started on an accepted deal,
entries signed outside the server, appended only when the chain verifies; exports verify offline."""

from __future__ import annotations

import json
from pathlib import Path

from detente.ledger import append_entry, generate_key, verify_ledger
from tests.conftest import FIXTURES
from tests.server.conftest import PASSWORD, World

ROADMAP = json.loads((FIXTURES / "server" / "talks.roadmap.json").read_text())


def _agree(w: World) -> None:
    c, n = w.client, w.nid
    pid = c.post(f"/api/negotiations/{n}/proposals", json={"choices": {"freeze": "yes", "relief": "partial", "office": "yes"}},
                 headers=w.h("med")).json()["id"]  # fmt: skip
    for who in ("alice", "bob"):
        assert (
            c.post(
                f"/api/negotiations/{n}/proposals/{pid}/response", json={"accept": True}, headers=w.h(who)
            ).status_code
            == 200
        )


def _sign(w: World, tmp: Path, party: str, **kw: object) -> str:
    """Export the ledger, append with the party's key offline, return the new last line."""
    copy = tmp / f"copy-{party}.ledger"
    copy.write_text(w.client.get(f"/api/negotiations/{w.nid}/ledger", headers=w.h("olga")).text)
    append_entry(copy, key=tmp / "keys" / f"{party}.key", **kw)  # type: ignore[arg-type]
    return copy.read_text().splitlines()[-1]


def test_ledger_in_the_workspace(world: World, tmp_path: Path) -> None:
    c, n = world.client, world.nid
    keys = {p: generate_key(p, tmp_path / "keys").public_key for p in ("A", "B")}
    start = {"roadmap": ROADMAP, "start": "2020-01-01"}
    assert (
        c.post(f"/api/negotiations/{n}/ledger", json=start, headers=world.h("med")).status_code == 409
    )  # no deal yet
    _agree(world)
    assert (
        c.put(
            f"/api/negotiations/{n}/ledger/keys/A", json={"public_key": keys["A"]}, headers=world.h("bob")
        ).status_code
        == 403
    )
    assert (
        c.put(
            f"/api/negotiations/{n}/ledger/keys/A",
            json={"public_key": "bm90IGEga2V5"},
            headers=world.h("alice"),
        ).status_code
        == 422
    )
    assert (
        c.put(
            f"/api/negotiations/{n}/ledger/keys/A", json={"public_key": keys["A"]}, headers=world.h("alice")
        ).status_code
        == 200
    )
    missing = c.post(f"/api/negotiations/{n}/ledger", json=start, headers=world.h("med"))
    assert missing.status_code == 409 and "B" in missing.json()["detail"]
    assert (
        c.put(
            f"/api/negotiations/{n}/ledger/keys/B", json={"public_key": keys["B"]}, headers=world.h("bob")
        ).status_code
        == 200
    )
    assert c.post(f"/api/negotiations/{n}/ledger", json=start, headers=world.h("alice")).status_code == 403
    assert c.post(f"/api/negotiations/{n}/ledger", json=start, headers=world.h("med")).status_code == 201

    done = _sign(world, tmp_path, "A", event="done", move="freeze", time="2020-01-20")
    assert (
        c.post(
            f"/api/negotiations/{n}/ledger/entries", json={"entry": done}, headers=world.h("bob")
        ).status_code
        == 403
    )
    tampered = done.replace("2020-01-20", "2020-01-10")
    bad = c.post(f"/api/negotiations/{n}/ledger/entries", json={"entry": tampered}, headers=world.h("alice"))
    assert bad.status_code == 422 and "altered" in bad.json()["detail"]
    assert (
        c.post(
            f"/api/negotiations/{n}/ledger/entries", json={"entry": done}, headers=world.h("alice")
        ).status_code
        == 201
    )
    stale = done  # the same entry again: it no longer extends the head
    assert (
        c.post(
            f"/api/negotiations/{n}/ledger/entries", json={"entry": stale}, headers=world.h("alice")
        ).status_code
        == 409
    )
    verified = _sign(world, tmp_path, "B", event="verified", move="freeze", time="2020-02-01")
    assert (
        c.post(
            f"/api/negotiations/{n}/ledger/entries", json={"entry": verified}, headers=world.h("bob")
        ).status_code
        == 201
    )
    export = tmp_path / "export.ledger"
    export.write_text(c.get(f"/api/negotiations/{n}/ledger", headers=world.h("med")).text)
    report = verify_ledger(export)
    assert report.ok and report.entries == 3
    st = c.get(f"/api/negotiations/{n}/ledger/status?as_of=2020-03-15", headers=world.h("olga")).json()
    assert [p["done"] for p in st["phases"]] == [1, 0] and st["phases"][1]["overdue"] == 2
    assert c.get(f"/api/negotiations/{n}/ledger", headers=world.h("eve")).status_code == 404
    # members see it in the browser too (a session cookie for olga, the observer)
    page = c.post("/login", data={"username": "olga", "password": PASSWORD}, follow_redirects=True)
    assert page.status_code == 200
    overview = c.get(f"/n/{n}")
    assert "Implementation ledger" in overview.text and report.head in overview.text
    assert c.get(f"/n/{n}/ledger.jsonl").text == export.read_text()
    assert (
        c.put(
            f"/api/negotiations/{n}/ledger/keys/A", json={"public_key": keys["B"]}, headers=world.h("alice")
        ).status_code
        == 409
    )
