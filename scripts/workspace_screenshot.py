"""Make docs/workspace.png: the mediator's page of the flagship in the workspace (headless chromium).

Run: .venv/bin/python scripts/workspace_screenshot.py [OUT.png]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.server import conftest  # noqa: E402
from tests.server.live import live_server  # noqa: E402


def main(out: Path) -> None:
    scenario = (ROOT / "scenarios" / "korea-2019.yaml").read_text()
    server = live_server(Path(tempfile.mkdtemp()), scenario, ("US", "DPRK"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(f"{server.url}/login")
            page.get_by_label("Username").fill("med")
            page.get_by_label("Password").fill(conftest.PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.goto(f"{server.url}/n/1")
            page.get_by_role("button", name="Suggest (nash)").click()
            page.locator("#suggestions .card").first.wait_for(timeout=120_000)
            page.locator("h2", has_text="Mediator").scroll_into_view_if_needed()
            page.screenshot(path=str(out))
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "workspace.png")
