"""Studies the corpus holds in more than one capture agree on every field both captures carry.

Every study of fixtures/corpus found in two or more captures (by the NCT ID its parser reads, not
the file name; the bulk archive included; byte-identical copies counted once) is parsed from each
capture, with no database, and every pair of its records is compared field by field over the
StudyRecord fields neither record lacks. Where two parsers read one fact differently, the parser
is fixed. A difference passes only under an allowance named below for that study and field:

- ``Changed``: the record (or what the registry derives from it) changed between the captures'
  dates; values may differ between the versions named, never between captures of one version;
- ``Unsaid``: one form cannot show part of a value; it must show exactly the rest;
- ``Alike``: one form lost the shape of a value (list markup); the words must still agree;
"""

import csv
import dataclasses
import functools
import io
import itertools
import re
import tarfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.corpus import CORPUS, extracted, read
from trials.diff import without_form
from trials.importer.detect import read_studies
from trials.record import Outcome, PartialDate, SecondaryId, Sponsor, StudyRecord
from trials.vocab import AgencyClass, SourceFormat

BULK = "bulk/ctgov-xml-2023-02.tar.xz"
FIELDS = tuple(
    f.name
    for f in dataclasses.fields(StudyRecord)
    if f.name not in ("source_format", "lacks", "warnings")
)


@dataclass(frozen=True)
class Capture:
    """One study as one file (or archive member) holds it, parsed."""

    source: str  # path under fixtures/corpus; "bulk/….tar.xz:member" inside the archive
    format: str  # vocab.SourceFormat
    record: StudyRecord


def _sources() -> Iterator[tuple[str, bytes]]:
    """Every capture of the corpus; of the bulk archive, those of studies the corpus holds in
    another file too (an archive member is named by its study: tests/test_importer_xml.py holds
    every one to it, and the archive holds each study once), so 4,000 others are not parsed."""
    elsewhere = set()
    for path in sorted(CORPUS.rglob("*")):
        name = path.relative_to(CORPUS).as_posix()
        if path.is_file() and name not in ("MANIFEST.tsv", "README.md", BULK):
            elsewhere.add(path.name[:11])
            yield name, path.read_bytes()
    with tarfile.open(fileobj=io.BytesIO(read(BULK)), mode="r:xz") as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.rsplit("/", 1)[-1][:11] in elsewhere:
                yield f"{BULK}:{member.name}", extracted(tar, member)


@functools.cache
def captures() -> dict[str, tuple[Capture, ...]]:
    """Each study held in two or more distinct captures, by NCT ID, its captures in path order."""
    found: dict[str, dict[bytes, Capture]] = defaultdict(dict)
    for source, data in _sources():
        for piece in read_studies(data, source):
            if piece.record is not None:
                # The bulk archive repeats 80 corpus files byte for byte: one capture each.
                capture = Capture(piece.source, piece.format, piece.record)
                found[piece.record.nct_id].setdefault(piece.data, capture)
    return {nct_id: tuple(held.values()) for nct_id, held in sorted(found.items()) if len(held) > 1}


# How a form that cannot show part of a value shows the rest ------------------------------------


def _untyped(date: PartialDate | None) -> PartialDate | None:
    return date and dataclasses.replace(date, type="")


def _unclassed(sponsors: tuple[Sponsor, ...]) -> tuple[Sponsor, ...]:
    return tuple(Sponsor(sponsor.name) for sponsor in sponsors)


# The legacy XML's four classes; API v2's other five were all "Other" there.
_XML_CLASSES = {AgencyClass.NIH, AgencyClass.FED, AgencyClass.INDUSTRY}


def _four_classes(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_four_classes(item) for item in value)
    if isinstance(value, Sponsor):
        return dataclasses.replace(value, agency_class=_four_classes(value.agency_class))
    return value if value in _XML_CLASSES or not value else AgencyClass.OTHER


def _bare_ids(ids: tuple[SecondaryId, ...]) -> tuple[SecondaryId, ...]:
    return tuple(SecondaryId(item.id) for item in ids)


def _without_title(party: Any) -> Any:
    return party and dataclasses.replace(party, investigator_title="")


_MARKER = re.compile(r"^\s*(?:[*-]|\d+\.)\s+", re.MULTILINE)


def _words(text: str) -> list[str]:
    """The words of a text, its list markers, nesting and line breaks set aside."""
    return re.findall(r"\w+", _MARKER.sub("", text))


def _outcome_words(outcomes: tuple[Outcome, ...]) -> list[tuple[str, ...]]:
    return [(o.kind, o.measure, o.time_frame, *_words(o.description)) for o in outcomes]


# Allowances ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changed:
    """The record, or what the registry derives from it, changed between the captures' dates."""

    reason: str
    versions: tuple[tuple[str, ...], ...]  # the captures of each version, by source
    keeps: Callable[[Any], Any] | None = None  # what still agrees across the versions

    def accepts(self, a: Capture, b: Capture, name: str) -> bool:
        version = {source: i for i, sources in enumerate(self.versions) for source in sources}
        if a.source not in version or b.source not in version:
            return False
        if version[a.source] == version[b.source]:
            return False
        return self.keeps is None or (
            self.keeps(getattr(a.record, name)) == self.keeps(getattr(b.record, name))
        )

    def names(self) -> set[str]:
        return {source for sources in self.versions for source in sources}


@dataclass(frozen=True)
class Unsaid:
    """One form (or view) cannot show part of the value: it must show exactly the rest."""

    reason: str
    blind: frozenset[str]  # the formats (or sources) that cannot show the part
    shows: Callable[[Any], Any]  # the other capture's value as the blind one would show it

    def accepts(self, a: Capture, b: Capture, name: str) -> bool:
        blind = [c for c in (a, b) if c.format in self.blind or c.source in self.blind]
        if len(blind) != 1:
            return False
        seeing = b if blind[0] is a else a
        return self.shows(getattr(seeing.record, name)) == getattr(blind[0].record, name)

    def names(self) -> set[str]:
        return {name for name in self.blind if name not in SourceFormat.values}


@dataclass(frozen=True)
class Alike:
    """One form lost the shape of the value: what it kept must agree."""

    reason: str
    lossy: str  # the format that lost the shape
    key: Callable[[Any], Any]  # what still agrees

    def accepts(self, a: Capture, b: Capture, name: str) -> bool:
        if self.lossy not in (a.format, b.format):
            return False
        return self.key(getattr(a.record, name)) == self.key(getattr(b.record, name))

    def names(self) -> set[str]:
        return set()


Allowance = Changed | Unsaid | Alike


def _each(nct_id: str, fields: str, allowance: Allowance) -> dict[tuple[str, str], Allowance]:
    return {(nct_id, name): allowance for name in fields.split()}


def _bulk(nct_id: str) -> str:
    return f"{BULK}:ctgov-xml-2023-02/{nct_id}.xml"


POSTED_TYPE_UNSAID = Unsaid(
    "The page prints posted dates as 'First Posted : <date>' whether the registry calls the date "
    "Actual or Estimate (NCT02552212's plain 'First Posted' is ESTIMATED in API v2, its plain "
    "'Last Update Posted' ACTUAL), so the page-text record leaves the type empty.",
    frozenset({SourceFormat.PAGE_TEXT}),
    _untyped,
)
PAGE_CLASS_UNSAID = Unsaid(
    "Pages name the sponsor and collaborators but never show their agency class.",
    frozenset({SourceFormat.PAGE_TEXT, SourceFormat.PAGE_HTML}),
    _unclassed,
)
XML_FOUR_CLASSES = Unsaid(
    "The legacy XML knew four agency classes (NIH, U.S. Fed, Industry, Other), API v2 and the "
    "classic API nine: NETWORK, OTHER_GOV, INDIV, AMBIG and UNKNOWN were 'Other' in the XML.",
    frozenset({SourceFormat.LEGACY_XML}),
    _four_classes,
)
XML_BARE_IDS = Unsaid(
    "The legacy XML's <secondary_id> carries the ID alone, without its type or domain.",
    frozenset({SourceFormat.LEGACY_XML}),
    _bare_ids,
)
CLASSIC_LIST_MARKUP_LOST = Alike(
    "The classic API stripped list markers and nesting from textblocks (the XML's '1.', '-' and "
    "indentation are not in its text), so its outline cannot be the XML's: the words agree.",
    SourceFormat.CLASSIC_JSON,
    _words,
)


def _results_retaken(nct_id: str) -> Changed:
    """The results as the 2018 XML and the 2023 classic data give them: the registry renamed its
    standard baseline measures ("Age" is "Age, Continuous"), wrote "NA" limits, listed events by
    organ system, re-took citations with DOIs, and kept line breaks in group descriptions. The
    two are compared value by value, those differences named, in
    tests/test_importer_classic_results.py and tests/test_importer_xml_results.py."""
    return Changed(
        "results as the 2018 XML and the 2023 classic data give them",
        ((f"xml/{nct_id}.xml",), (f"json_v1/{nct_id}.json",)),
    )


ALLOWED: dict[tuple[str, str], Allowance] = {
    # The protocol was rewritten between the April 2019 XML (record updated 2019-04-18) and the
    # 2023 archive (updated 2023-01-27): new verification and start dates, description, criteria,
    # population, conditions, keywords, groups, outcomes, observational design, site name, MeSH.
    **_each(
        "NCT00001177",
        "status_verified start last_update_submitted last_update_posted observational_model"
        " time_perspective detailed_description eligibility_criteria study_population"
        " sampling_method conditions keywords arms outcomes sites mesh_terms"
        " is_fda_regulated_drug is_fda_regulated_device ipd_sharing ipd_description"
        " ipd_info_types ipd_time_frame ipd_access_criteria",
        Changed(
            "record updated between 2019 and 2023",
            (("xml/NCT00001177.xml",), (_bulk("NCT00001177"),)),
        ),
    ),
    # The two API v2 snapshots of one version: the registry re-derived its browse data (leaves,
    # branches) between them, on the dates each snapshot's version holder gives.
    **_each(
        "NCT02552212",
        "version_holder browse_leaves browse_branches",
        Changed(
            "browse data re-derived between the snapshots",
            (("json/NCT02552212~NCT02552212.json",), ("json/NCT02552212.json",)),
        ),
    ),
    # MeSH terms are derived by the registry, not registered: re-derived for the 2016, 2017 and
    # 2023 releases, though all three captures hold the record as last changed on 2013-07-09.
    ("NCT00002475", "mesh_terms"): Changed(
        "MeSH terms re-derived for each data release",
        (("xml/NCT00002475.xml",), ("xml/NCT00002475~raw_study.xml",), (_bulk("NCT00002475"),)),
    ),
    # The citations of NCT00001177 and NCT00002475 are re-taken from PubMed by the registry:
    # the 2023 ones add a DOI and "No abstract available." to the same publications.
    ("NCT00001177", "references"): Changed(
        "citations re-taken from PubMed between 2019 and 2023",
        (("xml/NCT00001177.xml",), (_bulk("NCT00001177"),)),
        keeps=lambda refs: [(r.pmid, r.type) for r in refs],
    ),
    ("NCT00002475", "references"): Changed(
        "citations re-taken from PubMed for the 2023 release",
        (("xml/NCT00002475.xml", "xml/NCT00002475~raw_study.xml"), (_bulk("NCT00002475"),)),
        keeps=lambda refs: [(r.pmid, r.type) for r in refs],
    ),
    # The 2016 export gives a firstreceived_results_disposition_date (1999-12-01) that the 2017
    # and 2023 exports of the same version (last changed 2013-07-09) no longer carry.
    ("NCT00002475", "disp_first_submitted"): Changed(
        "disposition date dropped from the exports after 2016",
        (("xml/NCT00002475.xml",), ("xml/NCT00002475~raw_study.xml", _bulk("NCT00002475"))),
    ),
    **_each(
        "NCT00006392", "first_posted last_update_posted results_first_posted", POSTED_TYPE_UNSAID
    ),
    # Classic API data of October 2023 against the May 2018 XML, one record version (last
    # update 2017-11-27 in both).
    **_each("NCT00023673", "org_class lead_sponsor", XML_FOUR_CLASSES),
    **_each(
        "NCT00023673",
        "baseline_measures outcome_results limitations",
        _results_retaken("NCT00023673"),
    ),
    ("NCT00023673", "secondary_ids"): XML_BARE_IDS,
    **_each("NCT00023673", "detailed_description eligibility_criteria", CLASSIC_LIST_MARKUP_LOST),
    # The first primary outcome's description breaks one line in the XML ("83%.\nRating scale")
    # where the classic API has a blank line; no plain field (arm, outcome, masking description)
    # of any classic file in the corpus has a single line break, only blank lines: the classic
    # form does not tell a line break from a paragraph break.
    ("NCT00023673", "outcomes"): Alike(
        "the classic API shows a line break as a paragraph break",
        SourceFormat.CLASSIC_JSON,
        _outcome_words,
    ),
    # MeSH terms re-derived between 2018 and 2023 (the XML's "Albumin-Bound Paclitaxel" is gone);
    # the XML also carries neither MeSH IDs nor the ancestors the classic API lists.
    ("NCT00023673", "mesh_terms"): Changed(
        "MeSH terms re-derived; the XML has no IDs or ancestors",
        (("xml/NCT00023673.xml",), ("json_v1/NCT00023673.json",)),
    ),
    # The page is of the layout introduced on 2017-12-18 (its banner says so), the XML of 2023;
    # both hold the record as last updated on 2010-11-16.
    **_each(
        "NCT00460798", "first_posted last_update_posted results_first_posted", POSTED_TYPE_UNSAID
    ),
    # That layout prints "Actual" before a typed date (the seed page, same layout, has "Actual
    # Primary Completion Date"); here it prints none, while the 2023 XML types both dates
    # Actual with no newer version of the record: the registry typed them after the capture.
    **_each(
        "NCT00460798",
        "primary_completion completion",
        Changed(
            "completion dates typed Actual after the page was captured",
            (("text/NCT00460798.txt",), ("xml/NCT00460798.xml",)),
            keeps=lambda date: date.iso,
        ),
    ),
    # The page shows "Phase 4" for this observational study; since 2018-03-29 non-interventional
    # studies have no phase (public.xsd), and the 2023 XML has none.
    ("NCT00460798", "phases"): Changed(
        "phases dropped from observational studies in 2018",
        (("text/NCT00460798.txt",), ("xml/NCT00460798.xml",)),
    ),
    **_each(
        "NCT00461630", "first_posted last_update_posted results_first_posted", POSTED_TYPE_UNSAID
    ),
    # One 2014 page in three views: the Full Text view's bottom line reads "Brett Meyer, MD,
    # University of California, San Diego"; the Tabular and Results views print the responsible
    # party without the investigator's title.
    ("NCT00936455", "responsible_party"): Unsaid(
        "the Tabular and Results views do not show the investigator's title",
        frozenset({"html/NCT00936455~record.html", "html/NCT00936455~results.html"}),
        _without_title,
    ),
    # Classic API data of October 2023 against the May 2018 XML, one record version (last
    # update 2014-06-04 in both).
    **_each("NCT02028676", "org_class lead_sponsor collaborators", XML_FOUR_CLASSES),
    **_each(
        "NCT02028676",
        "references flow_groups baseline_groups baseline_measures outcome_results event_groups"
        " adverse_events",
        _results_retaken("NCT02028676"),
    ),
    ("NCT02028676", "secondary_ids"): XML_BARE_IDS,
    **_each("NCT02028676", "brief_summary eligibility_criteria", CLASSIC_LIST_MARKUP_LOST),
    # The tenth official's affiliation reads "MRC/UVRI Uganda Research Unit on Aids" in 2018 and
    # "MRC/UVRI and LSHTM Uganda Research Unit" in 2023, with no newer version of the record;
    # names and roles agree.
    ("NCT02028676", "officials"): Changed(
        "one affiliation renamed between 2018 and 2023",
        (("xml/NCT02028676.xml",), ("json_v1/NCT02028676.json",)),
        keeps=lambda officials: [(o.name, o.role) for o in officials],
    ),
    ("NCT02028676", "mesh_terms"): Changed(
        "MeSH terms re-derived; the XML has no IDs or ancestors",
        (("xml/NCT02028676.xml",), ("json_v1/NCT02028676.json",)),
    ),
    # The page was captured in December 2017 (updated 2017-12-15, verified November 2017), the
    # XML in May 2018 (updated 2018-05-10, verified March 2018): the title lost its "NCI-MATCH:"
    # prefix and gained "(The MATCH Screening Trial)", the summary says "phase II MATCH trial".
    **_each(
        "NCT02465060",
        "brief_title status_verified last_update_posted brief_summary",
        Changed(
            "record updated between December 2017 and May 2018",
            (("text/NCT02465060.txt",), ("xml/NCT02465060.xml",)),
        ),
    ),
    ("NCT02465060", "first_posted"): POSTED_TYPE_UNSAID,
    # The XML is of April 2019 (updated 2019-04-15), both page captures of 2022 (updated
    # 2022-04-11): the start date was corrected, completion moved to 2022, results were posted
    # on 2020-01-09.
    **_each(
        "NCT02481830",
        "start completion last_update_posted results_first_posted has_results",
        Changed(
            "record updated and results posted between 2019 and 2022",
            (("xml/NCT02481830.xml",), ("text/NCT02481830.txt", "text/NCT02481830~pipes.txt")),
        ),
    ),
    ("NCT02481830", "first_posted"): POSTED_TYPE_UNSAID,
    **_each(
        "NCT02552212", "first_posted last_update_posted results_first_posted", POSTED_TYPE_UNSAID
    ),
    # The page was captured after the 2017-10-26 update, the JSON after the 2021-10-08 one,
    # whose summary adds that randomisation R1 closed early on 8 September 2017.
    **_each(
        "NCT02724163",
        "last_update_posted brief_summary",
        Changed(
            "record updated between 2017 and 2021",
            (("text/NCT02724163.txt",), ("json/NCT02724163.json",)),
        ),
    ),
    ("NCT02724163", "first_posted"): POSTED_TYPE_UNSAID,
    ("NCT02724163", "collaborators"): PAGE_CLASS_UNSAID,
    **_each("NCT04349592", "first_posted last_update_posted", POSTED_TYPE_UNSAID),
}

MULTI_CAPTURE = (
    "NCT00001177",  # legacy XML of 2019, and the 2023 bulk archive
    "NCT00002475",  # legacy XML of 2016, of 2017, and the 2023 bulk archive
    "NCT00006392",  # page text, legacy XML (also in the bulk archive)
    "NCT00023673",  # classic JSON, legacy XML
    "NCT00081588",  # two legacy XML captures (one in a file named NCT00980226.xml)
    "NCT00460798",  # page text, legacy XML (also in the bulk archive)
    "NCT00461630",  # page text, legacy XML (also in the bulk archive)
    "NCT00570739",  # page text: record view and results tab
    "NCT00936455",  # HTML: Full Text, Tabular and Results views
    "NCT02028676",  # classic JSON, legacy XML
    "NCT02465060",  # page text, legacy XML
    "NCT02481830",  # page text twice, legacy XML
    "NCT02552212",  # API v2 JSON twice (one in a file named NCT02278341.json), page text twice
    "NCT02724163",  # API v2 JSON, page text
    "NCT04349592",  # page text, legacy XML
    "NCT04780763",  # classic JSON twice
)


def _differences(nct_id: str) -> Iterator[tuple[Capture, Capture, str]]:
    """(capture, capture, field) for every field two captures both carry and disagree on."""
    for a, b in itertools.combinations(captures()[nct_id], 2):
        lacked = a.record.lacks | b.record.lacks
        for name in FIELDS:
            if name in lacked:
                continue
            values = (without_form(name, c.record.to_dict()[name]) for c in (a, b))
            if next(values) != next(values):
                yield a, b, name


@pytest.mark.slow
def test_these_are_all_the_studies_the_corpus_holds_more_than_once():
    assert tuple(captures()) == MULTI_CAPTURE


def test_every_study_the_manifest_lists_twice_is_among_them():
    with (CORPUS / "MANIFEST.tsv").open(newline="") as manifest:
        listed = Counter(row["nct_id"] for row in csv.DictReader(manifest, delimiter="\t"))
    assert {nct_id for nct_id, count in listed.items() if count > 1} <= set(MULTI_CAPTURE)


@pytest.mark.parametrize("nct_id", MULTI_CAPTURE)
def test_every_pair_of_captures_agrees_on_every_field_both_carry(nct_id):
    unexplained = []
    for a, b, name in _differences(nct_id):
        allowance = ALLOWED.get((nct_id, name))
        if allowance is None or not allowance.accepts(a, b, name):
            unexplained.append(
                f"{name}: {a.source} has {getattr(a.record, name)!r}, "
                f"{b.source} has {getattr(b.record, name)!r}"
            )
    assert unexplained == []


@pytest.mark.parametrize("nct_id", MULTI_CAPTURE)
def test_every_pair_of_captures_shares_fields_to_compare(nct_id):
    # A record lacking nearly everything would agree vacuously; even the shortest capture (a
    # results tab cut after its header) shares its identity, status and posted dates.
    for a, b in itertools.combinations(captures()[nct_id], 2):
        shared = [name for name in FIELDS if name not in a.record.lacks | b.record.lacks]
        assert len(shared) >= 10, (a.source, b.source, shared)


def test_every_allowance_excuses_a_difference_the_corpus_shows():
    used = {
        (nct_id, name)
        for nct_id in MULTI_CAPTURE
        for a, b, name in _differences(nct_id)
        if (nct_id, name) in ALLOWED and ALLOWED[nct_id, name].accepts(a, b, name)
    }
    assert set(ALLOWED) - used == set()


def test_every_capture_an_allowance_names_is_a_capture_of_its_study():
    for (nct_id, name), allowance in ALLOWED.items():
        sources = {capture.source for capture in captures()[nct_id]}
        assert allowance.names() <= sources, (nct_id, name)


def test_page_text_leaves_unsaid_posted_date_types_empty_where_api_v2_gives_both_kinds():
    # The evidence behind POSTED_TYPE_UNSAID: one page, two plain posted dates, two types.
    text, json = (
        next(c for c in captures()["NCT02552212"] if c.source == source).record
        for source in ("text/NCT02552212.txt", "json/NCT02552212.json")
    )
    assert (text.first_posted, text.last_update_posted) == (
        PartialDate("2015-09-17"),
        PartialDate("2022-08-18"),
    )
    assert (json.first_posted.type, json.last_update_posted.type) == ("ESTIMATED", "ACTUAL")
