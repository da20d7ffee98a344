"""ClinicalTrials.gov controlled vocabularies.

Values are the API v2 enums; labels are the classic page spellings. ``normalize()`` is the one
place where every legacy spelling (classic website, legacy XML, classic API v1, AACT) is mapped
onto an API v2 value, so parsers never carry their own tables.

This module imports nothing from Django but ``TextChoices`` so that parsers may use it while
staying free of the ORM.
"""

import datetime
import re

from django.db.models import TextChoices


class Status(TextChoices):
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", "Active, not recruiting"
    COMPLETED = "COMPLETED", "Completed"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", "Enrolling by invitation"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", "Not yet recruiting"
    RECRUITING = "RECRUITING", "Recruiting"
    SUSPENDED = "SUSPENDED", "Suspended"
    TERMINATED = "TERMINATED", "Terminated"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    AVAILABLE = "AVAILABLE", "Available"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", "No longer available"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", "Approved for marketing"
    WITHHELD = "WITHHELD", "Withheld"
    UNKNOWN = "UNKNOWN", "Unknown status"


# The statuses a person can still join: the search page's "recruiting now" group.
OPEN_STATUSES = (
    Status.RECRUITING,
    Status.NOT_YET_RECRUITING,
    Status.ENROLLING_BY_INVITATION,
    Status.AVAILABLE,
)


# Statuses that claim the study is still under way. As ClinicalTrials.gov does, a study in one of
# them whose status was last verified more than STALE_AFTER_YEARS before the data's date (the
# newest last update imported) is shown and filtered as UNKNOWN, its claim as the last known.
STALE_STATUSES = (
    Status.RECRUITING,
    Status.NOT_YET_RECRUITING,
    Status.ACTIVE_NOT_RECRUITING,
    Status.ENROLLING_BY_INVITATION,
)
STALE_AFTER_YEARS = 2


def stale_before(data_date: datetime.date) -> datetime.date:
    """The day a status verified before which is stale: the data's date less two years (as
    PostgreSQL's ``date - interval '2 years'``: 29 February gives 28 February)."""
    year = data_date.year - STALE_AFTER_YEARS
    try:
        return data_date.replace(year=year)
    except ValueError:
        return data_date.replace(year=year, day=28)


def shown_status(
    status: str, last_known: str, verified: datetime.date | None, data_date: datetime.date | None
) -> tuple[str, str]:
    """(status, last known status) as a page shows them: a stale claim becomes UNKNOWN."""
    if (
        status in STALE_STATUSES
        and verified is not None
        and data_date is not None
        and verified < stale_before(data_date)
    ):
        return Status.UNKNOWN, status
    return status, last_known if status == Status.UNKNOWN else ""


def status_label(status: str, last_known: str = "") -> str:
    """ "Unknown status (was Recruiting)", or the status's own label."""
    text = label(Status, status)
    if status == Status.UNKNOWN and last_known:
        return f"{text} (was {label(Status, last_known)})"
    return text


class Phase(TextChoices):
    NA = "NA", "Not Applicable"
    EARLY_PHASE1 = "EARLY_PHASE1", "Early Phase 1"
    PHASE1 = "PHASE1", "Phase 1"
    PHASE2 = "PHASE2", "Phase 2"
    PHASE3 = "PHASE3", "Phase 3"
    PHASE4 = "PHASE4", "Phase 4"


class StudyType(TextChoices):
    INTERVENTIONAL = "INTERVENTIONAL", "Interventional"
    OBSERVATIONAL = "OBSERVATIONAL", "Observational"
    EXPANDED_ACCESS = "EXPANDED_ACCESS", "Expanded Access"


class InterventionType(TextChoices):
    BEHAVIORAL = "BEHAVIORAL", "Behavioral"
    BIOLOGICAL = "BIOLOGICAL", "Biological"
    COMBINATION_PRODUCT = "COMBINATION_PRODUCT", "Combination Product"
    DEVICE = "DEVICE", "Device"
    DIAGNOSTIC_TEST = "DIAGNOSTIC_TEST", "Diagnostic Test"
    DIETARY_SUPPLEMENT = "DIETARY_SUPPLEMENT", "Dietary Supplement"
    DRUG = "DRUG", "Drug"
    GENETIC = "GENETIC", "Genetic"
    PROCEDURE = "PROCEDURE", "Procedure"
    RADIATION = "RADIATION", "Radiation"
    OTHER = "OTHER", "Other"


class ArmType(TextChoices):
    EXPERIMENTAL = "EXPERIMENTAL", "Experimental"
    ACTIVE_COMPARATOR = "ACTIVE_COMPARATOR", "Active Comparator"
    PLACEBO_COMPARATOR = "PLACEBO_COMPARATOR", "Placebo Comparator"
    SHAM_COMPARATOR = "SHAM_COMPARATOR", "Sham Comparator"
    NO_INTERVENTION = "NO_INTERVENTION", "No Intervention"
    OTHER = "OTHER", "Other"


class Allocation(TextChoices):
    RANDOMIZED = "RANDOMIZED", "Randomized"
    NON_RANDOMIZED = "NON_RANDOMIZED", "Non-Randomized"
    NA = "NA", "N/A"


class InterventionModel(TextChoices):
    SINGLE_GROUP = "SINGLE_GROUP", "Single Group Assignment"
    PARALLEL = "PARALLEL", "Parallel Assignment"
    CROSSOVER = "CROSSOVER", "Crossover Assignment"
    FACTORIAL = "FACTORIAL", "Factorial Assignment"
    SEQUENTIAL = "SEQUENTIAL", "Sequential Assignment"


class Masking(TextChoices):
    NONE = "NONE", "None (Open Label)"
    SINGLE = "SINGLE", "Single"
    DOUBLE = "DOUBLE", "Double"
    TRIPLE = "TRIPLE", "Triple"
    QUADRUPLE = "QUADRUPLE", "Quadruple"


class WhoMasked(TextChoices):
    PARTICIPANT = "PARTICIPANT", "Participant"
    CARE_PROVIDER = "CARE_PROVIDER", "Care Provider"
    INVESTIGATOR = "INVESTIGATOR", "Investigator"
    OUTCOMES_ASSESSOR = "OUTCOMES_ASSESSOR", "Outcomes Assessor"


class PrimaryPurpose(TextChoices):
    TREATMENT = "TREATMENT", "Treatment"
    PREVENTION = "PREVENTION", "Prevention"
    DIAGNOSTIC = "DIAGNOSTIC", "Diagnostic"
    ECT = "ECT", "Educational/Counseling/Training"
    SUPPORTIVE_CARE = "SUPPORTIVE_CARE", "Supportive Care"
    SCREENING = "SCREENING", "Screening"
    HEALTH_SERVICES_RESEARCH = "HEALTH_SERVICES_RESEARCH", "Health Services Research"
    BASIC_SCIENCE = "BASIC_SCIENCE", "Basic Science"
    DEVICE_FEASIBILITY = "DEVICE_FEASIBILITY", "Device Feasibility"
    OTHER = "OTHER", "Other"


class ObservationalModel(TextChoices):
    COHORT = "COHORT", "Cohort"
    CASE_CONTROL = "CASE_CONTROL", "Case-Control"
    CASE_ONLY = "CASE_ONLY", "Case-Only"
    CASE_CROSSOVER = "CASE_CROSSOVER", "Case-Crossover"
    ECOLOGIC_OR_COMMUNITY = "ECOLOGIC_OR_COMMUNITY", "Ecologic or Community"
    FAMILY_BASED = "FAMILY_BASED", "Family-Based"
    DEFINED_POPULATION = "DEFINED_POPULATION", "Defined Population"
    NATURAL_HISTORY = "NATURAL_HISTORY", "Natural History"
    OTHER = "OTHER", "Other"


class TimePerspective(TextChoices):
    RETROSPECTIVE = "RETROSPECTIVE", "Retrospective"
    PROSPECTIVE = "PROSPECTIVE", "Prospective"
    CROSS_SECTIONAL = "CROSS_SECTIONAL", "Cross-Sectional"
    OTHER = "OTHER", "Other"


class SamplingMethod(TextChoices):
    PROBABILITY_SAMPLE = "PROBABILITY_SAMPLE", "Probability Sample"
    NON_PROBABILITY_SAMPLE = "NON_PROBABILITY_SAMPLE", "Non-Probability Sample"


class Sex(TextChoices):
    ALL = "ALL", "All"
    FEMALE = "FEMALE", "Female"
    MALE = "MALE", "Male"


class StdAge(TextChoices):
    CHILD = "CHILD", "Child"
    ADULT = "ADULT", "Adult"
    OLDER_ADULT = "OLDER_ADULT", "Older Adult"


class DateType(TextChoices):
    ACTUAL = "ACTUAL", "Actual"
    ESTIMATED = "ESTIMATED", "Estimated"


class DatePrecision(TextChoices):
    DAY = "DAY", "Day"
    MONTH = "MONTH", "Month"
    YEAR = "YEAR", "Year"


class AgencyClass(TextChoices):
    NIH = "NIH", "NIH"
    FED = "FED", "U.S. Fed"
    OTHER_GOV = "OTHER_GOV", "Other U.S. government"
    INDIV = "INDIV", "Individual"
    INDUSTRY = "INDUSTRY", "Industry"
    NETWORK = "NETWORK", "Network"
    AMBIG = "AMBIG", "Ambiguous"
    OTHER = "OTHER", "Other"
    UNKNOWN = "UNKNOWN", "Unknown"


class ResponsiblePartyType(TextChoices):
    SPONSOR = "SPONSOR", "Sponsor"
    PRINCIPAL_INVESTIGATOR = "PRINCIPAL_INVESTIGATOR", "Principal Investigator"
    SPONSOR_INVESTIGATOR = "SPONSOR_INVESTIGATOR", "Sponsor-Investigator"


class OfficialRole(TextChoices):
    STUDY_CHAIR = "STUDY_CHAIR", "Study Chair"
    STUDY_DIRECTOR = "STUDY_DIRECTOR", "Study Director"
    PRINCIPAL_INVESTIGATOR = "PRINCIPAL_INVESTIGATOR", "Principal Investigator"
    SUB_INVESTIGATOR = "SUB_INVESTIGATOR", "Sub-Investigator"


class IdType(TextChoices):
    """Org study ID and secondary ID types (API v2 ``SecondaryIdType`` and ``OrgStudyIdType``)."""

    NIH = "NIH", "U.S. NIH Grant/Contract"
    FDA = "FDA", "U.S. FDA Grant/Contract"
    VA = "VA", "U.S. VA Grant/Contract"
    CDC = "CDC", "U.S. CDC Grant/Contract"
    AHRQ = "AHRQ", "U.S. AHRQ Grant/Contract"
    SAMHSA = "SAMHSA", "U.S. SAMHSA Grant/Contract"
    OTHER_GRANT = "OTHER_GRANT", "Other Grant/Funding Number"
    EUDRACT_NUMBER = "EUDRACT_NUMBER", "EudraCT Number"
    CTIS = "CTIS", "EU Trial (CTIS) Number"
    REGISTRY = "REGISTRY", "Registry Identifier"
    OTHER = "OTHER", "Other Identifier"


class OutcomeKind(TextChoices):
    PRIMARY = "PRIMARY", "Primary"
    SECONDARY = "SECONDARY", "Secondary"
    OTHER = "OTHER", "Other Pre-specified"


class MeshKind(TextChoices):
    CONDITION = "CONDITION", "Condition"
    INTERVENTION = "INTERVENTION", "Intervention"


class ContactRole(TextChoices):
    STUDY_CHAIR = "STUDY_CHAIR", "Study Chair"
    STUDY_DIRECTOR = "STUDY_DIRECTOR", "Study Director"
    PRINCIPAL_INVESTIGATOR = "PRINCIPAL_INVESTIGATOR", "Principal Investigator"
    SUB_INVESTIGATOR = "SUB_INVESTIGATOR", "Sub-Investigator"
    CONTACT = "CONTACT", "Contact"


class ReferenceType(TextChoices):
    BACKGROUND = "BACKGROUND", "Background"
    RESULT = "RESULT", "Result"
    DERIVED = "DERIVED", "Derived from this study"


class IpdSharing(TextChoices):
    YES = "YES", "Yes"
    NO = "NO", "No"
    UNDECIDED = "UNDECIDED", "Undecided"


class IpdSharingInfoType(TextChoices):
    STUDY_PROTOCOL = "STUDY_PROTOCOL", "Study Protocol"
    SAP = "SAP", "Statistical Analysis Plan (SAP)"
    ICF = "ICF", "Informed Consent Form (ICF)"
    CSR = "CSR", "Clinical Study Report (CSR)"
    ANALYTIC_CODE = "ANALYTIC_CODE", "Analytic Code"


class ExpandedAccessStatus(TextChoices):
    AVAILABLE = "AVAILABLE", "Available"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", "No longer available"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", "Approved for marketing"


class BioSpecRetention(TextChoices):
    NONE_RETAINED = "NONE_RETAINED", "None Retained"
    SAMPLES_WITH_DNA = "SAMPLES_WITH_DNA", "Samples With DNA"
    SAMPLES_WITHOUT_DNA = "SAMPLES_WITHOUT_DNA", "Samples Without DNA"


class AgreementRestrictionType(TextChoices):
    LTE60 = "LTE60", "60 days or less"
    GT60 = "GT60", "More than 60 days"
    OTHER = "OTHER", "Other"


class BrowseLeafRelevance(TextChoices):
    LOW = "LOW", "Low"
    HIGH = "HIGH", "High"


class UnpostedEventType(TextChoices):
    RESET = "RESET", "Reset"
    RELEASE = "RELEASE", "Release"
    UNRELEASE = "UNRELEASE", "Unrelease"


class ViolationEventType(TextChoices):
    VIOLATION_IDENTIFIED = "VIOLATION_IDENTIFIED", "Violation identified"
    CORRECTION_CONFIRMED = "CORRECTION_CONFIRMED", "Correction confirmed"
    PENALTY_IMPOSED = "PENALTY_IMPOSED", "Penalty imposed"
    ISSUES_IN_LETTER_ADDRESSED_CONFIRMED = (
        "ISSUES_IN_LETTER_ADDRESSED_CONFIRMED",
        "Issues in letter addressed, confirmed",
    )


# --- Results ---


class MeasureParam(TextChoices):
    GEOMETRIC_MEAN = "GEOMETRIC_MEAN", "Geometric Mean"
    GEOMETRIC_LEAST_SQUARES_MEAN = "GEOMETRIC_LEAST_SQUARES_MEAN", "Geometric Least Squares Mean"
    LEAST_SQUARES_MEAN = "LEAST_SQUARES_MEAN", "Least Squares Mean"
    LOG_MEAN = "LOG_MEAN", "Log Mean"
    MEAN = "MEAN", "Mean"
    MEDIAN = "MEDIAN", "Median"
    NUMBER = "NUMBER", "Number"
    COUNT_OF_PARTICIPANTS = "COUNT_OF_PARTICIPANTS", "Count of Participants"
    COUNT_OF_UNITS = "COUNT_OF_UNITS", "Count of Units"


class MeasureDispersionType(TextChoices):
    NA = "NA", "Not Applicable"
    STANDARD_DEVIATION = "STANDARD_DEVIATION", "Standard Deviation"
    STANDARD_ERROR = "STANDARD_ERROR", "Standard Error"
    INTER_QUARTILE_RANGE = "INTER_QUARTILE_RANGE", "Inter-Quartile Range"
    FULL_RANGE = "FULL_RANGE", "Full Range"
    CONFIDENCE_80 = "CONFIDENCE_80", "80% Confidence Interval"
    CONFIDENCE_90 = "CONFIDENCE_90", "90% Confidence Interval"
    CONFIDENCE_95 = "CONFIDENCE_95", "95% Confidence Interval"
    CONFIDENCE_975 = "CONFIDENCE_975", "97.5% Confidence Interval"
    CONFIDENCE_99 = "CONFIDENCE_99", "99% Confidence Interval"
    CONFIDENCE_OTHER = "CONFIDENCE_OTHER", "Other Confidence Interval"
    GEOMETRIC_COEFFICIENT = "GEOMETRIC_COEFFICIENT", "Geometric Coefficient of Variation"


class OutcomeMeasureType(TextChoices):
    PRIMARY = "PRIMARY", "Primary"
    SECONDARY = "SECONDARY", "Secondary"
    OTHER_PRE_SPECIFIED = "OTHER_PRE_SPECIFIED", "Other Pre-specified"
    POST_HOC = "POST_HOC", "Post-Hoc"


class ReportingStatus(TextChoices):
    NOT_POSTED = "NOT_POSTED", "Not Posted"
    POSTED = "POSTED", "Posted"


class EventAssessment(TextChoices):
    NON_SYSTEMATIC_ASSESSMENT = "NON_SYSTEMATIC_ASSESSMENT", "Non-systematic Assessment"
    SYSTEMATIC_ASSESSMENT = "SYSTEMATIC_ASSESSMENT", "Systematic Assessment"


class EventKind(TextChoices):
    """Which table of adverse events an event stands in."""

    SERIOUS = "SERIOUS", "Serious"
    OTHER = "OTHER", "Other (not including serious)"


class AnalysisDispersionType(TextChoices):
    STANDARD_DEVIATION = "STANDARD_DEVIATION", "Standard Deviation"
    STANDARD_ERROR_OF_MEAN = "STANDARD_ERROR_OF_MEAN", "Standard Error of the Mean"


class ConfidenceIntervalNumSides(TextChoices):
    ONE_SIDED = "ONE_SIDED", "1-Sided"
    TWO_SIDED = "TWO_SIDED", "2-Sided"


class NonInferiorityType(TextChoices):
    SUPERIORITY = "SUPERIORITY", "Superiority"
    NON_INFERIORITY = "NON_INFERIORITY", "Non-Inferiority"
    EQUIVALENCE = "EQUIVALENCE", "Equivalence"
    OTHER = "OTHER", "Other"
    NON_INFERIORITY_OR_EQUIVALENCE = (
        "NON_INFERIORITY_OR_EQUIVALENCE",
        "Non-Inferiority or Equivalence",
    )
    SUPERIORITY_OR_OTHER = "SUPERIORITY_OR_OTHER", "Superiority or Other"
    NON_INFERIORITY_OR_EQUIVALENCE_LEGACY = (
        "NON_INFERIORITY_OR_EQUIVALENCE_LEGACY",
        "Non-Inferiority or Equivalence (legacy)",
    )
    SUPERIORITY_OR_OTHER_LEGACY = "SUPERIORITY_OR_OTHER_LEGACY", "Superiority or Other (legacy)"


class ResultsModule(TextChoices):
    """Which part of the results a result group belongs to."""

    FLOW = "FLOW", "Participant flow"
    BASELINE = "BASELINE", "Baseline characteristics"
    OUTCOME = "OUTCOME", "Outcome measure"


class SourceFormat(TextChoices):
    PAGE_TEXT = "PAGE_TEXT", "Page text"
    PAGE_HTML = "PAGE_HTML", "Classic HTML page"
    LEGACY_XML = "LEGACY_XML", "Legacy XML"
    API_V2_JSON = "API_V2_JSON", "API v2 JSON"
    CLASSIC_JSON = "CLASSIC_JSON", "Classic API JSON"


# Spellings used before API v2, keyed by vocabulary, then by the folded spelling.
_LEGACY: dict[type[TextChoices], dict[str, str]] = {
    Status: {
        "unknown": Status.UNKNOWN,
        "available for expanded access": Status.AVAILABLE,
        "no longer recruiting": Status.ACTIVE_NOT_RECRUITING,
        # The 2009-2016 page header states the status as a sentence (pass it without the ".").
        "this study has been completed": Status.COMPLETED,
        "this study is currently recruiting participants": Status.RECRUITING,
        "this study is not yet open for participant recruitment": Status.NOT_YET_RECRUITING,
        "this study is ongoing, but not recruiting participants": Status.ACTIVE_NOT_RECRUITING,
        "this study is enrolling participants by invitation only": Status.ENROLLING_BY_INVITATION,
        "this study has been terminated": Status.TERMINATED,
        "this study has been suspended": Status.SUSPENDED,
        "this study has been withdrawn prior to enrollment": Status.WITHDRAWN,
    },
    Phase: {
        "n/a": Phase.NA,
        "phase 0": Phase.EARLY_PHASE1,
        "early phase1": Phase.EARLY_PHASE1,
        "phase1": Phase.PHASE1,
        "phase2": Phase.PHASE2,
        "phase3": Phase.PHASE3,
        "phase4": Phase.PHASE4,
    },
    StudyType: {
        "observational [patient registry]": StudyType.OBSERVATIONAL,
        "interventional (clinical trial)": StudyType.INTERVENTIONAL,
    },
    Allocation: {
        "non-randomized": Allocation.NON_RANDOMIZED,
        "nonrandomized": Allocation.NON_RANDOMIZED,
    },
    InterventionModel: {
        "single group": InterventionModel.SINGLE_GROUP,
        "parallel": InterventionModel.PARALLEL,
        "crossover": InterventionModel.CROSSOVER,
        "factorial": InterventionModel.FACTORIAL,
        "sequential": InterventionModel.SEQUENTIAL,
    },
    Masking: {
        "none": Masking.NONE,
        "open label": Masking.NONE,
        "no masking": Masking.NONE,
        "single blind": Masking.SINGLE,
        "double blind": Masking.DOUBLE,
        "triple blind": Masking.TRIPLE,
        "quadruple blind": Masking.QUADRUPLE,
    },
    WhoMasked: {
        "subject": WhoMasked.PARTICIPANT,
        "caregiver": WhoMasked.CARE_PROVIDER,
        "outcomes assessor": WhoMasked.OUTCOMES_ASSESSOR,
    },
    PrimaryPurpose: {
        "educational/counseling/training": PrimaryPurpose.ECT,
        "educational counseling training": PrimaryPurpose.ECT,
    },
    ObservationalModel: {
        "case control": ObservationalModel.CASE_CONTROL,
        "case-control": ObservationalModel.CASE_CONTROL,
        "case only": ObservationalModel.CASE_ONLY,
        "case-crossover": ObservationalModel.CASE_CROSSOVER,
        "case crossover": ObservationalModel.CASE_CROSSOVER,
        "family based": ObservationalModel.FAMILY_BASED,
        "ecologic or community studies": ObservationalModel.ECOLOGIC_OR_COMMUNITY,
    },
    TimePerspective: {
        "cross sectional": TimePerspective.CROSS_SECTIONAL,
        "longitudinal": TimePerspective.PROSPECTIVE,
    },
    Sex: {"both": Sex.ALL},
    DateType: {"anticipated": DateType.ESTIMATED, "estimate": DateType.ESTIMATED},
    AgencyClass: {
        "u.s. fed": AgencyClass.FED,
        "fed": AgencyClass.FED,
        "other_gov": AgencyClass.OTHER_GOV,
    },
    ResponsiblePartyType: {"sponsor-investigator": ResponsiblePartyType.SPONSOR_INVESTIGATOR},
    OfficialRole: {"sub-investigator": OfficialRole.SUB_INVESTIGATOR},
    IdType: {"other identifier": IdType.OTHER},
    OutcomeKind: {"other": OutcomeKind.OTHER, "other pre-specified": OutcomeKind.OTHER},
}


def label(choices: type[TextChoices], value: str) -> str:
    """The page spelling of an API v2 value ("ACTIVE_NOT_RECRUITING" -> "Active, not
    recruiting"); a value outside the vocabulary shows as written."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().replace("_", " ")).lower()


def normalize[C: TextChoices](choices: type[C], raw: str | None) -> str:
    """The API v2 value of ``raw`` in ``choices``; "" for an empty value.

    Accepts the API v2 value, the classic label and every legacy spelling, in any case. Raises
    ``ValueError`` naming the vocabulary for a spelling nobody has used.
    """
    if raw is None or not raw.strip():
        return ""
    folded = _fold(raw)
    for value, label in choices.choices:
        if folded in (_fold(value), _fold(label)):
            return value
    legacy = _LEGACY.get(choices, {})
    if folded in legacy:
        return legacy[folded]
    raise ValueError(f"{raw!r} is not a known {choices.__name__} value")


def normalize_phases(raw: str | None) -> tuple[str, ...]:
    """Phases from a classic combined spelling: "Phase 1/Phase 2" -> ("PHASE1", "PHASE2")."""
    if raw is None or not raw.strip():
        return ()
    try:
        return (normalize(Phase, raw),)  # one phase, even one spelt with a slash: "N/A"
    except ValueError:
        return tuple(
            normalize(Phase, part) for part in re.split(r"\s*[/|,]\s*", raw) if part.strip()
        )


_MASKING = re.compile(r"^(?P<masking>[^(]+?)\s*(?:\((?P<who>[^)]*)\))?\s*$")


def normalize_masking(raw: str | None) -> tuple[str, tuple[str, ...]]:
    """Masking and who is masked from "Double Blind (Subject, Investigator)" and the like."""
    if raw is None or not raw.strip():
        return "", ()
    if _fold(raw) == "none (open label)":
        return Masking.NONE, ()
    match = _MASKING.match(raw.strip())
    if match is None:
        raise ValueError(f"{raw!r} is not a known Masking value")
    who = match["who"] or ""
    if _fold(who) == "open label":
        who = ""
    return normalize(Masking, match["masking"]), tuple(
        normalize(WhoMasked, part) for part in who.split(",") if part.strip()
    )


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
_DAYS_PER_UNIT = {
    "year": 365.25,
    "month": 30.4375,
    "week": 7,
    "day": 1,
    "hour": 1 / 24,
    "minute": 1 / 1440,
}


def age_in_days(written: str) -> int | None:
    """Days in an age as records write it ("18 Years", "6 Months"); None for "N/A" or no bound."""
    match = _AGE.match(written or "")
    if match is None:
        return None
    days = float(match[1]) * _DAYS_PER_UNIT[match[2].lower()]
    # The column holds a 32-bit integer; nothing near it is an age ("999…9 Years").
    if not days < 2**31:
        raise ValueError(f"{written[:40]!r} is not an age anyone can have")
    return int(days)


# ClinicalTrials.gov's age groups (stdAges), each from its first age to the next group's: a study
# is in every group its age range reaches, no bound being no limit. The one definition the
# search rows' codes (``trials.search.layout``), the page's filter and the API's read.
AGE_GROUPS: tuple[tuple[str, str, str], ...] = (
    (StdAge.CHILD, "", "18 Years"),
    (StdAge.ADULT, "18 Years", "65 Years"),
    (StdAge.OLDER_ADULT, "65 Years", ""),
)
# How the search page names each group.
AGE_GROUP_LABELS = {
    StdAge.CHILD: "Child (under 18)",
    StdAge.ADULT: "Adult (18 to 64)",
    StdAge.OLDER_ADULT: "Older adult (65 and over)",
}


def age_groups(minimum_days: int | None, maximum_days: int | None) -> list[str]:
    """The age groups an age range (in days, None for no bound) reaches."""
    found = []
    for group, first, next_first in AGE_GROUPS:
        low, high = age_in_days(first), age_in_days(next_first)
        if (minimum_days is None or high is None or minimum_days < high) and (
            maximum_days is None or low is None or maximum_days >= low
        ):
            found.append(group)
    return found
