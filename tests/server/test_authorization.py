"""The whole role × endpoint matrix, and the proof that one delegation's values reach no one else."""

from __future__ import annotations

import itertools

import pytest

from tests.server.conftest import SCENARIO_TEXT, World

ROLES = ("anon", "admin", "med", "alice", "olga", "eve")  # eve: a user who is not a member
_names = itertools.count()


def _endpoints(w: World, pid: int) -> list[tuple[str, str, object, dict[str, int]]]:
    n = w.nid
    member_read = {"anon": 401, "admin": 404, "med": 200, "alice": 200, "olga": 200, "eve": 404}
    own_valuation = {"anon": 401, "admin": 404, "med": 403, "alice": 200, "olga": 403, "eve": 404}
    mediator_only = {"anon": 401, "admin": 404, "med": 200, "alice": 403, "olga": 403, "eve": 404}
    admin_only = {"anon": 401, "admin": 200, "med": 403, "alice": 403, "olga": 403, "eve": 403}
    return [
        ("GET", "/api/negotiations", None, {r: (401 if r == "anon" else 200) for r in ROLES}),
        ("GET", f"/api/negotiations/{n}", None, member_read),
        ("POST", f"/api/negotiations/{n}/members", {"username": "ghost", "role": "observer"},
         {"anon": 401, "admin": 422, "med": 422, "alice": 403, "olga": 403, "eve": 404}),
        ("GET", f"/api/negotiations/{n}/valuations/A", None, own_valuation),
        ("PUT", f"/api/negotiations/{n}/valuations/A", {"reservation": -2}, own_valuation),
        ("GET", f"/api/negotiations/{n}/valuations/B", None, {**own_valuation, "alice": 403}),
        ("GET", f"/api/negotiations/{n}/suggestions?concept=nash", None, mediator_only),
        ("POST", f"/api/negotiations/{n}/proposals", {"choices": {"freeze": "yes"}}, {**mediator_only, "med": 201}),
        ("GET", f"/api/negotiations/{n}/proposals", None, member_read),
        ("GET", f"/api/negotiations/{n}/proposals/{pid}", None, member_read),
        ("POST", f"/api/negotiations/{n}/proposals/{pid}/response", {"accept": False},
         {"anon": 401, "admin": 404, "med": 403, "alice": 200, "olga": 403, "eve": 404}),
        ("GET", f"/api/negotiations/{n}/improvements", None, member_read),
        ("POST", "/api/users", "new-user", {**admin_only, "admin": 201}),
        ("POST", "/api/negotiations", {"scenario": SCENARIO_TEXT, "mediator": "med"}, {**admin_only, "admin": 201}),
        ("GET", "/api/audit", None, admin_only),
    ]  # fmt: skip


def test_role_endpoint_matrix(world: World) -> None:
    pid = world.client.post(
        f"/api/negotiations/{world.nid}/proposals", json={"choices": {}}, headers=world.h("med")
    ).json()["id"]
    failures = []
    for method, path, body, expected in _endpoints(world, pid):
        for role in ROLES:
            payload = (
                {"username": f"user{next(_names)}", "password": "long enough pw"}
                if body == "new-user"
                else body
            )
            r = world.client.request(method, path, json=payload, headers=world.h(role))
            if r.status_code != expected[role]:
                failures.append(f"{role:5} {method} {path}: {r.status_code}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


SECRET_VALUE = 987654.321
SECRET_RESERVATION = -13579.2468


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_delegations_values_reach_no_one_else(world: World) -> None:
    c, n = world.client, world.nid
    r = c.put(f"/api/negotiations/{n}/valuations/A",
              json={"values": {"office": {"yes": SECRET_VALUE}}, "reservation": SECRET_RESERVATION},
              headers=world.h("alice"))  # fmt: skip
    assert r.status_code == 200 and "987654" in r.text  # the delegation itself sees its values
    pid = c.post(f"/api/negotiations/{n}/proposals", json={"choices": {"freeze": "yes", "relief": "partial", "office": "yes"}},
                 headers=world.h("med")).json()["id"]  # fmt: skip
    c.post(f"/api/negotiations/{n}/proposals/{pid}/response", json={"accept": True}, headers=world.h("alice"))
    c.post(f"/api/negotiations/{n}/proposals/{pid}/response", json={"accept": True}, headers=world.h("bob"))
    bodies: list[str] = []
    for role in ("anon", "admin", "med", "bob", "olga", "eve"):
        for method, path, body, _ in _endpoints(world, pid):
            payload = (
                {"username": f"user{next(_names)}", "password": "long enough pw"}
                if body == "new-user"
                else body
            )
            bodies.append(c.request(method, path, json=payload, headers=world.h(role)).text)
        for concept in ("nash", "ks", "egalitarian", "welfare"):
            bodies.append(
                c.get(f"/api/negotiations/{n}/suggestions?concept={concept}", headers=world.h(role)).text
            )
        # errors too: a bad write to A's valuations, a malformed proposal, an unknown proposal
        bodies.append(
            c.put(
                f"/api/negotiations/{n}/valuations/A",
                json={"values": {"office": {"yes": "x"}}},
                headers=world.h(role),
            ).text
        )
        bodies.append(
            c.post(
                f"/api/negotiations/{n}/proposals",
                json={"choices": {"office": "maybe"}},
                headers=world.h(role),
            ).text
        )
        bodies.append(c.get(f"/api/negotiations/{n}/proposals/999", headers=world.h(role)).text)
    assert len(bodies) > 100
    for text in bodies:
        for secret in ("987654", "13579", "-13579.2468"):
            assert secret not in text
    # the mediator's suggestions changed because of A's private values (they were used, not leaked)
    assert (
        "office" in c.get(f"/api/negotiations/{n}/suggestions?concept=welfare", headers=world.h("med")).text
    )
