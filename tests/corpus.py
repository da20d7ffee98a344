"""Where the tests' copies of the real records live (never ../shared: a clone lacks it)."""

import json
import tarfile
from pathlib import Path
from typing import Any

from trials.record import StudyRecord, specs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = FIXTURES / "corpus"
SEED = CORPUS / "text" / "NCT00398515.txt"


BULK_ARCHIVE = CORPUS / "bulk" / "ctgov-xml-2023-02.tar.xz"


def first_records(count: int, folder: Path) -> Path:
    """A tar of the bulk archive's first ``count`` records, written in ``folder``."""
    path = folder / "records.tar"
    with tarfile.open(BULK_ARCHIVE) as source, tarfile.open(path, "w") as target:
        taken = 0
        for member in source:
            if taken == count:
                break
            if member.isfile() and member.name.endswith(".xml"):
                target.addfile(member, source.extractfile(member))
                taken += 1
    path.chmod(0o644)
    return path


def read(relative: str) -> bytes:
    """The bytes of a corpus file, by its path under fixtures/corpus."""
    return (CORPUS / relative).read_bytes()


def extracted(archive: tarfile.TarFile, member: str | tarfile.TarInfo) -> bytes:
    """The bytes of a file in an archive (extractfile gives None for folders and links)."""
    handle = archive.extractfile(member)
    assert handle is not None, f"{member} is not a file"
    return handle.read()


# The corpus's one API v2 file the importer refuses: an AACT fragment without a status module.
API_V2_FRAGMENT = "NCT00465816.json"


def api_v2_studies(name: str, folder: Path = CORPUS / "json") -> list[dict[str, Any]]:
    """The study objects of an API v2 file of the corpus (a study, a list or a response)."""
    document = json.loads((folder / name).read_text())
    if isinstance(document, dict) and "studies" in document:
        return document["studies"]
    return document if isinstance(document, list) else [document]


def _version(study: dict[str, Any]) -> tuple[str, str]:
    status = study["protocolSection"].get("statusModule", {})
    posted = status.get("lastUpdatePostDateStruct", {}).get("date", "")
    derived = study.get("derivedSection", {}).get("miscInfoModule", {}).get("versionHolder", "")
    return posted, derived


def newest_api_v2_files(folder: Path = CORPUS / "json") -> list[str]:
    """The corpus's API v2 files, less those another file holds a newer capture of (the
    database keeps the newest: ``trials.record.effective_record``)."""
    names = sorted(p.name for p in folder.glob("*.json") if p.name != API_V2_FRAGMENT)
    newest: dict[str, tuple[tuple[str, str], str]] = {}
    for name in names:
        for study in api_v2_studies(name, folder):
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            if nct_id not in newest or _version(study) >= newest[nct_id][0]:
                newest[nct_id] = (_version(study), name)
    kept = {name for _, name in newest.values()}
    return [name for name in names if name in kept]


# What the page parsers (text and HTML) do not read (yet): modules the seed's page does not
# print, and the protocol fields of the whole record they have no reading for. They name these
# in ``lacks``, so importing a page never blanks what a fuller version gave.
_UNREAD_MODULES = (
    "resultsSection",
    "annotationSection",
    "documentSection",
    "derivedSection.miscInfoModule",
    "protocolSection.referencesModule",
    "protocolSection.ipdSharingStatementModule",
    "protocolSection.oversightModule",
)
_UNREAD_FIELDS = {
    "central_contacts",
    "adverse_events",
    "browse_leaves",
    "browse_branches",
    "bio_spec_description",
    "bio_spec_retention",
    "expanded_access_individual",
    "expanded_access_intermediate",
    "expanded_access_treatment",
    "target_duration",
    "gender_description",
    "delayed_posting",
    "disp_first_posted",
    "disp_first_submitted",
    "disp_first_submitted_qc",
    "expanded_access_nct_id",
    "expanded_access_status",
    "first_submitted_qc",
    "has_expanded_access",
    "results_first_submitted",
    "results_first_submitted_qc",
    "results_waived",
}


UNREAD_FROM_PAGES = frozenset(
    {name for name, spec in specs(StudyRecord) if spec.api.startswith(_UNREAD_MODULES)}
    | _UNREAD_FIELDS
)
