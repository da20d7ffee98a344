"""A person's search in a real browser: by mouse, by keyboard alone, and checked by axe.

Chromium drives the live server over imported records: the seed (Phase 1, lenalidomide with
Revlimid among its other names), a Phase 2 lenalidomide study from the bulk archive that only
the drug's other names connect to "Revlimid", and the corpus's API v2 records around them.
"""

import re
import tarfile

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import delete_all_studies, import_files, serious_violations
from tests.corpus import CORPUS, extracted
from trials.importer.detect import read_studies
from trials.importer.writer import import_pieces

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_TITLE = "Lenalidomide and Temsirolimus in Treating Patients With Previously Treated Multiple"
# A Phase 2 study of lenalidomide (no other names given) in the February 2023 bulk archive.
PHASE_2_LENALIDOMIDE = "NCT00460031"
STUDY_SECTIONS = [
    "Status",
    "Conditions",
    "Design",
    "Arms and interventions",
    "Outcome measures",
    "Eligibility",
    "Sites",
    "Sponsors and investigators",
    "Identifiers",
    "MeSH terms",
    "Dates",
    "Versions",
]


def import_from_bulk(nct_id: str) -> None:
    name = f"ctgov-xml-2023-02/{nct_id}.xml"
    with tarfile.open(CORPUS / "bulk" / "ctgov-xml-2023-02.tar.xz") as archive:
        data = extracted(archive, name)
    (result,) = import_pieces(read_studies(data, name))
    assert result.outcome == "created", result


@pytest.fixture
def studies(transactional_db):
    delete_all_studies()  # the shared records, if no test flushed them before
    (seed,) = import_files("text/NCT00398515.txt")
    assert seed.outcome == "created", seed
    import_from_bulk(PHASE_2_LENALIDOMIDE)
    import_files(*(f"json/{p.name}" for p in sorted((CORPUS / "json").glob("NCT0*.json"))))


def results_heading(page: Page):
    return page.get_by_role("heading", name=re.compile(r"^\d+ stud(y|ies)$"))


def test_a_person_finds_revlimid_narrows_by_phase_and_reads_the_study(
    page: Page, live_server, studies
):
    page.goto(live_server.url + "/")
    page.get_by_label("Words anywhere").fill("Revlimid")
    page.get_by_role("button", name="Search").click()

    expect(results_heading(page)).to_have_text("2 studies")
    results = page.get_by_role("list").filter(has=page.locator(".result"))
    expect(results.get_by_role("link", name=re.compile(SEED_TITLE))).to_be_visible()
    expect(page.get_by_text(PHASE_2_LENALIDOMIDE)).to_be_visible()
    # Why each matched: the seed names Revlimid among its drug's other names; the other study
    # names the drug only by its generic name.
    expect(page.locator(".snippet mark")).to_have_text(["Revlimid", "Lenalidomide"])

    phases = page.get_by_role("region", name="Phase")
    phases.get_by_role("link", name="Phase 1").click()

    expect(page).to_have_url(re.compile(r"[?&]phase=PHASE1(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]q=Revlimid(&|$)"))
    expect(results_heading(page)).to_have_text("1 study")
    expect(page.get_by_text(PHASE_2_LENALIDOMIDE)).to_have_count(0)

    page.get_by_role("link", name=re.compile(SEED_TITLE)).click()

    expect(page).to_have_url(live_server.url + "/studies/NCT00398515/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lenalidomide and Temsirolimus")
    for section in STUDY_SECTIONS:
        expect(page.get_by_role("heading", level=2, name=section, exact=True)).to_be_visible()
    expect(page.get_by_text("Other names: CC-5013, IMiD-1, Revlimid")).to_be_visible()


def focused(page: Page) -> str:
    """What the focused element says: its text, or an input's label."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            if (!e) return "";
            if (e.labels && e.labels.length) return "label:" + e.labels[0].textContent.trim();
            return (e.textContent || "").trim().replace(/\\s+/g, " ");
        }"""
    )


def tab_to(page: Page, wanted: re.Pattern[str], limit: int = 150) -> None:
    """Press Tab until the focused element says ``wanted``, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted.search(focused(page)):
            return
    raise AssertionError(f"Tab never reached {wanted.pattern!r}")


def test_the_same_journey_by_keyboard_alone(page: Page, live_server, studies):
    page.goto(live_server.url + "/")

    # The skip link comes first and leads to the content.
    page.keyboard.press("Tab")
    assert focused(page) == "Skip to content"
    page.keyboard.press("Enter")
    tab_to(page, re.compile(r"^label:Words anywhere$"))
    page.keyboard.type("Revlimid")
    page.keyboard.press("Enter")
    expect(results_heading(page)).to_have_text("2 studies")

    tab_to(page, re.compile(r"^Phase 1$"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]phase=PHASE1(&|$)"))
    expect(results_heading(page)).to_have_text("1 study")

    tab_to(page, re.compile(SEED_TITLE))
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/studies/NCT00398515/")

    # The study's table of contents takes a keyboard user to a section.
    tab_to(page, re.compile(r"^Eligibility$"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#eligibility$"))
    expect(page.get_by_role("heading", level=2, name="Eligibility")).to_be_in_viewport()

    # "More search options" opens with the keyboard too: back to the search, Space on summary.
    page.goto(live_server.url + "/")
    tab_to(page, re.compile(r"^More search options\b"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Condition")).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/studies/?q=Revlimid",
        "/studies/?q=cancer&phase=PHASE2&recruiting=on",
        "/studies/?q=zzzxqv",
        "/studies/NCT00398515/",
    ],
)
def test_axe_finds_no_serious_or_critical_violations(page: Page, live_server, studies, path):
    page.goto(live_server.url + path)
    assert serious_violations(page) == []


def test_the_axe_check_would_catch_an_unlabelled_field_and_an_unnamed_link(page: Page):
    # The check above means something only if axe runs: here it must complain.
    page.set_content(
        '<html lang="en"><title>t</title><main><input type="text"><a href="/x"></a></main></html>'
    )
    found = serious_violations(page)
    assert any(v.startswith("label ") for v in found), found
    assert any(v.startswith("link-name ") for v in found), found
