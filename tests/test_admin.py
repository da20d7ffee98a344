"""The curation admin: finding studies, editing them and their parts, history, revert."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.conftest import import_files
from trials.importer.writer import save_record
from trials.models import Curation, DrugAlias, Origin, Study, StudyChange
from trials.record import StudyRecord

SMALL = "json/NCT00405041.json"  # one site; intervention "Dietary supplement GVG 2"
BIG = "xml/NCT02465060.xml"  # 1,218 sites, 30 arms


@pytest.fixture
def curator(db, django_user_model):
    return django_user_model.objects.create_superuser("curator", "c@example.org", "pw-123456789")


@pytest.fixture
def staff(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def small(corpus):
    return Study.objects.get(nct_id="NCT00405041")


def form_data(html: bytes, form_id: str) -> dict[str, list[str]]:
    """What a browser would post from the form as rendered, unchanged."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    assert form is not None, f"no form {form_id}"
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = str(field.get("name") or "")
        if not name or field.get("type") in ("submit", "file"):
            continue
        if field.get("type") == "checkbox" and not field.has_attr("checked"):
            continue
        if field.name == "textarea":
            value = field.text.removeprefix("\n")
        elif field.name == "select":
            chosen = field.find_all("option", selected=True)
            data[name] = [str(o.get("value", "")) for o in chosen]
            continue
        else:
            value = str(field.get("value", "on" if field.get("type") == "checkbox" else ""))
        data.setdefault(name, []).append(value)
    return data


def change_url(study: Study) -> str:
    return reverse("admin:trials_study_change", args=[study.pk])


def post_change(client, study: Study, **changes: str):
    data = form_data(client.get(change_url(study)).content, "study_form")
    data.update({name: [value] for name, value in changes.items()})
    return client.post(change_url(study), data)


def test_the_admin_is_for_staff_only(client, small, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))
    response = client.get(change_url(small))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_study_page_shows_its_parts_inline_and_links_its_sites(staff, small):
    html = staff.get(change_url(small)).content.decode()
    assert "Dietary supplement GVG 2" in html
    assert "GAVMATINE(TM)" in html  # the other names, editable in place
    assert "1 site(s): list and edit" in html
    assert f"?study__id__exact={small.pk}" in html
    # The imported version, read-only, its format by its label.
    versions = BeautifulSoup(html, "html.parser").select("#versions-group td.field-format")
    assert [cell.get_text(strip=True) for cell in versions] == ["API v2 JSON"]


@pytest.mark.slow
def test_the_study_page_costs_the_same_queries_for_1218_sites_as_for_one(
    staff, small, django_assert_num_queries
):
    import_files(BIG)
    big = Study.objects.get(nct_id="NCT02465060")
    assert big.sites.count() == 1218
    staff.get(change_url(small))  # warm the session and content types
    with django_assert_num_queries(17) as small_queries:
        staff.get(change_url(small))
    with django_assert_num_queries(len(small_queries)):
        response = staff.get(change_url(big))
    assert "1218 site(s): list and edit" in response.content.decode()


def test_the_site_list_of_one_study_is_paginated(staff, db):
    import_files(BIG)
    big = Study.objects.get(nct_id="NCT02465060")
    url = reverse("admin:trials_site_changelist") + f"?study__id__exact={big.pk}"
    html = staff.get(url).content.decode()
    assert "1218 sites" in html
    assert html.count('<td class="field-city">') == 100  # the first page of 1,218


@pytest.mark.parametrize(
    "term",
    [
        "NCT00405041",
        "nct00405041",
        "herniated lumbar disc compression",
        "GAVMATINE(TM)",
        "Dietary supplement GVG",
    ],
)
def test_search_finds_a_study_by_nct_id_title_drug_and_other_name(staff, small, term):
    html = staff.get(reverse("admin:trials_study_changelist"), {"q": term}).content.decode()
    assert "NCT00405041" in html
    assert "1 result" in html


def test_search_finds_a_study_by_its_obsolete_nct_id(staff, small):
    small.identifiers.create(kind="NCT_ALIAS", value="NCT09999999")
    html = staff.get(reverse("admin:trials_study_changelist"), {"q": "NCT09999999"}).content
    assert b"NCT00405041" in html


def test_search_finds_a_study_by_condition(staff, small):
    condition = small.conditions.first().name
    html = staff.get(reverse("admin:trials_study_changelist"), {"q": condition}).content
    assert b"NCT00405041" in html


def test_a_new_alias_applies_to_search_at_once(staff, small):
    changelist = reverse("admin:trials_study_changelist")
    assert b"NCT00405041" not in staff.get(changelist, {"q": "Glucosaminix"}).content
    staff.post(
        reverse("admin:trials_drugalias_add"),
        {"alias": "Glucosaminix", "drug": "Dietary supplement GVG 2", "note": ""},
    )
    assert DrugAlias.objects.filter(alias="Glucosaminix").exists()
    assert b"NCT00405041" in staff.get(changelist, {"q": "Glucosaminix"}).content


def test_a_not_an_alias_entry_finds_nothing(staff, small):
    # An alias a curator then marks as junk: it keeps its drug, but names it no more.
    DrugAlias.objects.create(alias="Glucosaminix", drug="GAVMATINE(TM)", not_an_alias=True)
    html = staff.get(reverse("admin:trials_study_changelist"), {"q": "Glucosaminix"}).content
    assert b"NCT00405041" not in html


def test_an_alias_of_a_name_marked_not_an_alias_finds_nothing_as_in_the_public_search(staff, small):
    DrugAlias.objects.create(alias="GAVMATINE(TM)", not_an_alias=True)
    DrugAlias.objects.create(alias="Glucosaminix", drug="GAVMATINE(TM)")
    html = staff.get(reverse("admin:trials_study_changelist"), {"q": "Glucosaminix"}).content
    assert b"NCT00405041" not in html  # its drug is junk, as the public search says


@pytest.mark.parametrize(
    ("parameter", "value", "found"),
    [
        ("overall_status__exact", "COMPLETED", True),
        ("overall_status__exact", "RECRUITING", False),
        ("phase", "PHASE3", True),
        ("phase", "PHASE1", False),
        ("study_type__exact", "INTERVENTIONAL", True),
        ("study_type__exact", "OBSERVATIONAL", False),
        ("sponsor_class", "OTHER_GOV", True),
        ("sponsor_class", "INDUSTRY", False),
    ],
)
def test_filters_by_status_phase_type_and_sponsor_class(staff, small, parameter, value, found):
    html = staff.get(reverse("admin:trials_study_changelist"), {parameter: value}).content
    assert (b"NCT00405041" in html) is found


def test_editing_a_title_curates_it_and_writes_the_history(staff, small, curator):
    response = post_change(staff, small, brief_title="A clearer title")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Study.objects.get(pk=small.pk).brief_title == "A clearer title"
    (kept,) = Curation.objects.all()
    assert (kept.path, kept.curated_by) == ("brief_title", curator)
    entry = StudyChange.objects.get(origin=Origin.ADMIN)
    assert entry.actor == curator
    history = staff.get(reverse("admin:trials_study_history", args=[small.pk])).content
    page = history.decode()
    assert "A clearer title" in page
    assert small.brief_title in page


def test_editing_other_names_in_place_curates_the_list(staff, small):
    data = form_data(staff.get(change_url(small)).content, "study_form")
    data["interventions-0-other_names_text"] = ["GAVMATINE\nGVG-2"]
    assert staff.post(change_url(small), data).status_code == 302
    names = [o.name for o in small.interventions.get().other_names.all()]
    assert names == ["GAVMATINE", "GVG-2"]
    (kept,) = Curation.objects.all()
    assert kept.path == "interventions[Dietary supplement GVG 2].other_names"


def test_a_site_edited_on_its_own_page_is_curated(staff, small):
    site = small.sites.get()
    url = reverse("admin:trials_site_change", args=[site.pk])
    data = form_data(staff.get(url).content, "site_form")
    data["country"] = ["Atlantis"]
    assert staff.post(url, data).status_code == 302
    assert Curation.objects.get().path == "sites[0].country"


def test_an_interventions_arms_are_edited_in_order_on_its_page_and_curated(staff, db):
    import_files(BIG)
    study = Study.objects.get(nct_id="NCT02465060")
    crizotinib = study.interventions.get(name="Crizotinib")
    url = reverse("admin:trials_intervention_change", args=[crizotinib.pk])
    page = staff.get(url).content
    # Only this study's arms are offered.
    choices = BeautifulSoup(page, "html.parser").find("select", {"name": "arm_links-0-arm"})
    offered = {o.text for o in choices.find_all("option") if o.get("value")}
    assert offered == {str(arm) for arm in study.arms.all()}

    data = form_data(page, "intervention_form")
    first, second = data["arm_links-0-position"], data["arm_links-1-position"]
    data["arm_links-0-position"], data["arm_links-1-position"] = second, first
    assert staff.post(url, data).status_code == 302

    labels = [link.arm.label for link in crizotinib.arm_links.select_related("arm")]
    assert labels[:3] == [
        "Subprotocol G (ROS1 translocation or inversion)",
        "Subprotocol F (ALK translocation)",
        "Subprotocol C1 (MET amplification)",
    ]
    (kept,) = Curation.objects.all()
    assert kept.path == "interventions[Crizotinib].arm_labels"


def test_reverting_from_the_history_page_restores_the_value(staff, small):
    post_change(staff, small, brief_title="A clearer title")
    entry = StudyChange.objects.get(origin=Origin.ADMIN)
    url = reverse("admin:trials_study_revert", args=[small.pk, entry.pk])
    assert staff.get(url).status_code == 405  # only a POST (with its CSRF token) reverts
    response = staff.post(url)
    assert response.status_code == 302
    assert Study.objects.get(pk=small.pk).brief_title == small.brief_title
    assert StudyChange.objects.filter(origin=Origin.REVERT, reverts=entry).exists()


def test_a_conflict_is_flagged_on_the_list_and_decided_by_an_action(staff, small):
    post_change(staff, small, brief_title="A clearer title")
    Curation.objects.update(conflicted=True, new_source_value="Sponsor's title")
    changelist = reverse("admin:trials_study_changelist")
    html = staff.get(changelist, {"curation": "conflicted"}).content.decode()
    assert "NCT00405041" in html
    staff.post(
        reverse("admin:trials_curation_changelist"),
        {"action": "keep_curated", "_selected_action": [Curation.objects.get().pk]},
    )
    assert not Curation.objects.get().conflicted
    assert StudyChange.objects.filter(origin=Origin.DECISION).exists()


def test_a_version_shows_its_source_read_only_and_escaped(staff, db):
    record = StudyRecord(
        nct_id="NCT09999999",
        brief_title="<b>Bold</b> title",
        overall_status="RECRUITING",
        source_format="API_V2_JSON",
    )
    save_record(record, b'{"briefTitle": "<script>alert(1)</script> & more"}', "markup.json")
    version = Study.objects.get(nct_id="NCT09999999").versions.get()
    html = staff.get(reverse("admin:trials_studyversion_change", args=[version.pk])).content
    assert (
        b"{&quot;briefTitle&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    )
    assert b"<script>alert(1)" not in html
    assert b"&lt;b&gt;Bold&lt;/b&gt; title" in html  # the parsed record, escaped too
    assert b"<b>Bold</b>" not in html
    assert b'name="source_name"' not in html  # read-only


def test_deleting_a_site_removes_it_as_a_curation_recorded_in_history(staff, small):
    site = small.sites.get()
    url = reverse("admin:trials_site_delete", args=[site.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not small.sites.exists()
    assert Curation.objects.get().path == "sites[0]"
    assert StudyChange.objects.get(origin=Origin.ADMIN).changes["sites[0]"][1] is None


def test_the_seed_is_found_by_revlimid_and_its_corrected_title_is_marked_in_public(
    staff, seed, client
):
    changelist = reverse("admin:trials_study_changelist")
    assert b"NCT00398515" in staff.get(changelist, {"q": "Revlimid"}).content
    post_change(staff, seed, brief_title="Lenalidomide and temsirolimus in refractory myeloma")
    page = client.get(seed.get_absolute_url()).content.decode()
    assert "Lenalidomide and temsirolimus in refractory myeloma" in page
    assert "(corrected by the registry)" in page
    assert "<code>brief_title</code>" in page


def test_an_uncurated_public_page_carries_no_mark(client, seed):
    page = client.get(seed.get_absolute_url()).content.decode()
    assert "corrected by the registry" not in page


def test_a_title_saved_from_a_browser_is_the_only_field_it_changes(staff, seed, client):
    data = form_data(staff.get(change_url(seed)).content, "study_form")
    # Browsers send a textarea's lines with CRLF; the seed's texts have lines.
    assert "\n" in data["detailed_description"][0] and "\n" in data["eligibility_criteria"][0]
    data = {name: [v.replace("\n", "\r\n") for v in values] for name, values in data.items()}
    data["brief_title"] = ["Lenalidomide and temsirolimus in refractory myeloma"]
    assert staff.post(change_url(seed), data).status_code == 302
    assert list(Curation.objects.values_list("path", flat=True)) == ["brief_title"]
    assert list(StudyChange.objects.get(origin=Origin.ADMIN).changes) == ["brief_title"]
    assert Study.objects.get(pk=seed.pk).detailed_description == seed.detailed_description
    page = client.get(seed.get_absolute_url()).content.decode()
    assert "Registry curators corrected 1 field of this record" in page


@pytest.mark.parametrize(
    ("aliases", "term", "found"),
    [
        ([("Glucosaminix", "Dietary supplement GVG 2", False)], "Glucosaminix", True),
        ([("Glucosaminix", "GAVMATINE(TM)", False)], "Glucosaminix", True),
        # A name curated as junk joins no drug, in admin as in public.
        (
            [("GAVMATINE(TM)", "", True), ("Glucosaminix", "GAVMATINE(TM)", False)],
            "Glucosaminix",
            False,
        ),
        ([], "gavmatine tm", True),  # names match case, accents and punctuation aside
    ],
)
def test_admin_and_public_search_find_a_drug_by_the_same_names(
    staff, small, client, aliases, term, found
):
    for alias, drug, junk in aliases:
        DrugAlias.objects.create(alias=alias, drug=drug, not_an_alias=junk)
    admin_page = staff.get(reverse("admin:trials_study_changelist"), {"q": term}).content
    public_page = client.get(reverse("trials:search"), {"intr": term}).content
    assert (b"NCT00405041" in admin_page) is found
    assert (b'<p class="result-meta">NCT00405041' in public_page) is found


def test_deleting_a_study_takes_its_curations_and_history_with_it(small, curator, rf):
    # The admin's pages refuse it (versions and history cannot be deleted there); the
    # study admin's own delete is Django's, with nothing left to record the edit against.
    from django.contrib.admin import site

    post = rf.post("/")
    post.user = curator
    study_admin = site.get_model_admin(Study)
    study_admin.delete_model(post, small)
    assert not Study.objects.filter(nct_id="NCT00405041").exists()
    assert not StudyChange.objects.filter(study_id=small.pk).exists()


def test_deleting_two_sites_from_the_list_is_one_recorded_edit_per_study(staff, small):
    site = small.sites.get()
    second = small.sites.create(facility="Second site", position=1)
    response = staff.post(
        reverse("admin:trials_site_changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [site.pk, second.pk]},
    )
    assert response.status_code == 302
    assert not small.sites.exists()
    (entry,) = StudyChange.objects.filter(study=small, origin=Origin.ADMIN)
    assert set(entry.changes) == {"sites[0]", "sites[+1]"}
