"""A person finds a study's sites near them in a real browser: by keyboard, on a phone too.

Chromium drives the live server over one API v2 record of 148 sites in 23 countries
(NCT05809934): 141 with the record's coordinates, a few more placed by the gazetteer.
"""

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.conftest import delete_all_studies, import_files, serious_violations
from trials.models import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDY = "NCT05809934"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)


@pytest.fixture
def study_url(transactional_db, live_server) -> str:
    delete_all_studies()  # the shared records, if no test flushed them before
    (result,) = import_files(f"json/{STUDY}.json")
    assert result.outcome == "created", result
    return f"{live_server.url}/studies/{STUDY}/"


def test_a_person_chooses_a_country_by_keyboard_and_sees_only_its_sites(page: Page, study_url: str):
    page.goto(study_url)
    country = page.get_by_label("Country")
    country.focus()
    country.select_option("Japan")
    page.keyboard.press("Tab")  # the state
    page.keyboard.press("Tab")  # the status
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show sites")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{study_url}?country=Japan&state=&status=#sites")
    places = page.locator("#sites table.sites tbody tr td:nth-child(2)")
    expect(places.first).to_contain_text("Japan")
    assert all(text.endswith("Japan") for text in places.all_inner_texts())
    expect(page.get_by_role("link", name="Show every site")).to_be_visible()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_axe_finds_no_serious_or_critical_violations_in_the_sites(page: Page, study_url: str, size):
    page.set_viewport_size(size)
    page.goto(f"{study_url}?lat=35.68&lon=139.69")
    placed = Site.objects.filter(study__nct_id=STUDY, place_latitude__isnull=False).count()
    assert placed >= 141
    expect(page.get_by_role("img", name=f"Map of {placed} sites")).to_be_visible()
    assert serious_violations(page) == []


def test_on_a_phone_the_sites_fit_the_screen_but_for_their_scrolling_table(
    page: Page, study_url: str
):
    page.set_viewport_size(PHONE)
    page.goto(f"{study_url}#sites")
    expect(page.locator("#sites svg")).to_be_visible()
    wider = page.evaluate(
        """width => [...document.querySelectorAll('#sites *')]
            .filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > width)
            .map(e => e.tagName)""",
        PHONE["width"],
    )
    assert wider == []
    # The table scrolls within its own region, by keyboard too.
    region = page.locator("#sites .table-wrap")
    assert region.get_attribute("tabindex") == "0"
