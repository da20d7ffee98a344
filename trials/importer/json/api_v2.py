"""ClinicalTrials.gov API v2 JSON: a study object, a list response or the website's download array.

``build`` maps one study object onto a ``StudyRecord``; the classic API parser reuses it after
renaming its own keys into this layout. Enumerated values pass through ``vocab.normalize``, so a
spelling nobody knows becomes "" plus a warning rather than a failed study.

API v2 leaves out a module that would be empty (no arms, no sites), so a missing optional module
means "none". A capture that lacks a module every full record has (status, design, eligibility ...)
is a fragment instead: there every missing module's fields go into ``lacks``.
"""

import functools
import typing
from typing import Any

from trials import vocab
from trials.record import (
    DATES,
    PART_CLASSES,
    Grouping,
    RecordError,
    ResponsibleParty,
    Spec,
    Sponsor,
    StudyRecord,
    part_classes,
    spec_of,
    specs,
)
from trials.text import line, paragraphs, verbatim
from trials.vocab import SourceFormat

from . import common

# The API v2 path of every field the record declares one for (grouped parts: their template).
FIELD_PATHS: dict[str, str] = {
    name: spec.api or getattr(PART_CLASSES.get(name), "GROUPING", Grouping("", {})).template
    for name, spec in specs(StudyRecord)
    if not spec.provenance
}
# Fields this parser reads where it finds them, by the record's declaration alone: every plain
# field but those whose API v2 value needs more than a plain reading (``_quirks``).
_QUIRKS = frozenset(
    "phases intervention_model_description masking masking_description who_masked"
    " observational_model time_perspective minimum_age maximum_age sampling_method".split()
)
_PLAIN = tuple(
    (name, spec)
    for name, spec in specs(StudyRecord)
    if spec.api and not spec.provenance and name not in PART_CLASSES and name not in _QUIRKS
)
# Parts read by their declarations alone (the rest need a word more: see ``build``).
_SPECIAL_PARTS = frozenset(
    {"interventions", "collaborators", "mesh_terms", "lead_sponsor", "responsible_party"}
)
_PLAIN_PARTS = tuple(name for name in PART_CLASSES if name not in _SPECIAL_PARTS)

# Sections API v2 leaves out when they would be empty: a study object without them has none.
_SAID_WHEN_ABSENT = frozenset({"resultsSection", "annotationSection", "documentSection"})
# Modules every complete record has (the registry requires them); the rest may be left out.
CORE_MODULES = (
    "identificationModule",
    "statusModule",
    "sponsorCollaboratorsModule",
    "descriptionModule",
    "conditionsModule",
    "designModule",
    "eligibilityModule",
)


def split(data: bytes, source: str) -> list[bytes]:
    """One chunk per study: a study object as it is, list members re-serialised on their own."""
    document = common.load(data, source)
    studies = _studies(document, source)
    if isinstance(document, dict) and "protocolSection" in document:
        return [data]
    return [common.compact(study) for study in studies]


def parse(data: bytes, source: str) -> StudyRecord:
    """The record of the one study in ``data``."""
    studies = _studies(common.load(data, source), source)
    if len(studies) != 1:
        raise RecordError(source, f"holds {len(studies)} studies: split it first")
    return build(studies[0], source)


def _studies(document: Any, source: str) -> list[Any]:
    if isinstance(document, dict) and "protocolSection" in document:
        return [document]
    if isinstance(document, dict) and "StudyFieldsResponse" in document:
        raise RecordError(source, "a classic StudyFieldsResponse holds chosen fields, not studies")
    if isinstance(document, dict) and "studies" in document:
        studies = document["studies"]
    elif isinstance(document, list):
        studies = document
    else:
        raise RecordError(source, "not an API v2 study: no protocolSection and no studies list")
    if not isinstance(studies, list):
        raise RecordError(source, "the studies entry is not a list")
    if not studies:
        raise RecordError(source, "no studies")
    return studies


def build(
    study: Any,
    source: str,
    source_format: str = SourceFormat.API_V2_JSON,
    markup: common.Markup = verbatim,
) -> StudyRecord:
    """A StudyRecord from one API v2 study object; ``markup`` reads the Markdown text fields."""
    if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
        raise RecordError(source, "not an API v2 study: no protocolSection")
    protocol = study["protocolSection"]
    if not isinstance(protocol.get("statusModule"), dict):
        held = ", ".join(protocol) or "nothing"
        raise RecordError(
            source,
            f"a fragment holding only {held}: without the status module there is no overall"
            " status, so it cannot stand as a study record",
        )
    read = common.Reader(markup)
    fields = {
        **{
            name: _value(StudyRecord, name, spec, _at(study, spec.api), read)
            for name, spec in _PLAIN
        },
        **{name: _parts(study, name, read) for name in _PLAIN_PARTS},
        **_sponsors(_module(protocol, "sponsorCollaboratorsModule"), read),
        **_design(_module(protocol, "designModule"), read),
        **_eligibility(_module(protocol, "eligibilityModule")),
        "interventions": _parts(study, "interventions", read),
        "collaborators": tuple(s for s in _parts(study, "collaborators", read) if s.name),
        "mesh_terms": tuple(m for m in _parts(study, "mesh_terms", read) if m.term),
    }
    try:
        return StudyRecord(
            source_format=source_format,
            lacks=_lacks(study),
            warnings=tuple(read.warnings),
            **fields,
        )
    except RecordError as exc:
        raise RecordError(source, exc.problem) from exc


def _lacks(study: dict[str, Any]) -> frozenset[str]:
    """The fields this study object cannot show: those of a section it leaves out (derived
    data, ``hasResults``), and in a fragment those of every protocol module it lacks."""
    protocol = study["protocolSection"]
    fragment = any(name not in protocol for name in CORE_MODULES)
    lacks = set()
    for name, path in FIELD_PATHS.items():
        top, *rest = path.split(".")
        if top in _SAID_WHEN_ABSENT:
            continue
        if top != "protocolSection":
            if top not in study:
                lacks.add(name)
        elif fragment and rest[0] not in protocol:
            lacks.add(name)
    return frozenset(lacks)


def _at(container: dict[str, Any], path: str) -> object:
    """The value at a dotted path, or None where any step is missing."""
    value: object = container
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _value(cls: type, name: str, spec: Spec, raw: object, read: common.Reader) -> Any:
    """A field of ``cls`` read as its declaration says: a date, enum(s), names, text, a flag,
    a count or a coordinate."""
    if cls is StudyRecord and name in DATES:
        return read.date_struct(raw) if spec.typed else read.date(raw)
    hint = _hints(cls)[name]
    listed = typing.get_origin(hint) is tuple
    kinds = typing.get_args(hint)
    if spec.choices is not None:
        return read.enums(spec.choices, raw) if listed else read.enum(spec.choices, raw)
    if listed:
        return _names(raw)
    if bool in kinds:
        return read.boolean(raw, spec.api.rsplit(".", 1)[-1])
    if int in kinds:
        return read.count(raw)
    if float in kinds:
        return _coordinate(raw)
    if spec.markup:
        return read.markup(raw)
    return paragraphs(raw) if spec.lines else line(raw)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _part(cls: type, item: dict[str, Any], read: common.Reader, **fixed: Any) -> Any:
    """One part read field by field at the paths its class declares, its own parts too."""
    nested = part_classes(cls)
    values = {
        name: tuple(_part(nested[name], sub, read) for sub in _dicts(_at(item, spec.api)))
        if name in nested
        else _value(cls, name, spec, _at(item, spec.api), read)
        for name, spec in specs(cls)
        if spec.api and name not in fixed
    }
    return cls(**values, **fixed)


def _parts(study: dict[str, Any], name: str, read: common.Reader) -> Any:
    """The record's parts ``name``, read where the record declares them: at their path, or,
    for parts listed by kind (outcomes, MeSH terms), at each of their paths in turn. A single
    part (``one``) is None where the study has none."""
    cls = PART_CLASSES[name]
    declared = spec_of(StudyRecord, name)
    if not isinstance(StudyRecord.__dataclass_fields__[name].default, tuple):
        raw = _at(study, declared.api)
        return _part(cls, raw, read) if isinstance(raw, dict) and raw else None
    grouping: Grouping | None = getattr(cls, "GROUPING", None)
    places = grouping.paths() if grouping else [(declared.api, {})]
    return tuple(
        _part(cls, item, read, **fixed)
        for path, fixed in places
        for item in _dicts(_at(study, path))
    )


def _module(container: dict[str, Any], name: str) -> dict[str, Any]:
    value = container.get(name)
    return value if isinstance(value, dict) else {}


def _list(raw: object) -> list[Any]:
    return raw if isinstance(raw, list) else []


def _dicts(raw: object) -> list[dict[str, Any]]:
    return [item for item in _list(raw) if isinstance(item, dict)]


def _names(raw: object) -> tuple[str, ...]:
    return tuple(name for name in (line(item) for item in _list(raw)) if name)


def _age(raw: object) -> str:
    age = line(raw)
    return "" if age.upper() == "N/A" else age


def _sponsor(raw: object, read: common.Reader) -> Sponsor | None:
    if not isinstance(raw, dict) or not line(raw.get("name")):
        return None
    sponsor: Sponsor = _part(Sponsor, raw, read)
    return sponsor


def _sponsors(sponsors: dict[str, Any], read: common.Reader) -> dict[str, Any]:
    party = _module(sponsors, "responsibleParty")
    return {
        "lead_sponsor": _sponsor(sponsors.get("leadSponsor"), read),
        # Records from before 2011 name the party only in oldNameTitle / oldOrganization.
        "responsible_party": ResponsibleParty(
            type=read.enum(vocab.ResponsiblePartyType, party.get("type")),
            investigator_name=line(party.get("investigatorFullName"))
            or line(party.get("oldNameTitle")),
            investigator_title=line(party.get("investigatorTitle")),
            investigator_affiliation=line(party.get("investigatorAffiliation"))
            or line(party.get("oldOrganization")),
            old_name_title=line(party.get("oldNameTitle")),
            old_organization=line(party.get("oldOrganization")),
        )
        if party
        else None,
    }


def _design(design: dict[str, Any], read: common.Reader) -> dict[str, Any]:
    info = _module(design, "designInfo")
    masking_info = _module(info, "maskingInfo")
    masking, who_in_label = read.masking(masking_info.get("masking"))
    # Beside the plain fields: phases and masking in any spelling, single values where the
    # classic API gave lists, and plain text kept line by line.
    return {
        "phases": read.phases(design.get("phases")),
        "intervention_model_description": paragraphs(info.get("interventionModelDescription")),
        "masking": masking,
        "masking_description": paragraphs(masking_info.get("maskingDescription")),
        "who_masked": read.enums(vocab.WhoMasked, masking_info.get("whoMasked")) or who_in_label,
        "observational_model": read.single(
            vocab.ObservationalModel, info.get("observationalModel"), "observationalModel"
        ),
        "time_perspective": read.single(
            vocab.TimePerspective, info.get("timePerspective"), "timePerspective"
        ),
    }


def _eligibility(eligibility: dict[str, Any]) -> dict[str, Any]:
    # "N/A" means no bound; the sampling method is kept as the source spells it.
    return {
        "minimum_age": _age(eligibility.get("minimumAge")),
        "maximum_age": _age(eligibility.get("maximumAge")),
        "sampling_method": line(eligibility.get("samplingMethod")),
    }


def _coordinate(raw: object) -> float | None:
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
