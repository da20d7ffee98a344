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
import hashlib
import json
import re
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, cast

from trials import vocab

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


class RecordError(ValueError):
    """A source that cannot become a record: the message names the record and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


@dataclass(frozen=True)
class PartialDate:
    """An ISO partial date ("2007", "2007-03", "2007-03-14"), and whether it is actual."""

    iso: str
    type: str = ""  # vocab.DateType, or "" where the source gives none

    def __post_init__(self) -> None:
        if not _ISO_PARTIAL.match(self.iso):
            raise ValueError(f"{self.iso!r} is not an ISO partial date")

    @property
    def precision(self) -> str:
        """DAY, MONTH or YEAR (vocab.DatePrecision)."""
        return {1: "YEAR", 2: "MONTH", 3: "DAY"}[self.iso.count("-") + 1]

    @property
    def first_day(self) -> datetime.date:
        """The earliest day the partial date may mean: 2007-03 -> 2007-03-01."""
        match = _ISO_PARTIAL.match(self.iso)
        assert match is not None  # __post_init__ refused any other form
        year, month, day = match.groups()
        return datetime.date(int(year), int(month or 1), int(day or 1))


# --- How a field is declared ---------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """Where a record field stands in API v2 and in the database, and how people name it.

    ``api`` is the dotted path of the value in an API v2 study object (for a field of a part: in
    the part's own object). ``column`` is the Study column that holds it: the field's own name
    by default, None where the value lives in a part's table or nowhere. A date is kept in
    ``<name>_date`` and ``<name>_precision`` columns, and a ``typed`` date (API v2 ``{date,
    type}``) in ``<name>_type`` too. ``markup`` marks Markdown text, ``choices`` an enumeration.
    """

    api: str = ""
    column: str | None = ""
    label: str = ""
    choices: type[vocab.TextChoices] | None = None
    markup: bool = False
    typed: bool = False
    provenance: bool = False  # says where the record came from, not what the study is


def _declared(default: Any, **spec: Any) -> Any:
    return field(default=default, metadata={"spec": Spec(**spec)})


def text(api: str = "", **spec: Any) -> Any:
    """A text field ("" when absent)."""
    return _declared("", api=api, **spec)


def choice(choices: type[vocab.TextChoices], api: str = "", **spec: Any) -> Any:
    """One API v2 enum value ("" when absent)."""
    return _declared("", api=api, choices=choices, **spec)


def choices(choices: type[vocab.TextChoices], api: str = "", **spec: Any) -> Any:
    """Several API v2 enum values, in the record's order."""
    return _declared((), api=api, choices=choices, **spec)


def flag(api: str = "", **spec: Any) -> Any:
    """A yes/no value (None when the record does not say)."""
    return _declared(None, api=api, **spec)


def number(api: str = "", **spec: Any) -> Any:
    """A number (None when absent)."""
    return _declared(None, api=api, **spec)


def date(api: str, typed: bool = False, **spec: Any) -> Any:
    """A PartialDate; ``typed`` dates say whether they are actual or estimated."""
    return _declared(None, api=api, typed=typed, **spec)


def names(api: str = "", **spec: Any) -> Any:
    """A list of plain names (conditions, keywords, other names)."""
    return _declared((), api=api, **spec)


def parts(api: str = "", **spec: Any) -> Any:
    """A list of parts (dataclasses below), kept in a table of their own."""
    return _declared((), api=api, column=None, **spec)


def one(api: str = "", column: str | None = None, **spec: Any) -> Any:
    """A single nested part (the lead sponsor), or None; ``column=""`` keeps its fields in Study
    columns of their own declared names (the responsible party) rather than in a table."""
    return _declared(None, api=api, column=column, **spec)


def spec_of(cls: type, name: str) -> Spec:
    """The declaration of field ``name`` of record class ``cls``."""
    declared: dataclasses.Field[Any] | None = getattr(cls, "__dataclass_fields__", {}).get(name)
    return declared.metadata.get("spec", Spec(column=None)) if declared else Spec(column=None)


def specs(cls: type) -> Iterator[tuple[str, Spec]]:
    """Every declared field of a record class, in declaration order."""
    for f in dataclasses.fields(cls):
        yield f.name, f.metadata.get("spec") or Spec(column=None)


def label_of(cls: type, name: str) -> str:
    """How people name a field: its declared label, else its name in words."""
    return spec_of(cls, name).label or name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Grouping:
    """A part listed under several API v2 paths by the value of its fields.

    Outcomes stand in ``primaryOutcomes``, ``secondaryOutcomes`` or ``otherOutcomes`` by kind;
    MeSH terms under a condition or intervention browse module, as terms or as ancestors.
    ``template`` is the path with a ``{field}`` hole per field, ``values`` what fills each hole.
    """

    template: str
    values: dict[str, dict[Any, str]]

    def path(self, item: dict[str, Any]) -> str:
        return self.template.format(**{k: self.values[k][item[k]] for k in self.values})

    def paths(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every path, with the field values that lead to it, in the API's order."""
        combos: list[dict[str, Any]] = [{}]
        for name, mapping in self.values.items():
            combos = [{**c, name: value} for c in combos for value in mapping]
        for combo in combos:
            yield self.path(combo), combo


# --- The parts -----------------------------------------------------------------------------

_IDENT = "protocolSection.identificationModule"
_STATUS = "protocolSection.statusModule"
_SPONSORS = "protocolSection.sponsorCollaboratorsModule"
_DESIGN = "protocolSection.designModule"
_ELIGIBILITY = "protocolSection.eligibilityModule"


@dataclass(frozen=True)
class SecondaryId:
    KEY: ClassVar[str | None] = "id"  # what names a part in curation paths (None: its index)
    id: str = text("id")
    type: str = choice(vocab.IdType, "type")
    domain: str = text("domain")
    link: str = text("link")


@dataclass(frozen=True)
class Arm:
    KEY: ClassVar[str | None] = "label"
    label: str = text("label")
    type: str = choice(vocab.ArmType, "type")
    description: str = text("description", markup=True)
    # As the source writes them, "Drug: placebo"; the database keeps the link, not the names.
    intervention_names: tuple[str, ...] = names("interventionNames", column=None)


@dataclass(frozen=True)
class Intervention:
    KEY: ClassVar[str | None] = "name"
    type: str = choice(vocab.InterventionType, "type")
    name: str = text("name")
    description: str = text("description", markup=True)
    other_names: tuple[str, ...] = names("otherNames", column=None)
    # Sorted, as API v2 lists them, so forms compare equal; the database keeps the link.
    arm_labels: tuple[str, ...] = names("armGroupLabels", column=None)


@dataclass(frozen=True)
class Outcome:
    KEY: ClassVar[str | None] = None
    GROUPING: ClassVar = Grouping(
        "protocolSection.outcomesModule.{kind}",
        {
            "kind": {
                vocab.OutcomeKind.PRIMARY: "primaryOutcomes",
                vocab.OutcomeKind.SECONDARY: "secondaryOutcomes",
                vocab.OutcomeKind.OTHER: "otherOutcomes",
            }
        },
    )
    kind: str = choice(vocab.OutcomeKind)
    measure: str = text("measure")
    time_frame: str = text("timeFrame")
    description: str = text("description", markup=True)


@dataclass(frozen=True)
class Site:
    KEY: ClassVar[str | None] = None
    facility: str = text("facility")
    city: str = text("city")
    state: str = text("state")
    zip: str = text("zip")
    country: str = text("country")
    status: str = choice(vocab.Status, "status")  # the location's recruitment status
    latitude: float | None = number("geoPoint.lat")
    longitude: float | None = number("geoPoint.lon")


@dataclass(frozen=True)
class Sponsor:
    KEY: ClassVar[str | None] = "name"
    name: str = text("name")
    agency_class: str = choice(vocab.AgencyClass, "class")


@dataclass(frozen=True)
class Official:
    KEY: ClassVar[str | None] = "name"
    name: str = text("name")
    role: str = choice(vocab.OfficialRole, "role")
    affiliation: str = text("affiliation")


@dataclass(frozen=True)
class ResponsibleParty:
    type: str = choice(vocab.ResponsiblePartyType, "type", column="responsible_party_type")
    investigator_name: str = text("investigatorFullName", column="responsible_party_name")
    investigator_title: str = text("investigatorTitle", column="responsible_party_title")
    investigator_affiliation: str = text(
        "investigatorAffiliation", column="responsible_party_affiliation"
    )


@dataclass(frozen=True)
class MeshTerm:
    KEY: ClassVar[str | None] = None
    GROUPING: ClassVar = Grouping(
        "derivedSection.{kind}.{is_ancestor}",
        {
            "kind": {
                vocab.MeshKind.CONDITION: "conditionBrowseModule",
                vocab.MeshKind.INTERVENTION: "interventionBrowseModule",
            },
            "is_ancestor": {False: "meshes", True: "ancestors"},
        },
    )
    term: str = text("term", label="MeSH term")
    kind: str = choice(vocab.MeshKind)
    mesh_id: str = text("id", label="MeSH ID")
    is_ancestor: bool = _declared(False)


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

    # Oversight
    oversight_has_dmc: bool | None = flag(
        "protocolSection.oversightModule.oversightHasDmc", label="Data monitoring committee"
    )

    # Design
    study_type: str = choice(vocab.StudyType, f"{_DESIGN}.studyType")
    patient_registry: bool | None = flag(f"{_DESIGN}.patientRegistry")
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

    def content_hash(self) -> str:
        """A digest of what the record says (not where it came from): equal records, equal hashes.

        Cached like ``to_dict``, so a parsing worker can compute both and hand them over.
        """
        if "_hash" not in self.__dict__:
            said = {k: v for k, v in self.to_dict().items() if k not in ("source_format", "lacks")}
            digest = hashlib.sha256(json.dumps(said, sort_keys=True).encode()).hexdigest()
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


def effective_record(versions: Iterable[StudyRecord]) -> StudyRecord:
    """The study as its versions say together: oldest first, each newer over the older.

    ``versions`` come in import order; the sort is stable, so it breaks ties of date.
    """
    ordered = sorted(versions, key=lambda r: r.record_date or PartialDate("0001").first_day)
    state = ordered[0]
    for newer in ordered[1:]:
        state = newer.merged_over(state)
    return state


def _plain(value: Any) -> Any:
    """JSON-ready data of a record value; ``dataclasses.asdict`` deep-copies and is 5x slower."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, frozenset):
        return sorted(value)
    names = _FIELD_NAMES.get(type(value))
    if names is None and dataclasses.is_dataclass(value):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _part_class(hint: Any) -> type | None:
    """The part dataclass a field holds (``tuple[Arm, ...]``, ``Sponsor | None``), if any."""
    for arg in typing.get_args(hint) or (hint,):
        if dataclasses.is_dataclass(arg) and arg is not PartialDate and isinstance(arg, type):
            return arg
    return None


# Each field of the record that holds parts, and the dataclass of its parts.
PART_CLASSES: dict[str, type] = {
    name: cls
    for name, hint in typing.get_type_hints(StudyRecord).items()
    if (cls := _part_class(hint)) is not None
}
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
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if value is None:
            kwargs[f.name] = None
        elif f.name == "lacks":
            kwargs[f.name] = frozenset(value)
        elif f.name in PART_CLASSES and isinstance(value, list):
            kwargs[f.name] = tuple(_build(PART_CLASSES[f.name], item) for item in value)
        elif f.name in PART_CLASSES:
            kwargs[f.name] = _build(PART_CLASSES[f.name], value)
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
    """(intervention index, arm index) pairs the record links by label text.

    Records link both ways and either side may be missing: an intervention's arm labels
    (``armGroupLabels``) and an arm's intervention names ("Drug: placebo"). A pair named on
    either side is a link, except that an arm's name shared by several interventions (two
    "Device: LDGraft") cannot say which it means: there only the interventions' labels count.
    """
    known = [
        {label_key(x.name), label_key(intervention_label(x.type, x.name))}
        for x in record.interventions
    ]
    links: dict[tuple[int, int], None] = {}  # ordered and without repeats
    for ai, arm in enumerate(record.arms):
        for wanted in {label_key(n) for n in arm.intervention_names}:
            matching = [xi for xi, names in enumerate(known) if wanted in names]
            if len(matching) == 1:
                links[matching[0], ai] = None
    for xi, x in enumerate(record.interventions):
        labels = {label_key(label) for label in x.arm_labels}
        for ai, arm in enumerate(record.arms):
            if label_key(arm.label) in labels:
                links[xi, ai] = None
    return list(links)
