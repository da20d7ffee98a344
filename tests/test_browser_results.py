"""A person reads a study's results in a real browser: by keyboard, on a wide screen and a phone.

Chromium drives the live server over one results-bearing API v2 record (NCT02552212: two flow
periods, a baseline table, outcome measures with analyses and adverse events in five groups).
"""

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.conftest import delete_all_studies, import_files, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDY = "NCT02552212"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)


@pytest.fixture
def study_url(transactional_db, live_server) -> str:
    delete_all_studies()  # the shared records, if no test flushed them before
    (result,) = import_files(f"json/{STUDY}.json")
    assert result.outcome == "created", result
    return f"{live_server.url}/studies/{STUDY}/"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_a_person_tabs_to_an_outcome_table_and_reads_it(page: Page, study_url: str, size):
    page.set_viewport_size(size)
    page.goto(study_url)
    # From the contents list to the results' outcome measures, then on by keyboard alone.
    page.locator('.toc a[href="#results-outcomes"]').focus()
    page.keyboard.press("Enter")
    region = page.get_by_role("region", name="Percentage of Subjects With Ankylosing").first
    for _ in range(40):
        page.keyboard.press("Tab")
        if region.evaluate("element => element === document.activeElement"):
            break
    expect(region).to_be_focused()

    table = region.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Placebo (FAS)")).to_be_visible()
    expect(table.get_by_role("cell", name="47.2", exact=True)).to_be_visible()
    beside = page.locator(".outcome-result").first.locator(".analyses")
    expect(beside).to_contain_text("<0.001")
    if size == PHONE:
        # The table is wider than the phone: the arrow keys scroll it within its region.
        scrolled = region.evaluate("element => element.scrollWidth > element.clientWidth")
        if scrolled:
            page.keyboard.press("ArrowRight")
            page.wait_for_function("element => element.scrollLeft > 0", arg=region.element_handle())


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_axe_finds_no_serious_or_critical_violations_on_the_results(
    page: Page, study_url: str, size
):
    page.set_viewport_size(size)
    page.goto(study_url)
    assert serious_violations(page) == []


def test_on_a_phone_the_page_never_scrolls_sideways(page: Page, study_url: str):
    page.set_viewport_size(PHONE)
    page.goto(study_url)
    expect(page.locator("#events-serious")).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The wide tables do scroll: within their own regions.
    assert page.locator("#events-totals").evaluate(
        "table => table.parentElement.scrollWidth > table.parentElement.clientWidth"
    )
