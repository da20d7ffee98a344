"""The format-neutral study record every parser returns and the writer saves.

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
from dataclasses import dataclass, field
from typing import Any

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
        year, month, day = _ISO_PARTIAL.match(self.iso).groups()  # type: ignore[union-attr]
        return datetime.date(int(year), int(month or 1), int(day or 1))


@dataclass(frozen=True)
class SecondaryId:
    id: str
    type: str = ""  # vocab.IdType
    domain: str = ""
    link: str = ""


@dataclass(frozen=True)
class Arm:
    label: str
    type: str = ""  # vocab.ArmType
    description: str = ""
    intervention_names: tuple[str, ...] = ()  # as the source writes them, "Drug: placebo"


@dataclass(frozen=True)
class Intervention:
    type: str  # vocab.InterventionType
    name: str
    description: str = ""
    other_names: tuple[str, ...] = ()
    arm_labels: tuple[str, ...] = ()  # sorted, as API v2 lists them, so forms compare equal


@dataclass(frozen=True)
class Outcome:
    kind: str  # vocab.OutcomeKind
    measure: str
    time_frame: str = ""
    description: str = ""


@dataclass(frozen=True)
class Site:
    facility: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    status: str = ""  # vocab.Status (the location's recruitment status)
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Sponsor:
    name: str
    agency_class: str = ""  # vocab.AgencyClass


@dataclass(frozen=True)
class Official:
    name: str
    role: str = ""  # vocab.OfficialRole
    affiliation: str = ""


@dataclass(frozen=True)
class ResponsibleParty:
    type: str = ""  # vocab.ResponsiblePartyType
    investigator_name: str = ""
    investigator_title: str = ""
    investigator_affiliation: str = ""


@dataclass(frozen=True)
class MeshTerm:
    term: str
    kind: str  # vocab.MeshKind
    mesh_id: str = ""
    is_ancestor: bool = False


@dataclass(frozen=True)
class StudyRecord:
    nct_id: str
    brief_title: str
    overall_status: str  # vocab.Status
    source_format: str  # vocab.SourceFormat

    official_title: str = ""
    acronym: str = ""
    org_name: str = ""
    org_class: str = ""  # vocab.AgencyClass

    # Identifiers
    org_study_id: str = ""
    org_study_id_type: str = ""  # vocab.IdType
    org_study_id_link: str = ""
    secondary_ids: tuple[SecondaryId, ...] = ()
    nct_aliases: tuple[str, ...] = ()  # obsolete NCT IDs that now point at this study

    # Status
    last_known_status: str = ""  # vocab.Status
    why_stopped: str = ""
    status_verified: PartialDate | None = None
    start: PartialDate | None = None
    primary_completion: PartialDate | None = None
    completion: PartialDate | None = None
    first_submitted: PartialDate | None = None
    first_posted: PartialDate | None = None
    last_update_submitted: PartialDate | None = None
    last_update_posted: PartialDate | None = None
    results_first_posted: PartialDate | None = None
    has_results: bool | None = None

    # Design
    study_type: str = ""  # vocab.StudyType
    patient_registry: bool | None = None
    phases: tuple[str, ...] = ()  # vocab.Phase, in order
    enrollment: int | None = None
    enrollment_type: str = ""  # vocab.DateType
    allocation: str = ""
    intervention_model: str = ""
    intervention_model_description: str = ""
    masking: str = ""
    masking_description: str = ""
    who_masked: tuple[str, ...] = ()
    primary_purpose: str = ""
    observational_model: str = ""
    time_perspective: str = ""

    # Description
    brief_summary: str = ""
    detailed_description: str = ""

    # Eligibility
    eligibility_criteria: str = ""  # nested bullets kept as Markdown-style indented "* " lines
    sex: str = ""  # vocab.Sex
    gender_based: bool | None = None
    minimum_age: str = ""  # as written, "18 Years"; "" where the record states no bound
    maximum_age: str = ""
    healthy_volunteers: bool | None = None
    std_ages: tuple[str, ...] = ()  # vocab.StdAge
    study_population: str = ""
    sampling_method: str = ""

    # Parts
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    arms: tuple[Arm, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    sites: tuple[Site, ...] = ()
    lead_sponsor: Sponsor | None = None
    collaborators: tuple[Sponsor, ...] = ()
    responsible_party: ResponsibleParty | None = None
    officials: tuple[Official, ...] = ()
    mesh_terms: tuple[MeshTerm, ...] = ()

    # What the source could not show (names of the fields above), and what the parser noticed
    # but could not settle from the evidence (a person should read these).
    lacks: frozenset[str] = field(default_factory=frozenset)
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        missing = [
            name for name in ("nct_id", "brief_title", "overall_status") if not getattr(self, name)
        ]
        if missing:
            raise RecordError(self.nct_id or "record", "no " + ", ".join(missing))
        if not re.fullmatch(r"NCT\d{8}", self.nct_id):
            raise RecordError(self.nct_id, "the NCT ID is not of the form NCT followed by 8 digits")

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

_NESTED: dict[str, type] = {
    "secondary_ids": SecondaryId,
    "arms": Arm,
    "interventions": Intervention,
    "outcomes": Outcome,
    "sites": Site,
    "collaborators": Sponsor,
    "officials": Official,
    "mesh_terms": MeshTerm,
    "lead_sponsor": Sponsor,
    "responsible_party": ResponsibleParty,
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
        elif f.name in _NESTED and isinstance(value, list):
            kwargs[f.name] = tuple(_build(_NESTED[f.name], item) for item in value)
        elif f.name in _NESTED:
            kwargs[f.name] = _build(_NESTED[f.name], value)
        elif isinstance(value, dict) and "iso" in value:
            kwargs[f.name] = PartialDate(**value)
        elif isinstance(value, list):
            kwargs[f.name] = tuple(value)
        else:
            kwargs[f.name] = value
    return cls(**kwargs)
