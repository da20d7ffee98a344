"""Phones and keyboards: at 390 px nothing scrolls sideways, fields are thumb-sized, the results
come before the filters and within three Tab presses of the words box, and axe finds nothing
serious; and a caregiver's search by keyboard alone (age 70, recruiting, open a study).

Chromium drives the live server over the browser tests' records (``test_browser_search``).
"""

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.conftest import serious_violations
from tests.test_browser_search import focused, results_heading, studies, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["studies"]  # the fixture, used by name

PHONE: ViewportSize = {"width": 390, "height": 844}
PHONE_PAGES = [
    "/",
    "/studies/?q=lenalidomide",
    "/studies/?age=70&recruiting=on&ages=OLDER_ADULT",
    "/studies/NCT00398515/",  # the seed: long names, a table of sites
    "/studies/NCT02724163/",  # long criteria under headings, many outcomes
    "/studies/NCT01949129/",  # a stale claim of recruitment
    "/browse/conditions/",
]


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def sideways(page: Page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0: not at all)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_at_390_px_nothing_scrolls_sideways_and_axe_finds_nothing_serious(
    phone: Page, live_server, studies, path
):
    phone.goto(live_server.url + path)

    assert sideways(phone) == 0
    assert serious_violations(phone) == []


def test_the_sideways_check_would_catch_a_page_too_wide(phone: Page):
    phone.set_content('<html lang="en"><title>t</title><main><p style="width:600px">x</p></main>')
    assert sideways(phone) > 0


def test_the_menu_folds_under_the_name_at_390_px(phone: Page, live_server, studies):
    phone.goto(live_server.url + "/")
    menu = phone.get_by_role("navigation", name="Site")
    name = phone.get_by_role("link", name="Trial registry browser")

    menu_box, name_box = menu.bounding_box(), name.bounding_box()
    assert menu_box is not None and name_box is not None
    assert menu_box["y"] >= name_box["y"] + name_box["height"]
    assert menu_box["x"] + menu_box["width"] <= PHONE["width"]


def test_fields_are_16_px_text_and_44_px_tall(phone: Page, live_server, studies):
    phone.goto(live_server.url + "/studies/?q=lenalidomide")
    phone.get_by_text("More search options").click()

    fields = phone.locator(
        "input:not([type=checkbox]):not([type=radio]):not([type=hidden]):visible,"
        " select:visible, button:visible"
    )
    assert fields.count() > 8
    sizes = fields.evaluate_all(
        """(all) => all.map((e) => [e.name || e.textContent.trim(),
            parseFloat(getComputedStyle(e).fontSize), e.getBoundingClientRect().height])"""
    )
    assert [s for s in sizes if s[1] < 16 or s[2] < 44] == []


def test_the_results_come_before_the_filters_and_within_three_tabs_of_the_words_box(
    phone: Page, live_server, studies
):
    phone.goto(live_server.url + "/studies/?q=lenalidomide&phase=PHASE1")
    results = phone.locator("#results")
    filters = phone.get_by_role("complementary", name="Filters")
    results_box, filters_box = results.bounding_box(), filters.bounding_box()
    assert results_box is not None and filters_box is not None
    assert results_box["y"] + results_box["height"] <= filters_box["y"]

    phone.get_by_label("Words anywhere").focus()
    for _ in range(3):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.getElementById('results').contains(document.activeElement)"):
            break
    else:
        raise AssertionError(f"three Tab presses reached {focused(phone)!r}, not the results")

    # The summary of chosen filters leads to the filters and removes one.
    expect(phone.locator(".chosen")).to_contain_text("Phase 1")
    phone.locator(".chosen").get_by_role("link", name="Filters").click()
    expect(phone.get_by_role("heading", name="Filters")).to_be_in_viewport()


def test_a_caregiver_finds_a_recruiting_study_near_columbus_for_a_70_year_old_by_keyboard_alone(
    phone: Page, live_server, studies
):
    """The caregiver's journey: a place, age 70, recruiting now, open a study, read the phone
    number of its nearest site; by keyboard alone on a phone."""
    phone.goto(live_server.url + "/")

    tab_to(phone, re.compile(r"^More search options\b"))
    phone.keyboard.press("Enter")
    tab_to(phone, re.compile(r"^label:Near$"))
    phone.keyboard.type("Columbus, Ohio")
    phone.keyboard.press("Tab")  # the distance
    phone.keyboard.type("150")
    tab_to(phone, re.compile(r"^label:Age in years:?$"))
    phone.keyboard.type("70")
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"[?&]age=70(&|$)"))
    expect(phone).to_have_url(re.compile(r"[?&]near=Columbus%2C(\+|%20)Ohio(&|$)"))
    expect(phone.locator(".chosen")).to_contain_text("Age 70")

    tab_to(phone, re.compile(r"^Recruiting now$"))
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"[?&]recruiting=on(&|$)"))
    expect(phone).to_have_url(re.compile(r"[?&]age=70(&|$)"))
    expect(phone).to_have_url(re.compile(r"[?&]near=Columbus"))
    heading = results_heading(phone)
    expect(heading).not_to_have_text("0 studies")
    # Every result is open to a 70-year-old and recruiting now, none a stale claim, and each
    # names its nearest site within the 150 miles asked for.
    badges = phone.locator(".result-meta .badge")
    assert set(badges.all_text_contents()) <= {
        "Recruiting",
        "Not yet recruiting",
        "Enrolling by invitation",
    }
    nearest = phone.locator(".result dd strong").all_text_contents()
    assert nearest and len(nearest) == phone.locator(".result").count()
    assert all(float(d.split()[0].replace(",", "")) <= 150 for d in nearest), nearest
    assert sideways(phone) == 0

    phone.get_by_label("Words anywhere").focus()
    first = phone.locator(".result-title a").first
    title = first.text_content() or ""
    tab_to(phone, re.compile(re.escape(title.strip())))
    phone.keyboard.press("Enter")

    expect(phone).to_have_url(re.compile(r"/studies/NCT\d{8}/\?near=Columbus"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text(title.strip()[:40])
    expect(phone.locator("#status .badge")).to_have_text(
        re.compile("^(Recruiting|Not yet recruiting|Enrolling by invitation)$")
    )
    # The sites one can join come first, nearest first; the nearest with a phone number shows
    # it as a link a phone dials, reached by keyboard.
    rows = phone.locator("#sites table.sites tbody tr")
    expect(rows.first).to_contain_text("Ohio")
    with_phone = rows.filter(has=phone.locator("a[href^='tel:']")).first
    expect(with_phone).to_contain_text("Ohio")
    dial = with_phone.locator("a[href^='tel:']").first
    number = (dial.text_content() or "").strip()
    assert re.search(r"\d{3}", number)
    tab_to(phone, re.compile(f"^{re.escape(number)}$"), limit=400)
    assert phone.evaluate("document.activeElement.getAttribute('href')").startswith("tel:")
    assert sideways(phone) == 0
