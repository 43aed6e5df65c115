"""The workspace home and the run history, as a person sees them: pipelines with their last
run's status, recent runs, creating a pipeline, and the history filtered by pipeline and
status."""

from __future__ import annotations

import re
from typing import Any

from e2e_support import Server, shot
from playwright.sync_api import expect

DASH = "\u2013"  # the pagers write ranges with an en dash


def test_home_lists_pipelines_with_their_last_run(page: Any, server: Server) -> None:
    page.goto(server.url + "/")
    cards = page.locator("[data-testid=pipelines] .card")
    expect(cards).to_have_count(4)
    seed = page.locator(".card[data-pipeline=seed_stream]")
    expect(seed).to_contain_text("Dynamic blocks in stream mode")
    expect(seed).to_contain_text("4 blocks")
    expect(seed.locator(".pill")).to_have_text("never run")
    expect(page.get_by_text("No runs yet.")).to_be_visible()

    done = server.run_to_end("seed_stream")
    failed = server.run_to_end("deadlock_diamond")
    # The lists refresh by themselves when runs end.
    expect(seed.locator(".pill")).to_have_text("succeeded", timeout=10_000)
    expect(page.locator(".card[data-pipeline=deadlock_diamond] .pill")).to_have_text("failed")
    rows = page.locator(".recent table.runs-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-run", failed["id"])
    expect(rows.first).to_contain_text("Deadlock: wait-for cycle")
    shot(page, "home")

    page.locator(f"a[href='/runs/{done['id']}']").click()
    expect(page).to_have_url(re.compile(f"/runs/{done['id']}$"))
    expect(page.locator(".run-head .pill-succeeded")).to_be_visible()


def test_create_pipeline_rejects_a_bad_name(page: Any, empty_server: Server) -> None:
    page.goto(empty_server.url + "/")
    page.get_by_role("button", name="New pipeline").click()
    page.fill("input[name=name]", "bad name")
    page.evaluate("document.querySelector('input[name=name]').removeAttribute('pattern')")
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".form-error")).to_contain_text("must match")
    page.fill("input[name=name]", "good_name")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/pipelines/good_name$"))


def test_run_history_filters_by_pipeline_and_status(page: Any, server: Server) -> None:
    server.run_to_end("seed_stream")
    server.run_to_end("seed_stream")
    failed = server.run_to_end("deadlock_diamond")
    page.goto(server.url + "/runs")
    rows = page.locator("table.runs-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator(".pager")).to_contain_text(f"1{DASH}3 of 3")

    page.select_option("select[name=status]", "failed")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-run", failed["id"])
    expect(page).to_have_url(re.compile(r"status=failed"))

    page.select_option("select[name=status]", "")
    page.select_option("select[name=pipeline]", "seed_stream")
    expect(rows).to_have_count(2)
    for i in range(2):
        expect(rows.nth(i)).to_have_attribute("data-status", "succeeded")

    # The filter is in the address: a reload keeps it.
    page.reload()
    expect(rows).to_have_count(2)
    expect(page.locator("select[name=pipeline]")).to_have_value("seed_stream")
    shot(page, "runs")
