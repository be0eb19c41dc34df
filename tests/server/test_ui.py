"""Browser sessions: HttpOnly SameSite cookies, CSRF on every POST, pages that show only what is yours."""

from __future__ import annotations

import re

import pytest

from tests.server.conftest import PASSWORD, World


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_session_cookie_and_csrf(world: World) -> None:
    c, n = world.client, world.nid
    r = c.post("/login", data={"username": "alice", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = c.get(f"/n/{n}/valuations")
    assert page.status_code == 200 and 'name="v|freeze|yes"' in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    form = {"v|freeze|yes": "-2.5"}
    assert c.post(f"/n/{n}/valuations", data=form).status_code == 403  # no CSRF token
    assert c.post(f"/n/{n}/valuations", data={**form, "csrf": "forged"}).status_code == 403
    ok = c.post(f"/n/{n}/valuations", data={**form, "csrf": token.group(1)})
    assert ok.status_code == 200 and "Saved." in ok.text
    assert (
        c.post(f"/n/{n}/valuations", data=form, headers={"X-CSRF-Token": token.group(1)}).status_code == 200
    )
    # another party's valuations are not reachable through the pages either
    assert c.get(f"/n/{n}/suggestions?concept=nash").status_code == 403
    c.post("/logout", data={"csrf": token.group(1)})
    assert c.get(f"/n/{n}/valuations", follow_redirects=False).status_code == 303
