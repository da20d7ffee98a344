"""import_trials: every input form, a line per record, and nothing partial ever written."""

import io
import sys
import tarfile
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import table_counts
from tests.corpus import CORPUS, first_records, read
from trials import curation, edits
from trials.importer import pipeline, writer
from trials.models import Study

# Each test counts what it imports: none of the shared records.
pytestmark = pytest.mark.usefixtures("empty_db")

XML = "xml/NCT00000112.xml"
JSON = "json/NCT04520009.json"


def run(*paths: str) -> tuple[str, int]:
    """Run the command; its output and exit status."""
    out = io.StringIO()
    try:
        call_command("import_trials", *paths, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_files_of_different_forms_import_with_a_line_each_and_a_total():
    output, status = run(str(CORPUS / XML), str(CORPUS / JSON))

    assert status == 0
    assert "created: NCT00000112 (" in output
    assert "created: NCT04520009 (" in output
    assert "Total: 2 records (2 created)" in output


def test_a_second_import_reports_every_record_unchanged():
    run(str(CORPUS / XML))
    before = table_counts()

    output, status = run(str(CORPUS / XML))

    assert status == 0
    assert "unchanged: NCT00000112" in output
    assert table_counts() == before


def test_a_source_imported_before_is_not_parsed_again_whatever_its_name(tmp_path, monkeypatch):
    run(str(CORPUS / XML))
    renamed = tmp_path / "renamed.xml"
    renamed.write_bytes(read(XML))
    edited = tmp_path / "edited.xml"
    edited.write_bytes(read(XML).replace(b"<brief_title>", b"<brief_title>Edited: "))
    parsed: list[str] = []
    real = pipeline.read_studies
    monkeypatch.setattr(
        pipeline, "read_studies", lambda data, name: parsed.append(name) or real(data, name)
    )

    output, status = run(str(renamed), str(edited))

    assert status == 0
    assert f"unchanged: NCT00000112 ({renamed}): this source was imported before" in output
    assert f"updated: NCT00000112 ({edited})" in output
    assert parsed == [str(edited)]


def test_folders_are_read_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.xml").write_bytes(read(XML))
    (tmp_path / "two.json").write_bytes(read(JSON))

    output, status = run(str(tmp_path))

    assert status == 0
    assert "2 created" in output


def test_zip_and_tar_archives_import_member_by_member(tmp_path):
    with zipfile.ZipFile(tmp_path / "records.zip", "w") as archive:
        archive.writestr("x/NCT00000112.xml", read(XML))
    with tarfile.open(tmp_path / "records.tar.gz", "w:gz") as archive:
        archive.add(CORPUS / JSON, arcname="NCT04520009.json")

    output, status = run(str(tmp_path / "records.zip"), str(tmp_path / "records.tar.gz"))

    assert status == 0
    assert "records.zip:x/NCT00000112.xml" in output
    assert "records.tar.gz:NCT04520009.json" in output


def test_standard_input_is_read_for_a_dash(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(read(JSON))))

    output, status = run("-")

    assert status == 0
    assert "created: NCT04520009 (<stdin>)" in output


def test_a_multi_study_file_imports_each_study_separately(tmp_path):
    first, second = read("json/NCT04520009.json"), read("json/NCT03101033.json")
    (tmp_path / "list.json").write_bytes(b'{"studies": [' + first + b"," + second + b"]}")

    output, status = run(str(tmp_path / "list.json"))

    assert status == 0
    assert "list.json[0]" in output and "list.json[1]" in output
    assert Study.objects.count() == 2


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<clinical_study><id_info><nct_id>NCT00000999</nct_id></id_info>
<brief_title>&lol3;</brief_title><overall_status>Completed</overall_status></clinical_study>"""


def broken_inputs() -> dict[str, bytes]:
    xml = read(XML)
    return {
        "truncated.xml": xml[: len(xml) // 2],
        "invalid-utf8.xml": xml.replace(b"<brief_title>", b"<brief_title>\xff\xfe", 1),
        "nul.xml": xml.replace(b"<brief_title>", b"<brief_title>\x00", 1),
        "blob.json": b'{"protocolSection": "' + b"x" * 10_000_000 + b'"}',
        "bomb.xml": BILLION_LAUGHS,
        "empty.txt": b"",
        "prose.txt": b"Nothing here is a clinical trial record.",
        "no-status.json": read(JSON).replace(
            b'"overallStatus": "COMPLETED"', b'"overallStatus": ""'
        ),
    }


@pytest.mark.parametrize("name", sorted(broken_inputs()))
def test_a_broken_record_is_refused_with_its_reason_and_nothing_is_written(tmp_path, name):
    run(str(CORPUS / JSON))  # something already there must stay as it is
    before = table_counts()
    path = tmp_path / name
    path.write_bytes(broken_inputs()[name])

    output, status = run(str(path))

    assert status == 1
    (line,) = [row for row in output.splitlines() if row.startswith("failed")]
    assert str(path) in line
    assert len(line) > len(f"failed: {path}: ")  # a reason follows the name
    assert table_counts() == before


def test_one_bad_file_never_stops_the_batch(tmp_path):
    (tmp_path / "a-bad.xml").write_bytes(b"<clinical_study><oops>")
    (tmp_path / "b-good.xml").write_bytes(read(XML))

    output, status = run(str(tmp_path))

    assert status == 1
    assert "failed: " in output and "created: NCT00000112" in output
    assert "1 created, 1 failed" in output


def test_a_study_listed_twice_in_one_file_is_refused_and_the_database_stays_as_before(tmp_path):
    study = read(JSON)
    edited = study.replace(b'"briefTitle": "', b'"briefTitle": "Edited: ', 1)
    (tmp_path / "list.json").write_bytes(b'{"studies": [' + study + b"," + edited + b"]}")
    before = table_counts()

    output, status = run(str(tmp_path / "list.json"))

    assert status == 1
    assert output.count("the file lists NCT04520009 2 times") == 2
    assert table_counts() == before


def test_captures_of_one_study_in_separate_files_are_kept_as_versions(tmp_path):
    (tmp_path / "a.txt").write_bytes(read("text/NCT02481830.txt"))
    (tmp_path / "b.txt").write_bytes(read("text/NCT02481830~pipes.txt"))

    output, status = run(str(tmp_path))

    assert status == 0
    assert "created: NCT02481830" in output
    assert Study.objects.get(nct_id="NCT02481830").versions.count() == 2


def test_a_missing_path_is_a_failed_line_not_a_crash(tmp_path):
    output, status = run(str(tmp_path / "nowhere.xml"))

    assert status == 1
    assert "no such file or folder" in output


@pytest.mark.slow
def test_every_corpus_record_in_every_form_imports_and_reads_back():
    """Every record imports or is refused with a reason; every study reads back as written."""
    forms = ("text", "html", "xml", "json", "json_v1")
    output, _ = run(*(str(CORPUS / form) for form in forms))

    failed = [line for line in output.splitlines() if line.startswith("failed")]
    # The one refusal in the corpus: an AACT test fragment holding no status module.
    assert len(failed) == 1
    assert "NCT00465816.json: a fragment holding only identificationModule" in failed[0]
    manifest = (CORPUS / "MANIFEST.tsv").read_text().splitlines()[1:]
    expected = {row.split("\t")[1] for row in manifest} - {"NCT00465816"}
    assert expected <= set(Study.objects.values_list("nct_id", flat=True))

    # Each study, whatever forms and versions it came in, reads back from its rows as its
    # sources say (what the admin's curation compares against).
    for snap in edits.snapshots(Study.objects.all()):
        assert curation.diff(snap.source_flat, snap.flat) == {}, snap.study.nct_id


@pytest.mark.slow
def test_a_bulk_archive_imports_whole_and_a_second_import_changes_no_row(tmp_path, monkeypatch):
    # 250 of the 2023 archive's 4,131 records (every one of which tests/test_importer_xml.py
    # parses, and bench/import.py imports), in the writer's chunks made 100 rather than 500:
    # two whole chunks and a part, as 1,250 records would be; parsed in the second process.
    monkeypatch.setattr(writer.import_pieces, "__defaults__", (100,))
    archive = str(first_records(250, tmp_path))

    output, status = run(archive)

    assert status == 0
    assert "Total: 250 records (250 created)" in output
    before = table_counts()
    output, status = run(archive)
    assert "Total: 250 records (250 unchanged)" in output
    assert table_counts() == before


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise():
    from trials.importer.report import Outcome, Progress, Result

    plain, terminal = io.StringIO(), io.StringIO()
    for stream, interactive in ((plain, False), (terminal, True)):
        progress = Progress(stream, interactive=interactive, every=0)
        progress.update(Result("a.xml", "NCT00000001", Outcome.CREATED))
        progress.update(Result("b.xml", "", Outcome.FAILED, "broken"))
        progress.finish()

    lines = plain.getvalue().splitlines()
    assert lines[-1].startswith("2 records (1 created, 1 failed) in ")
    assert lines[-1].endswith("/s")
    assert "\r" not in plain.getvalue()
    assert terminal.getvalue().startswith("\r1 records (1 created)")


def test_importing_the_seed_twice_changes_no_row():
    output, status = run(str(CORPUS / "text" / "NCT00398515.txt"))
    assert "created: NCT00398515" in output
    before = table_counts()

    output, status = run(str(CORPUS / "text" / "NCT00398515.txt"))

    assert status == 0
    assert "unchanged: NCT00398515" in output
    assert table_counts() == before
