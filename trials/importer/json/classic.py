"""The retired classic API's JSON (v1, until June 2024): ``{"FullStudiesResponse": {...}}``.

The classic layout holds the same modules as API v2 under CamelCase names, with lists wrapped as
``XList: {X: [...]}``, the page's spellings ("Phase 1", "Anticipated", "Both"), "Yes"/"No" for
booleans and dates written out ("March 14, 2007", "March 2007"). ``parse`` renames a study into
the API v2 layout, converting dates and booleans, and lets ``api_json.build`` do the rest, so the
two JSON forms cannot drift apart field by field.

Its text is plain, not Markdown: see ``trials.text.plain_outline`` for what the API dropped.
"""

import calendar
import re
from typing import Any

from trials.record import RecordError, StudyRecord
from trials.text import plain_outline
from trials.vocab import SourceFormat

from . import api_v2 as api_json
from . import common

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_DATE = re.compile(r"(?P<month>[A-Za-z]+)\s+(?:(?P<day>\d{1,2}),\s*)?(?P<year>\d{4})")
_BOOLEANS = {"yes": True, "no": False, "accepts healthy volunteers": True}
_DATE_STRUCTS = (
    "Start",
    "PrimaryCompletion",
    "Completion",
    "StudyFirstPost",
    "LastUpdatePost",
    "ResultsFirstPost",
)


def split(data: bytes, source: str) -> list[bytes]:
    """One FullStudiesResponse per study, each keeping the response's own fields."""
    response = _response(common.load(data, source), source)
    studies = response["FullStudies"]
    if len(studies) == 1:
        return [data]
    # The response's fields (API and data versions, the query) stay as provenance.
    return [
        common.compact({"FullStudiesResponse": {**response, "FullStudies": [study]}})
        for study in studies
    ]


def parse(data: bytes, source: str) -> StudyRecord:
    """The record of the one study in ``data``."""
    studies = _response(common.load(data, source), source)["FullStudies"]
    if len(studies) != 1:
        raise RecordError(source, f"holds {len(studies)} studies: split it first")
    study = studies[0].get("Study") if isinstance(studies[0], dict) else None
    if not isinstance(study, dict) or not isinstance(study.get("ProtocolSection"), dict):
        raise RecordError(source, "the FullStudy has no Study.ProtocolSection")
    return api_json.build(to_api_v2(study), source, SourceFormat.CLASSIC_JSON, markup=plain_outline)


def _response(document: Any, source: str) -> dict[str, Any]:
    response = document.get("FullStudiesResponse") if isinstance(document, dict) else None
    if not isinstance(response, dict):
        raise RecordError(source, "not a classic API FullStudiesResponse")
    studies = response.get("FullStudies")
    if not isinstance(studies, list) or not studies:
        raise RecordError(source, "no studies")
    return response


def to_api_v2(study: dict[str, Any]) -> dict[str, Any]:
    """A classic ``Study`` in the API v2 layout: only the modules it has, values converted."""
    classic = study["ProtocolSection"]
    protocol = {
        name[0].lower() + name[1:]: translate(module)
        for name, translate in _MODULES.items()
        if isinstance(module := classic.get(name), dict)
    }
    converted: dict[str, Any] = {"protocolSection": protocol}
    if isinstance(derived := study.get("DerivedSection"), dict):
        converted["derivedSection"] = {
            "conditionBrowseModule": _browse(derived.get("ConditionBrowseModule"), "Condition"),
            "interventionBrowseModule": _browse(
                derived.get("InterventionBrowseModule"), "Intervention"
            ),
        }
    # The classic API had no hasResults; it sent a ResultsSection exactly when results were posted.
    converted["hasResults"] = isinstance(study.get("ResultsSection"), dict)
    return converted


def iso_date(raw: object) -> object:
    """ "March 14, 2007" -> "2007-03-14", "March 2007" -> "2007-03"; anything else unchanged."""
    if not isinstance(raw, str):
        return raw
    match = _DATE.fullmatch(raw.strip())
    month = _MONTHS.get(match["month"].lower()) if match else None
    if match is None or month is None:
        return raw  # build() reports what is not an ISO date
    day = f"-{int(match['day']):02d}" if match["day"] else ""
    return f"{match['year']}-{month:02d}{day}"


def _boolean(raw: object) -> object:
    if isinstance(raw, str) and raw.strip().lower() in _BOOLEANS:
        return _BOOLEANS[raw.strip().lower()]
    return raw  # build() reports a value that is neither


def _items(module: object, list_name: str, item_name: str) -> list[Any]:
    """The items of a classic ``XList: {X: [...]}`` wrapper."""
    wrapper = module.get(list_name) if isinstance(module, dict) else None
    items = wrapper.get(item_name) if isinstance(wrapper, dict) else None
    return items if isinstance(items, list) else []


def _renamed(raw: object, **names: str) -> dict[str, Any]:
    """The entries of ``raw`` under their API v2 names: ``_renamed(x, date="StartDate")``."""
    if not isinstance(raw, dict):
        return {}
    return {new: raw[old] for new, old in names.items() if old in raw}


def _date_struct(status: dict[str, Any], name: str) -> dict[str, Any]:
    struct = _renamed(status.get(f"{name}DateStruct"), date=f"{name}Date", type=f"{name}DateType")
    if "date" in struct:
        struct["date"] = iso_date(struct["date"])
    return struct


def _identification(module: dict[str, Any]) -> dict[str, Any]:
    return {
        **_renamed(
            module,
            nctId="NCTId",
            briefTitle="BriefTitle",
            officialTitle="OfficialTitle",
            acronym="Acronym",
        ),
        "nctIdAliases": _items(module, "NCTIdAliasList", "NCTIdAlias"),
        "orgStudyIdInfo": _renamed(
            module.get("OrgStudyIdInfo"),
            id="OrgStudyId",
            type="OrgStudyIdType",
            link="OrgStudyIdLink",
        ),
        "secondaryIdInfos": [
            _renamed(
                item,
                id="SecondaryId",
                type="SecondaryIdType",
                domain="SecondaryIdDomain",
                link="SecondaryIdLink",
            )
            for item in _items(module, "SecondaryIdInfoList", "SecondaryIdInfo")
        ],
        "organization": _renamed(
            module.get("Organization"), fullName="OrgFullName", **{"class": "OrgClass"}
        ),
    }


def _status(module: dict[str, Any]) -> dict[str, Any]:
    converted = _renamed(
        module,
        overallStatus="OverallStatus",
        lastKnownStatus="LastKnownStatus",
        whyStopped="WhyStopped",
    )
    for name in ("StatusVerifiedDate", "StudyFirstSubmitDate", "LastUpdateSubmitDate"):
        if name in module:
            converted[name[0].lower() + name[1:]] = iso_date(module[name])
    for name in _DATE_STRUCTS:
        if f"{name}DateStruct" in module:
            converted[f"{name[0].lower()}{name[1:]}DateStruct"] = _date_struct(module, name)
    return converted


def _sponsor(raw: object, prefix: str) -> dict[str, Any]:
    return _renamed(raw, name=f"{prefix}Name", **{"class": f"{prefix}Class"})


def _sponsors(module: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {
        "leadSponsor": _sponsor(module.get("LeadSponsor"), "LeadSponsor"),
        "collaborators": [
            _sponsor(item, "Collaborator")
            for item in _items(module, "CollaboratorList", "Collaborator")
        ],
    }
    if isinstance(party := module.get("ResponsibleParty"), dict):
        converted["responsibleParty"] = _renamed(
            party,
            type="ResponsiblePartyType",
            investigatorFullName="ResponsiblePartyInvestigatorFullName",
            investigatorTitle="ResponsiblePartyInvestigatorTitle",
            investigatorAffiliation="ResponsiblePartyInvestigatorAffiliation",
            oldNameTitle="ResponsiblePartyOldNameTitle",
            oldOrganization="ResponsiblePartyOldOrganization",
        )
    return converted


def _description(module: dict[str, Any]) -> dict[str, Any]:
    return _renamed(module, briefSummary="BriefSummary", detailedDescription="DetailedDescription")


def _conditions(module: dict[str, Any]) -> dict[str, Any]:
    return {
        "conditions": _items(module, "ConditionList", "Condition"),
        "keywords": _items(module, "KeywordList", "Keyword"),
    }


def _design(module: dict[str, Any]) -> dict[str, Any]:
    info = module.get("DesignInfo")
    masking = _renamed(
        info.get("DesignMaskingInfo") if isinstance(info, dict) else None,
        masking="DesignMasking",
        maskingDescription="DesignMaskingDescription",
    )
    masking["whoMasked"] = _items(
        info.get("DesignMaskingInfo") if isinstance(info, dict) else None,
        "DesignWhoMaskedList",
        "DesignWhoMasked",
    )
    return {
        "studyType": module.get("StudyType"),
        "patientRegistry": _boolean(module.get("PatientRegistry")),
        "phases": _items(module, "PhaseList", "Phase"),
        "enrollmentInfo": _renamed(
            module.get("EnrollmentInfo"), count="EnrollmentCount", type="EnrollmentType"
        ),
        "designInfo": {
            **_renamed(
                info,
                allocation="DesignAllocation",
                interventionModel="DesignInterventionModel",
                interventionModelDescription="DesignInterventionModelDescription",
                primaryPurpose="DesignPrimaryPurpose",
            ),
            # Lists in the classic API; API v2 made them single values.
            "observationalModel": _items(
                info, "DesignObservationalModelList", "DesignObservationalModel"
            ),
            "timePerspective": _items(info, "DesignTimePerspectiveList", "DesignTimePerspective"),
            "maskingInfo": masking,
        },
    }


def _arms_and_interventions(module: dict[str, Any]) -> dict[str, Any]:
    return {
        "armGroups": [
            {
                **_renamed(
                    arm,
                    label="ArmGroupLabel",
                    type="ArmGroupType",
                    description="ArmGroupDescription",
                ),
                "interventionNames": _items(
                    arm, "ArmGroupInterventionList", "ArmGroupInterventionName"
                ),
            }
            for arm in _items(module, "ArmGroupList", "ArmGroup")
        ],
        "interventions": [
            {
                **_renamed(
                    item,
                    type="InterventionType",
                    name="InterventionName",
                    description="InterventionDescription",
                ),
                "otherNames": _items(item, "InterventionOtherNameList", "InterventionOtherName"),
                "armGroupLabels": _items(
                    item, "InterventionArmGroupLabelList", "InterventionArmGroupLabel"
                ),
            }
            for item in _items(module, "InterventionList", "Intervention")
        ],
    }


def _outcomes(module: dict[str, Any]) -> dict[str, Any]:
    return {
        f"{kind.lower()}Outcomes": [
            _renamed(
                item,
                measure=f"{kind}OutcomeMeasure",
                timeFrame=f"{kind}OutcomeTimeFrame",
                description=f"{kind}OutcomeDescription",
            )
            for item in _items(module, f"{kind}OutcomeList", f"{kind}Outcome")
        ]
        for kind in ("Primary", "Secondary", "Other")
    }


def _eligibility(module: dict[str, Any]) -> dict[str, Any]:
    converted = _renamed(
        module,
        eligibilityCriteria="EligibilityCriteria",
        sex="Gender",
        minimumAge="MinimumAge",
        maximumAge="MaximumAge",
        studyPopulation="StudyPopulation",
    )
    converted["healthyVolunteers"] = _boolean(module.get("HealthyVolunteers"))
    converted["genderBased"] = _boolean(module.get("GenderBased"))
    converted["stdAges"] = _items(module, "StdAgeList", "StdAge")
    if isinstance(method := module.get("SamplingMethod"), str):
        # vocab has no SamplingMethod yet; the API v2 value is the label in capitals.
        converted["samplingMethod"] = re.sub(r"[^A-Z0-9]+", "_", method.upper()).strip("_")
    return converted


def _contacts_and_locations(module: dict[str, Any]) -> dict[str, Any]:
    # The classic API had no geoPoint: sites come without coordinates.
    return {
        "locations": [
            _renamed(
                location,
                facility="LocationFacility",
                status="LocationStatus",
                city="LocationCity",
                state="LocationState",
                zip="LocationZip",
                country="LocationCountry",
            )
            for location in _items(module, "LocationList", "Location")
        ],
        "overallOfficials": [
            _renamed(
                official,
                name="OverallOfficialName",
                affiliation="OverallOfficialAffiliation",
                role="OverallOfficialRole",
            )
            for official in _items(module, "OverallOfficialList", "OverallOfficial")
        ],
    }


def _browse(module: object, kind: str) -> dict[str, Any]:
    return {
        "meshes": [
            _renamed(mesh, id=f"{kind}MeshId", term=f"{kind}MeshTerm")
            for mesh in _items(module, f"{kind}MeshList", f"{kind}Mesh")
        ],
        "ancestors": [
            _renamed(ancestor, id=f"{kind}AncestorId", term=f"{kind}AncestorTerm")
            for ancestor in _items(module, f"{kind}AncestorList", f"{kind}Ancestor")
        ],
    }


_MODULES = {
    "IdentificationModule": _identification,
    "StatusModule": _status,
    "SponsorCollaboratorsModule": _sponsors,
    "DescriptionModule": _description,
    "ConditionsModule": _conditions,
    "DesignModule": _design,
    "ArmsInterventionsModule": _arms_and_interventions,
    "OutcomesModule": _outcomes,
    "EligibilityModule": _eligibility,
    "ContactsLocationsModule": _contacts_and_locations,
}
