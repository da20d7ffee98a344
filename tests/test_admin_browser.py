"""A curator's journey in a real browser: log in, find, correct, check, revert, paste a page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import delete_all_studies, import_files
from tests.corpus import read

pytestmark = pytest.mark.browser


PASSWORD = "a-long-curator-passphrase"
NEW_TITLE = "Lenalidomide with temsirolimus for refractory multiple myeloma"


@pytest.fixture
def site(live_server, transactional_db, django_user_model):
    delete_all_studies()  # the shared records, if no test flushed them before
    django_user_model.objects.create_superuser("curator", "c@example.org", PASSWORD)
    (result,) = import_files("text/NCT00398515.txt")
    assert result.outcome == "created"
    return live_server.url


def log_in(page: Page, site: str) -> None:
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_a_curator_corrects_a_title_checks_it_in_public_and_in_history_and_reverts_it(
    page: Page, site: str
):
    log_in(page, site)
    page.get_by_role("link", name="Studies", exact=True).click()
    page.get_by_role("textbox", name="Search").fill("Revlimid")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="NCT00398515").click()

    old_title = page.get_by_label("Brief title").input_value()
    assert old_title.startswith("Lenalidomide and Temsirolimus")
    page.get_by_label("Brief title").fill(NEW_TITLE)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{site}/studies/NCT00398515/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_TITLE)
    expect(page.get_by_role("heading", level=1)).to_contain_text("corrected by the registry")

    page.goto(f"{site}/admin/")
    page.get_by_role("link", name="Studies", exact=True).click()
    page.get_by_role("textbox", name="Search").fill("NCT00398515")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="NCT00398515").click()
    page.get_by_role("link", name="History").click()
    entry = page.locator("section.history-entry").first
    expect(entry).to_contain_text("Admin edit by curator")
    expect(entry).to_contain_text(NEW_TITLE)
    expect(entry).to_contain_text(old_title)

    entry.get_by_role("button", name=re.compile("Revert")).click()
    expect(page.locator(".messagelist")).to_contain_text("Reverted")
    expect(page.locator("section.history-entry").first).to_contain_text("Revert by curator")

    page.goto(f"{site}/studies/NCT00398515/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(old_title)
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("corrected")


def test_a_curator_pastes_a_pages_text_and_finds_the_new_study(page: Page, site: str):
    log_in(page, site)
    page.get_by_role("link", name="Studies", exact=True).click()
    page.get_by_role("link", name="Import records").click()
    page.get_by_label("Pasted page text").fill(read("text/NCT00461630.txt").decode())
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".import-report")).to_contain_text("created: NCT00461630 (pasted text)")
    expect(page.get_by_text("Total: 1 records (1 created)")).to_be_visible()

    page.goto(f"{site}/studies/NCT00461630/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Treatment of HDL to Reduce the Incidence of Vascular"
    )
