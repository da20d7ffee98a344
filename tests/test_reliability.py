"""No input makes the importer lose good records: a bad record fails alone, named, with its reason.

Each hostile input sits among good records, from the command line and from the admin upload.
"""

import io
import json
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.corpus import read
from trials.importer.detect import read_studies
from trials.models import Study

GOOD = ["json/NCT01252810.json", "xml/NCT00000112.xml", "json/NCT04520009.json"]


def _edited(name: str, change: Callable[[dict], None]) -> bytes:
    document = json.loads(read(name))
    change(document)
    return json.dumps(document).encode()


def _set(path: tuple[str, ...], value: object) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        for key in path[:-1]:
            document = document[key]
        document[path[-1]] = value

    return change


def _digits(nct_id: str, zero: int) -> str:
    """The NCT ID written with another script's digits (Arabic-Indic, full-width)."""
    return nct_id.translate({ord(d): chr(zero + int(d)) for d in "0123456789"})


# Hostile inputs the adversarial test found, each with words its refusal must say.
HOSTILE = {
    "deep.json": (b"[" * 5000 + b"]" * 5000, "RecursionError"),
    "long-number.json": (
        _edited(
            "json/NCT00405041.json",
            _set(("protocolSection", "designModule", "enrollmentInfo", "count"), 0),
        ).replace(b'"count": 0', b'"count": ' + b"9" * 5000),
        "4300 digits",
    ),
    "age.json": (
        _edited(
            "json/NCT00405041.json",
            _set(("protocolSection", "eligibilityModule", "minimumAge"), "9" * 400 + " Years"),
        ),
        "is not an age anyone can have",
    ),
    "arabic-digits.json": (
        _edited(
            "json/NCT00405041.json",
            _set(
                ("protocolSection", "identificationModule", "nctId"), _digits("NCT00405041", 0x660)
            ),
        ),
        "not of the form NCT followed by 8 digits",
    ),
    "full-width-digits.json": (
        _edited(
            "json/NCT00405041.json",
            _set(
                ("protocolSection", "identificationModule", "nctId"), _digits("NCT00405041", 0xFF10)
            ),
        ),
        "not of the form NCT followed by 8 digits",
    ),
}


def test_each_hostile_input_is_refused_by_the_parser_with_a_reason():
    for name, (data, reason) in HOSTILE.items():
        (piece,) = read_studies(data, name)
        assert piece.record is None, name
        assert reason in piece.error, (name, piece.error)


def test_a_utf16_file_is_read_as_the_same_record():
    utf8 = read("json/NCT01252810.json")
    (as_utf8,) = read_studies(utf8, "a.json")
    for encoding in ("utf-16", "utf-16-be"):
        data = ("\ufeff" if encoding.endswith("be") else "").encode(encoding) + utf8.decode(
            "utf-8"
        ).encode(encoding)
        (piece,) = read_studies(data, f"utf16-{encoding}.json")
        assert piece.record is not None, piece.error
        assert piece.record.to_dict() == {**as_utf8.record.to_dict()}


def test_every_good_record_lands_from_the_command_line_beside_every_hostile_one(empty_db, tmp_path):
    paths = []
    for index, name in enumerate(GOOD):
        path = tmp_path / f"good-{index}-{name.replace('/', '-')}"
        path.write_bytes(read(name))
        paths.append(str(path))
    for name, (data, _) in HOSTILE.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_trials", *sorted(paths), stdout=out, stderr=err)

    output = out.getvalue()
    assert failed.value.returncode == 1
    assert f"{len(HOSTILE)} record(s) failed" in str(failed.value)
    assert set(Study.objects.values_list("nct_id", flat=True)) == {
        "NCT01252810",
        "NCT00000112",
        "NCT04520009",
    }
    for name, (_, reason) in HOSTILE.items():
        (line,) = [line for line in output.splitlines() if name in line]
        assert line.startswith("failed: ") and reason in line, line
    assert "Traceback" not in output + err.getvalue()


def test_every_good_record_lands_from_the_admin_upload_beside_every_hostile_one(
    empty_db, client, django_user_model
):
    client.force_login(django_user_model.objects.create_superuser("c", "c@example.org", "pw"))
    files = [
        SimpleUploadedFile(f"good-{i}-{n.replace('/', '-')}", read(n)) for i, n in enumerate(GOOD)
    ]
    files += [SimpleUploadedFile(name, data) for name, (data, _) in HOSTILE.items()]

    response = client.post(reverse("admin:trials_study_import"), {"files": files})

    assert response.status_code == 200
    assert Study.objects.count() == len(GOOD)
    lines = [
        li.get_text()
        for li in BeautifulSoup(response.content, "html.parser").select(".import-report li")
    ]
    for name, (_, reason) in HOSTILE.items():
        assert any(name in line and reason in line for line in lines), name


def _with_links(*links: str) -> bytes:
    return _edited(
        "json/NCT00405041.json",
        _set(
            ("protocolSection", "identificationModule", "secondaryIdInfos"),
            [{"id": f"ID-{i}", "type": "OTHER", "link": link} for i, link in enumerate(links)],
        ),
    )


def test_only_http_links_from_a_record_become_links_and_the_rest_stay_text(empty_db, client):
    hostile = [
        "javascript:alert(1)",
        " JavaScript:alert(2)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
    ]
    (piece,) = read_studies(_with_links("https://example.org/trial", *hostile), "links.json")
    from trials.importer.writer import save_record

    save_record(piece.record, piece.data, "links.json")
    page = BeautifulSoup(client.get("/studies/NCT00405041/").content, "html.parser")

    hrefs = [a["href"] for a in page.select("a[href]")]
    assert "https://example.org/trial" in hrefs
    assert not [
        h for h in hrefs if h.strip().lower().startswith(("javascript", "data", "vbscript"))
    ]
    text = page.get_text()
    for link in hostile:
        assert link.strip() in text  # shown, as text


def test_public_pages_show_the_name_of_an_imported_file_never_its_folder(
    empty_db, client, tmp_path
):
    folder = tmp_path / "srv" / "private-data"
    folder.mkdir(parents=True)
    (folder / "NCT00405041.json").write_bytes(read("json/NCT00405041.json"))
    call_command("import_trials", str(folder), stdout=io.StringIO(), stderr=io.StringIO())

    html = client.get("/studies/NCT00405041/").content.decode()

    assert "NCT00405041.json" in html
    assert "private-data" not in html and str(tmp_path) not in html


# --- Every parameter of every page and endpoint: never a 500 ------------------------------------


def _search_parameters() -> list[str]:
    from trials.filters import StudyFilter

    names = {"page"}
    for name, declared in StudyFilter.base_filters.items():
        names.add(name)
        if declared.__class__.__name__.endswith("RangeFilter"):
            names |= {f"{name}_after", f"{name}_before", f"{name}_min", f"{name}_max"}
    return sorted(names)


def _api_parameters() -> list[str]:
    from trials import api

    served = {"format", "sort", "fields", "filter.overallStatus", *api.NARROWING}
    served |= set(api.ESSIE_AREAS) | set(api.ADVANCED)
    return sorted(served | set(api.SEARCH_PARAMETERS) | set(api.PAGING))


# Each page with the parameters its view reads (the search form's for the search page and the
# downloads). Every other parameter is ignored by the same code, so one page per view suffices.
PAGES = {
    "/studies/": "search",
    "/studies/export.csv": "search",
    "/studies/export.json": "search",
    "/browse/conditions/": ["contains", "page"],
    "/browse/sponsors/": ["contains", "page"],
    "/studies/NCT00398515/": ["from", "to"],
}
API = ["/api/v2/studies", "/api/v2/studies/NCT00398515"]
BAD_VALUES = {
    "nul": "a\x00b",
    "invalid-utf8": "%FF%FE%80",  # sent raw in the query string
    "100kB": "x" * 100_000,
}


def _query(name: str, kind: str) -> str:
    from urllib.parse import quote

    if kind == "invalid-utf8":
        return f"{quote(name)}={BAD_VALUES[kind]}"
    if kind == "repeated":
        return f"{quote(name)}=NCT00398515&{quote(name)}=x&{quote(name)}="
    return f"{quote(name)}={quote(BAD_VALUES[kind])}"


def _answer(client, url: str) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


@pytest.fixture
def only_seed(empty_db):
    """The seed alone: every download in the sweep below is then one study, not the corpus."""
    from tests.conftest import import_files

    import_files("text/NCT00398515.txt")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["nul", "invalid-utf8", "100kB", "repeated"])
def test_no_parameter_of_any_page_gives_a_server_error(only_seed, client, kind):
    for page, names in PAGES.items():
        for name in _search_parameters() if names == "search" else names:
            status, _ = _answer(client, f"{page}?{_query(name, kind)}")
            assert status < 500, (page, name, kind, status)
            if kind == "nul":
                assert status == 400, (page, name)


@pytest.mark.parametrize("kind", ["nul", "invalid-utf8", "100kB", "repeated"])
def test_no_parameter_of_the_api_gives_a_server_error_and_refusals_are_json(
    only_seed, client, kind
):
    for endpoint in API:
        for name in _api_parameters():
            status, body = _answer(client, f"{endpoint}?{_query(name, kind)}")
            assert status < 500, (endpoint, name, kind, status)
            if status == 400:
                assert "message" in json.loads(body), (endpoint, name, kind)
            if kind in ("nul", "100kB"):
                assert status == 400, (endpoint, name, kind)


@pytest.mark.parametrize(
    "url",
    [
        "/studies/NCT0039%008515/",
        "/api/v2/studies/NCT0039%008515",
        "/studies/%FF%FE/",
        "/api/v2/studies/%FF",
        "/browse/%00/",
    ],
)
def test_a_bad_path_is_a_client_error(seed, client, url):
    status, _ = _answer(client, url)
    assert 400 <= status < 500


@pytest.mark.parametrize("view", ["search_csv", "search_json"])
def test_a_download_whose_search_fails_fails_before_its_first_byte(seed, rf, view):
    # Past the middleware (a view called directly) a NUL reaches the database: the failure must
    # come while the view runs, not as a 200 that breaks off mid-stream.
    from django.db import DatabaseError

    from trials import downloads

    with pytest.raises(DatabaseError):
        getattr(downloads, view)(rf.get("/studies/export.csv", {"country": "a\x00b"}))


def test_a_huge_field_adds_only_its_first_characters_to_the_search(empty_db, client):
    from trials.importer.writer import save_record
    from trials.search.layout import MAX_FIELD_CHARS

    filler = "lorem " * (2_000_000 // 6)  # a 2 MB detailed description
    text = "zanzibarite " + filler + " quokkaphobia"
    data = _edited(
        "json/NCT00405041.json",
        _set(("protocolSection", "descriptionModule", "detailedDescription"), text),
    )
    (piece,) = read_studies(data, "huge.json")
    assert save_record(piece.record, piece.data, "huge.json").outcome == "created"
    assert len(text) > 30 * MAX_FIELD_CHARS

    def found(word: str) -> bool:
        page = client.get("/studies/", {"q": word}).content.decode()
        return "NCT00405041" in page

    assert found("zanzibarite")
    assert not found("quokkaphobia")
