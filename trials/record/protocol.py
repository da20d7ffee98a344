"""The protocol's parts: what a study lists (arms, sites, sponsors...), each declared once."""

from dataclasses import dataclass
from typing import ClassVar

from trials import vocab

from .declare import Grouping, _declared, choice, flag, names, number, parts, prose, text


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
    contacts: tuple["Contact", ...] = parts("contacts")


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
    # Records from before 2011 name the party only in these; parsers also take them as the
    # investigator's name and affiliation, so pages need not know the difference.
    old_name_title: str = text("oldNameTitle", column="responsible_party_old_name_title")
    old_organization: str = text("oldOrganization", column="responsible_party_old_organization")


# Where API v2 keeps a study's MeSH data, by the kind of term: its conditions' or its drugs'.
_BROWSE_MODULES = {
    vocab.MeshKind.CONDITION: "conditionBrowseModule",
    vocab.MeshKind.INTERVENTION: "interventionBrowseModule",
}


@dataclass(frozen=True)
class MeshTerm:
    KEY: ClassVar[str | None] = None
    GROUPING: ClassVar = Grouping(
        "derivedSection.{kind}.{is_ancestor}",
        {"kind": _BROWSE_MODULES, "is_ancestor": {False: "meshes", True: "ancestors"}},
    )
    term: str = text("term", label="MeSH term")
    kind: str = choice(vocab.MeshKind)
    mesh_id: str = text("id", label="MeSH ID")
    is_ancestor: bool = _declared(False)


@dataclass(frozen=True)
class Contact:
    """Whom to call: a central contact of the study, or a contact at one site."""

    KEY: ClassVar[str | None] = None
    name: str = text("name")
    role: str = choice(vocab.ContactRole, "role")
    phone: str = text("phone")
    phone_ext: str = text("phoneExt")
    email: str = text("email")


@dataclass(frozen=True)
class Retraction:
    pmid: str = text("pmid", label="PMID")
    source: str = text("source")


@dataclass(frozen=True)
class Reference:
    """A publication: background to the study, its results, or derived from it."""

    KEY: ClassVar[str | None] = None
    pmid: str = text("pmid", label="PMID")
    type: str = choice(vocab.ReferenceType, "type")
    citation: str = text("citation")
    retractions: tuple[Retraction, ...] = parts("retractions")


@dataclass(frozen=True)
class SeeAlsoLink:
    KEY: ClassVar[str | None] = "url"
    label: str = text("label")
    url: str = text("url", label="URL")


@dataclass(frozen=True)
class AvailableIpd:
    """Individual participant data or documents the sponsor says are available, and where."""

    KEY: ClassVar[str | None] = None
    ipd_id: str = text("id", label="ID")
    type: str = text("type")
    url: str = text("url", label="URL")
    comment: str = text("comment")


@dataclass(frozen=True)
class Document:
    """A protocol, statistical analysis plan or consent form filed with the record."""

    KEY: ClassVar[str | None] = "filename"
    type_abbrev: str = text("typeAbbrev")
    has_protocol: bool | None = flag("hasProtocol")
    has_sap: bool | None = flag("hasSap", label="Has SAP")
    has_icf: bool | None = flag("hasIcf", label="Has ICF")
    label: str = text("label")
    date: str = text("date")
    upload_date: str = text("uploadDate")
    filename: str = text("filename")
    size: int | None = number("size")


@dataclass(frozen=True)
class BrowseLeaf:
    """A MeSH term the registry's browse tree files the study under, and how it was found."""

    KEY: ClassVar[str | None] = None
    GROUPING: ClassVar = Grouping("derivedSection.{kind}.browseLeaves", {"kind": _BROWSE_MODULES})
    kind: str = choice(vocab.MeshKind)
    mesh_id: str = text("id", label="MeSH ID")
    name: str = text("name")
    as_found: str = text("asFound")
    relevance: str = choice(vocab.BrowseLeafRelevance, "relevance")


@dataclass(frozen=True)
class BrowseBranch:
    KEY: ClassVar[str | None] = None
    GROUPING: ClassVar = Grouping("derivedSection.{kind}.browseBranches", {"kind": _BROWSE_MODULES})
    kind: str = choice(vocab.MeshKind)
    abbrev: str = text("abbrev")
    name: str = text("name")


@dataclass(frozen=True)
class UnpostedEvent:
    """A step in the review of results submitted but not yet posted."""

    KEY: ClassVar[str | None] = None
    type: str = choice(vocab.UnpostedEventType, "type")
    date: str = text("date")
    date_unknown: bool | None = flag("dateUnknown")


@dataclass(frozen=True)
class ViolationEvent:
    KEY: ClassVar[str | None] = None
    type: str = choice(vocab.ViolationEventType, "type")
    description: str = prose("description")
    creation_date: str = text("creationDate")
    issued_date: str = text("issuedDate")
    release_date: str = text("releaseDate")
    posted_date: str = text("postedDate")


@dataclass(frozen=True)
class SubmissionInfo:
    """One submission of results, as the registry tracks it."""

    KEY: ClassVar[str | None] = None
    release_date: str = text("releaseDate")
    unrelease_date: str = text("unreleaseDate")
    unrelease_date_unknown: bool | None = flag("unreleaseDateUnknown")
    reset_date: str = text("resetDate")
    mcp_release_n: int | None = number("mcpReleaseN")


@dataclass(frozen=True)
class CertainAgreement:
    """Whether the investigators may publish results freely (kept as Study columns)."""

    pi_sponsor_employee: bool | None = flag(
        "piSponsorEmployee", column="agreement_pi_sponsor_employee"
    )
    restriction_type: str = choice(
        vocab.AgreementRestrictionType, "restrictionType", column="agreement_restriction_type"
    )
    restrictive_agreement: bool | None = flag(
        "restrictiveAgreement", column="agreement_restrictive"
    )
    other_details: str = prose("otherDetails", column="agreement_other_details")


@dataclass(frozen=True)
class PointOfContact:
    """Whom to ask about the results (kept as Study columns)."""

    title: str = text("title", column="results_contact_title")
    organization: str = text("organization", column="results_contact_organization")
    email: str = text("email", column="results_contact_email")
    phone: str = text("phone", column="results_contact_phone")
    phone_ext: str = text("phoneExt", column="results_contact_phone_ext")
