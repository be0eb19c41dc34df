"""The workspace in a real browser (Playwright for Python driving Debian's chromium): log in, enter
valuations, get a suggestion, propose it, and accept it as both delegations."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.conftest import PASSWORD
from tests.server.live import LiveServer, live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (make test installs Debian's chromium package)")
        pytest.skip("chromium is not installed here; `make test` installs it")
    s = live_server(tmp_path)
    yield s
    s.stop()


@pytest.mark.slow
def test_login_valuations_propose_accept(server: LiveServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:

            def login(user: str):  # type: ignore[no-untyped-def]
                page = browser.new_context().new_page()
                page.goto(f"{server.url}/login")
                page.get_by_label("Username").fill(user)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Log in").click()
                expect(page.get_by_role("heading", name="Your negotiations")).to_be_visible()
                return page

            bad = browser.new_context().new_page()
            bad.goto(f"{server.url}/login")
            bad.get_by_label("Username").fill("alice")
            bad.get_by_label("Password").fill("not the password")
            bad.get_by_role("button", name="Log in").click()
            expect(bad.get_by_role("alert")).to_contain_text("wrong username or password")

            alice = login("alice")
            alice.get_by_role("link", name="Freeze for relief (workspace test)").click()
            alice.get_by_role("link", name="my valuations").click()
            alice.get_by_label("office yes").fill("2.5")
            alice.get_by_role("button", name="Save").click()
            expect(alice.get_by_role("status")).to_have_text("Saved.")
            alice.reload()
            expect(alice.get_by_label("office yes")).to_have_value("2.5")

            med = login("med")
            med.get_by_role("link", name="Freeze for relief (workspace test)").click()
            med.get_by_role("button", name="Suggest (welfare)").click()
            expect(med.locator("#suggestions")).to_contain_text("Liaison offices (office): yes")
            med.screenshot(path=str(tmp_path / "mediator.png"), full_page=True)
            med.locator("#suggestions").get_by_role("button", name="Propose this").first.click()
            expect(med.get_by_role("heading", name="Proposal 1")).to_be_visible()

            for page in (alice, login("bob")):
                page.goto(f"{server.url}/n/1")
                expect(page.locator("#proposal-1")).to_contain_text("Your utility")
                page.locator("#proposal-1").get_by_role("button", name="Accept").click()
                expect(page.locator("#proposal-1")).to_contain_text("You accepted it")
            med.reload()
            expect(med.locator("#proposal-1")).to_contain_text("Accepted by every party")
            # the mediator never sees a utility, a delegation never sees another's valuations
            assert "Your utility" not in med.content()
            alice.goto(f"{server.url}/n/1/valuations")
            assert "2.5" in alice.content()
            r = alice.request.get(f"{server.url}/api/negotiations/1/valuations/B")
            assert r.status == 401  # the browser session cookie is not an API token
        finally:
            browser.close()
