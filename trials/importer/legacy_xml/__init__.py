"""The legacy ClinicalTrials.gov XML (``<clinical_study>``, public.xsd, 2009-2023) as a StudyRecord.

One safe lxml parse, then one pass over each element's children into a dict: the importer must
keep up 500 records a second including the database, so reading stays far faster than that (see
bench/parse_xml.py). Old vintages differ from the 2017+ schema in a few places handled here:
``firstreceived_date`` and ``lastchanged_date`` instead of the submitted and posted dates, a
one-line ``study_design`` instead of ``study_design_info``, and a responsible party given as
``name_title`` and ``organization``. The results (``<clinical_results>``) are read in
``results.py``; what public.xsd has no element for is named in the record's ``lacks``.
"""

import re
from typing import cast

from lxml import etree

from trials.record import (
    Arm,
    AvailableIpd,
    Contact,
    Document,
    Intervention,
    MeshTerm,
    Official,
    Outcome,
    RecordError,
    Reference,
    ResponsibleParty,
    SecondaryId,
    SeeAlsoLink,
    Site,
    Sponsor,
    StudyRecord,
    UnpostedEvent,
)
from trials.vocab import (
    AgencyClass,
    Allocation,
    ArmType,
    BioSpecRetention,
    ContactRole,
    DateType,
    InterventionModel,
    InterventionType,
    IpdSharing,
    IpdSharingInfoType,
    MeshKind,
    ObservationalModel,
    OfficialRole,
    OutcomeKind,
    PrimaryPurpose,
    ReferenceType,
    ResponsiblePartyType,
    SamplingMethod,
    Sex,
    SourceFormat,
    Status,
    StudyType,
    TimePerspective,
    UnpostedEventType,
)

from .node import Node, normalized
from .results import results
from .text import design_line, one_line, outline, partial_date, plain_text

# No entity is ever expanded, no DTD loaded, nothing fetched: what a document declares cannot
# make the parser read files, call out, or grow without bound.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=True
)

# public.xsd has no element for these, so a legacy XML record can never show them: what the
# registry derives (browse tree, BMI bounds, version holder), tracks (submissions, annotations)
# or added to API v2 alone. Named so that an XML import never blanks what a fuller form gave.
_NEVER_SHOWN = frozenset(
    {
        "std_ages",
        "org_study_id_type",
        "org_study_id_link",
        "version_holder",
        "bmi_min",
        "bmi_max",
        "browse_leaves",
        "browse_branches",
        "estimated_results_first_submitted",
        "first_mcp_posted",
        "submission_infos",
        "unposted_responsible_party",
        "violation_events",
        "fdaaa801_violation",
        "results_waived",
        "delayed_posting",
        "expanded_access_nct_id",
        "expanded_access_status",
        "no_sap",
        "flow_type_units_analyzed",
        "baseline_type_units_analyzed",
        "all_cause_mortality_comment",
    }
)
# Nor, before the 2017 schema, the posted dates (it had only firstreceived/lastchanged dates).
_OLD_VINTAGE_LACKS = _NEVER_SHOWN | {
    "first_posted",
    "last_update_posted",
    "results_first_posted",
    "first_submitted_qc",
    "results_first_submitted_qc",
    "disp_first_submitted_qc",
    "disp_first_posted",
}
# Withheld device trials name their sponsor "[Redacted]": a placeholder, not an organisation.
_REDACTED = "[Redacted]"
# "... complications. Exclusion Criteria: - Child is ...": a heading in mid-paragraph.
_RUN_ON_HEADING = re.compile(r"\S\s+(?:In|Ex)clusion Criteria:", re.IGNORECASE)
_UNSAFE = "declares a DOCTYPE (entities, an external DTD): refused as unsafe"
# lxml ends its messages with the position, which the refusal already gives.
_POSITION = re.compile(r", line \d+, column \d+$")
_SITE_LEAVES = ("name", "city", "state", "zip", "country", "status")
# <pending_results>: results submitted, returned after review, or the submission withdrawn.
_PENDING = {
    "submitted": UnpostedEventType.RELEASE.value,
    "returned": UnpostedEventType.RESET.value,
    "submission_canceled": UnpostedEventType.UNRELEASE.value,
}
_REFERENCES = {
    "reference": ReferenceType.BACKGROUND.value,
    "results_reference": ReferenceType.RESULT.value,
}
_OVERSIGHT = (
    ("oversight_has_dmc", "has_dmc"),
    ("is_fda_regulated_drug", "is_fda_regulated_drug"),
    ("is_fda_regulated_device", "is_fda_regulated_device"),
    ("is_unapproved_device", "is_unapproved_device"),
    ("is_ppsd", "is_ppsd"),
    ("is_us_export", "is_us_export"),
)
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
    more = _more(study)
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
            first_submitted_qc=study.date("study_first_submitted_qc"),
            results_first_submitted=(
                study.date("results_first_submitted") or study.date("firstreceived_results_date")
            ),
            results_first_submitted_qc=study.date("results_first_submitted_qc"),
            disp_first_submitted=(
                study.date("disposition_first_submitted")
                or study.date("firstreceived_results_disposition_date")
            ),
            disp_first_submitted_qc=study.date("disposition_first_submitted_qc"),
            disp_first_posted=study.date("disposition_first_posted"),
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
            central_contacts=tuple(
                _contact(node, ContactRole.CONTACT.value)
                for tag in ("overall_contact", "overall_contact_backup")
                for node in study.children(tag)
            ),
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
            **more,  # type: ignore[arg-type]
            **results(study),  # type: ignore[arg-type]
            lacks=(_NEVER_SHOWN if "study_first_submitted" in study.kids else _OLD_VINTAGE_LACKS)
            # The XML lists documents without their upload date and size: a fuller form's
            # list is kept rather than blanked.
            | ({"documents"} if more["documents"] else set()),
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
        "gender_description": plain_text(node.raw("gender_description")),
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
        # In the order typed (the APIs sort them): the source's order is the record's.
        arm_labels=node.texts("arm_group_label"),
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
    contacts = tuple(
        _contact(Node(e, warnings), ContactRole.CONTACT.value if e.tag != "investigator" else "")
        for e in location.iterchildren("contact", "contact_backup", "investigator")
    )
    return Site(facility, city, state, zip_code, country, status, contacts=contacts)


def _contact(node: Node, role: str) -> Contact:
    """A central or site contact (role CONTACT), or a site investigator with the role it states."""
    return Contact(
        name=node.text("last_name"),
        role=role or node.vocab(ContactRole, "role"),
        phone=node.text("phone"),
        phone_ext=node.text("phone_ext"),
        email=node.text("email"),
    )


def _yes(node: Node, tag: str) -> bool | None:
    text = node.text(tag).lower()
    return {"yes": True, "no": False}.get(text) if text else None


def _more(study: Node) -> dict[str, object]:
    """References, links, IPD sharing, documents, oversight, expanded access, biospecimens and
    the results submissions pending review: what the XML says beside the protocol proper."""
    oversight = study.child("oversight_info")
    ipd = study.child("patient_data")
    access = study.child("expanded_access_info")
    element = study.element
    assert element is not None  # parse() always reads a parsed document
    return {
        "references": tuple(
            Reference(
                pmid=one_line(e.findtext("PMID")),
                type=_REFERENCES[cast(str, e.tag)],
                citation=one_line(e.findtext("citation")),
            )
            for e in element.iterchildren(*_REFERENCES)
        ),
        "see_also_links": tuple(
            SeeAlsoLink(label=node.text("description"), url=node.text("url"))
            for node in study.children("link")
        ),
        "available_ipds": tuple(
            AvailableIpd(
                ipd_id=node.text("doc_id"),
                type=node.text("doc_type"),
                url=node.text("doc_url"),
                comment=node.text("doc_comment"),
            )
            for node in study.child("study_docs").children("study_doc")
        ),
        "documents": tuple(
            _document(node)
            for node in study.child("provided_document_section").children("provided_document")
        ),
        **{name: _yes(oversight, tag) for name, tag in _OVERSIGHT},
        "ipd_sharing": ipd.vocab(IpdSharing, "sharing_ipd"),
        "ipd_description": plain_text(ipd.raw("ipd_description")),
        "ipd_info_types": tuple(
            info for text in ipd.texts("ipd_info_type") if (info := _info_type(ipd, text))
        ),
        "ipd_time_frame": plain_text(ipd.raw("ipd_time_frame")),
        "ipd_access_criteria": plain_text(ipd.raw("ipd_access_criteria")),
        "ipd_url": ipd.text("ipd_url"),
        "has_expanded_access": _yes(study, "has_expanded_access"),
        "expanded_access_individual": _yes(access, "expanded_access_type_individual"),
        "expanded_access_intermediate": _yes(access, "expanded_access_type_intermediate"),
        "expanded_access_treatment": _yes(access, "expanded_access_type_treatment"),
        "bio_spec_retention": study.vocab(BioSpecRetention, "biospec_retention"),
        "bio_spec_description": outline(study.inner("biospec_descr/textblock")),
        "target_duration": study.text("target_duration"),
        "removed_countries": study.child("removed_countries").texts("country"),
        "unposted_events": tuple(
            # "Unknown" is how the XML says what API v2 flags as dateUnknown.
            UnpostedEvent(type=kind, date="", date_unknown=True)
            if one_line(e.text).lower() == "unknown"
            else UnpostedEvent(type=kind, date=_iso(study, e.text))
            for pending in study.kids.get("pending_results", ())
            for e in pending
            if (kind := _PENDING.get(cast(str, e.tag)))
        ),
    }


def _info_type(node: Node, text: str) -> str:
    return node.settle(lambda: normalized(IpdSharingInfoType, text), "ipd_info_type: ", "")


def _iso(node: Node, text: str | None) -> str:
    """A written-out date ("March 24, 2014") as API v2 gives it ("2014-03-24")."""
    date = node.settle(lambda: partial_date(text), "date: ", None)
    return date.iso if date else ""


def _document(node: Node) -> Document:
    # API v2 names a document by its file ("Prot_SAP_000.pdf") and its kind by that file's prefix.
    filename = node.text("document_url").rsplit("/", 1)[-1]
    return Document(
        type_abbrev=re.sub(r"_\d+\.\w+$", "", filename),
        has_protocol=_yes(node, "document_has_protocol"),
        has_sap=_yes(node, "document_has_sap"),
        has_icf=_yes(node, "document_has_icf"),
        label=node.text("document_type"),
        date=_iso(node, node.raw("document_date")),
        filename=filename,
    )


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
