"""The header of a copied study page: title, NCT ID, recruitment status and the record's dates.

Every layout generation opens the same way, with the brief title above a disclaimer or status
line, but words it differently: "Recruitment Status : Completed" and "First Posted :" since
2017; "This study has been completed." with "First received:" and "Last verified:" before; and
in late 2017 "This study is currently recruiting participants. Verified November 2017 by …"
with the new date labels. A page whose header holds no NCT ID, title or status is not a study
page, and ``read_header`` refuses it naming what is missing.
"""

import re
from dataclasses import dataclass, field

from trials.record import PartialDate, RecordError
from trials.vocab import Status, normalize

from .layout import Layout
from .lines import partial_date, squash, value_at

_START = re.compile(
    r"^(The safety and scientific validity of this study|Recruitment Status ?:|This study "
    r"|The recruitment status of this study|Recruitment status of this study"
    r"|ClinicalTrials\.gov Identifier:|Expanded access is|This treatment )"
)
_BODY = re.compile(
    r"^(Brief Summary:?|Purpose|Study Type\b|Tracking Information|Conditions?\b"
    r"|Detailed Description:?|Arm\b)"
)
# The 2009-2017 pages state the status in a sentence.
_SENTENCES = (
    ("is currently recruiting", Status.RECRUITING),
    ("not yet open for participant recruitment", Status.NOT_YET_RECRUITING),
    ("ongoing, but not recruiting", Status.ACTIVE_NOT_RECRUITING),
    ("has been completed", Status.COMPLETED),
    ("has been terminated", Status.TERMINATED),
    ("has been suspended", Status.SUSPENDED),
    ("has been withdrawn", Status.WITHDRAWN),
    ("by invitation", Status.ENROLLING_BY_INVITATION),
    ("status of this study is unknown", Status.UNKNOWN),
    ("is currently available", Status.AVAILABLE),
    ("no longer available", Status.NO_LONGER_AVAILABLE),
    ("temporarily not available", Status.TEMPORARILY_NOT_AVAILABLE),
    ("approved for", Status.APPROVED_FOR_MARKETING),
)
_DATES = {
    "first_posted": re.compile(r"^First Posted ?:"),
    "results_first_posted": re.compile(r"^Results First Posted ?:"),
    "last_update_posted": re.compile(r"^Last Update Posted ?:"),
    "first_submitted": re.compile(r"^First received:"),
    "last_update_submitted": re.compile(r"^Last updated:"),
    "status_verified": re.compile(r"^Last verified:"),
}
_STATUS_LABEL = re.compile(r"^Recruitment Status ?:")
_PROVIDED_BY = re.compile(r"^Information provided by( \(Responsible Party\))?:")
_SPONSOR = re.compile(r"^Sponsor:")
_COLLABORATORS = re.compile(r"^Collaborators?:")
# A brief title ends with the acronym in parentheses; a parenthesised phrase of more words is
# part of the title itself ("… (The MATCH Screening Trial)").
_ACRONYM = re.compile(r"^(?P<title>.+?)\s*\((?P<acronym>[^()\s]+(?: [^()\s]+){0,2})\)$")


@dataclass
class Header:
    start: int  # the line of the first header line after the title
    end: int  # the line after the last header line
    nct_id: str
    brief_title: str
    acronym: str
    overall_status: str
    last_known_status: str = ""
    why_stopped: str = ""
    dates: dict[str, PartialDate | None] = field(default_factory=dict)
    has_results: bool | None = None
    sponsor: str = ""
    collaborators: list[str] = field(default_factory=list)
    responsible: str = ""  # the name printed under "Information provided by (Responsible Party):"
    sponsor_block: bool = False  # whether the header prints its "Sponsor:" block
    warnings: list[str] = field(default_factory=list)

    @property
    def status_verified(self) -> PartialDate | None:
        return self.dates.get("status_verified")

    def values(self) -> dict[str, object]:
        """The StudyRecord fields the header settles (beyond NCT ID, title and status)."""
        values: dict[str, object] = {
            "acronym": self.acronym,
            "last_known_status": self.last_known_status,
            "why_stopped": self.why_stopped,
            "has_results": self.has_results,
        }
        values.update(self.dates)
        return values


def read_header(lines: list[str], layout: Layout, source: str) -> Header:
    """The page header; RecordError naming the source and what is missing when there is none."""
    start = next((i for i, line in enumerate(lines) if _START.match(line.strip())), None)
    title_line = ""
    if start is not None:
        title_line = next((squash(x) for x in reversed(lines[:start]) if x.strip()), "")
    else:
        start = len(lines)
    end_of_scan = next(
        (i for i in range(start, len(lines)) if _BODY.match(lines[i].strip())), len(lines)
    )
    scan = range(start, end_of_scan)
    text = " ".join(squash(lines[i]) for i in scan)
    nct = re.search(r"Identifier:\s*(NCT\d{8})", text) or re.search(
        r"refer to this study by its (?:ClinicalTrials\.gov )?identifier(?: \(NCT number\))?:"
        r"\s*(NCT\d{8})",
        "\n".join(lines),
    )
    nct_id = nct[1] if nct else ""
    status, why, last_line = _status(lines, scan, layout, source)
    missing = [
        name
        for name, value in (
            ("NCT ID", nct_id),
            ("title", title_line),
            ("recruitment status", status),
        )
        if not value
    ]
    if missing:
        raise RecordError(
            source,
            f"not a complete study page header: no {', '.join(missing)} found (a page starts "
            "with the title, 'ClinicalTrials.gov Identifier: NCT…' and 'Recruitment Status : …')",
        )
    title = _ACRONYM.match(title_line)
    header = Header(
        start=start,
        end=last_line + 1,
        nct_id=nct_id,
        brief_title=title["title"] if title else title_line,
        acronym=title["acronym"] if title else "",
        overall_status=status,
        why_stopped=why,
    )
    _read_dates(header, lines, scan, layout)
    _read_sponsors(header, lines, scan)
    return header


def _status(lines: list[str], scan: range, layout: Layout, source: str) -> tuple[str, str, int]:
    """(status, why stopped, line of the status) from a labelled value or an old sentence."""
    for index in scan:
        line = squash(lines[index])
        if _STATUS_LABEL.match(line):
            value, value_line = value_at(lines, index, _STATUS_LABEL)
            match = re.match(r"^(?P<status>[^(]+?)\s*(?:\((?P<why>.*)\))?$", value)
            if match is None:
                break
            try:
                return normalize(Status, match["status"]), match["why"] or "", value_line
            except ValueError as exc:
                raise RecordError(source, f"recruitment status {value!r} is not known") from exc
        if layout == Layout.OLD and _START.match(line) and not line.startswith("The safety"):
            for words, status in _SENTENCES:
                if words in line:
                    following = squash(lines[index + 1]) if index + 1 < len(lines) else ""
                    why = following[1:-1].strip() if following.startswith("(") else ""
                    return status, why, index
    return "", "", scan.start


def _read_dates(header: Header, lines: list[str], scan: range, layout: Layout) -> None:
    last = header.end - 1
    for index in scan:
        line = squash(lines[index])
        for name, label in _DATES.items():
            if label.match(line) and name not in header.dates:
                value, value_line = value_at(lines, index, label)
                header.dates[name] = partial_date(value)
                last = max(last, value_line)
        was = re.match(r"^Recruitment status was:\s*(.+)$", line)
        if was:
            try:
                header.last_known_status = normalize(Status, was[1])
            except ValueError:
                header.warnings.append(f"last known status {was[1]!r} is not a known status")
            last = max(last, index)
        verified = re.match(r"^Verified (\w+ \d{4}) by\b", line)
        if verified and "status_verified" not in header.dates:
            header.dates["status_verified"] = partial_date(verified[1])
            last = max(last, index)
    if layout != Layout.OLD:
        # Since 2017 the header prints "Results First Posted" whenever results are posted.
        header.has_results = header.dates.get("results_first_posted") is not None
        header.dates.setdefault("results_first_posted", None)
    header.end = last + 1


def _read_sponsors(header: Header, lines: list[str], scan: range) -> None:
    """The sponsor block of the header; a copy drops the sponsor's name when it is a link."""
    collecting = False
    last = header.end - 1
    for index in scan:
        line = squash(lines[index])
        if _SPONSOR.match(line):
            header.sponsor, value_line = value_at(lines, index, _SPONSOR)
            header.sponsor_block, collecting = True, False
            last = max(last, value_line)
        elif _COLLABORATORS.match(line):
            collecting, last = True, max(last, index)
        elif _PROVIDED_BY.match(line):
            collecting = False
            value, value_line = value_at(lines, index, _PROVIDED_BY)
            if "(Responsible Party)" in line:
                header.responsible = value
            last = max(last, value_line)
        elif collecting and line and not _START.match(line):
            header.collaborators.append(line)
            last = max(last, index)
    header.end = last + 1
