"""The parts of a study as the classic pages write them: outcomes, arms, interventions,
identifiers, officials and sites.

The HTML keeps the boundaries a text copy loses (one ``<li>`` or ``<br>`` per item), so every
list is read from its elements, never by splitting prose on commas.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bs4 import NavigableString, Tag
from bs4.element import PreformattedString

from trials.record import Arm, Intervention, Official, Outcome, SecondaryId, Site
from trials.vocab import ArmType, IdType, InterventionType, OfficialRole, Status, normalize

from .values import Found, Rows, lines_of, outline, squash, text_of

_LISTS = ("ul", "ol")

# Outcomes ---------------------------------------------------------------------------------------

_SAFETY = re.compile(r"\s*\[\s*Designated as safety issue\s*:[^\]]*\]\s*$", re.IGNORECASE)
_TIME_FRAME = re.compile(r"\s*\[\s*Time Frame\s*:\s*(?P<frame>.*)\]\s*$", re.IGNORECASE)


def _is_block(tag: Tag) -> bool:
    return tag.name in ("div", *_LISTS)


def measure_and_time_frame(head: str) -> tuple[str, str]:
    """ "Recurrent Stroke [ Time Frame: 6 months ] [ Designated as safety issue: No ]"."""
    text = _SAFETY.sub("", squash(head))
    frame = _TIME_FRAME.search(text)
    if frame is None:
        return text, ""
    return text[: frame.start()].strip(), frame["frame"].strip()


def read_outcomes(cell: Tag, kind: str) -> list[Outcome]:
    """Outcomes of one kind: a list of items, or (one outcome) the cell itself."""
    items = [item for lst in cell.find_all(_LISTS, recursive=False) for item in lst("li")]
    outcomes = []
    for item in items or [cell]:
        measure, frame = measure_and_time_frame(text_of(item, skip=_is_block))
        described = item.find_all("div", recursive=False)
        description = "\n\n".join(part for part in map(outline, described) if part)
        if measure:
            outcomes.append(Outcome(kind, measure, frame, description))
    return outcomes


# Arms and interventions -------------------------------------------------------------------------

_OTHER_NAMES = re.compile(r"^Other Names?\s*:\s*", re.IGNORECASE)
_INTERVENTION_LABEL = re.compile(r"^Interventions?\s*:\s*", re.IGNORECASE)


def split_typed(text: str, choices: type) -> tuple[str, str]:
    """ "Experimental: Arm A" -> ("EXPERIMENTAL", "Arm A"); ("", text) when there is no type."""
    prefix, colon, rest = text.partition(":")
    if colon and rest.strip():
        try:
            return normalize(choices, prefix), rest.strip()
        except ValueError:
            pass
    return "", text.strip()


def read_arm(item: Tag) -> Arm:
    """An arm or group: its label, then blocks of description and "Intervention: ..." lines."""
    arm_type, label = split_typed(text_of(item, skip=_is_block), ArmType)
    description: list[str] = []
    names: list[str] = []
    for block in item.find_all(["div", *_LISTS], recursive=False):
        lines = lines_of(block)
        if lines and _INTERVENTION_LABEL.match(lines[0]):
            first = _INTERVENTION_LABEL.sub("", lines[0])
            names.extend(line for line in [first, *lines[1:]] if line)
        elif text := outline(block):
            description.append(text)
    return Arm(label, arm_type, "\n\n".join(description), tuple(names))


def read_intervention(item: Tag, found: Found) -> Intervention | None:
    """ "Drug: lenalidomide" with a described block that may end in "Other Names:"."""
    blocks = item.find_all(["div", *_LISTS], recursive=False)
    return _intervention(text_of(item, skip=_is_block), blocks, found)


def read_assigned(cell: Tag, found: Found) -> list[Intervention]:
    """An arm's "Assigned Interventions" cell: name lines, each followed by its blocks."""
    heads: list[tuple[str, list[Tag]]] = []
    for child in cell.children:
        if isinstance(child, Tag) and _is_block(child):
            if heads:
                heads[-1][1].append(child)
        elif isinstance(child, Tag) and child.name != "br":
            heads.extend((line, []) for line in lines_of(child))
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            heads.extend((line, []) for line in [squash(str(child))] if line)
    found_here = (_intervention(head, blocks, found) for head, blocks in heads)
    return [intervention for intervention in found_here if intervention]


def _intervention(head: str, blocks: list[Tag], found: Found) -> Intervention | None:
    kind, name = split_typed(head, InterventionType)
    if not kind:
        found.warnings.append(f"Intervention {head!r} has no known type; left out")
        return None
    description: list[str] = []
    others: list[str] = []
    for block in blocks:
        lines = lines_of(block)
        start = next((at for at, line in enumerate(lines) if _OTHER_NAMES.match(line)), None)
        if start is None:
            description.append(outline(block))
            continue
        description.append("\n".join(lines[:start]))
        first = _OTHER_NAMES.sub("", lines[start])
        others.extend(line for line in [first, *lines[start + 1 :]] if line)
    text = "\n\n".join(part for part in description if part)
    return Intervention(kind, name, text, tuple(others))


def link_arms(arms: Sequence[Arm], interventions: Iterable[Intervention]) -> list[Intervention]:
    """Interventions with the labels of the arms that name them ("Drug: placebo")."""
    linked = []
    for intervention in interventions:
        labels = tuple(
            arm.label
            for arm in arms
            if any(
                split_typed(name, InterventionType) == (intervention.type, intervention.name)
                for name in arm.intervention_names
            )
        )
        # In arm order on the page, as the page links them.
        linked.append(replace(intervention, arm_labels=labels or intervention.arm_labels))
    return linked


# Identifiers, people, places --------------------------------------------------------------------

_ID_WITH_TYPE = re.compile(
    r"^(?P<id>.+?)\s*\(\s*(?P<type>[^:()]+?)\s*(?::\s*(?P<domain>.*?))?\s*\)$"
)


def secondary_id(line: str) -> SecondaryId:
    """ "R01 CA12345 ( U.S. NIH Grant/Contract )"; an aside that names no ID type is kept."""
    match = _ID_WITH_TYPE.match(line)
    if match:
        try:
            return SecondaryId(match["id"], normalize(IdType, match["type"]), match["domain"] or "")
        except ValueError:
            pass
    return SecondaryId(line)


def read_officials(table: Tag | None, found: Found) -> list[Official]:
    """Rows of "Principal Investigator:", name, affiliation."""
    officials = []
    for row in table.find_all("tr") if table else []:
        cells = [text_of(cell) for cell in row.find_all("td", recursive=False)]
        if len(cells) >= 2 and cells[0].endswith(":"):
            role = found.choice(OfficialRole, cells[0].rstrip(":"), "Official role")
            affiliation = cells[2] if len(cells) > 2 else ""
            officials.append(Official(cells[1], role, affiliation))
    return officials


def read_sites(table: Tag, found: Found) -> list[Site]:
    """The locations table: a "Country, State" row, then facility and status, then address."""
    sites: list[Site] = []
    region = ""
    facility = status = ""
    for row in table.find_all("tr"):
        cells = row.find_all("td", recursive=False)
        if not cells:
            continue
        if "header3" in (cells[0].get("class") or []):
            region = text_of(cells[0])
        elif "locName" in (cells[0].get("headers") or []):
            facility = text_of(cells[0])
            status_cell = row.find("td", headers="locStatus")
            status = found.choice(Status, text_of(status_cell), "Site status")
        elif facility and (address := text_of(cells[0])) and not address.endswith(":"):
            sites.append(_site(facility, status, region, address, found))
            facility = status = ""
    return sites


def _site(facility: str, status: str, region: str, address: str, found: Found) -> Site:
    """ "San Diego, California, United States, 92103" under "United States, California".

    Country names may hold a comma ("Korea, Republic of"), so the region is tried whole first.
    """
    parts = [part.strip() for part in region.split(",")]
    padded = f", {address},"
    for cut in range(len(parts), 0, -1):
        country, state = ", ".join(parts[:cut]), ", ".join(parts[cut:])
        at = padded.rfind(f", {country},")
        if at >= 0:
            city = padded[2:at]
            postcode = padded[at + len(country) + 3 : -1].strip(" ,")
            if state and city.endswith(f", {state}"):
                city = city[: -len(state) - 2]
            elif state and city == state:
                city = ""
            return Site(facility, city.strip(" ,"), state, postcode, country, status)
    found.warnings.append(f"Site {facility!r}: address {address!r} does not name {region!r}")
    return Site(facility, address, "", "", region, status)


def read_identifier_rows(rows: Rows, found: Found) -> None:
    """ "Other Study ID Numbers:" (the sponsor's own first) and "Obsolete Identifiers:"."""
    if "other study id numbers" in rows:
        ids = lines_of(rows["other study id numbers"][0])
        found.put("org_study_id", ids[0] if ids else "")
        found.put("secondary_ids", tuple(secondary_id(line) for line in ids[1:]))
    if "obsolete identifiers" in rows:
        aliases = re.findall(r"NCT\d{8}", text_of(rows["obsolete identifiers"][0]))
        found.put("nct_aliases", tuple(aliases))
