"""The Full Text View and the Study Results tab of a classic study page.

The Full Text View is labelled sections: the purpose, a condition/intervention/phase table, rows
of "Label:" and value, outcome lists, an arms table, eligibility, locations, investigators and
a "More Information" block. The Results tab repeats a few protocol rows above the results; the
outcomes it lists are the results' measures with their descriptions folded away, so it is not
read as the protocol's outcomes.
"""

import re
from dataclasses import replace

from bs4 import Tag

from trials.record import Arm, Intervention, MeshTerm, ResponsibleParty, Sponsor
from trials.vocab import InterventionType, MeshKind, OutcomeKind, normalize

from .parts import (
    link_arms,
    read_arm,
    read_assigned,
    read_identifier_rows,
    read_officials,
    read_outcomes,
    read_sites,
    split_typed,
)
from .results import read_results_sections
from .values import (
    DESIGN_FIELDS,
    Found,
    Rows,
    label_rows,
    lines_of,
    outline,
    read_protocol_rows,
    text_of,
)

# What the 2009-2016 Full Text View shows beyond the header (absent there means none).
FULL_TEXT_SHOWS = {
    "official_title",
    "org_study_id",
    "secondary_ids",
    "nct_aliases",
    "start",
    "primary_completion",
    "completion",
    "study_type",
    "phases",
    "enrollment",
    "enrollment_type",
    *DESIGN_FIELDS,
    "brief_summary",
    "detailed_description",
    "eligibility_criteria",
    "sex",
    "minimum_age",
    "maximum_age",
    "healthy_volunteers",
    "study_population",
    "sampling_method",
    "conditions",
    "keywords",
    "arms",
    "interventions",
    "outcomes",
    "sites",
    "collaborators",
    "officials",
    "mesh_terms",
}
_OUTCOME_HEADING = re.compile(r"^(Primary|Secondary|Other(?: Pre-specified)?) Outcome Measures:")


def read_full_text(main: Tag, found: Found) -> None:
    found.shown.update(FULL_TEXT_SHOWS)
    rows = label_rows(main)
    read_protocol_rows(rows, found)
    purpose = next((h for h in main.find_all(class_="header2") if "Purpose" in text_of(h)), None)
    found.put(
        "brief_summary", outline(purpose.find_next("div", class_="body3") if purpose else None)
    )
    found.put("detailed_description", outline(_after(main, "Detailed Description")))
    found.put("study_population", outline(_after(main, "Study Population")))
    found.put("eligibility_criteria", outline(_after(main, "Criteria")))
    summary_interventions = _read_summary_table(main, found)
    outcomes = []
    for block in main.find_all("div", class_="body3"):
        heading = _OUTCOME_HEADING.match(text_of(block))
        if heading:
            outcomes.extend(read_outcomes(block, normalize(OutcomeKind, heading[1])))
    found.put("outcomes", tuple(outcomes))
    arms, assigned = _read_arms_table(main, found)
    found.put("arms", tuple(arms))
    found.put("interventions", tuple(_merge(summary_interventions, assigned, arms)))
    locations = main.find("table", summary=re.compile("location", re.IGNORECASE))
    found.put("sites", tuple(read_sites(locations, found)) if locations else ())
    sponsors = lines_of(_after(main, "Sponsors and Collaborators"))
    found.put("collaborators", tuple(Sponsor(name) for name in sponsors[1:]))
    people = main.find("table", summary=re.compile("investigator", re.IGNORECASE))
    found.put("officials", tuple(read_officials(people, found)))
    read_identifier_rows(rows, found)
    _read_party_title(rows, found)
    found.put("keywords", tuple(_table_lines(main, "keywords")))
    _read_mesh(main, found)


def read_results(main: Tag, found: Found) -> None:
    """The protocol rows above the results, the results, and the identifiers of "More
    Information"."""
    rows = label_rows(main)
    read_protocol_rows(rows, found)
    read_identifier_rows(rows, found)
    # The 2009-2016 "received" dates are submission dates, as "First received" is; the legacy
    # XML's firstreceived_results_date is API v2's resultsFirstSubmitDate.
    if "results first received" in rows:
        cell = text_of(rows["results first received"][0])
        found.put("results_first_submitted", found.date(cell, "results_first_submitted"))
    read_results_sections(main, found)


def _after(main: Tag, heading: str) -> Tag | None:
    """The block that follows a "header3" heading such as "Criteria"."""
    for element in main.find_all(class_="header3"):
        if text_of(element).rstrip(":") == heading:
            following = element.find_next_sibling("div")
            return following if isinstance(following, Tag) else None
    return None


def _table_lines(main: Tag, summary: str) -> list[str]:
    """The one name per line of a layout table such as "Layout table for keywords"."""
    table = main.find("table", summary=re.compile(summary, re.IGNORECASE))
    return [line for cell in table.find_all("td") for line in lines_of(cell)] if table else []


def _read_party_title(rows: Rows, found: Found) -> None:
    """ "Responsible Party: Brett Meyer, MD, University of ..." adds the title the header drops.

    The header wrote "<name>, <affiliation>"; what stands between the two here is the title.
    """
    party = found.values.get("responsible_party")
    if (
        "responsible party" not in rows
        or not isinstance(party, ResponsibleParty)
        or not party.investigator_name
    ):
        return
    text = text_of(rows["responsible party"][0])
    start, end = f"{party.investigator_name}, ", f", {party.investigator_affiliation}"
    if text.startswith(start) and text.endswith(end) and len(text) > len(start) + len(end):
        title = text[len(start) : -len(end)]
        found.put("responsible_party", replace(party, investigator_title=title))


def _read_summary_table(main: Tag, found: Found) -> list[Intervention]:
    """The "Condition | Intervention | Phase" table: one column each, one name per line."""
    for table in main.find_all("table", class_="data_table"):
        headings = [text_of(th).lower() for th in table.find_all("th")]
        if not headings or not headings[0].startswith("condition"):
            continue
        values = table.find_all("tr")[1].find_all("td") if len(table("tr")) > 1 else []
        interventions: list[Intervention] = []
        for heading, cell in zip(headings, values, strict=False):
            lines = lines_of(cell)
            if heading.startswith("condition"):
                found.put("conditions", tuple(lines))
            elif heading.startswith("intervention"):
                named = (split_typed(line, InterventionType) for line in lines)
                interventions = [Intervention(kind, name) for kind, name in named if kind]
            elif heading.startswith("phase"):
                read_protocol_rows({"phase": (cell, "")}, found)
        return interventions
    return []


def _read_arms_table(main: Tag, found: Found) -> tuple[list[Arm], list[Intervention]]:
    """ "Arms | Assigned Interventions" (or "Groups/Cohorts") rows."""
    for table in main.find_all("table", class_="data_table"):
        headings = [text_of(th).lower() for th in table.find_all("th")]
        if not headings or not headings[0].startswith(("arm", "group")):
            continue
        arms: list[Arm] = []
        assigned: list[Intervention] = []
        for row in table.find_all("tr")[1:]:
            cells = row.find_all("td", recursive=False)
            if not cells:
                continue
            interventions = read_assigned(cells[1], found) if len(cells) > 1 else []
            arm = read_arm(cells[0])
            names = tuple(f"{_type_label(i.type)}: {i.name}" for i in interventions)
            arms.append(Arm(arm.label, arm.type, arm.description, names or arm.intervention_names))
            assigned.extend(interventions)
        return arms, assigned
    return [], []


def _type_label(value: str) -> str:
    return InterventionType(value).label


def _merge(
    listed: list[Intervention], assigned: list[Intervention], arms: list[Arm]
) -> list[Intervention]:
    """The summary table's interventions, described from the arms table where it describes them."""
    described: dict[tuple[str, str], Intervention] = {}
    for intervention in assigned:
        described.setdefault((intervention.type, intervention.name), intervention)
    ordered = listed or list(described.values())
    merged = [described.get((i.type, i.name), i) for i in ordered]
    return link_arms(arms, merged)


def _read_mesh(main: Tag, found: Found) -> None:
    """ "Additional relevant MeSH terms": one list, kinds and ancestors not told apart.

    A study without interventions can only have condition terms; for any other the kinds would
    be guesses, so the terms are left to a source that labels them.
    """
    terms = _table_lines(main, "MeSH")
    if found.values.get("interventions"):
        if terms:
            found.shown.discard("mesh_terms")
            found.warnings.append(
                "MeSH terms are listed without saying which are conditions and which "
                "interventions; left out"
            )
        return
    found.put("mesh_terms", tuple(MeshTerm(term, MeshKind.CONDITION) for term in terms))
    if terms:
        found.warnings.append(
            "MeSH terms: the page lists a study's own terms and their ancestors together; "
            "all are kept as not ancestors"
        )
