"""The record in the database, both ways: a study's rows from its record, its record from rows.

Everything here is derived from the record's declarations (``trials.record``): a plain field is a
Study column of its declared name, a date its ``_date``/``_precision``(/``_type``) columns, a list
of parts the rows of one table. Only how parts share tables is said here (``TABLES``): the lead
sponsor and the collaborators are Sponsor rows, the org study ID, secondary IDs and obsolete NCT
IDs Identifier rows; arms and interventions are linked through their relation, not by label.

``write`` is the one path by which studies come to say what their records say, new or not: the
importer's batches and single saves, an admin revert and the benchmark synthesizer all use it.
Many studies cost one statement per table, not one per study: this is what lets a bulk import
reach hundreds of studies a second (docs/engineering.md: row-by-row saves are far slower).
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

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
from trials.record import (
    DATES,
    PART_CLASSES,
    PartialDate,
    StudyRecord,
    arm_links,
    intervention_label,
    spec_of,
    specs,
)
from trials.search import refresh_search_many

from .copy import copy_rows, reserve_ids

# Record fields kept as Study columns: (field, column); dates are kept apart (DATES: each
# as its first day and precision, and a typed one with its type too).
COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (name, spec.column or name)
    for name, spec in specs(StudyRecord)
    if spec.column is not None and name not in PART_CLASSES and name not in DATES
)
# Single parts kept as Study columns (the responsible party): field -> (part field, column).
NESTED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    name: tuple((part_field, s.column or part_field) for part_field, s in specs(cls))
    for name, cls in PART_CLASSES.items()
    if spec_of(StudyRecord, name).column is not None
}


@dataclass(frozen=True)
class Rows:
    """Which rows of a part table hold a record field.

    ``fixed`` are the columns that tell this field's rows from others in the same table (an
    Identifier's kind, a Sponsor's ``is_lead``); ``renamed`` maps a part's field to its column
    where the two names differ; ``flat`` keeps several plain record fields in one row.
    """

    field: str
    fixed: dict[str, Any] = dataclasses.field(default_factory=dict)
    renamed: dict[str, str] = dataclasses.field(default_factory=dict)
    flat: dict[str, str] = dataclasses.field(default_factory=dict)  # record field -> column

    def matches(self, row: models.Model) -> bool:
        return all(getattr(row, k) == v for k, v in self.fixed.items())


# The part tables, in the order a study's rows are read and written, and the record fields each
# holds (rows of one table are numbered in this order). Arms and interventions are written by
# ``_arms_and_interventions``: they are linked to each other and carry other names.
TABLES: dict[type[models.Model], tuple[Rows, ...]] = {
    Condition: (Rows("conditions", renamed={"": "name"}),),
    Keyword: (Rows("keywords", renamed={"": "name"}),),
    OutcomeMeasure: (Rows("outcomes"),),
    Site: (Rows("sites"),),
    Identifier: (
        Rows(
            "org_study_id",
            fixed={"kind": IdentifierKind.ORG_STUDY_ID},
            flat={
                "org_study_id": "value",
                "org_study_id_type": "type",
                "org_study_id_link": "link",
            },
        ),
        Rows("secondary_ids", fixed={"kind": IdentifierKind.SECONDARY}, renamed={"id": "value"}),
        Rows("nct_aliases", fixed={"kind": IdentifierKind.NCT_ALIAS}, renamed={"": "value"}),
    ),
    Sponsor: (
        Rows("lead_sponsor", fixed={"is_lead": True}),
        Rows("collaborators", fixed={"is_lead": False}),
    ),
    Official: (Rows("officials"),),
    MeshTerm: (Rows("mesh_terms"),),
}
# Every table of a study's parts, for replacing them (deleting arms and interventions takes
# their other names and links with them).
PART_MODELS: tuple[type[models.Model], ...] = (*TABLES, Arm, Intervention)

# Arms and interventions are linked through the many-to-many table Django made for them.
_ArmLink: type[models.Model] = Intervention.arms.through


# --- Record -> rows ------------------------------------------------------------------------


def study_columns(record: StudyRecord) -> dict[str, Any]:
    """The Study columns of a record."""
    columns: dict[str, Any] = {}
    for name, column in COLUMNS:
        value = getattr(record, name)
        columns[column] = list(value) if isinstance(value, tuple) else value
    for name, typed in DATES.items():
        partial: PartialDate | None = getattr(record, name)
        columns[f"{name}_date"] = partial.first_day if partial else None
        columns[f"{name}_precision"] = partial.precision if partial else ""
        if typed:
            columns[f"{name}_type"] = partial.type if partial else ""
    for name, nested in NESTED_COLUMNS.items():
        part = getattr(record, name)
        for part_field, column in nested:
            columns[column] = getattr(part, part_field) if part else ""
    # The written ages in days, so "who can a 70-year-old join" is a range query.
    columns["minimum_age_days"] = vocab.age_in_days(record.minimum_age)
    columns["maximum_age_days"] = vocab.age_in_days(record.maximum_age)
    columns["record_hash"] = record.content_hash()
    return columns


def _table_rows(record: StudyRecord, table: tuple[Rows, ...]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for held in table:
        if held.flat:
            if getattr(record, next(iter(held.flat))):
                rows.append({**held.fixed, **{c: getattr(record, f) for f, c in held.flat.items()}})
            continue
        value = getattr(record, held.field)
        items = value if isinstance(value, tuple) else () if value is None else (value,)
        for item in items:
            if dataclasses.is_dataclass(item):
                columns = _part_columns(item, held.renamed)
            else:
                columns = {held.renamed[""]: item}
            rows.append({**held.fixed, **columns})
    return rows


def insert_parts(studies: Sequence[tuple[int, StudyRecord]]) -> None:
    """Insert every part of many saved studies (by id): one COPY per table, whatever the count."""
    tables: dict[type[models.Model], list[dict[str, Any]]] = defaultdict(list)
    for study_id, record in studies:
        for model, held in TABLES.items():
            tables[model] += (
                {"study_id": study_id, "position": i, **row}
                for i, row in enumerate(_table_rows(record, held))
            )
    _arms_and_interventions(studies, tables)
    for model, rows in tables.items():
        copy_rows(model, rows)


def _arms_and_interventions(
    studies: Sequence[tuple[int, StudyRecord]],
    tables: dict[type[models.Model], list[dict[str, Any]]],
) -> None:
    arm_ids = iter(reserve_ids(Arm, sum(len(r.arms) for _, r in studies)))
    intervention_ids = iter(
        reserve_ids(Intervention, sum(len(r.interventions) for _, r in studies))
    )
    for study_id, record in studies:
        arms = [next(arm_ids) for _ in record.arms]
        tables[Arm] += (
            {"id": arm_id, "study_id": study_id, "position": i, **_part_columns(arm)}
            for i, (arm_id, arm) in enumerate(zip(arms, record.arms, strict=True))
        )
        interventions = [next(intervention_ids) for _ in record.interventions]
        for i, (x_id, x) in enumerate(zip(interventions, record.interventions, strict=True)):
            tables[Intervention].append(
                {"id": x_id, "study_id": study_id, "position": i, **_part_columns(x)}
            )
            tables[OtherName] += (
                {"intervention_id": x_id, "name": name, "position": n}
                for n, name in enumerate(x.other_names)
            )
        tables[_ArmLink] += (
            {"intervention_id": interventions[xi], "arm_id": arms[ai]}
            for xi, ai in arm_links(record)
        )


def _part_columns(part: Any, renamed: dict[str, str] | None = None) -> dict[str, Any]:
    """A part's columns: each declared field under its column (or the table's name for it)."""
    renamed = renamed or {}
    return {
        renamed.get(name, spec.column or name): getattr(part, name)
        for name, spec in specs(type(part))
        if spec.column is not None
    }


def write(items: Sequence[tuple[int | None, StudyRecord]], *, lexicon: bool = True) -> list[int]:
    """Make studies say what their records say: new ones (id None) inserted, the rest rewritten.

    The one path for every change of a study's content. Call it inside a transaction; it returns
    the studies' ids in order. ``lexicon=False`` leaves the browse counts for a later rebuild.
    """
    now = timezone.now()
    new = [record for study_id, record in items if study_id is None]
    fresh = iter(reserve_ids(Study, len(new)))
    ids = [study_id if study_id is not None else next(fresh) for study_id, _ in items]
    copy_rows(
        Study,
        [
            {
                "id": study_id,
                "nct_id": record.nct_id,
                "created_at": now,
                "updated_at": now,
                **study_columns(record),
            }
            for study_id, (given, record) in zip(ids, items, strict=True)
            if given is None
        ],
    )
    old = [(study_id, record) for study_id, record in items if study_id is not None]
    if old:
        for study_id, record in old:
            Study.objects.filter(pk=study_id).update(updated_at=now, **study_columns(record))
        old_ids = [study_id for study_id, _ in old]
        for part in PART_MODELS:
            part._default_manager.filter(study_id__in=old_ids).delete()
    insert_parts(list(zip(ids, (record for _, record in items), strict=True)))
    refresh_search_many(ids, lexicon=lexicon)
    return ids


def validate(record: StudyRecord) -> None:
    """Raise ValidationError if the record's Study columns break a field's rules (a value too
    long for its column, an unknown enum value) so a refusal can say which field and why."""
    # The NCT ID is checked by the record itself, and is unique by the writer's lookup.
    study = Study(nct_id=record.nct_id, **study_columns(record))
    study.full_clean(exclude=["nct_id"], validate_unique=False)


# --- Rows -> record ------------------------------------------------------------------------


def _iso(day: datetime.date | None, precision: str) -> str:
    if day is None:
        return ""
    if precision == vocab.DatePrecision.YEAR:
        return f"{day:%Y}"
    if precision == vocab.DatePrecision.MONTH:
        return f"{day:%Y-%m}"
    return day.isoformat()


@dataclass
class Read:
    """A study's record as its rows say it (a ``StudyRecord.to_dict()`` shape), and the id of the
    row behind each part of each list (for the admin, which edits rows)."""

    data: dict[str, Any]
    row_ids: dict[str, list[int]] = field(default_factory=dict)
    arm_ids: list[list[int]] = field(default_factory=list)  # per intervention, its arms' ids


def read(study: Study) -> Read:
    """The record a study's rows hold; fetch ``study`` with ``Study.objects.with_parts()``.

    Arms hold their interventions' names and interventions their arms' labels, as a record
    says the link; the lists of parts come in the rows' order.
    """
    data: dict[str, Any] = {"nct_id": study.nct_id}
    row_ids: dict[str, list[int]] = defaultdict(list)
    for name, column in COLUMNS:
        value = getattr(study, column)
        data[name] = list(value) if isinstance(value, list) else value
    for name, typed in DATES.items():
        iso = _iso(getattr(study, f"{name}_date"), getattr(study, f"{name}_precision"))
        data[name] = (
            {"iso": iso, "type": getattr(study, f"{name}_type") if typed else ""} if iso else None
        )
    for name, nested in NESTED_COLUMNS.items():
        values = {part_field: getattr(study, column) for part_field, column in nested}
        data[name] = values if any(values.values()) else None
    related: dict[type[models.Model], Iterable[Any]] = {
        Condition: study.conditions.all(),
        Keyword: study.keywords.all(),
        OutcomeMeasure: study.outcomes.all(),
        Site: study.sites.all(),
        Identifier: study.identifiers.all(),
        Sponsor: study.sponsors.all(),
        Official: study.officials.all(),
        MeshTerm: study.mesh_terms.all(),
    }
    for model, table in TABLES.items():
        # In the record's order (outcomes are listed by kind for pages).
        in_order = sorted(related[model], key=lambda row: (row.position, row.pk))
        for held in table:
            rows = [row for row in in_order if held.matches(row)]
            _read_rows(held, rows, data, row_ids)
    arms = list(study.arms.all())
    interventions = list(study.interventions.all())
    data["arms"] = [
        {
            **_columns_of(arm, "arms"),
            "intervention_names": [
                intervention_label(x.type, x.name) for x in arm.interventions.all()
            ],
        }
        for arm in arms
    ]
    data["interventions"] = [
        {
            **_columns_of(x, "interventions"),
            "other_names": [n.name for n in x.other_names.all()],
            "arm_labels": [arm.label for arm in x.arms.all()],
        }
        for x in interventions
    ]
    row_ids["arms"] = [arm.pk for arm in arms]
    row_ids["interventions"] = [x.pk for x in interventions]
    arm_ids = [[arm.pk for arm in x.arms.all()] for x in interventions]
    return Read(data, dict(row_ids), arm_ids)


def _columns_of(row: models.Model, name: str, renamed: dict[str, str] | None = None) -> dict:
    renamed = renamed or {}
    return {
        part_field: getattr(row, renamed.get(part_field, spec.column or part_field))
        for part_field, spec in specs(PART_CLASSES[name])
        if spec.column is not None
    }


def _read_rows(
    held: Rows, rows: list[Any], data: dict[str, Any], row_ids: dict[str, list[int]]
) -> None:
    if held.flat:
        first = rows[0] if rows else None
        for record_field, column in held.flat.items():
            data[record_field] = getattr(first, column) if first else ""
        return
    if "" in held.renamed:  # plain names
        data[held.field] = [getattr(row, held.renamed[""]) for row in rows]
        return
    parts = [_columns_of(row, held.field, held.renamed) for row in rows]
    if isinstance(StudyRecord.__dataclass_fields__[held.field].default, tuple):
        data[held.field] = parts
        row_ids[held.field] = [row.pk for row in rows]
    else:
        data[held.field] = parts[0] if parts else None


def record_of(study: Study, **provenance: Any) -> StudyRecord:
    """The StudyRecord a study's rows hold (fetched ``with_parts()``)."""
    return StudyRecord.from_dict({**read(study).data, **provenance})
