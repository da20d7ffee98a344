"""The format-neutral study record, declared once: what every parser returns and the writer saves.

Each field of the record says, beside its type, where it stands in a ClinicalTrials.gov API v2
study object and where it is kept (``Spec``, in the dataclass field's metadata). The rest of the
project derives from these declarations instead of naming fields again: the Study columns the
writer fills (``trials.store``), the API v2 export (``trials.export``), what the API v2 parser
reads of plain fields, the curation paths, the version diff's labels and the admin's field lists.
Adding a plain field is one line here, a column in ``trials.models.study``, its migration and
the template line that shows it.

Frozen dataclasses, no ORM. Enumerated fields hold API v2 values (``trials.vocab``); text holds
what the source says, stripped of surrounding white space; an absent value is "" (text), ``None``
(number, boolean, date) or ``()`` (list). A parser that cannot see a part of the record at all (a
capture cut short, a results tab without the protocol) names that part in ``lacks`` so the writer
keeps what a fuller version already gave instead of blanking it.
"""

import dataclasses
import datetime
import functools
import hashlib
import json
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, cast

from trials import vocab

from .declare import (
    Grouping,
    PartialDate,
    RecordError,
    Spec,
    choice,
    choices,
    date,
    flag,
    label_of,
    names,
    number,
    one,
    parts,
    prose,
    spec_of,
    specs,
    text,
)
from .protocol import (
    Arm,
    AvailableIpd,
    BrowseBranch,
    BrowseLeaf,
    CertainAgreement,
    Contact,
    Document,
    Intervention,
    MeshTerm,
    Official,
    Outcome,
    PointOfContact,
    Reference,
    ResponsibleParty,
    Retraction,
    SecondaryId,
    SeeAlsoLink,
    Site,
    Sponsor,
    SubmissionInfo,
    UnpostedEvent,
    ViolationEvent,
)
from .results import (
    AdverseEvent,
    Analysis,
    BaselineMeasure,
    Denom,
    DenomCount,
    DropWithdraw,
    EventGroup,
    EventStat,
    FlowCount,
    FlowMilestone,
    FlowPeriod,
    MeasureCategory,
    MeasureClass,
    Measurement,
    OutcomeResult,
    ResultGroup,
    group_code,
)

__all__ = [
    "AdverseEvent",
    "Analysis",
    "Arm",
    "AvailableIpd",
    "BaselineMeasure",
    "BrowseBranch",
    "BrowseLeaf",
    "CertainAgreement",
    "Contact",
    "Denom",
    "DenomCount",
    "Document",
    "DropWithdraw",
    "EventGroup",
    "EventStat",
    "FlowCount",
    "FlowMilestone",
    "FlowPeriod",
    "Grouping",
    "Intervention",
    "MeasureCategory",
    "MeasureClass",
    "Measurement",
    "MeshTerm",
    "Official",
    "Outcome",
    "OutcomeResult",
    "PartialDate",
    "PointOfContact",
    "RecordError",
    "Reference",
    "ResponsibleParty",
    "ResultGroup",
    "Retraction",
    "SecondaryId",
    "SeeAlsoLink",
    "Site",
    "Spec",
    "Sponsor",
    "StudyRecord",
    "SubmissionInfo",
    "UnpostedEvent",
    "ViolationEvent",
    "group_code",
    "label_of",
    "spec_of",
    "specs",
]

_IDENT = "protocolSection.identificationModule"
_STATUS = "protocolSection.statusModule"
_SPONSORS = "protocolSection.sponsorCollaboratorsModule"
_DESIGN = "protocolSection.designModule"
_ELIGIBILITY = "protocolSection.eligibilityModule"
_OVERSIGHT = "protocolSection.oversightModule"
_CONTACTS = "protocolSection.contactsLocationsModule"
_REFERENCES = "protocolSection.referencesModule"
_IPD = "protocolSection.ipdSharingStatementModule"
_MISC = "derivedSection.miscInfoModule"
_ANNOTATION = "annotationSection.annotationModule"
_FLOW = "resultsSection.participantFlowModule"
_BASELINE = "resultsSection.baselineCharacteristicsModule"
_EVENTS = "resultsSection.adverseEventsModule"
_MORE = "resultsSection.moreInfoModule"


@dataclass(frozen=True)
class StudyRecord:
    # The record's identity, required of every source.
    nct_id: str = text(f"{_IDENT}.nctId", column=None, label="NCT ID")
    brief_title: str = text(f"{_IDENT}.briefTitle")
    overall_status: str = choice(vocab.Status, f"{_STATUS}.overallStatus")
    source_format: str = choice(vocab.SourceFormat, column=None, provenance=True)

    official_title: str = text(f"{_IDENT}.officialTitle")
    acronym: str = text(f"{_IDENT}.acronym")
    org_name: str = text(f"{_IDENT}.organization.fullName", label="Organization")
    org_class: str = choice(
        vocab.AgencyClass, f"{_IDENT}.organization.class", label="Organization class"
    )

    # Identifiers: kept as Identifier rows (``trials.store``), not Study columns.
    org_study_id: str = text(f"{_IDENT}.orgStudyIdInfo.id", column=None, label="Org study ID")
    org_study_id_type: str = choice(
        vocab.IdType, f"{_IDENT}.orgStudyIdInfo.type", column=None, label="Org study ID type"
    )
    org_study_id_link: str = text(
        f"{_IDENT}.orgStudyIdInfo.link", column=None, label="Org study ID link"
    )
    secondary_ids: tuple[SecondaryId, ...] = parts(
        f"{_IDENT}.secondaryIdInfos", label="Secondary IDs"
    )
    # Obsolete NCT IDs that now point at this study.
    nct_aliases: tuple[str, ...] = names(
        f"{_IDENT}.nctIdAliases", column=None, label="Obsolete NCT IDs"
    )

    # Status
    last_known_status: str = choice(vocab.Status, f"{_STATUS}.lastKnownStatus")
    why_stopped: str = text(f"{_STATUS}.whyStopped")
    status_verified: PartialDate | None = date(f"{_STATUS}.statusVerifiedDate")
    start: PartialDate | None = date(f"{_STATUS}.startDateStruct", typed=True, label="Start date")
    primary_completion: PartialDate | None = date(
        f"{_STATUS}.primaryCompletionDateStruct", typed=True
    )
    completion: PartialDate | None = date(f"{_STATUS}.completionDateStruct", typed=True)
    first_submitted: PartialDate | None = date(f"{_STATUS}.studyFirstSubmitDate")
    first_posted: PartialDate | None = date(f"{_STATUS}.studyFirstPostDateStruct", typed=True)
    last_update_submitted: PartialDate | None = date(f"{_STATUS}.lastUpdateSubmitDate")
    last_update_posted: PartialDate | None = date(f"{_STATUS}.lastUpdatePostDateStruct", typed=True)
    results_first_posted: PartialDate | None = date(
        f"{_STATUS}.resultsFirstPostDateStruct", typed=True
    )
    has_results: bool | None = flag("hasResults")
    delayed_posting: bool | None = flag(f"{_STATUS}.delayedPosting")
    has_expanded_access: bool | None = flag(
        f"{_STATUS}.expandedAccessInfo.hasExpandedAccess", label="Expanded access"
    )
    expanded_access_nct_id: str = text(
        f"{_STATUS}.expandedAccessInfo.nctId", label="Expanded access record"
    )
    expanded_access_status: str = choice(
        vocab.ExpandedAccessStatus, f"{_STATUS}.expandedAccessInfo.statusForNctId"
    )
    first_submitted_qc: PartialDate | None = date(
        f"{_STATUS}.studyFirstSubmitQcDate", label="First submitted that met QC criteria"
    )
    results_waived: bool | None = flag(f"{_STATUS}.resultsWaived")
    results_first_submitted: PartialDate | None = date(f"{_STATUS}.resultsFirstSubmitDate")
    results_first_submitted_qc: PartialDate | None = date(
        f"{_STATUS}.resultsFirstSubmitQcDate", label="Results first submitted that met QC criteria"
    )
    disp_first_submitted: PartialDate | None = date(
        f"{_STATUS}.dispFirstSubmitDate", label="Certification/extension first submitted"
    )
    disp_first_submitted_qc: PartialDate | None = date(
        f"{_STATUS}.dispFirstSubmitQcDate",
        label="Certification/extension first submitted that met QC criteria",
    )
    disp_first_posted: PartialDate | None = date(
        f"{_STATUS}.dispFirstPostDateStruct",
        typed=True,
        label="Certification/extension first posted",
    )

    # Oversight
    oversight_has_dmc: bool | None = flag(
        f"{_OVERSIGHT}.oversightHasDmc", label="Data monitoring committee"
    )
    is_fda_regulated_drug: bool | None = flag(
        f"{_OVERSIGHT}.isFdaRegulatedDrug", label="Studies a U.S. FDA-regulated drug product"
    )
    is_fda_regulated_device: bool | None = flag(
        f"{_OVERSIGHT}.isFdaRegulatedDevice", label="Studies a U.S. FDA-regulated device product"
    )
    is_unapproved_device: bool | None = flag(
        f"{_OVERSIGHT}.isUnapprovedDevice", label="Device product not approved or cleared by FDA"
    )
    is_ppsd: bool | None = flag(
        f"{_OVERSIGHT}.isPpsd", label="Pediatric postmarket surveillance of a device product"
    )
    is_us_export: bool | None = flag(
        f"{_OVERSIGHT}.isUsExport", label="Product manufactured in and exported from the U.S."
    )
    fdaaa801_violation: bool | None = flag(
        f"{_OVERSIGHT}.fdaaa801Violation", label="FDAAA 801 violation"
    )

    # Design
    study_type: str = choice(vocab.StudyType, f"{_DESIGN}.studyType")
    patient_registry: bool | None = flag(f"{_DESIGN}.patientRegistry")
    target_duration: str = text(f"{_DESIGN}.targetDuration")
    expanded_access_individual: bool | None = flag(
        f"{_DESIGN}.expandedAccessTypes.individual", label="Expanded access for individuals"
    )
    expanded_access_intermediate: bool | None = flag(
        f"{_DESIGN}.expandedAccessTypes.intermediate",
        label="Expanded access for intermediate-size populations",
    )
    expanded_access_treatment: bool | None = flag(
        f"{_DESIGN}.expandedAccessTypes.treatment",
        label="Expanded access under a treatment protocol",
    )
    bio_spec_retention: str = choice(
        vocab.BioSpecRetention, f"{_DESIGN}.bioSpec.retention", label="Biospecimen retention"
    )
    bio_spec_description: str = prose(
        f"{_DESIGN}.bioSpec.description", label="Biospecimen description"
    )
    phases: tuple[str, ...] = choices(vocab.Phase, f"{_DESIGN}.phases")
    enrollment: int | None = number(f"{_DESIGN}.enrollmentInfo.count")
    enrollment_type: str = choice(vocab.DateType, f"{_DESIGN}.enrollmentInfo.type")
    allocation: str = choice(vocab.Allocation, f"{_DESIGN}.designInfo.allocation")
    intervention_model: str = choice(
        vocab.InterventionModel, f"{_DESIGN}.designInfo.interventionModel"
    )
    intervention_model_description: str = text(f"{_DESIGN}.designInfo.interventionModelDescription")
    masking: str = choice(vocab.Masking, f"{_DESIGN}.designInfo.maskingInfo.masking")
    masking_description: str = text(f"{_DESIGN}.designInfo.maskingInfo.maskingDescription")
    who_masked: tuple[str, ...] = choices(
        vocab.WhoMasked, f"{_DESIGN}.designInfo.maskingInfo.whoMasked"
    )
    primary_purpose: str = choice(vocab.PrimaryPurpose, f"{_DESIGN}.designInfo.primaryPurpose")
    observational_model: str = choice(
        vocab.ObservationalModel, f"{_DESIGN}.designInfo.observationalModel"
    )
    time_perspective: str = choice(vocab.TimePerspective, f"{_DESIGN}.designInfo.timePerspective")

    # Description (Markdown in API v2; always rendered as escaped plain text)
    brief_summary: str = text("protocolSection.descriptionModule.briefSummary", markup=True)
    detailed_description: str = text(
        "protocolSection.descriptionModule.detailedDescription", markup=True
    )

    # Eligibility; the criteria's nested bullets kept as indented "* " lines.
    eligibility_criteria: str = text(f"{_ELIGIBILITY}.eligibilityCriteria", markup=True)
    sex: str = choice(vocab.Sex, f"{_ELIGIBILITY}.sex")
    gender_based: bool | None = flag(f"{_ELIGIBILITY}.genderBased")
    gender_description: str = prose(f"{_ELIGIBILITY}.genderDescription")
    # As written, "18 Years"; "" where the record states no bound.
    minimum_age: str = text(f"{_ELIGIBILITY}.minimumAge")
    maximum_age: str = text(f"{_ELIGIBILITY}.maximumAge")
    healthy_volunteers: bool | None = flag(f"{_ELIGIBILITY}.healthyVolunteers")
    std_ages: tuple[str, ...] = choices(vocab.StdAge, f"{_ELIGIBILITY}.stdAges", label="Age groups")
    study_population: str = text(f"{_ELIGIBILITY}.studyPopulation", markup=True)
    sampling_method: str = choice(vocab.SamplingMethod, f"{_ELIGIBILITY}.samplingMethod")

    # Parts
    conditions: tuple[str, ...] = names("protocolSection.conditionsModule.conditions", column=None)
    keywords: tuple[str, ...] = names("protocolSection.conditionsModule.keywords", column=None)
    arms: tuple[Arm, ...] = parts("protocolSection.armsInterventionsModule.armGroups")
    interventions: tuple[Intervention, ...] = parts(
        "protocolSection.armsInterventionsModule.interventions"
    )
    outcomes: tuple[Outcome, ...] = parts(label="Outcome measures")
    sites: tuple[Site, ...] = parts("protocolSection.contactsLocationsModule.locations")
    lead_sponsor: Sponsor | None = one(f"{_SPONSORS}.leadSponsor")
    collaborators: tuple[Sponsor, ...] = parts(f"{_SPONSORS}.collaborators")
    responsible_party: ResponsibleParty | None = one(f"{_SPONSORS}.responsibleParty", column="")
    officials: tuple[Official, ...] = parts(
        "protocolSection.contactsLocationsModule.overallOfficials", label="Investigators"
    )
    mesh_terms: tuple[MeshTerm, ...] = parts(label="MeSH terms")
    central_contacts: tuple[Contact, ...] = parts(f"{_CONTACTS}.centralContacts")
    references: tuple[Reference, ...] = parts(f"{_REFERENCES}.references")
    see_also_links: tuple[SeeAlsoLink, ...] = parts(f"{_REFERENCES}.seeAlsoLinks", label="Links")
    available_ipds: tuple[AvailableIpd, ...] = parts(
        f"{_REFERENCES}.availIpds", label="Available IPD and information"
    )

    # Sharing of individual participant data (IPD)
    ipd_sharing: str = choice(vocab.IpdSharing, f"{_IPD}.ipdSharing", label="Plans to share IPD")
    ipd_description: str = prose(f"{_IPD}.description", label="IPD sharing plan")
    ipd_info_types: tuple[str, ...] = choices(
        vocab.IpdSharingInfoType, f"{_IPD}.infoTypes", label="Supporting information shared"
    )
    ipd_time_frame: str = prose(f"{_IPD}.timeFrame", label="IPD sharing time frame")
    ipd_access_criteria: str = prose(f"{_IPD}.accessCriteria", label="IPD access criteria")
    ipd_url: str = text(f"{_IPD}.url", label="IPD URL")

    # Documents filed with the record
    no_sap: bool | None = flag(
        "documentSection.largeDocumentModule.noSap", label="No statistical analysis plan"
    )
    documents: tuple[Document, ...] = parts("documentSection.largeDocumentModule.largeDocs")

    # What the registry derived or noted of the record
    version_holder: PartialDate | None = date(f"{_MISC}.versionHolder")
    removed_countries: tuple[str, ...] = names(f"{_MISC}.removedCountries")
    # The body-mass-index bounds the registry's model reads in the eligibility criteria.
    bmi_min: float | None = number(f"{_MISC}.modelPredictions.bmiLimits.minBmi", label="Lowest BMI")
    bmi_max: float | None = number(
        f"{_MISC}.modelPredictions.bmiLimits.maxBmi", label="Highest BMI"
    )
    estimated_results_first_submitted: PartialDate | None = date(
        f"{_MISC}.submissionTracking.estimatedResultsFirstSubmitDate"
    )
    first_mcp_posted: PartialDate | None = date(
        f"{_MISC}.submissionTracking.firstMcpInfo.postDateStruct",
        typed=True,
        label="First posted with a QC concern",
    )
    submission_infos: tuple[SubmissionInfo, ...] = parts(
        f"{_MISC}.submissionTracking.submissionInfos", label="Results submissions"
    )
    browse_leaves: tuple[BrowseLeaf, ...] = parts(label="Browse leaves")
    browse_branches: tuple[BrowseBranch, ...] = parts(label="Browse branches")
    unposted_responsible_party: str = text(
        f"{_ANNOTATION}.unpostedAnnotation.unpostedResponsibleParty"
    )
    unposted_events: tuple[UnpostedEvent, ...] = parts(
        f"{_ANNOTATION}.unpostedAnnotation.unpostedEvents", label="Results submission events"
    )
    violation_events: tuple[ViolationEvent, ...] = parts(
        f"{_ANNOTATION}.violationAnnotation.violationEvents", label="FDAAA 801 violations"
    )

    # Results: participant flow
    flow_recruitment_details: str = prose(f"{_FLOW}.recruitmentDetails")
    flow_pre_assignment_details: str = prose(f"{_FLOW}.preAssignmentDetails")
    flow_type_units_analyzed: str = text(f"{_FLOW}.typeUnitsAnalyzed")
    flow_groups: tuple[ResultGroup, ...] = parts(f"{_FLOW}.groups", label="Participant flow groups")
    flow_periods: tuple[FlowPeriod, ...] = parts(f"{_FLOW}.periods", label="Participant flow")
    # Results: baseline characteristics
    baseline_population_description: str = prose(f"{_BASELINE}.populationDescription")
    baseline_type_units_analyzed: str = text(f"{_BASELINE}.typeUnitsAnalyzed")
    baseline_groups: tuple[ResultGroup, ...] = parts(f"{_BASELINE}.groups")
    baseline_denoms: tuple[Denom, ...] = parts(f"{_BASELINE}.denoms", label="Baseline analysed")
    baseline_measures: tuple[BaselineMeasure, ...] = parts(f"{_BASELINE}.measures")
    # Results: outcome measures
    outcome_results: tuple[OutcomeResult, ...] = parts(
        "resultsSection.outcomeMeasuresModule.outcomeMeasures", label="Outcome results"
    )
    # Results: adverse events
    events_frequency_threshold: str = text(
        f"{_EVENTS}.frequencyThreshold", label="Adverse events frequency threshold"
    )
    events_time_frame: str = text(f"{_EVENTS}.timeFrame", label="Adverse events time frame")
    events_description: str = prose(f"{_EVENTS}.description", label="Adverse events description")
    all_cause_mortality_comment: str = prose(f"{_EVENTS}.allCauseMortalityComment")
    event_groups: tuple[EventGroup, ...] = parts(f"{_EVENTS}.eventGroups")
    adverse_events: tuple[AdverseEvent, ...] = parts()
    # Results: more information
    limitations: str = prose(
        f"{_MORE}.limitationsAndCaveats.description", label="Limitations and caveats"
    )
    certain_agreement: CertainAgreement | None = one(f"{_MORE}.certainAgreement", column="")
    results_contact: PointOfContact | None = one(
        f"{_MORE}.pointOfContact", column="", label="Results point of contact"
    )

    # What the source could not show (names of the fields above), and what the parser noticed
    # but could not settle from the evidence (a person should read these).
    lacks: frozenset[str] = field(
        default_factory=frozenset, metadata={"spec": Spec(column=None, provenance=True)}
    )
    warnings: tuple[str, ...] = field(
        default=(), metadata={"spec": Spec(column="import_warnings", provenance=True)}
    )

    def __post_init__(self) -> None:
        missing = [
            name for name in ("nct_id", "brief_title", "overall_status") if not getattr(self, name)
        ]
        if missing:
            raise RecordError(self.nct_id or "record", "no " + ", ".join(missing))
        # ASCII digits only: \d would take Arabic-Indic or full-width ones the database refuses.
        if not re.fullmatch(r"NCT[0-9]{8}", self.nct_id):
            raise RecordError(self.nct_id, "the NCT ID is not of the form NCT followed by 8 digits")
        for bound in (self.minimum_age, self.maximum_age):
            try:
                vocab.age_in_days(bound)
            except ValueError as exc:
                raise RecordError(self.nct_id, f"eligibility age {exc}") from exc

    @property
    def record_date(self) -> datetime.date | None:
        """The record's own last-update date: what orders versions of one study."""
        for partial in (self.last_update_posted, self.last_update_submitted, self.first_posted):
            if partial is not None:
                return partial.first_day
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (lists for tuples), the inverse of ``from_dict``.

        Computed once per record (the importer needs it for the hash and the stored version);
        treat the result as read-only.
        """
        if "_dict" not in self.__dict__:
            # Written past the frozen __setattr__: a cache, not a field.
            self.__dict__["_dict"] = _plain(self)
        return self.__dict__["_dict"]

    def to_json(self) -> str:
        """``to_dict()`` as JSON text (the stored version's record), cached like it.

        Encoded from the record itself (``_encodable``), not from ``to_dict()``: the encoder
        walks tuples and text on its own and asks for a dict only per part, a third of the
        cost of building the whole dict first, and an import needs nothing else of it.
        """
        if "_json" not in self.__dict__:
            self.__dict__["_json"] = json.dumps(self, default=_encodable)
        return self.__dict__["_json"]

    def __getstate__(self) -> dict[str, Any]:
        # What a parsing worker sends the writer: the fields, the hash and the JSON text, not the
        # dict form, which costs more to send than to make again where it is needed.
        return {key: value for key, value in self.__dict__.items() if key != "_dict"}

    def content_hash(self) -> str:
        """A digest of what the record says (not where it came from): equal records, equal hashes.

        Cached like ``to_dict``, so a parsing worker can compute both and hand them over.
        """
        if "_hash" not in self.__dict__:
            # The sorted JSON text of to_dict() without the two, encoded as to_json is.
            said = {name: getattr(self, name) for name in _SAID}
            text = json.dumps(said, sort_keys=True, default=_encodable)
            digest = hashlib.sha256(text.encode()).hexdigest()
            self.__dict__["_hash"] = digest
        return self.__dict__["_hash"]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StudyRecord":
        """Rebuild a record from ``to_dict()`` output."""
        return _build(cls, data)

    def merged_over(self, older: "StudyRecord") -> "StudyRecord":
        """This record, with every field it lacks taken from ``older`` (a fuller version)."""
        if not self.lacks:
            return self
        taken = {name: getattr(older, name) for name in self.lacks}
        return dataclasses.replace(self, lacks=self.lacks & older.lacks, **taken)


# The fields a record's content hash covers: what it says, not the form it came in.
_SAID = tuple(
    f.name for f in dataclasses.fields(StudyRecord) if f.name not in ("source_format", "lacks")
)


def effective_record(versions: Iterable[StudyRecord]) -> StudyRecord:
    """The study as its versions say together: oldest first, each newer over the older.

    Of two captures of the same version (same date), the one the registry derived later (its
    ``version_holder``) is the newer; ``versions`` come in import order and the sort is stable,
    so import order breaks the remaining ties.
    """
    never = PartialDate("0001").first_day
    ordered = sorted(
        versions,
        key=lambda r: (
            r.record_date or never,
            r.version_holder.first_day if r.version_holder else never,
        ),
    )
    state = ordered[0]
    for newer in ordered[1:]:
        state = newer.merged_over(state)
    return state


def _plain(value: Any) -> Any:
    """JSON-ready data of a record value; ``dataclasses.asdict`` deep-copies and is 5x slower.

    Most values are plain (text, numbers, None): they are answered first, by their type alone,
    since a record of the whole registry's shape holds a few hundred of them."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple:
        return [_plain(item) for item in value]
    if kind is frozenset:
        return sorted(value)
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _encodable(value: Any) -> Any:
    """What the JSON encoder writes for a value it cannot itself (its ``default``): a part's
    fields as a dict, a set as a sorted list; ``_plain``'s JSON, made as the encoder goes."""
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if kind is frozenset:
            return sorted(value)
        if not dataclasses.is_dataclass(value):
            raise TypeError(f"{kind.__name__} is not part of a record")
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    return {name: getattr(value, name) for name in names}


def _part_class(hint: Any) -> type | None:
    """The part dataclass a field holds (``tuple[Arm, ...]``, ``Sponsor | None``), if any."""
    for arg in typing.get_args(hint) or (hint,):
        if dataclasses.is_dataclass(arg) and arg is not PartialDate and isinstance(arg, type):
            return arg
    return None


@functools.cache
def part_classes(cls: type) -> dict[str, type]:
    """Each field of a record class (the record, or a part) that holds parts, and their class."""
    return {
        name: part
        for name, hint in typing.get_type_hints(cls).items()
        if (part := _part_class(hint)) is not None
    }


# Each field of the record that holds parts, and the dataclass of its parts.
PART_CLASSES: dict[str, type] = part_classes(StudyRecord)
# The record's dates, and whether each is typed (says actual or estimated).
DATES: dict[str, bool] = {
    name: spec_of(StudyRecord, name).typed
    for name, hint in typing.get_type_hints(StudyRecord).items()
    if PartialDate in typing.get_args(hint)
}


class Listed(Protocol):
    """A part the record keeps in lists: ``KEY`` names the field that tells its parts apart in
    curation paths (None: their index)."""

    KEY: ClassVar[str | None]


# The fields that hold lists of parts, each named in curation paths by its key (``KEY``). Every
# list part declares KEY (tests/test_record.py): the cast states what the test holds.
PART_LISTS: dict[str, type[Listed]] = {
    name: cast("type[Listed]", cls)
    for name, cls in PART_CLASSES.items()
    if isinstance(StudyRecord.__dataclass_fields__[name].default, tuple)
}


def _build(cls: type, data: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    nested = part_classes(cls)
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if value is None:
            kwargs[f.name] = None
        elif f.name == "lacks":
            kwargs[f.name] = frozenset(value)
        elif f.name in nested and isinstance(value, list):
            kwargs[f.name] = tuple(_build(nested[f.name], item) for item in value)
        elif f.name in nested:
            kwargs[f.name] = _build(nested[f.name], value)
        elif isinstance(value, dict) and "iso" in value:
            kwargs[f.name] = PartialDate(**value)
        elif isinstance(value, list):
            kwargs[f.name] = tuple(value)
        else:
            kwargs[f.name] = value
    return cls(**kwargs)


def label_key(label: str) -> str:
    """An arm label or intervention name as links compare it: spacing and case ignored."""
    return " ".join(label.split()).casefold()


def intervention_label(intervention_type: str, name: str) -> str:
    """How records name an intervention in an arm: "Drug: placebo"."""
    if not intervention_type:
        return name
    return f"{vocab.InterventionType(intervention_type).label}: {name}"


def arm_links(record: StudyRecord) -> list[tuple[int, int]]:
    """(intervention index, arm index) pairs the record links by label text, intervention by
    intervention, each one's arms in the order it lists their labels.

    Records link both ways and either side may be missing: an intervention's arm labels
    (``armGroupLabels``) and an arm's intervention names ("Drug: placebo"). A pair named on
    either side is a link (an arm named only on its own side comes after the intervention's
    own labels, in arm order), except that an arm's name shared by several interventions (two
    "Device: LDGraft") cannot say which it means: there only the interventions' labels count.
    """
    known = [
        {label_key(x.name), label_key(intervention_label(x.type, x.name))}
        for x in record.interventions
    ]
    named_by_arm: set[tuple[int, int]] = set()
    arms_by_label: dict[str, list[int]] = {}
    for ai, arm in enumerate(record.arms):
        arms_by_label.setdefault(label_key(arm.label), []).append(ai)
        for wanted in {label_key(n) for n in arm.intervention_names}:
            matching = [xi for xi, names in enumerate(known) if wanted in names]
            if len(matching) == 1:
                named_by_arm.add((matching[0], ai))
    links: dict[tuple[int, int], None] = {}  # ordered and without repeats
    for xi, x in enumerate(record.interventions):
        for label in x.arm_labels:
            links.update(dict.fromkeys((xi, ai) for ai in arms_by_label.get(label_key(label), ())))
        links.update(dict.fromkeys(sorted(pair for pair in named_by_arm if pair[0] == xi)))
    return list(links)
