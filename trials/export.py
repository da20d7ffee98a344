"""Study -> ClinicalTrials.gov API v2 JSON study object, for every field the models hold.

The shape other tools already speak (``protocolSection`` modules, MeSH terms under
``derivedSection``), and the project's own test oracle: importing an API v2 record and exporting
it gives back the same value for every field held. Absent values are left out, as the API does.
"""

import datetime
from typing import Any

from trials import vocab
from trials.models import Study


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """``mapping`` without the keys whose values are absent ("" / None / [] / {})."""
    return {k: v for k, v in mapping.items() if v not in ("", None, [], {})}


def _iso(day: datetime.date | None, precision: str) -> str | None:
    if day is None:
        return None
    return {
        vocab.DatePrecision.YEAR: f"{day:%Y}",
        vocab.DatePrecision.MONTH: f"{day:%Y-%m}",
    }.get(precision, day.isoformat())


def _date_struct(study: Study, prefix: str) -> dict[str, str] | None:
    iso = _iso(getattr(study, f"{prefix}_date"), getattr(study, f"{prefix}_precision"))
    if iso is None:
        return None
    return _compact({"date": iso, "type": getattr(study, f"{prefix}_type", "")})


def _intervention_label(intervention: Any) -> str:
    if not intervention.type:
        return intervention.name
    return f"{vocab.InterventionType(intervention.type).label}: {intervention.name}"


def study_to_api(study: Study) -> dict[str, Any]:
    """The API v2 study object of ``study`` (fetch it with ``Study.objects.with_parts()``)."""
    lead = study.lead_sponsor
    org_id = study.org_study_id
    return _compact(
        {
            "protocolSection": _compact(
                {
                    "identificationModule": _compact(
                        {
                            "nctId": study.nct_id,
                            "nctIdAliases": [i.value for i in study.nct_aliases],
                            "orgStudyIdInfo": _compact(
                                {"id": org_id.value, "type": org_id.type, "link": org_id.link}
                            )
                            if org_id
                            else None,
                            "secondaryIdInfos": [_secondary_id(i) for i in study.secondary_ids],
                            "organization": _compact(
                                {"fullName": study.org_name, "class": study.org_class}
                            ),
                            "briefTitle": study.brief_title,
                            "officialTitle": study.official_title,
                            "acronym": study.acronym,
                        }
                    ),
                    "statusModule": _status_module(study),
                    "sponsorCollaboratorsModule": _compact(
                        {
                            "responsibleParty": _compact(
                                {
                                    "type": study.responsible_party_type,
                                    "investigatorFullName": study.responsible_party_name,
                                    "investigatorTitle": study.responsible_party_title,
                                    "investigatorAffiliation": study.responsible_party_affiliation,
                                }
                            ),
                            "leadSponsor": _compact({"name": lead.name, "class": lead.agency_class})
                            if lead
                            else None,
                            "collaborators": [
                                _compact({"name": s.name, "class": s.agency_class})
                                for s in study.collaborators
                            ],
                        }
                    ),
                    "descriptionModule": _compact(
                        {
                            "briefSummary": study.brief_summary,
                            "detailedDescription": study.detailed_description,
                        }
                    ),
                    "conditionsModule": _compact(
                        {
                            "conditions": [c.name for c in study.conditions.all()],
                            "keywords": [k.name for k in study.keywords.all()],
                        }
                    ),
                    "designModule": _design_module(study),
                    "armsInterventionsModule": _arms_interventions_module(study),
                    "outcomesModule": _compact(
                        {
                            key: [
                                _compact(
                                    {
                                        "measure": o.measure,
                                        "description": o.description,
                                        "timeFrame": o.time_frame,
                                    }
                                )
                                for o in study.outcomes_of(kind)
                            ]
                            for key, kind in (
                                ("primaryOutcomes", vocab.OutcomeKind.PRIMARY),
                                ("secondaryOutcomes", vocab.OutcomeKind.SECONDARY),
                                ("otherOutcomes", vocab.OutcomeKind.OTHER),
                            )
                        }
                    ),
                    "eligibilityModule": _compact(
                        {
                            "eligibilityCriteria": study.eligibility_criteria,
                            "healthyVolunteers": study.healthy_volunteers,
                            "sex": study.sex,
                            "genderBased": study.gender_based,
                            "minimumAge": study.minimum_age,
                            "maximumAge": study.maximum_age,
                            "stdAges": list(study.std_ages),
                            "studyPopulation": study.study_population,
                            "samplingMethod": study.sampling_method,
                        }
                    ),
                    "contactsLocationsModule": _compact(
                        {
                            "overallOfficials": [
                                _compact(
                                    {"name": o.name, "affiliation": o.affiliation, "role": o.role}
                                )
                                for o in study.officials.all()
                            ],
                            "locations": [_location(site) for site in study.sites.all()],
                        }
                    ),
                }
            ),
            "derivedSection": _compact(
                {
                    "conditionBrowseModule": _browse_module(study.condition_mesh_terms),
                    "interventionBrowseModule": _browse_module(study.intervention_mesh_terms),
                }
            ),
            "hasResults": study.has_results,
        }
    )


def _status_module(study: Study) -> dict[str, Any]:
    return _compact(
        {
            "statusVerifiedDate": _iso(study.status_verified_date, study.status_verified_precision),
            "overallStatus": study.overall_status,
            "lastKnownStatus": study.last_known_status,
            "whyStopped": study.why_stopped,
            "startDateStruct": _date_struct(study, "start"),
            "primaryCompletionDateStruct": _date_struct(study, "primary_completion"),
            "completionDateStruct": _date_struct(study, "completion"),
            "studyFirstSubmitDate": _iso(
                study.first_submitted_date, study.first_submitted_precision
            ),
            "studyFirstPostDateStruct": _date_struct(study, "first_posted"),
            "lastUpdateSubmitDate": _iso(
                study.last_update_submitted_date, study.last_update_submitted_precision
            ),
            "lastUpdatePostDateStruct": _date_struct(study, "last_update_posted"),
            "resultsFirstPostDateStruct": _date_struct(study, "results_first_posted"),
        }
    )


def _design_module(study: Study) -> dict[str, Any]:
    return _compact(
        {
            "studyType": study.study_type,
            "patientRegistry": study.patient_registry,
            "phases": list(study.phases),
            "designInfo": _compact(
                {
                    "allocation": study.allocation,
                    "interventionModel": study.intervention_model,
                    "interventionModelDescription": study.intervention_model_description,
                    "primaryPurpose": study.primary_purpose,
                    "observationalModel": study.observational_model,
                    "timePerspective": study.time_perspective,
                    "maskingInfo": _compact(
                        {
                            "masking": study.masking,
                            "maskingDescription": study.masking_description,
                            "whoMasked": list(study.who_masked),
                        }
                    ),
                }
            ),
            "enrollmentInfo": _compact({"count": study.enrollment, "type": study.enrollment_type}),
        }
    )


def _arms_interventions_module(study: Study) -> dict[str, Any]:
    return _compact(
        {
            "armGroups": [
                _compact(
                    {
                        "label": arm.label,
                        "type": arm.type,
                        "description": arm.description,
                        "interventionNames": [
                            _intervention_label(x) for x in arm.interventions.all()
                        ],
                    }
                )
                for arm in study.arms.all()
            ],
            "interventions": [
                _compact(
                    {
                        "type": x.type,
                        "name": x.name,
                        "description": x.description,
                        "armGroupLabels": [arm.label for arm in x.arms.all()],
                        "otherNames": [n.name for n in x.other_names.all()],
                    }
                )
                for x in study.interventions.all()
            ],
        }
    )


def _secondary_id(identifier: Any) -> dict[str, str]:
    return _compact(
        {
            "id": identifier.value,
            "type": identifier.type,
            "domain": identifier.domain,
            "link": identifier.link,
        }
    )


def _location(site: Any) -> dict[str, Any]:
    geo = (
        {"lat": site.latitude, "lon": site.longitude}
        if site.latitude is not None and site.longitude is not None
        else None
    )
    return _compact(
        {
            "facility": site.facility,
            "status": site.status,
            "city": site.city,
            "state": site.state,
            "zip": site.zip,
            "country": site.country,
            "geoPoint": geo,
        }
    )


def _browse_module(terms: list[Any]) -> dict[str, Any]:
    return _compact(
        {
            "meshes": [_mesh(t) for t in terms if not t.is_ancestor],
            "ancestors": [_mesh(t) for t in terms if t.is_ancestor],
        }
    )


def _mesh(term: Any) -> dict[str, str]:
    return _compact({"id": term.mesh_id, "term": term.term})
