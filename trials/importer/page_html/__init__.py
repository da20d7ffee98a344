"""Classic ClinicalTrials.gov study pages saved as HTML (``ct2/show/...``).

Every view of a study opens with the same header: title, recruitment status, sponsor, responsible
party, identifier and dates. Two header layouts exist: 2009-2016 ("This study has been
completed.", "First received:", "Last verified:") and 2017 on ("Recruitment Status: Completed",
"First Posted:", "Last Update Posted:"). Below the header comes one of

- the Full Text View ("Study Details" from 2017): labelled sections (``page_html_sections``);
- the Tabular View: one table of label and value rows (``page_html_tabular``);
- the Study Results tab: a few protocol rows and the results; for a study without posted
  results, the status and completion dates only (``page_html_sections``).

Whatever a view cannot show is named in ``lacks``, so a thin page never blanks a fuller record.
"""

import dataclasses
import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from trials.record import RecordError, ResponsibleParty, Sponsor, StudyRecord
from trials.vocab import ResponsiblePartyType, SourceFormat, Status

from .sections import read_full_text, read_results
from .tabular import read_tabular
from .values import Found, squash, text_of

_CONTENT = frozenset(field.name for field in dataclasses.fields(StudyRecord)) - {
    "nct_id",
    "brief_title",
    "overall_status",
    "source_format",
    "lacks",
    "warnings",
}
_REQUIRED = (("nct_id", "NCT ID"), ("brief_title", "title"), ("overall_status", "overall status"))
_STOPPED = (Status.TERMINATED, Status.SUSPENDED, Status.WITHDRAWN)
_NCT = re.compile(r"\bNCT\d{8}\b")
_DATE = r"[A-Z][a-z]+ (?:\d{1,2}, )?\d{4}"
_MODERN_STATUS = re.compile(
    r"Recruitment Status\s*:\s*(?P<status>[^:]*?)\s*"
    r"(?=\bVerified\b|First Posted|Last Update Posted|Results First Posted|$)"
)
_LAST_KNOWN = re.compile(
    r"Recruitment status was\s*:\s*(?P<status>.+?)\s*(?=First Posted|Last Update Posted|$)",
    re.IGNORECASE,
)
_HEADER_DATES = {
    "first_submitted": re.compile(rf"First received\s*:\s*({_DATE})", re.IGNORECASE),
    "last_update_submitted": re.compile(rf"Last updated\s*:\s*({_DATE})", re.IGNORECASE),
    "status_verified": re.compile(rf"(?:Last verified\s*:|\bVerified)\s*({_DATE})"),
    "first_posted": re.compile(rf"First Posted\s*:\s*({_DATE})"),
    "last_update_posted": re.compile(rf"Last Update Posted\s*:\s*({_DATE})"),
    "results_first_posted": re.compile(rf"Results First Posted\s*:\s*({_DATE})"),
}
# The 2009-2016 header gives submission dates and always the verification month; the later
# header gives posting dates, and a verification month only for a study of unknown status.
_OLD_DATES = ("first_submitted", "last_update_submitted", "status_verified")
_MODERN_DATES = ("first_posted", "last_update_posted", "results_first_posted")


def parse(data: bytes, source: str) -> StudyRecord:
    """One study from one saved page in any of its views; RecordError when it is not one."""
    soup = BeautifulSoup(data, "lxml")
    main = soup.find(id="main-content")
    if not isinstance(main, Tag) or main.find("h1") is None:
        raise RecordError(source, "not a ClinicalTrials.gov study page: no study heading")
    found = Found()
    view = _view(main)
    _read_header(soup, main, found)
    # A saved page always ends in </html>; without it the capture stopped part way.
    if b"</html>" not in data[-4096:].lower():
        found.warnings.append("the page stops part way: only its header was read")
    elif view == "tabular":
        read_tabular(main, found)
    elif view == "full":
        read_full_text(main, found)
    elif view == "results":
        read_results(main, found)
    else:
        found.warnings.append("no Full Text, Tabular or Results tab is marked: header only")
    refusal = _refusal(found, view)
    if refusal:
        raise RecordError(source, refusal)
    values = found.values
    given = {name for name, value in values.items() if value not in ("", None, ())}
    return StudyRecord(
        # The sections put field values into one map by name; giving that map a static type
        # would restate every StudyRecord field a second time.
        **values,  # type: ignore[arg-type]
        source_format=SourceFormat.PAGE_HTML,
        lacks=_CONTENT - found.shown - given,
        warnings=tuple(found.warnings),
    )


def _refusal(found: Found, view: str) -> str:
    """Why the page cannot be a record; "" when it has the three things every record needs."""
    missing = [what for name, what in _REQUIRED if not found.values.get(name)]
    if not missing:
        return ""
    context = "results tab without the protocol: " if view == "results" else ""
    doubts = [note for note in found.warnings if note.startswith("Recruitment status")]
    because = f" ({doubts[0]})" if doubts and "overall status" in missing else ""
    return f"{context}no {', '.join(missing)}{because}"


def _view(main: Tag) -> str:
    current = main.select_one("#tab-links li.current")
    label = text_of(current).lower() if current else ""
    if "tabular" in label:
        return "tabular"
    if "full text" in label or "study details" in label:
        return "full"
    return "results" if "result" in label else ""


def _header_text(main: Tag) -> str:
    """The text above the tabs on one line (all of the page when there are no tabs)."""
    tabs = main.find(id="tabs")
    strings: list[str] = []
    for node in main.descendants:
        if node is tabs:
            break
        if isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            strings.append(str(node))
    return squash(" ".join(strings))


def _read_header(soup: BeautifulSoup, main: Tag, found: Found) -> None:
    text = _header_text(main)
    modern = "Recruitment Status" in text or "First Posted" in text
    _read_title(soup, main, modern, found)
    identifier = main.find(class_="identifier")
    nct = _NCT.search(text_of(identifier) if identifier else text)
    found.put("nct_id", nct[0] if nct else "")
    _read_status(main, text, modern, found)
    for name in _MODERN_DATES if modern else _OLD_DATES:
        match = _HEADER_DATES[name].search(text)
        found.put(name, found.date(match[1], name) if match else None)
    verified = _HEADER_DATES["status_verified"].search(text) if modern else None
    if verified:
        found.put("status_verified", found.date(verified[1], "status_verified"))
    _read_sponsors(main, modern, found)
    results_tab = main.select_one("#tab-links li#results")
    if results_tab is not None:
        label = text_of(results_tab).lower()
        # "No Study Results Posted", "No Results Posted", "Results Submitted" (not yet posted)
        found.put("has_results", not label.startswith("no ") and "submitted" not in label)


def _read_title(soup: BeautifulSoup, main: Tag, modern: bool, found: Found) -> None:
    """From 2017 the heading reads "Brief Title (ACRONYM)" while <title> keeps the brief title."""
    heading = text_of(main.find("h1"))
    page = text_of(soup.title) if soup.title else ""
    brief = page.rsplit(" - ", 2)[0] if page.endswith("ClinicalTrials.gov") else ""
    acronym = re.fullmatch(r"\s*\((.+)\)", heading[len(brief) :]) if brief else None
    if modern and acronym and heading.startswith(brief):
        found.put("brief_title", brief)
        found.put("acronym", acronym[1])
        return
    found.put("brief_title", heading)
    if modern and brief == heading:
        found.put("acronym", "")


def _read_status(main: Tag, text: str, modern: bool, found: Found) -> None:
    reason = ""
    if modern:
        match = _MODERN_STATUS.search(text)
        raw = match["status"] if match else ""
        status = found.choice(Status, raw, "Recruitment status") if raw else ""
    else:
        # "This study has been terminated." and, for a stopped study, the reason in brackets.
        box = main.find(class_=re.compile(r"(^|-)status$"))
        sentence, _, rest = text_of(box).partition(".") if box else ("", "", "")
        status = found.choice(Status, sentence, "Recruitment status") if sentence else ""
        reason = rest.strip().strip("()").strip() if status in _STOPPED else ""
    found.put("overall_status", status)
    if reason or not modern or status not in _STOPPED:
        found.put("why_stopped", reason)
    last_known = _LAST_KNOWN.search(text)
    if last_known:
        found.put("last_known_status", found.choice(Status, last_known[1], "Last known status"))
    elif status != Status.UNKNOWN:
        found.put("last_known_status", "")


def _read_sponsors(main: Tag, modern: bool, found: Found) -> None:
    """The "Sponsor:", "Collaborators:" and "Information provided by" titles and their texts."""
    titled: dict[str, list[str]] = {}
    title = ""
    for element in main.find_all(class_=re.compile(r"(^|-)info-(title|text)$")):
        if any(name.endswith("info-title") for name in element.get_attribute_list("class")):
            title = text_of(element).rstrip(":").lower()
            titled[title] = []
        elif title:
            titled[title].append(text_of(element))
    sponsor = next(iter(titled.get("sponsor", [])), "")
    found.put("lead_sponsor", Sponsor(sponsor) if sponsor else None)
    collaborators = titled.get("collaborators", titled.get("collaborator"))
    if collaborators is not None or modern:
        found.put("collaborators", tuple(Sponsor(name) for name in collaborators or ()))
    party = next(iter(titled.get("information provided by (responsible party)", [])), "")
    if party:
        found.put("responsible_party", responsible_party(party, sponsor, found))


def responsible_party(text: str, sponsor: str, found: Found) -> ResponsibleParty:
    """The page writes the sponsor's name, or "<investigator>, <affiliation>".

    An investigator who is also the lead sponsor is a sponsor-investigator; any other named
    investigator is the principal investigator, the only other kind there is.
    """
    if text == sponsor or (sponsor and text.startswith(f"{sponsor} (")):
        return ResponsibleParty(ResponsiblePartyType.SPONSOR)
    name, comma, affiliation = text.partition(", ")
    if not comma:
        found.warnings.append(
            f"Responsible party {text!r} is neither the sponsor nor 'name, place'"
        )
        return ResponsibleParty(investigator_name=text)
    kind = (
        ResponsiblePartyType.SPONSOR_INVESTIGATOR
        if name == sponsor
        else ResponsiblePartyType.PRINCIPAL_INVESTIGATOR
    )
    return ResponsibleParty(kind, name, "", affiliation)
