"""The legacy ClinicalTrials.gov XML (``<clinical_study>``, public.xsd, 2009-2023) as a StudyRecord.

One safe lxml parse, then one pass over each element's children into a dict: the importer must
keep up 500 records a second including the database, so reading stays far faster than that (see
bench/parse_xml.py). Old vintages differ from the 2017+ schema in a few places handled here:
``firstreceived_date`` and ``lastchanged_date`` instead of the submitted and posted dates, a
one-line ``study_design`` instead of ``study_design_info``, and a responsible party given as
``name_title`` and ``organization``.
"""

import re
from typing import cast

from lxml import etree

from trials.record import (
    Arm,
    Intervention,
    MeshTerm,
    Official,
    Outcome,
    RecordError,
    ResponsibleParty,
    SecondaryId,
    Site,
    Sponsor,
    StudyRecord,
)
from trials.vocab import (
    AgencyClass,
    Allocation,
    ArmType,
    DateType,
    InterventionModel,
    InterventionType,
    MeshKind,
    ObservationalModel,
    OfficialRole,
    OutcomeKind,
    PrimaryPurpose,
    ResponsiblePartyType,
    SamplingMethod,
    Sex,
    SourceFormat,
    Status,
    StudyType,
    TimePerspective,
)

from .node import Node, normalized
from .text import design_line, outline, plain_text

# No entity is ever expanded, no DTD loaded, nothing fetched: what a document declares cannot
# make the parser read files, call out, or grow without bound.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=True
)

# public.xsd has no element for these, so a legacy XML record can never show them.
_NEVER_SHOWN = frozenset({"std_ages", "org_study_id_type", "org_study_id_link"})
# Nor, before the 2017 schema, the posted dates (it had only firstreceived/lastchanged dates).
_OLD_VINTAGE_LACKS = _NEVER_SHOWN | {"first_posted", "last_update_posted", "results_first_posted"}
# Withheld device trials name their sponsor "[Redacted]": a placeholder, not an organisation.
_REDACTED = "[Redacted]"
# "... complications. Exclusion Criteria: - Child is ...": a heading in mid-paragraph.
_RUN_ON_HEADING = re.compile(r"\S\s+(?:In|Ex)clusion Criteria:", re.IGNORECASE)
_UNSAFE = "declares a DOCTYPE (entities, an external DTD): refused as unsafe"
# lxml ends its messages with the position, which the refusal already gives.
_POSITION = re.compile(r", line \d+, column \d+$")
_SITE_LEAVES = ("name", "city", "state", "zip", "country", "status")
_OUTCOMES = (
    ("primary_outcome", OutcomeKind.PRIMARY.value),
    ("secondary_outcome", OutcomeKind.SECONDARY.value),
    ("other_outcome", OutcomeKind.OTHER.value),
)


def parse(data: bytes, source: str) -> StudyRecord:
    """The study in one ``<clinical_study>`` document; RecordError when it cannot be one."""
    study = Node(_root(data, source), [])
    nct_id = study.child("id_info").text("nct_id")
    if not nct_id:
        raise RecordError(source, "no NCT ID (id_info/nct_id)")
    title = study.text("brief_title")
    status_text = study.text("overall_status")
    study_type_text = study.text("study_type")
    if not title or not status_text:
        missing = "no title" if not title else "no overall status"
        if status_text == "Withheld" or study_type_text == "N/A":
            missing = f"redacted placeholder: {missing}"
        raise RecordError(source, missing)
    try:
        status = normalized(Status, status_text)
    except ValueError as exc:
        raise RecordError(source, str(exc)) from exc

    ids = study.child("id_info")
    sponsors = study.child("sponsors")
    lead = _sponsor(sponsors.child("lead_sponsor"))
    collaborators = tuple(s for node in sponsors.children("collaborator") if (s := _sponsor(node)))
    org_name = study.text("source")
    org_name = "" if org_name == _REDACTED else org_name
    interventions = tuple(_intervention(node) for node in study.children("intervention"))
    try:
        return StudyRecord(
            nct_id=nct_id,
            brief_title=title,
            overall_status=status,
            source_format=SourceFormat.LEGACY_XML.value,
            official_title=study.text("official_title"),
            acronym=study.text("acronym"),
            org_name=org_name,
            org_class=_class_of(org_name, (lead, *collaborators)),
            org_study_id=ids.text("org_study_id"),
            secondary_ids=tuple(SecondaryId(value) for value in ids.texts("secondary_id")),
            nct_aliases=ids.texts("nct_alias"),
            last_known_status=study.vocab(Status, "last_known_status"),
            why_stopped=plain_text(study.raw("why_stopped")),
            status_verified=study.date("verification_date"),
            start=study.date("start_date"),
            primary_completion=study.date("primary_completion_date"),
            completion=study.date("completion_date"),
            first_submitted=study.date("study_first_submitted") or study.date("firstreceived_date"),
            first_posted=study.date("study_first_posted"),
            last_update_submitted=(
                study.date("last_update_submitted") or study.date("lastchanged_date")
            ),
            last_update_posted=study.date("last_update_posted"),
            results_first_posted=study.date("results_first_posted"),
            has_results="clinical_results" in study.kids,
            study_type="" if study_type_text == "N/A" else study.vocab(StudyType, "study_type"),
            patient_registry=(
                "[patient registry]" in study_type_text.lower()
                if study_type_text.startswith("Observational")
                else None
            ),
            phases=study.phases("phase"),
            enrollment=study.number("enrollment"),
            enrollment_type=study.vocab(DateType, "enrollment", attribute="type"),
            # _design and _eligibility return field values by name, whose static type would
            # restate those StudyRecord fields a second time.
            **_design(study),  # type: ignore[arg-type]
            brief_summary=outline(study.inner("brief_summary/textblock")),
            detailed_description=outline(study.inner("detailed_description/textblock")),
            **_eligibility(study.child("eligibility")),  # type: ignore[arg-type]
            conditions=study.texts("condition"),
            keywords=study.texts("keyword"),
            arms=tuple(_arm(node, interventions) for node in study.children("arm_group")),
            interventions=interventions,
            outcomes=tuple(
                Outcome(
                    kind=kind,
                    measure=node.text("measure"),
                    time_frame=node.text("time_frame"),
                    description=plain_text(node.raw("description")),
                )
                for tag, kind in _OUTCOMES
                for node in study.children(tag)
            ),
            sites=tuple(_site(e, study.warnings) for e in study.kids.get("location", ())),
            lead_sponsor=lead,
            collaborators=collaborators,
            responsible_party=_responsible_party(study),
            officials=tuple(
                Official(
                    name=node.text("last_name"),
                    role=node.vocab(OfficialRole, "role"),
                    affiliation=node.text("affiliation"),
                )
                for node in study.children("overall_official")
            ),
            mesh_terms=(
                *(
                    MeshTerm(term, MeshKind.CONDITION.value)
                    for term in study.inner_texts("condition_browse", "mesh_term")
                ),
                *(
                    MeshTerm(term, MeshKind.INTERVENTION.value)
                    for term in study.inner_texts("intervention_browse", "mesh_term")
                ),
            ),
            lacks=_NEVER_SHOWN if "study_first_submitted" in study.kids else _OLD_VINTAGE_LACKS,
            warnings=tuple(study.warnings),
        )
    except RecordError as exc:
        raise RecordError(source, exc.problem) from exc


def _root(data: bytes, source: str) -> etree._Element:
    # The legacy API never sent a DOCTYPE; one is how entity bombs and external entities arrive.
    # Refused before parsing (the prolog ends where the root begins), and again after it in case
    # the prolog hid it.
    if b"<!DOCTYPE" in data[: data.find(b"<clinical_study")]:
        raise RecordError(source, _UNSAFE)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        problem = _POSITION.sub("", exc.msg)
        raise RecordError(
            source, f"malformed XML at line {line}, column {column}: {problem}"
        ) from exc
    if root.getroottree().docinfo.doctype:
        raise RecordError(source, _UNSAFE)
    # A parsed element's tag is always str; only one assigned by hand could be bytes or a QName.
    tag = cast(str, root.tag)
    if tag != "clinical_study":
        raise RecordError(source, f"not a <clinical_study> document (its root is <{tag}>)")
    return root


def _design(study: Node) -> dict[str, object]:
    info = study.child("study_design_info")
    if info.element is None:
        line = study.text("study_design")
        if not line:
            return {}
        fields, who, unread = design_line(line)
        study.warnings.extend(f"study_design: {part!r} not understood" for part in unread)
        return {**fields, "who_masked": who}
    masking, who = info.masking("masking")
    return {
        "allocation": info.vocab(Allocation, "allocation"),
        "intervention_model": info.vocab(InterventionModel, "intervention_model"),
        "intervention_model_description": plain_text(info.raw("intervention_model_description")),
        "masking": masking,
        "who_masked": who,
        "masking_description": plain_text(info.raw("masking_description")),
        "primary_purpose": info.vocab(PrimaryPurpose, "primary_purpose"),
        "observational_model": info.vocab(ObservationalModel, "observational_model"),
        "time_perspective": info.vocab(TimePerspective, "time_perspective"),
    }


def _eligibility(node: Node) -> dict[str, object]:
    if node.element is None:
        return {}
    volunteers = node.text("healthy_volunteers").lower()
    gender_based = node.text("gender_based").lower()
    criteria = outline(node.inner("criteria/textblock"))
    if "\n" not in criteria and _RUN_ON_HEADING.search(criteria):
        node.warnings.append(
            "eligibility criteria come as one paragraph with headings and bullets run together"
            " (typed so, or flattened in this copy): kept as one paragraph, no layout guessed"
        )
    return {
        "eligibility_criteria": criteria,
        "sex": node.vocab(Sex, "gender"),
        "gender_based": {"yes": True, "no": False}.get(gender_based),
        "minimum_age": _age(node.text("minimum_age")),
        "maximum_age": _age(node.text("maximum_age")),
        # "Accepts Healthy Volunteers" is how the XML says yes.
        "healthy_volunteers": (
            volunteers in ("yes", "accepts healthy volunteers") if volunteers else None
        ),
        "study_population": outline(node.inner("study_pop/textblock")),
        "sampling_method": node.vocab(SamplingMethod, "sampling_method"),
    }


def _age(age: str) -> str:
    return "" if age == "N/A" else age


def _sponsor(node: Node) -> Sponsor | None:
    name = node.text("agency")
    if not name or name == _REDACTED:
        return None
    return Sponsor(name, node.vocab(AgencyClass, "agency_class"))


def _class_of(name: str, sponsors: tuple[Sponsor | None, ...]) -> str:
    # The XML gives no class for <source>, but when it names a sponsor it is that organisation.
    return next((s.agency_class for s in sponsors if s is not None and s.name == name), "")


def _intervention(node: Node) -> Intervention:
    return Intervention(
        type=node.vocab(InterventionType, "intervention_type"),
        name=node.text("intervention_name"),
        description=plain_text(node.raw("description")),
        other_names=node.texts("other_name"),
        # The XML keeps the order typed, the APIs sort: the record holds one order in every form.
        arm_labels=tuple(sorted(node.texts("arm_group_label"))),
    )


def _arm(node: Node, interventions: tuple[Intervention, ...]) -> Arm:
    # The XML links arms and interventions from the intervention's side only; API v2 also lists
    # on each arm its interventions with their display prefix ("Drug: placebo").
    label = node.text("arm_group_label")
    return Arm(
        label=label,
        type=node.vocab(ArmType, "arm_group_type"),
        description=plain_text(node.raw("description")),
        intervention_names=tuple(
            f"{InterventionType(i.type).label}: {i.name}" if i.type else i.name
            for i in interventions
            if label in i.arm_labels
        ),
    )


def _site(location: etree._Element, warnings: list[str]) -> Site:
    # Studies list up to a thousand sites: pick each one's few leaves in a single C-level walk
    # (no other element under <location> has these names).
    values = ["", "", "", "", "", ""]  # in the order of _SITE_LEAVES
    for leaf in location.iter(_SITE_LEAVES):
        if text := leaf.text:
            values[_SITE_LEAVES.index(leaf.tag)] = " ".join(text.split())
    facility, city, state, zip_code, country, status = values
    if status:
        try:
            status = normalized(Status, status)
        except ValueError as exc:
            warnings.append(f"location status: {exc}")
            status = ""
    return Site(facility, city, state, zip_code, country, status)


def _responsible_party(study: Node) -> ResponsibleParty | None:
    node = study.child("responsible_party")
    if node.element is None:
        return None
    # Before 2011 the party was a "name_title" string and an organisation, with no type (API v2:
    # oldNameTitle, oldOrganization); the record holds them in the investigator's places.
    return ResponsibleParty(
        type=node.vocab(ResponsiblePartyType, "responsible_party_type"),
        investigator_name=node.text("investigator_full_name") or node.text("name_title"),
        investigator_title=node.text("investigator_title"),
        investigator_affiliation=(
            node.text("investigator_affiliation") or node.text("organization")
        ),
    )
