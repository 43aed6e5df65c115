"""Logging in as a person does: a fresh browser sees the token page, the printed address
(`?token=...`) logs it in, and from then on the page works on its session cookie: it runs a
pipeline (XSRF header on the POST) and watches it live over the websocket."""

from __future__ import annotations

import re
from typing import Any

from e2e_support import TOKEN, Server, make_workspace, shot
from playwright.sync_api import expect

SMALL_SLEEPS = {"a_sleep": "0", "b_sleep": "0", "c_sleep": "0", "d_sleep": "0"}


def test_log_in_with_the_token_address_and_run_a_pipeline(browser: Any, tmp_path: Any) -> None:
    server = Server(make_workspace(tmp_path))
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/pipelines/seed_stream")
        expect(page.get_by_role("heading", name="Sluicegate")).to_be_visible()
        expect(page.get_by_text("needs its token")).to_be_visible()
        shot(page, "login-asked")

        page.fill("input[name=token]", "not-the-token")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("not this server's")).to_be_visible()

        page.goto(f"{server.url}/pipelines/seed_stream?token={TOKEN}")
        expect(page).to_have_url(f"{server.url}/pipelines/seed_stream")  # token gone
        launcher = page.locator(".editor-head .launcher")
        launcher.get_by_role("button", name=re.compile(r"^Variables")).click()
        for name, value in SMALL_SLEEPS.items():
            launcher.locator(f"input[name='var:{name}']").fill(value)
        launcher.locator(".run-button").click()
        expect(page).to_have_url(re.compile(r"/runs/seed_stream-"))
        expect(page.locator(".run-head .pill-succeeded")).to_be_visible(timeout=30_000)
        counter = page.locator("g.node[data-block='D'] .children-row")
        expect(counter).to_have_attribute("data-succeeded", "100")
        shot(page, "login-ran")

        # The form on the token page logs in too, and keeps the page asked for.
        fresh = browser.new_context()
        other = fresh.new_page()
        other.goto(f"{server.url}/runs")
        other.fill("input[name=token]", TOKEN)
        other.get_by_role("button", name="Log in").click()
        expect(other).to_have_url(f"{server.url}/runs")
        expect(other.locator("main#app")).not_to_contain_text("needs its token")
        fresh.close()
    finally:
        context.close()
        server.stop()
