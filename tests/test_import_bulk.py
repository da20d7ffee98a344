"""import_trials of the bulk downloads ClinicalTrials.gov publishes, built from corpus records:
the API v2 ``json.zip`` (one study a file) and ``AllPublicXML.zip`` (legacy XML in folders of
ten thousand, with a ``Contents.txt`` at the top)."""

import io
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.corpus import BULK_ARCHIVE, CORPUS, api_v2_studies, extracted, newest_api_v2_files
from trials.models import Study

# Each test counts what it imports: none of the shared records.
pytestmark = pytest.mark.usefixtures("empty_db")

XML_RECORDS = 20


def run(*paths: Path) -> tuple[str, int]:
    """Run import_trials; its output and exit status."""
    out = io.StringIO()
    try:
        call_command("import_trials", *map(str, paths), stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return out.getvalue() + f"\nerror: {exc}", exc.returncode
    return out.getvalue(), 0


def json_zip(folder: Path) -> tuple[Path, set[str]]:
    """A json.zip of the corpus's API v2 records, one study per file as the download has them."""
    path = folder / "ctg-studies.json.zip"
    nct_ids = set()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in newest_api_v2_files():
            (study,) = api_v2_studies(name)
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            nct_ids.add(nct_id)
            archive.writestr(f"{nct_id}.json", (CORPUS / "json" / name).read_bytes())
    return path, nct_ids


def all_public_xml_zip(folder: Path) -> tuple[Path, list[str]]:
    """An AllPublicXML.zip of the bulk archive's first records: NCT0000xxxx/NCT00000102.xml."""
    path = folder / "AllPublicXML.zip"
    members: list[str] = []
    with tarfile.open(BULK_ARCHIVE) as source, zipfile.ZipFile(path, "w") as archive:
        for member in source:
            if len(members) == XML_RECORDS:
                break
            if member.isfile() and member.name.endswith(".xml"):
                name = PurePosixPath(member.name).name
                members.append(f"{name[:7]}xxxx/{name}")
                archive.writestr(members[-1], extracted(source, member))
        # The download's table of contents (the real one counts the studies and dates them).
        archive.writestr(
            "Contents.txt",
            f"{XML_RECORDS} studies, published 2023-02-01\n"
            + "".join(f"{member}\n" for member in members),
        )
    return path, members


def test_the_api_v2_json_zip_imports_every_study_in_it(tmp_path):
    path, nct_ids = json_zip(tmp_path)

    output, status = run(path)

    assert status == 0
    assert set(Study.objects.values_list("nct_id", flat=True)) == nct_ids
    assert f"created: NCT04520009 ({path}:NCT04520009.json)" in output
    assert f"Total: {len(nct_ids)} records ({len(nct_ids)} created)" in output


def test_all_public_xml_zip_imports_the_studies_in_its_folders(tmp_path):
    path, _ = all_public_xml_zip(tmp_path)

    output, status = run(path)

    assert status == 0, output
    assert "Contents.txt" not in output
    assert Study.objects.count() == XML_RECORDS
    assert f"created: NCT00000102 ({path}:NCT0000xxxx/NCT00000102.xml)" in output
    assert f"Total: {XML_RECORDS} records ({XML_RECORDS} created)" in output


def test_a_refreshed_download_imports_only_what_changed(tmp_path):
    path, members = all_public_xml_zip(tmp_path)
    run(path)
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(tmp_path / "new.zip", "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == members[0]:
                data = data.replace(b"<brief_title>", b"<brief_title>Renamed: ", 1)
            new.writestr(info, data)

    output, status = run(tmp_path / "new.zip")

    assert status == 0
    assert f"Total: {XML_RECORDS} records (1 updated, {XML_RECORDS - 1} unchanged)" in output
    assert Study.objects.get(nct_id="NCT00000102").brief_title.startswith("Renamed: ")
