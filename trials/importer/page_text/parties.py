"""Readers for the parts of a copied study page that name people and places: locations,
sponsors and investigators, and identifiers.

Each takes the lines of its own section (already cleaned) and returns record parts.
"""

import re

from trials.record import Official, ResponsibleParty, SecondaryId, Site
from trials.vocab import IdType, OfficialRole, ResponsiblePartyType, Status, normalize

from .lines import is_label, squash

_STATUS_WORDS = frozenset(label.casefold() for label in Status.labels) | {"unknown"}
_CONTACT = re.compile(
    r"^(Contact:|Contact Person:|Principal Investigator:|Sub-Investigator:|Study Chair:"
    r"|Study Director:|Contacts? \S|Email|Phone|Locations$)"
)


def read_sites(lines: list[str]) -> tuple[Site, ...]:
    """Locations: a "Country[, State]" heading, then each facility above its address line."""
    text = [squash(line) for line in lines if line.strip()]
    sites: list[Site] = []
    heading: tuple[str, str] | None = None
    pending: list[str] = []
    status = ""
    for index, line in enumerate(text):
        if line.casefold() in _STATUS_WORDS:
            status = normalize(Status, line)
            continue
        if _CONTACT.match(line):
            continue
        address = _address(line, heading) if heading else None
        if address is not None:
            city, state, zip_code = address
            sites.append(
                Site(
                    facility=pending[0] if pending else "",
                    city=city,
                    state=state or (heading[1] if heading else ""),
                    zip=zip_code,
                    country=heading[0] if heading else "",
                    status=status,
                )
            )
            pending, status = [], ""
            continue
        candidate = _heading(line)
        if any(_address(later, candidate) for later in text[index + 1 : index + 6]):
            heading, pending, status = candidate, [], ""
            continue
        pending.append(line)
    return tuple(sites)


def _heading(line: str) -> tuple[str, str]:
    country, _, state = line.partition(", ")
    return country.strip(), state.strip()


def _address(line: str, heading: tuple[str, str]) -> tuple[str, str, str] | None:
    """(city, state, zip) when ``line`` is an address in the heading's country and state."""
    country, state = heading
    match = re.match(rf"^(?P<place>.+?), {re.escape(country)}(?:, (?P<zip>[\w -]{{2,12}}))?$", line)
    if match is None:
        return None
    place = match["place"]
    if state:
        if not place.endswith(f", {state}"):
            return None
        return place[: -len(state) - 2], state, match["zip"] or ""
    city, _, region = place.rpartition(", ")
    return (city, region, match["zip"] or "") if city else (place, "", match["zip"] or "")


_OFFICIAL = re.compile(
    r"^(?P<role>Principal Investigator|Study Director|Study Chair|Sub-Investigator):"
    r"\s*(?P<rest>.*)$"
)
_CREDENTIALS = re.compile(r"^(MD|M\.D\.|PhD|Ph\.D\.|MBBS|MPH|DO|RN|PharmD|FRCP\w*|MSc|MS|BSc)$")


def read_sponsors(
    lines: list[str], organisations: list[str]
) -> tuple[str, list[str], tuple[Official, ...], tuple[str, ...]]:
    """Lead sponsor, collaborators and officials of the "Sponsors and Collaborators" section.

    The page prints an official's name and affiliation in two cells that a copy runs together
    ("Craig Hofmeister Ohio State University"); the affiliation is recognised as an organisation
    the page names elsewhere (sponsors, sites, identifier domains), or after a degree ("MD").
    """
    text = [squash(line) for line in lines if line.strip() and squash(line) != "Investigators"]
    names: list[str] = []
    officials: list[Official] = []
    warnings: list[str] = []
    index = 0
    while index < len(text):
        official = _OFFICIAL.match(text[index])
        index += 1
        if official is None:
            if not officials:
                names.append(text[index - 1])
            continue
        role = normalize(OfficialRole, official["role"])
        rest = official["rest"]
        if not rest and index < len(text):
            # Older layouts print the name and the affiliation on lines of their own.
            rest, index = text[index], index + 1
            affiliation = ""
            if index < len(text) and not _OFFICIAL.match(text[index]) and not is_label(text[index]):
                affiliation, index = text[index], index + 1
            name = rest
        else:
            name, affiliation = _name_and_affiliation(rest, [*organisations, *names])
            if not affiliation:
                warnings.append(f"official {rest!r}: name and affiliation could not be told apart")
        officials.append(Official(name=name.rstrip(","), role=role, affiliation=affiliation))
    lead = names[0] if names else ""
    return lead, names[1:], tuple(officials), tuple(warnings)


def _name_and_affiliation(text: str, organisations: list[str]) -> tuple[str, str]:
    words = text.split()
    known = [org.split() for org in organisations if org]
    for cut in range(1, len(words)):
        tail = words[cut:]
        if any(org[: len(tail)] == tail and len(tail) >= 2 for org in known) or any(
            org == tail for org in known
        ):
            return " ".join(words[:cut]), " ".join(tail)
    degrees = [i for i, word in enumerate(words) if _CREDENTIALS.match(word.strip(","))]
    if degrees and degrees[-1] < len(words) - 1:
        return " ".join(words[: degrees[-1] + 1]), " ".join(words[degrees[-1] + 1 :])
    return text, ""


_ID_LINE = re.compile(r"^(?P<id>.+?)\s+\(\s*(?P<info>.*?)\s*\)$")


def read_ids(lines: list[str]) -> tuple[tuple[SecondaryId, ...], tuple[str, ...]]:
    """Secondary IDs, one a line below "Other Study ID Numbers:": "<id> ( <type>: <domain> )"."""
    secondary: list[SecondaryId] = []
    warnings: list[str] = []
    for raw in lines:
        line = squash(raw)
        if not line:
            continue
        match = _ID_LINE.match(line)
        if match is None:
            secondary.append(SecondaryId(id=line))
            continue
        kind, domain = _id_type(match["info"])
        if kind is None:
            warnings.append(f"secondary ID {line!r}: identifier type not recognised")
            kind = ""
        secondary.append(SecondaryId(id=match["id"], type=kind, domain=domain))
    return tuple(secondary), tuple(warnings)


def _id_type(info: str) -> tuple[str | None, str]:
    """("REGISTRY", "CTRP …") from "Registry Identifier: CTRP …"; (type, "") from a bare type."""
    kind, colon, domain = info.partition(": ")
    for candidate, rest in ((info, ""), (kind, domain) if colon else (info, "")):
        try:
            return normalize(IdType, candidate), rest.strip()
        except ValueError:
            continue
    return None, info


def read_responsible(shown: str, lead: str) -> tuple[ResponsibleParty | None, str]:
    """The responsible party from the name the page prints for it, and a warning if unsettled.

    The page prints the sponsor's name when the sponsor is responsible (sometimes as "display
    name ( sponsor )"), and "name, title, organisation" for an investigator, without saying
    which kind of investigator.
    """
    if not shown or not lead:
        return None, ""
    inner = re.fullmatch(r".+?\s*\(\s*(?P<sponsor>[^()]+?)\s*\)", shown)
    if shown == lead or (inner is not None and inner["sponsor"] == lead):
        return ResponsibleParty(type=ResponsiblePartyType.SPONSOR), ""
    name, _, rest = shown.partition(", ")
    title, affiliation = "", rest
    if rest.endswith(lead):
        title, affiliation = rest[: -len(lead)].strip(" ,"), lead
    return ResponsibleParty(
        investigator_name=name, investigator_title=title, investigator_affiliation=affiliation
    ), (
        f"responsible party {shown!r} is not the sponsor: an investigator, but the page does "
        "not say whether principal investigator or sponsor-investigator"
    )
