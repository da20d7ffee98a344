"""Import from the browser: the same pipeline and per-record report as import_trials."""

import io
import tarfile
import zipfile

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.corpus import read
from trials.models import Origin, Study, StudyChange

# Each test counts what it imports: none of the shared records.
pytestmark = pytest.mark.usefixtures("empty_db")

URL = "admin:trials_study_import"


@pytest.fixture
def curator(db, django_user_model):
    return django_user_model.objects.create_superuser("curator", "c@example.org", "pw-123456789")


@pytest.fixture
def staff(client, curator):
    client.force_login(curator)
    return client


def report(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [li.get_text() for li in page.select(".import-report li")]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_the_import_page_is_linked_from_the_study_list(staff):
    html = staff.get(reverse("admin:trials_study_changelist")).content.decode()
    assert reverse(URL) in html


def test_uploading_two_files_reports_each_record_and_the_total(staff):
    response = staff.post(
        reverse(URL),
        {
            "files": [
                upload("NCT00405041.json", read("json/NCT00405041.json")),
                upload("NCT02465060.xml", read("xml/NCT02465060.xml")),
            ],
            "text": "",
        },
    )
    assert report(response) == [
        "created: NCT00405041 (NCT00405041.json)",
        "created: NCT02465060 (NCT02465060.xml)",
    ]
    assert "Total: 2 records (2 created)" in response.content.decode()
    assert Study.objects.count() == 2


def test_an_uploaded_archive_is_read_member_by_member(staff):
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("a/NCT00405041.json", read("json/NCT00405041.json"))
        archive.writestr("a/broken.json", b"{not json")
    tarred = io.BytesIO()
    with tarfile.open(fileobj=tarred, mode="w:gz") as archive:
        data = read("json/NCT00162175.json")
        member = tarfile.TarInfo("NCT00162175.json")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    response = staff.post(
        reverse(URL),
        {"files": [upload("batch.zip", zipped.getvalue()), upload("more.tgz", tarred.getvalue())]},
    )
    lines = report(response)
    assert "created: NCT00405041 (batch.zip:a/NCT00405041.json)" in lines
    assert "created: NCT00162175 (more.tgz:NCT00162175.json)" in lines
    assert any(line.startswith("failed: batch.zip:a/broken.json") for line in lines)


def test_a_reimport_reports_unchanged(staff):
    files = {"files": [upload("x.json", read("json/NCT00405041.json"))]}
    staff.post(reverse(URL), files)
    files = {"files": [upload("x.json", read("json/NCT00405041.json"))]}
    assert report(staff.post(reverse(URL), files))[0].startswith("unchanged: NCT00405041")


def test_the_import_is_in_the_history_as_made_by_the_curator(staff, curator):
    staff.post(reverse(URL), {"files": [upload("x.json", read("json/NCT00405041.json"))]})
    entry = StudyChange.objects.get()
    assert (entry.origin, entry.actor, entry.source) == (Origin.IMPORT, curator, "x.json")


def test_an_empty_form_says_what_is_missing(staff):
    response = staff.post(reverse(URL), {"text": "  "})
    assert b"Choose a file or paste a page" in response.content
    assert not Study.objects.exists()


def test_record_text_in_the_report_is_escaped(staff):
    response = staff.post(reverse(URL), {"text": "<script>alert(1)</script> not a record"})
    assert b"<script>alert(1)" not in response.content
    assert report(response)[0].startswith("failed: pasted text")
