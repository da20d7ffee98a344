"""markupFormat=legacy: markup fields as plain text, in the list and the single-study answers."""

import pytest

from trials import markup

pytestmark = pytest.mark.django_db

# A study whose eligibility criteria are Markdown with bullets, escapes and emphasis.
WITH_MARKDOWN = "NCT05843643"


def test_markdown_becomes_plain_text():
    text = (
        "# Heading\n\n* Age \\>= 18\n  * **Signed** consent\n* BMI \\< 35 kg/m^2 and *not* pregnant"
    )
    assert markup.legacy(text) == (
        "Heading\n\n- Age >= 18\n  - Signed consent\n- BMI < 35 kg/m^2 and not pregnant"
    )
    assert markup.legacy("5 \\* 3 = 15") == "5 * 3 = 15"  # an escaped asterisk stays one


def eligibility(answer: dict) -> str:
    return answer["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]


def test_both_answers_give_the_criteria_as_legacy_text_when_asked(client, corpus):
    stored = eligibility(client.get(f"/api/v2/studies/{WITH_MARKDOWN}").json())
    assert "* " in stored and "\\" in stored  # Markdown bullets and escapes, as stored
    one = eligibility(
        client.get(f"/api/v2/studies/{WITH_MARKDOWN}", {"markupFormat": "legacy"}).json()
    )
    listed = client.get(
        "/api/v2/studies", {"filter.ids": WITH_MARKDOWN, "markupFormat": "legacy"}
    ).json()
    assert eligibility(listed["studies"][0]) == one == markup.legacy(stored)
    assert "\\" not in one and "\n* " not in one


def test_an_unknown_markup_format_is_refused(client, corpus):
    response = client.get("/api/v2/studies", {"markupFormat": "html"})
    assert response.status_code == 400
    assert response.json()["message"] == "markupFormat: must be markdown or legacy, not 'html'"
