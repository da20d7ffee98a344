"""What rows a record becomes: the Study columns and every part, inserted set-based.

Inserting many studies' parts costs one statement per table, not one per study: this is what
lets a bulk import reach hundreds of studies a second (docs/engineering.md: row-by-row saves are
far slower than multi-row inserts).
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.db import models

from trials import vocab
from trials.models import (
    Arm,
    Condition,
    Identifier,
    IdentifierKind,
    Intervention,
    Keyword,
    MeshTerm,
    Official,
    OtherName,
    OutcomeMeasure,
    Site,
    Sponsor,
    Study,
)
from trials.record import PartialDate, StudyRecord

from .copy import copy_rows, reserve_ids


def study_fields(record: StudyRecord) -> dict[str, Any]:
    """The Study columns of a record."""
    fields: dict[str, Any] = {
        name: getattr(record, name)
        for name in (
            "brief_title",
            "official_title",
            "acronym",
            "org_name",
            "org_class",
            "overall_status",
            "last_known_status",
            "why_stopped",
            "has_results",
            "study_type",
            "patient_registry",
            "enrollment",
            "enrollment_type",
            "allocation",
            "intervention_model",
            "intervention_model_description",
            "masking",
            "masking_description",
            "primary_purpose",
            "observational_model",
            "time_perspective",
            "brief_summary",
            "detailed_description",
            "eligibility_criteria",
            "sex",
            "gender_based",
            "minimum_age",
            "maximum_age",
            "healthy_volunteers",
            "study_population",
            "sampling_method",
        )
    }
    fields["phases"] = list(record.phases)
    fields["who_masked"] = list(record.who_masked)
    fields["std_ages"] = list(record.std_ages)
    fields["minimum_age_days"] = vocab.age_in_days(record.minimum_age)
    fields["maximum_age_days"] = vocab.age_in_days(record.maximum_age)
    fields["import_warnings"] = list(record.warnings)
    for name in DATED_FIELDS:
        partial: PartialDate | None = getattr(record, name)
        prefix = "status_verified" if name == "status_verified" else name
        fields[f"{prefix}_date"] = partial.first_day if partial else None
        fields[f"{prefix}_precision"] = partial.precision if partial else ""
        if hasattr(Study, f"{prefix}_type"):
            fields[f"{prefix}_type"] = partial.type if partial else ""
    party = record.responsible_party
    fields["responsible_party_type"] = party.type if party else ""
    fields["responsible_party_name"] = party.investigator_name if party else ""
    fields["responsible_party_title"] = party.investigator_title if party else ""
    fields["responsible_party_affiliation"] = party.investigator_affiliation if party else ""
    return fields


# The record's dates; each is three columns: <name>_date, <name>_precision and (most) <name>_type.
DATED_FIELDS = (
    "status_verified",
    "start",
    "primary_completion",
    "completion",
    "first_submitted",
    "first_posted",
    "last_update_submitted",
    "last_update_posted",
    "results_first_posted",
)


def identifier_rows(record: StudyRecord) -> list[dict[str, str]]:
    """The Identifier rows of a record: org study ID, secondary IDs, then obsolete NCT IDs."""
    rows = []
    if record.org_study_id:
        rows.append(
            {
                "kind": IdentifierKind.ORG_STUDY_ID,
                "value": record.org_study_id,
                "type": record.org_study_id_type,
                "link": record.org_study_id_link,
            }
        )
    rows += [
        {
            "kind": IdentifierKind.SECONDARY,
            "value": s.id,
            "type": s.type,
            "domain": s.domain,
            "link": s.link,
        }
        for s in record.secondary_ids
    ]
    rows += [{"kind": IdentifierKind.NCT_ALIAS, "value": alias} for alias in record.nct_aliases]
    return rows


def insert_parts(studies: list[tuple[int, StudyRecord]]) -> None:
    """Insert every part of many saved studies (by id): one COPY per table, whatever the count."""
    arm_ids = iter(reserve_ids(Arm, sum(len(r.arms) for _, r in studies)))
    intervention_ids = iter(
        reserve_ids(Intervention, sum(len(r.interventions) for _, r in studies))
    )
    tables: dict[type[models.Model], list[dict[str, Any]]] = {
        model: [] for model in (*_SIMPLE_PARTS, Arm, Intervention, OtherName, _ArmLink)
    }
    for study_id, record in studies:
        for model, build in _SIMPLE_PARTS.items():
            tables[model] += (
                {"study_id": study_id, "position": i, **row} for i, row in enumerate(build(record))
            )
        arms = [next(arm_ids) for _ in record.arms]
        tables[Arm] += (
            {
                "id": arm_id,
                "study_id": study_id,
                "position": i,
                "label": a.label,
                "type": a.type,
                "description": a.description,
            }
            for i, (arm_id, a) in enumerate(zip(arms, record.arms, strict=True))
        )
        interventions = [next(intervention_ids) for _ in record.interventions]
        for i, (x_id, x) in enumerate(zip(interventions, record.interventions, strict=True)):
            tables[Intervention].append(
                {
                    "id": x_id,
                    "study_id": study_id,
                    "position": i,
                    "type": x.type,
                    "name": x.name,
                    "description": x.description,
                }
            )
            tables[OtherName] += (
                {"intervention_id": x_id, "name": name, "position": n}
                for n, name in enumerate(x.other_names)
            )
        tables[_ArmLink] += (
            {"intervention_id": interventions[xi], "arm_id": arms[ai]}
            for xi, ai in arm_links(record)
        )
    for model, rows in tables.items():
        copy_rows(model, rows)


# Arms and interventions are linked through the many-to-many table Django made for them.
_ArmLink: type[models.Model] = Intervention.arms.through


def _sponsors(record: StudyRecord) -> list[dict[str, Any]]:
    lead = [record.lead_sponsor] if record.lead_sponsor else []
    return [
        {"name": s.name, "agency_class": s.agency_class, "is_lead": bool(lead) and i == 0}
        for i, s in enumerate(lead + list(record.collaborators))
    ]


# The parts that hang from the study alone, and the rows (less study and position) a record
# makes of each.
_SIMPLE_PARTS: dict[type[models.Model], Callable[[StudyRecord], list[dict[str, Any]]]] = {
    Condition: lambda record: [{"name": name} for name in record.conditions],
    Keyword: lambda record: [{"name": name} for name in record.keywords],
    OutcomeMeasure: lambda record: [
        {
            "kind": o.kind,
            "measure": o.measure,
            "time_frame": o.time_frame,
            "description": o.description,
        }
        for o in record.outcomes
    ],
    Site: lambda record: [dataclasses.asdict(s) for s in record.sites],
    Identifier: identifier_rows,
    Sponsor: _sponsors,
    Official: lambda record: [dataclasses.asdict(o) for o in record.officials],
    MeshTerm: lambda record: [dataclasses.asdict(m) for m in record.mesh_terms],
}

# Every table of a study's parts, for replacing them (deleting arms and interventions takes
# their other names and links with them).
PART_MODELS: tuple[type[models.Model], ...] = (*_SIMPLE_PARTS, Arm, Intervention)


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


def arm_links(record: StudyRecord) -> list[tuple[int, int]]:
    """(intervention index, arm index) pairs the record links by label text.

    Records link both ways and either side may be missing: an intervention's arm labels
    (``armGroupLabels``) and an arm's intervention names ("Drug: placebo"). A pair named on
    either side is a link, except that an arm's name shared by several interventions (two
    "Device: LDGraft") cannot say which it means: there only the interventions' labels count.
    """
    names = [
        {_label_key(x.name), _label_key(_type_prefix(x.type) + x.name)}
        for x in record.interventions
    ]
    links: dict[tuple[int, int], None] = {}  # ordered and without repeats
    for ai, arm in enumerate(record.arms):
        for wanted in {_label_key(n) for n in arm.intervention_names}:
            matching = [xi for xi, known in enumerate(names) if wanted in known]
            if len(matching) == 1:
                links[matching[0], ai] = None
    for xi, x in enumerate(record.interventions):
        labels = {_label_key(label) for label in x.arm_labels}
        for ai, arm in enumerate(record.arms):
            if _label_key(arm.label) in labels:
                links[xi, ai] = None
    return list(links)


def _type_prefix(intervention_type: str) -> str:
    """The display prefix records put before an intervention's name: "Drug: "."""
    return vocab.InterventionType(intervention_type).label + ": " if intervention_type else ""
