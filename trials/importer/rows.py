"""What rows a record becomes: the Study columns and every part, inserted set-based.

Inserting many studies' parts costs one statement per table, not one per study: this is what
lets a bulk import reach hundreds of studies a second (docs/engineering.md: row-by-row saves are
far slower than multi-row inserts).
"""

import dataclasses
from collections.abc import Callable, Iterator
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

from .record import PartialDate, StudyRecord


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


def insert_parts(studies: list[tuple[Study, StudyRecord]]) -> None:
    """Insert every part of many saved studies: one statement per table, whatever the count."""
    simple: dict[type[models.Model], list[models.Model]] = {model: [] for model in _SIMPLE_PARTS}
    arms: list[Arm] = []
    interventions: list[Intervention] = []
    for study, record in studies:
        for model, build in _SIMPLE_PARTS.items():
            simple[model] += build(study, record)
        arms += (
            Arm(study=study, label=a.label, type=a.type, description=a.description, position=i)
            for i, a in enumerate(record.arms)
        )
        interventions += (
            Intervention(
                study=study, type=x.type, name=x.name, description=x.description, position=i
            )
            for i, x in enumerate(record.interventions)
        )
    for model, rows in simple.items():
        model.objects.bulk_create(rows, batch_size=2000)
    Arm.objects.bulk_create(arms, batch_size=2000)
    Intervention.objects.bulk_create(interventions, batch_size=2000)

    # Second level: other names and arm links need the primary keys just returned.
    other_names: list[OtherName] = []
    links: list[models.Model] = []
    arm_rows, intervention_rows = iter(arms), iter(interventions)
    for _study, record in studies:
        study_arms = [next(arm_rows) for _ in record.arms]
        study_interventions = [next(intervention_rows) for _ in record.interventions]
        for row, x in zip(study_interventions, record.interventions, strict=True):
            other_names += (
                OtherName(intervention=row, name=name, position=i)
                for i, name in enumerate(x.other_names)
            )
        links += (
            Intervention.arms.through(
                intervention_id=study_interventions[xi].pk, arm_id=study_arms[ai].pk
            )
            for xi, ai in arm_links(record)
        )
    OtherName.objects.bulk_create(other_names, batch_size=2000)
    Intervention.arms.through.objects.bulk_create(links, batch_size=2000)


def _sponsors(study: Study, record: StudyRecord) -> list[Sponsor]:
    lead = [record.lead_sponsor] if record.lead_sponsor else []
    return [
        Sponsor(
            study=study,
            name=s.name,
            agency_class=s.agency_class,
            is_lead=bool(lead) and i == 0,
            position=i,
        )
        for i, s in enumerate(lead + list(record.collaborators))
    ]


# The parts that hang from the study alone, and how a record becomes their rows.
_SIMPLE_PARTS: dict[type[models.Model], Callable[[Study, StudyRecord], list[Any]]] = {
    Condition: lambda study, record: [
        Condition(study=study, name=name, position=i) for i, name in enumerate(record.conditions)
    ],
    Keyword: lambda study, record: [
        Keyword(study=study, name=name, position=i) for i, name in enumerate(record.keywords)
    ],
    OutcomeMeasure: lambda study, record: [
        OutcomeMeasure(
            study=study,
            kind=o.kind,
            measure=o.measure,
            time_frame=o.time_frame,
            description=o.description,
            position=i,
        )
        for i, o in enumerate(record.outcomes)
    ],
    Site: lambda study, record: [
        Site(study=study, position=i, **dataclasses.asdict(s)) for i, s in enumerate(record.sites)
    ],
    Identifier: lambda study, record: [
        Identifier(study=study, position=i, **fields)
        for i, fields in enumerate(identifier_rows(record))
    ],
    Sponsor: _sponsors,
    Official: lambda study, record: [
        Official(study=study, position=i, **dataclasses.asdict(o))
        for i, o in enumerate(record.officials)
    ],
    MeshTerm: lambda study, record: [
        MeshTerm(study=study, position=i, **dataclasses.asdict(m))
        for i, m in enumerate(record.mesh_terms)
    ],
}

# Every table of a study's parts, for replacing them (deleting arms and interventions takes
# their other names and links with them).
PART_MODELS: tuple[type[models.Model], ...] = (*_SIMPLE_PARTS, Arm, Intervention)


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


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


def arm_links(record: StudyRecord) -> Iterator[tuple[int, int]]:
    """(intervention index, arm index) pairs the record links by label text.

    Records link both ways and either side may be missing: an intervention's arm labels
    (``armGroupLabels``) and an arm's intervention names ("Drug: placebo"). A pair named on
    either side is a link.
    """
    for xi, x in enumerate(record.interventions):
        prefix = vocab.InterventionType(x.type).label + ": " if x.type else ""
        names = {_label_key(x.name), _label_key(prefix + x.name)}
        labels = {_label_key(label) for label in x.arm_labels}
        for ai, arm in enumerate(record.arms):
            if _label_key(arm.label) in labels or names & {
                _label_key(n) for n in arm.intervention_names
            }:
                yield xi, ai
