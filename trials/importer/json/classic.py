"""The retired classic API's JSON (v1, until June 2024): ``{"FullStudiesResponse": {...}}``.

The classic layout holds the same modules as API v2 under CamelCase names, with lists wrapped as
``XList: {X: [...]}``, the page's spellings ("Phase 1", "Anticipated", "Both"), "Yes"/"No" for
booleans and dates written out ("March 14, 2007", "March 2007"). ``parse`` renames a study into
the API v2 layout, converting dates and booleans, and lets ``api_json.build`` do the rest, so the
two JSON forms cannot drift apart field by field.

Its text is plain, not Markdown: see ``trials.text.plain_outline`` for what the API dropped.

Most classic keys are the API v2 name capitalised behind the name of what holds it
(``FlowAchievementNumSubjects`` is a flow achievement's ``numSubjects``, ``CentralContactEMail``
a central contact's ``email``): ``_fields`` derives them so, acronyms spelt the classic way. Those
are the API v2 "piece names" too. Results, references, contacts, documents, annotations and
derived data all come through that one rule.
"""

import calendar
import dataclasses
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
    "DispFirstPost",
)
_STATUS_DATES = (
    "statusVerifiedDate studyFirstSubmitDate studyFirstSubmitQcDate lastUpdateSubmitDate"
    " resultsFirstSubmitDate resultsFirstSubmitQcDate dispFirstSubmitDate dispFirstSubmitQcDate"
)
# How the classic API spelt the words API v2 writes in lower case: "ci" -> "CI", "email" -> "EMail".
_CLASSIC_WORDS = {
    "Ci": "CI",
    "Dmc": "DMC",
    "Email": "EMail",
    "Fda": "FDA",
    "Fdaaa801": "FDAAA801",
    "Icf": "ICF",
    "Ipd": "IPD",
    "Nct": "NCT",
    "Pi": "PI",
    "Pmid": "PMID",
    "Ppsd": "PPSD",
    "Qc": "QC",
    "Sap": "SAP",
    "Url": "URL",
    "Us": "US",
}
# API v2 booleans the classic API wrote "Yes" / "No", and dates it wrote out ("March 14, 2007").
_FLAGS = frozenset(
    "oversightHasDmc isFdaRegulatedDrug isFdaRegulatedDevice isUnapprovedDevice isPpsd isUsExport"
    " fdaaa801Violation delayedPosting resultsWaived hasExpandedAccess individual intermediate"
    " treatment noSap hasProtocol hasSap hasIcf calculatePct testedNonInferiority"
    " piSponsorEmployee restrictiveAgreement dateUnknown".split()
)
_DATES = frozenset(
    "date anticipatedPostingDate versionHolder creationDate issuedDate releaseDate"
    " postedDate".split()
)
# Upload times were "03/11/2022 09:13"; API v2 writes "2022-03-11T09:13".
_UPLOAD = re.compile(r"(?P<month>\d{2})/(?P<day>\d{2})/(?P<year>\d{4})\s+(?P<time>\d{2}:\d{2})")
# Fields of API v2 that no classic study carried: the registry's model predictions and its
# tracking of results submissions came with API v2. A classic capture never blanks them.
NEVER_SHOWN = frozenset(
    {
        "bmi_min",
        "bmi_max",
        "estimated_results_first_submitted",
        "first_mcp_posted",
        "submission_infos",
    }
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
    record = api_json.build(
        to_api_v2(study), source, SourceFormat.CLASSIC_JSON, markup=plain_outline
    )
    return dataclasses.replace(record, lacks=record.lacks | NEVER_SHOWN)


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
        _API_MODULE.get(name, name[0].lower() + name[1:]): translate(module)
        for name, translate in _MODULES.items()
        if isinstance(module := classic.get(name), dict)
    }
    converted: dict[str, Any] = {"protocolSection": protocol}
    if isinstance(derived := study.get("DerivedSection"), dict):
        converted["derivedSection"] = {
            "miscInfoModule": _misc_info(derived.get("MiscInfoModule")),
            "conditionBrowseModule": _browse(derived.get("ConditionBrowseModule"), "Condition"),
            "interventionBrowseModule": _browse(
                derived.get("InterventionBrowseModule"), "Intervention"
            ),
        }
    # The classic API, like API v2, left out a section that would be empty.
    for name, translate in _SECTIONS.items():
        if isinstance(section := study.get(name), dict):
            converted[name[0].lower() + name[1:]] = {
                module[0].lower() + module[1:]: translate_module(section[module])
                for module, translate_module in translate.items()
                if isinstance(section.get(module), dict)
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
    """The items of a classic ``XList: {X: [...]}`` wrapper; some captures give a list of one
    as the item itself (``XList: {X: {...}}``)."""
    wrapper = module.get(list_name) if isinstance(module, dict) else None
    items = wrapper.get(item_name) if isinstance(wrapper, dict) else None
    if isinstance(items, list):
        return items
    return [] if items is None else [items]


def classic_name(name: str) -> str:
    """The classic spelling of an API v2 name: "ciPctValue" -> "CIPctValue"."""
    words = re.findall(r"[a-z0-9]+|[A-Z][a-z0-9]*", name)
    return "".join(_CLASSIC_WORDS.get(word.capitalize(), word.capitalize()) for word in words)


def _fields(raw: object, prefix: str, names: str) -> dict[str, Any]:
    """The API v2 fields ``names`` of a classic object whose keys start with ``prefix``:
    ``_fields(x, "FlowGroup", "id title")`` reads FlowGroupId and FlowGroupTitle. Booleans
    and dates are converted as API v2 writes them."""
    if not isinstance(raw, dict):
        return {}
    converted = {}
    for name in names.split():
        if (key := prefix + classic_name(name)) not in raw:
            continue
        value = raw[key]
        if name in _FLAGS:
            value = _boolean(value)
        elif name in _DATES:
            value = iso_date(value)
        elif name == "uploadDate":
            value = _upload_time(value)
        converted[name] = value
    return converted


def _upload_time(raw: object) -> object:
    """ "03/11/2022 09:13" -> "2022-03-11T09:13", as API v2 writes a document's upload time."""
    match = _UPLOAD.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        return raw
    return f"{match['year']}-{match['month']}-{match['day']}T{match['time']}"


def _list(raw: object, item: str, names: str, **nested: tuple[str, str]) -> list[dict[str, Any]]:
    """The items of ``{item}List: {item: [...]}`` with their fields ``names`` (keys prefixed by
    ``item``), and each ``nested`` list (API v2 name=(classic item, its fields)) likewise."""
    return [
        {
            **_fields(entry, item, names),
            **{name: _list(entry, *inner) for name, inner in nested.items()},
        }
        for entry in _items(raw, f"{item}List", item)
    ]


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
    for name in _STATUS_DATES.split():
        if classic_name(name) in module:
            converted[name] = iso_date(module[classic_name(name)])
    for name in _DATE_STRUCTS:
        if f"{name}DateStruct" in module:
            converted[f"{name[0].lower()}{name[1:]}DateStruct"] = _date_struct(module, name)
    converted.update(_fields(module, "", "delayedPosting resultsWaived"))
    if isinstance(info := module.get("ExpandedAccessInfo"), dict):
        converted["expandedAccessInfo"] = {
            **_fields(info, "", "hasExpandedAccess"),
            **_fields(info, "ExpandedAccess", "nctId statusForNctId"),
        }
    return converted


def _oversight(module: dict[str, Any]) -> dict[str, Any]:
    return _fields(
        module,
        "",
        "oversightHasDmc isFdaRegulatedDrug isFdaRegulatedDevice isUnapprovedDevice isPpsd"
        " isUsExport fdaaa801Violation",
    )


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
        **_fields(module, "", "targetDuration"),
        "expandedAccessTypes": _fields(
            module.get("ExpandedAccessTypes"), "ExpAccType", "individual intermediate treatment"
        ),
        "bioSpec": _fields(module.get("BioSpec"), "BioSpec", "retention description"),
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
        genderDescription="GenderDescription",
    )
    converted["healthyVolunteers"] = _boolean(module.get("HealthyVolunteers"))
    converted["genderBased"] = _boolean(module.get("GenderBased"))
    converted["stdAges"] = _items(module, "StdAgeList", "StdAge")
    if isinstance(method := module.get("SamplingMethod"), str):
        # vocab has no SamplingMethod yet; the API v2 value is the label in capitals.
        converted["samplingMethod"] = re.sub(r"[^A-Z0-9]+", "_", method.upper()).strip("_")
    return converted


_CONTACT = "name role phone phoneExt email"


def _contacts_and_locations(module: dict[str, Any]) -> dict[str, Any]:
    # The classic API had no geoPoint: sites come without coordinates.
    return {
        "centralContacts": _list(module, "CentralContact", _CONTACT),
        "locations": _list(
            module,
            "Location",
            "facility status city state zip country",
            contacts=("LocationContact", _CONTACT),
        ),
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


def _references(module: dict[str, Any]) -> dict[str, Any]:
    return {
        "references": _list(
            module,
            "Reference",
            "pmid type citation",
            retractions=("Retraction", "pmid source"),
        ),
        "seeAlsoLinks": _list(module, "SeeAlsoLink", "label url"),
        "availIpds": _list(module, "AvailIPD", "id type url comment"),
    }


def _ipd_sharing(module: dict[str, Any]) -> dict[str, Any]:
    return {
        **_fields(module, "", "ipdSharing"),
        **_fields(module, "IPDSharing", "description timeFrame accessCriteria url"),
        "infoTypes": _items(module, "IPDSharingInfoTypeList", "IPDSharingInfoType"),
    }


def _misc_info(module: object) -> dict[str, Any]:
    return {
        **_fields(module, "", "versionHolder"),
        "removedCountries": _items(module, "RemovedCountryList", "RemovedCountry"),
    }


def _browse(module: object, kind: str) -> dict[str, Any]:
    return {
        "browseLeaves": _list(module, f"{kind}BrowseLeaf", "id name asFound relevance"),
        "browseBranches": _list(module, f"{kind}BrowseBranch", "abbrev name"),
        "meshes": [
            _renamed(mesh, id=f"{kind}MeshId", term=f"{kind}MeshTerm")
            for mesh in _items(module, f"{kind}MeshList", f"{kind}Mesh")
        ],
        "ancestors": [
            _renamed(ancestor, id=f"{kind}AncestorId", term=f"{kind}AncestorTerm")
            for ancestor in _items(module, f"{kind}AncestorList", f"{kind}Ancestor")
        ],
    }


# Module names API v2 spells otherwise than by lowering the first letter.
_API_MODULE = {"IPDSharingStatementModule": "ipdSharingStatementModule"}
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
    "OversightModule": _oversight,
    "ReferencesModule": _references,
    "IPDSharingStatementModule": _ipd_sharing,
}


# Results ------------------------------------------------------------------------------------
# Each table of results names its groups, denominators, classes, categories and measurements
# after itself: BaselineGroup, BaselineClassDenom, OutcomeMeasurement ...

_GROUP = "id title description"
_COUNT = "groupId comment numSubjects numUnits"
_MEASUREMENT = "groupId value spread lowerLimit upperLimit comment"


def _denoms(raw: object, prefix: str) -> list[dict[str, Any]]:
    """How many were analysed: the module's, a measure's or a class's (``prefix`` says which)."""
    return _list(raw, f"{prefix}Denom", "units", counts=(f"{prefix}DenomCount", "groupId value"))


def _classes(raw: object, table: str) -> list[dict[str, Any]]:
    """A measure's rows, of the baseline or of an outcome (``table``), down to measurements."""
    return [
        {
            **_fields(item, f"{table}Class", "title"),
            "denoms": _denoms(item, f"{table}Class"),
            "categories": _list(
                item,
                f"{table}Category",
                "title",
                measurements=(f"{table}Measurement", _MEASUREMENT),
            ),
        }
        for item in _items(raw, f"{table}ClassList", f"{table}Class")
    ]


def _participant_flow(module: dict[str, Any]) -> dict[str, Any]:
    return {
        **_fields(module, "Flow", "recruitmentDetails preAssignmentDetails typeUnitsAnalyzed"),
        "groups": _list(module, "FlowGroup", _GROUP),
        "periods": [
            {
                **_fields(period, "FlowPeriod", "title"),
                "milestones": _list(
                    period,
                    "FlowMilestone",
                    "type comment",
                    achievements=("FlowAchievement", _COUNT),
                ),
                "dropWithdraws": _list(
                    period, "FlowDropWithdraw", "type comment", reasons=("FlowReason", _COUNT)
                ),
            }
            for period in _items(module, "FlowPeriodList", "FlowPeriod")
        ],
    }


_MEASURE = "paramType dispersionType unitOfMeasure calculatePct denomUnitsSelected"


def _baseline(module: dict[str, Any]) -> dict[str, Any]:
    return {
        **_fields(module, "Baseline", "populationDescription typeUnitsAnalyzed"),
        "groups": _list(module, "BaselineGroup", _GROUP),
        "denoms": _denoms(module, "Baseline"),
        "measures": [
            {
                **_fields(
                    measure,
                    "BaselineMeasure",
                    f"title description populationDescription {_MEASURE}",
                ),
                "denoms": _denoms(measure, "BaselineMeasure"),
                "classes": _classes(measure, "Baseline"),
            }
            for measure in _items(module, "BaselineMeasureList", "BaselineMeasure")
        ],
    }


_ANALYSIS = (
    "paramType paramValue dispersionType dispersionValue statisticalMethod statisticalComment"
    " pValue pValueComment ciNumSides ciPctValue ciLowerLimit ciUpperLimit ciLowerLimitComment"
    " ciUpperLimitComment estimateComment testedNonInferiority nonInferiorityType"
    " nonInferiorityComment otherAnalysisDescription groupDescription"
)


def _outcome_measures(module: dict[str, Any]) -> dict[str, Any]:
    return {
        "outcomeMeasures": [
            {
                **_fields(
                    measure,
                    "OutcomeMeasure",
                    "type title description populationDescription reportingStatus"
                    f" anticipatedPostingDate timeFrame typeUnitsAnalyzed {_MEASURE}",
                ),
                "groups": _list(measure, "OutcomeGroup", _GROUP),
                "denoms": _denoms(measure, "Outcome"),
                "classes": _classes(measure, "Outcome"),
                "analyses": [
                    {
                        **_fields(analysis, "OutcomeAnalysis", _ANALYSIS),
                        "groupIds": _items(
                            analysis, "OutcomeAnalysisGroupIdList", "OutcomeAnalysisGroupId"
                        ),
                    }
                    for analysis in _items(measure, "OutcomeAnalysisList", "OutcomeAnalysis")
                ],
            }
            for measure in _items(module, "OutcomeMeasureList", "OutcomeMeasure")
        ]
    }


_EVENT = "term organSystem sourceVocabulary assessmentType notes"
_EVENT_STATS = "groupId numEvents numAffected numAtRisk"


def _adverse_events(module: dict[str, Any]) -> dict[str, Any]:
    return {
        **_fields(
            module, "Events", "frequencyThreshold timeFrame description allCauseMortalityComment"
        ),
        "eventGroups": _list(
            module,
            "EventGroup",
            f"{_GROUP} deathsNumAffected deathsNumAtRisk seriousNumAffected seriousNumAtRisk"
            " otherNumAffected otherNumAtRisk",
        ),
        "seriousEvents": _list(
            module, "SeriousEvent", _EVENT, stats=("SeriousEventStats", _EVENT_STATS)
        ),
        "otherEvents": _list(module, "OtherEvent", _EVENT, stats=("OtherEventStats", _EVENT_STATS)),
    }


def _more_info(module: dict[str, Any]) -> dict[str, Any]:
    return {
        "limitationsAndCaveats": _fields(
            module.get("LimitationsAndCaveats"), "LimitationsAndCaveats", "description"
        ),
        "certainAgreement": _fields(
            module.get("CertainAgreement"),
            "Agreement",
            "piSponsorEmployee restrictionType restrictiveAgreement otherDetails",
        ),
        "pointOfContact": _fields(
            module.get("PointOfContact"),
            "PointOfContact",
            "title organization email phone phoneExt",
        ),
    }


# Other sections ------------------------------------------------------------------------------


def _large_documents(module: dict[str, Any]) -> dict[str, Any]:
    return {
        **_fields(module, "LargeDoc", "noSap"),
        "largeDocs": _list(
            module,
            "LargeDoc",
            "typeAbbrev hasProtocol hasSap hasIcf label date uploadDate filename size",
        ),
    }


def _annotation(module: dict[str, Any]) -> dict[str, Any]:
    unposted = module.get("UnpostedAnnotation")
    violation = module.get("ViolationAnnotation")
    return {
        "unpostedAnnotation": {
            **_fields(unposted, "", "unpostedResponsibleParty"),
            "unpostedEvents": _list(unposted, "UnpostedEvent", "type date dateUnknown"),
        },
        "violationAnnotation": {
            "violationEvents": _list(
                violation,
                "ViolationEvent",
                "type description creationDate issuedDate releaseDate postedDate",
            )
        },
    }


_SECTIONS = {
    "ResultsSection": {
        "ParticipantFlowModule": _participant_flow,
        "BaselineCharacteristicsModule": _baseline,
        "OutcomeMeasuresModule": _outcome_measures,
        "AdverseEventsModule": _adverse_events,
        "MoreInfoModule": _more_info,
    },
    "DocumentSection": {"LargeDocumentModule": _large_documents},
    "AnnotationSection": {"AnnotationModule": _annotation},
}
