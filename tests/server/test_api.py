"""The workspace API contract on SQLite and PostgreSQL: login, roles, valuations, proposals, responses."""

from __future__ import annotations

from fastapi.testclient import TestClient

from detente.server import security
from tests.conftest import FIXTURES
from tests.server.conftest import PASSWORD, World


def test_health_login_and_401(world: World) -> None:
    c = world.client
    assert c.get("/api/health").status_code == 200
    assert c.get(f"/api/negotiations/{world.nid}").status_code == 401
    assert (
        c.get(f"/api/negotiations/{world.nid}", headers={"Authorization": "Bearer nope"}).status_code == 401
    )
    assert c.post("/api/login", json={"username": "alice", "password": "wrong password"}).status_code == 401
    assert c.post("/api/login", json={"username": "nobody", "password": "wrong password"}).status_code == 401


def test_login_is_throttled_after_repeated_failures(world: World) -> None:
    c = world.client
    codes = [
        c.post("/api/login", json={"username": "bob", "password": f"bad{k}"}).status_code for k in range(7)
    ]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    # even the right password is refused while throttled
    assert c.post("/api/login", json={"username": "bob", "password": PASSWORD}).status_code == 429


def test_throttling_is_per_address_so_nobody_can_lock_a_user_out(world: World) -> None:
    attacker = world.client
    for k in range(security.MAX_FAILURES + 1):
        attacker.post("/api/login", json={"username": "bob", "password": f"bad{k}"})
    assert attacker.post("/api/login", json={"username": "bob", "password": PASSWORD}).status_code == 429
    # bob, from his own address, still logs in
    bob = TestClient(attacker.app, client=("10.0.0.7", 40000))
    assert bob.post("/api/login", json={"username": "bob", "password": PASSWORD}).status_code == 200
    # one address guessing across many usernames is throttled too
    sprayer = TestClient(attacker.app, client=("10.0.0.9", 40000))
    codes = [
        sprayer.post("/api/login", json={"username": f"user{k}", "password": "x"}).status_code
        for k in range(security.MAX_SOURCE_FAILURES + 1)
    ]
    assert codes[:-1] == [401] * security.MAX_SOURCE_FAILURES and codes[-1] == 429


def test_negotiation_view_has_no_values(world: World) -> None:
    r = world.client.get(f"/api/negotiations/{world.nid}", headers=world.h("olga"))
    assert r.status_code == 200
    doc = r.json()
    assert [p["id"] for p in doc["parties"]] == ["A", "B"]
    assert [o["id"] for o in doc["moves"][1]["options"]] == ["none", "partial", "full"]
    assert [m["id"] for m in doc["moves"]] == ["freeze", "relief", "office"]
    assert "values" not in r.text and "reservation" not in r.text and doc["rules"]
    assert world.client.get(f"/api/negotiations/{world.nid}", headers=world.h("eve")).status_code == 404


def test_valuations_only_for_the_partys_delegates(world: World) -> None:
    c, n = world.client, world.nid
    r = c.get(f"/api/negotiations/{n}/valuations/A", headers=world.h("alice"))
    assert (
        r.status_code == 200 and r.json()["values"]["freeze"]["yes"] == -3 and r.json()["reservation"] == -2
    )
    for who in ("bob", "med", "admin", "olga", "eve"):
        assert c.get(f"/api/negotiations/{n}/valuations/A", headers=world.h(who)).status_code in (403, 404), (
            who
        )
        assert c.put(
            f"/api/negotiations/{n}/valuations/A", json={"reservation": 5}, headers=world.h(who)
        ).status_code in (403, 404)
    r = c.put(
        f"/api/negotiations/{n}/valuations/A",
        json={"values": {"freeze": {"yes": -1.5}}, "reservation": 0.5},
        headers=world.h("alice"),
    )
    assert r.status_code == 200 and r.json()["values"]["freeze"]["yes"] == -1.5
    assert c.get(f"/api/negotiations/{n}/valuations/A", headers=world.h("alice")).json()["reservation"] == 0.5
    bad = c.put(
        f"/api/negotiations/{n}/valuations/A",
        json={"values": {"freeze": {"maybe": 1}}},
        headers=world.h("alice"),
    )
    assert bad.status_code == 422 and "no such option" in bad.text


def test_suggest_propose_respond_and_improve(world: World) -> None:
    c, n = world.client, world.nid
    assert c.get(f"/api/negotiations/{n}/suggestions", headers=world.h("alice")).status_code == 403
    s = c.get(f"/api/negotiations/{n}/suggestions?concept=welfare", headers=world.h("med"))
    assert s.status_code == 200
    pkgs = s.json()["packages"]
    assert pkgs and set(pkgs[0]) == {"choices"} and "utilities" not in s.text
    # a proposal that is acceptable but not efficient, so a post-settlement improvement exists
    choices = {"freeze": "yes", "relief": "partial", "office": "no"}
    r = c.post(f"/api/negotiations/{n}/proposals", json={"choices": choices}, headers=world.h("med"))
    assert r.status_code == 201
    pid = r.json()["id"]
    assert (
        c.post(
            f"/api/negotiations/{n}/proposals", json={"choices": choices}, headers=world.h("alice")
        ).status_code
        == 403
    )
    mine = c.get(f"/api/negotiations/{n}/proposals/{pid}", headers=world.h("alice")).json()
    assert mine["utility"] == -1 and mine["margin"] == 1 and mine["responses"] is None
    assert "utility" not in c.get(f"/api/negotiations/{n}/proposals/{pid}", headers=world.h("olga")).json()
    assert (
        c.post(
            f"/api/negotiations/{n}/proposals/{pid}/response", json={"accept": True}, headers=world.h("alice")
        ).status_code
        == 200
    )
    assert c.get(f"/api/negotiations/{n}/proposals/{pid}", headers=world.h("bob")).json()["responses"] is None
    assert (
        c.post(
            f"/api/negotiations/{n}/proposals/{pid}/response", json={"accept": True}, headers=world.h("olga")
        ).status_code
        == 403
    )
    assert (
        c.post(
            f"/api/negotiations/{n}/proposals/{pid}/response", json={"accept": True}, headers=world.h("bob")
        ).status_code
        == 200
    )
    done = c.get(f"/api/negotiations/{n}/proposals/{pid}", headers=world.h("olga")).json()
    assert done["responses"] == {"A": True, "B": True} and done["accepted_by_all"]
    assert (
        c.post(
            f"/api/negotiations/{n}/proposals/{pid}/response", json={"accept": False}, headers=world.h("bob")
        ).status_code
        == 409
    )
    imp = c.get(f"/api/negotiations/{n}/improvements", headers=world.h("olga")).json()
    assert imp["settlement"] == pid
    assert [p["choices"] for p in imp["packages"]] == [
        {"freeze": "yes", "relief": "partial", "office": "yes"}
    ]


def test_members_admin_or_mediator_only(world: World) -> None:
    c, n = world.client, world.nid
    body = {"username": "eve", "role": "observer"}
    assert c.post(f"/api/negotiations/{n}/members", json=body, headers=world.h("alice")).status_code == 403
    assert c.post(f"/api/negotiations/{n}/members", json=body, headers=world.h("eve")).status_code == 404
    bad = c.post(
        f"/api/negotiations/{n}/members",
        json={"username": "eve", "role": "delegate", "party": "Z"},
        headers=world.h("admin"),
    )
    assert bad.status_code == 422 and "party" in bad.text
    assert c.post(f"/api/negotiations/{n}/members", json=body, headers=world.h("admin")).status_code == 201
    assert c.get(f"/api/negotiations/{n}", headers=world.h("eve")).status_code == 200


def test_bad_scenario_is_a_located_422(world: World) -> None:
    r = world.client.post(
        "/api/negotiations", json={"scenario": "parties: [", "mediator": "med"}, headers=world.h("admin")
    )
    assert r.status_code == 422 and "scenario" in r.text


def test_audit_log_records_writes_without_secrets(world: World) -> None:
    world.client.put(
        f"/api/negotiations/{world.nid}/valuations/A",
        json={"reservation": 4242.4242},
        headers=world.h("alice"),
    )
    log = world.client.get("/api/audit", headers=world.h("admin"))
    assert log.status_code == 200
    actions = [e["action"] for e in log.json()]
    assert {"create-user", "create-negotiation", "add-member", "put-valuations", "login"} <= set(actions)
    assert "4242" not in log.text and PASSWORD not in log.text
    assert world.client.get("/api/audit", headers=world.h("med")).status_code == 403


def test_security_headers(world: World) -> None:
    r = world.client.get("/api/health")
    assert (
        r.headers["x-frame-options"] == "DENY"
        and "default-src 'self'" in r.headers["content-security-policy"]
    )
    assert r.headers["x-content-type-options"] == "nosniff"


def test_robust_suggestion_on_private_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The robust concept: the file's uncertainty carried around each delegation's private values."""
    from tests.server.conftest import make_world

    world = make_world(f"sqlite:///{tmp_path / 'r.db'}")
    c, n = world.client, world.nid
    # talks.yaml states no uncertain value: refused with the reason, not a server error
    r = c.get(f"/api/negotiations/{n}/suggestions?concept=robust", headers=world.h("med"))
    assert r.status_code == 422 and "no uncertain judgment" in r.text
    relief = (FIXTURES / "uncertainty" / "relief.yaml").read_text()
    nid = c.post(
        "/api/negotiations", json={"scenario": relief, "mediator": "med"}, headers=world.h("admin")
    ).json()["id"]
    s = c.get(f"/api/negotiations/{nid}/suggestions?concept=robust", headers=world.h("med"))
    assert s.status_code == 200, s.text
    doc = s.json()
    assert doc["concept"] == "robust" and len(doc["packages"]) == 1 and "MILP" in doc["method"]
    # the same package the robustness engine finds on the file's own values (no delegation changed any)
    from detente.io.loader import load_scenario
    from detente.model.compiled import compile_scenario
    from detente.uncertainty.most_robust import find_most_robust

    cs = compile_scenario(load_scenario(FIXTURES / "uncertainty" / "relief.yaml"))
    assert doc["packages"][0]["choices"] == cs.choices_to_ids(find_most_robust(cs, seed=0).choices)
