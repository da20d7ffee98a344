"""The Tabular View of a classic study page: one table of label and value rows.

Section rows ("Tracking Information", "Descriptive Information", "Recruitment Information",
"Administrative Information") divide it; each other row is a label (with an "ICMJE" mark and,
for outcomes, the date they were submitted) and its value. The "Current" outcome rows are the
record; the "Original" ones are history and are passed over.
"""

from bs4 import Tag

from trials.record import Sponsor
from trials.vocab import OutcomeKind

from .parts import (
    link_arms,
    read_arm,
    read_identifier_rows,
    read_intervention,
    read_officials,
    read_outcomes,
)
from .sections import FULL_TEXT_SHOWS
from .values import (
    Found,
    Rows,
    lines_of,
    outline,
    read_protocol_rows,
    text_of,
    typed_label,
)

# What the table shows beyond the header (an absent row or "Not Provided" means none): what the
# Full Text View shows, but for sites (only their countries), keywords, MeSH terms and aliases.
_TABULAR_SHOWS = FULL_TEXT_SHOWS - {"sites", "keywords", "mesh_terms", "nct_aliases"}
_DATES = {
    "first received date": "first_submitted",
    "first submitted date": "first_submitted",
    "last updated date": "last_update_submitted",
    "last update posted date": "last_update_posted",
    "first posted date": "first_posted",
    "verification date": "status_verified",
}
_OUTCOMES = {
    "current primary outcome measures": OutcomeKind.PRIMARY,
    "current secondary outcome measures": OutcomeKind.SECONDARY,
    "current other outcome measures": OutcomeKind.OTHER,
    "current other pre-specified outcome measures": OutcomeKind.OTHER,
}
_ARMS = ("study arms", "study group/cohort (s)", "study groups/cohorts", "arms")


def _is_label_noise(tag: Tag) -> bool:
    return tag.name == "sup" or "footer" in (tag.get("class") or [])


def table_rows(main: Tag) -> Rows:
    """Label and value of each row; "Not Provided" cells are left out."""
    rows: Rows = {}
    for row in main.find_all("tr"):
        label = row.find("th", recursive=False)
        value = row.find("td", recursive=False)
        if label is None or value is None or "missing_color" in (value.get("class") or []):
            continue
        name, kind = typed_label(text_of(label, skip=_is_label_noise).rstrip(" *:"))
        rows.setdefault(name.lower(), (value, kind))
    return rows


def _items(cell: Tag) -> list[Tag]:
    """The items of a cell that lists several, or the cell itself when it holds one."""
    lists = cell.find_all(["ul", "ol"], recursive=False)
    return [item for lst in lists for item in lst.find_all("li", recursive=False)] or [cell]


def read_tabular(main: Tag, found: Found) -> None:
    found.shown.update(_TABULAR_SHOWS)
    rows = table_rows(main)
    read_protocol_rows(rows, found)
    for label, name in _DATES.items():
        if label in rows:
            found.put(name, found.date(text_of(rows[label][0]), name))
    if "brief title" in rows and text_of(rows["brief title"][0]) != found.values["brief_title"]:
        found.warnings.append("the Brief Title row differs from the page heading")
    if "acronym" in rows:
        found.put("acronym", text_of(rows["acronym"][0]))
    for label, name in (
        ("brief summary", "brief_summary"),
        ("detailed description", "detailed_description"),
        ("study population", "study_population"),
        ("eligibility criteria", "eligibility_criteria"),
    ):
        if label in rows:
            found.put(name, outline(rows[label][0]))
    outcomes = [
        outcome
        for label, kind in _OUTCOMES.items()
        if label in rows
        for outcome in read_outcomes(rows[label][0], kind)
    ]
    found.put("outcomes", tuple(outcomes))
    arms_row = next((rows[label] for label in _ARMS if label in rows), None)
    arms = [read_arm(item) for item in _items(arms_row[0])] if arms_row else []
    found.put("arms", tuple(arms))
    row = rows.get("intervention") or rows.get("interventions")
    interventions = [read_intervention(item, found) for item in _items(row[0])] if row else []
    found.put("interventions", tuple(link_arms(arms, filter(None, interventions))))
    if "keywords" in rows:
        found.put("keywords", tuple(lines_of(rows["keywords"][0])))
    read_identifier_rows(rows, found)
    if "study sponsor" in rows and not found.values.get("lead_sponsor"):
        found.put("lead_sponsor", Sponsor(text_of(rows["study sponsor"][0])))
    if "collaborators" in rows:
        names = lines_of(rows["collaborators"][0])
        found.put("collaborators", tuple(Sponsor(name) for name in names))
    if "investigators" in rows:
        found.put("officials", tuple(read_officials(rows["investigators"][0], found)))
