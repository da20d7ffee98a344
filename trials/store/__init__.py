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
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from trials import models as m
from trials import places, vocab
from trials import record as r
from trials.models import (
    Arm,
    Condition,
    Identifier,
    IdentifierKind,
    Intervention,
    InterventionArm,
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
    part_classes,
    spec_of,
    specs,
)
from trials.search import refresh_search_many

from .copy import copy_rows, reserve_ids, update_rows

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


# A single part as it is when the record has none: what its columns hold then.
_EMPTY: dict[str, Any] = {name: PART_CLASSES[name]() for name in NESTED_COLUMNS}


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
    m.Contact: (Rows("central_contacts", fixed={"site_id": None}),),
    m.Reference: (Rows("references"),),
    m.SeeAlsoLink: (Rows("see_also_links"),),
    m.AvailableIpd: (Rows("available_ipds"),),
    m.Document: (Rows("documents"),),
    m.BrowseLeaf: (Rows("browse_leaves"),),
    m.BrowseBranch: (Rows("browse_branches"),),
    m.UnpostedEvent: (Rows("unposted_events"),),
    m.ViolationEvent: (Rows("violation_events"),),
    m.SubmissionInfo: (Rows("submission_infos"),),
    m.ResultGroup: (
        Rows("flow_groups", fixed={"module": vocab.ResultsModule.FLOW}),
        Rows("baseline_groups", fixed={"module": vocab.ResultsModule.BASELINE}),
    ),
    m.FlowPeriod: (Rows("flow_periods"),),
    m.Denom: (
        Rows(
            "baseline_denoms",
            fixed={"baseline_measure_id": None, "outcome_id": None, "measure_class_id": None},
        ),
    ),
    m.BaselineMeasure: (Rows("baseline_measures"),),
    m.OutcomeResult: (Rows("outcome_results"),),
    m.EventGroup: (Rows("event_groups"),),
    m.AdverseEvent: (Rows("adverse_events"),),
}


@dataclass(frozen=True)
class Child:
    """The table of a part's own parts (a site's contacts): its model, the column that points at
    the parent row, and the columns that tell these rows from others of the same table."""

    model: type[models.Model]
    parent: str
    fixed: dict[str, Any] = dataclasses.field(default_factory=dict)


# Parts within parts: (the parent part's class, its field) -> where those parts are kept.
CHILDREN: dict[tuple[type, str], Child] = {
    (r.Site, "contacts"): Child(m.Contact, "site_id"),
    (r.Reference, "retractions"): Child(m.Retraction, "reference_id"),
    (r.FlowPeriod, "milestones"): Child(m.FlowMilestone, "period_id"),
    (r.FlowPeriod, "drop_withdraws"): Child(m.DropWithdraw, "period_id"),
    (r.FlowMilestone, "achievements"): Child(m.FlowCount, "milestone_id"),
    (r.DropWithdraw, "reasons"): Child(m.FlowCount, "drop_withdraw_id"),
    (r.BaselineMeasure, "denoms"): Child(m.Denom, "baseline_measure_id"),
    (r.BaselineMeasure, "classes"): Child(m.MeasureClass, "baseline_measure_id"),
    (r.OutcomeResult, "groups"): Child(
        m.ResultGroup, "outcome_id", {"module": vocab.ResultsModule.OUTCOME}
    ),
    (r.OutcomeResult, "denoms"): Child(m.Denom, "outcome_id"),
    (r.OutcomeResult, "classes"): Child(m.MeasureClass, "outcome_id"),
    (r.OutcomeResult, "analyses"): Child(m.Analysis, "outcome_id"),
    (r.MeasureClass, "denoms"): Child(m.Denom, "measure_class_id"),
    (r.MeasureClass, "categories"): Child(m.MeasureCategory, "measure_class_id"),
    (r.MeasureCategory, "measurements"): Child(m.Measurement, "category_id"),
    (r.Denom, "counts"): Child(m.DenomCount, "denom_id"),
    (r.AdverseEvent, "stats"): Child(m.EventStat, "event_id"),
}
# The columns of part tables that point at a parent part's row.
_POINTERS = tuple(dict.fromkeys((child.model, child.parent) for child in CHILDREN.values()))
# Every table of a study's parts, for replacing them (deleting arms and interventions takes
# their other names and links with them).
PART_MODELS: tuple[type[models.Model], ...] = tuple(
    dict.fromkeys([*TABLES, *(child.model for child in CHILDREN.values()), Arm, Intervention])
)


def _site_place(site: r.Site) -> dict[str, Any]:
    place = places.site_place(
        site.city, site.state, site.zip, site.country, site.latitude, site.longitude
    )
    return {
        "place_country": place.country,
        "place_region": place.region,
        "place_latitude": place.latitude,
        "place_longitude": place.longitude,
        "place_source": place.source,
    }


# Columns a part's row holds beyond its record's fields, derived from them whenever the row is
# written (an import, an admin edit, a revert): where a site is (``trials.places``).
DERIVED: dict[type[models.Model], Callable[[Any], dict[str, Any]]] = {Site: _site_place}

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
            columns[column] = getattr(part or _EMPTY[name], part_field)
    # The written ages in days, so "who can a 70-year-old join" is a range query.
    columns["minimum_age_days"] = vocab.age_in_days(record.minimum_age)
    columns["maximum_age_days"] = vocab.age_in_days(record.maximum_age)
    columns["record_hash"] = record.content_hash()
    return columns


Tables = dict[type[models.Model], list[dict[str, Any]]]


def _table_rows(record: StudyRecord, table: tuple[Rows, ...]) -> list[tuple[dict[str, Any], Any]]:
    """The rows of one table a record fills, each with the part it holds (None: plain values)."""
    rows: list[tuple[dict[str, Any], Any]] = []
    for held in table:
        if held.flat:
            if getattr(record, next(iter(held.flat))):
                flat = {c: getattr(record, f) for f, c in held.flat.items()}
                rows.append(({**held.fixed, **flat}, None))
            continue
        value = getattr(record, held.field)
        if not value:  # most records hold most of their lists empty
            continue
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if dataclasses.is_dataclass(item):
                rows.append(({**held.fixed, **_part_columns(item, held.renamed)}, item))
            else:
                rows.append(({**held.fixed, held.renamed[""]: item}, None))
    return rows


def part_rows(studies: Sequence[tuple[int, StudyRecord]]) -> Tables:
    """The rows of every part of many studies (by id), ids and pointers given, ready to COPY."""
    tables: Tables = defaultdict(list)
    parents: set[type[models.Model]] = set()  # tables whose rows others point at
    for study_id, record in studies:
        for model, held in TABLES.items():
            derive = DERIVED.get(model)
            for i, (columns, item) in enumerate(_table_rows(record, held)):
                row = {"study_id": study_id, "position": i, **columns}
                if derive is not None:
                    row.update(derive(item))
                tables[model].append(row)
                if item is not None:
                    _children(item, model, row, tables, parents)
    _arms_and_interventions(studies, tables)
    # A part's own parts point at its row: give those tables' rows their ids (all of them: a
    # COPY sends ids for every row or none), then turn the pointers into ids.
    for model in parents:
        for row, row_id in zip(tables[model], reserve_ids(model, len(tables[model])), strict=True):
            row["id"] = row_id
    for model, column in _POINTERS:
        for row in tables.get(model, ()):
            parent = row.get(column)
            if parent is not None:  # a table's rows may have one of several parents, or none
                row[column] = parent["id"]
    return tables


def _children(
    part: Any,
    model: type[models.Model],
    row: dict[str, Any],
    tables: Tables,
    parents: set[type[models.Model]],
) -> None:
    """The rows of a part's own parts (a site's contacts, a measure's classes...), at any depth;
    each points at its parent's row (the dict, until ids are given)."""
    cls: type = type(part)
    for name in part_classes(cls):
        child = CHILDREN[cls, name]
        items = getattr(part, name)
        if items:
            parents.add(model)
        for i, item in enumerate(items):
            columns = {"study_id": row["study_id"], "position": i, **child.fixed}
            child_row = {**columns, **_part_columns(item), child.parent: row}
            tables[child.model].append(child_row)
            _children(item, child.model, child_row, tables, parents)


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
        linked: dict[int, int] = defaultdict(int)  # per intervention, its arms so far
        for xi, ai in arm_links(record):
            tables[InterventionArm].append(
                {"intervention_id": interventions[xi], "arm_id": arms[ai], "position": linked[xi]}
            )
            linked[xi] += 1


def _part_columns(part: Any, renamed: dict[str, str] | None = None) -> dict[str, Any]:
    """A part's columns: each declared field under its column (or the table's name for it)."""
    cls: type = type(part)
    return _part_reader(cls, tuple(renamed.items()) if renamed else ())(part)


@functools.cache
def _part_reader(cls: type, renamed: tuple[tuple[str, str], ...]) -> Callable[[Any], dict]:
    """The function giving a part's columns, made once per part class: the hot loop of an
    import reads a quarter of a million parts per four thousand studies."""
    names = dict(renamed)
    pairs = [(name, names.get(name, column)) for name, column in _columns_of_part(cls)]
    columns = [column for _, column in pairs]
    get = operator.attrgetter(*(name for name, _ in pairs))
    # Lists of names or enum values go to array columns: lists, not tuples.
    defaults = {f.name: f.default for f in dataclasses.fields(cls)}
    arrays = [i for i, (name, _) in enumerate(pairs) if defaults.get(name) == ()]
    one = len(pairs) == 1  # then attrgetter gives the value itself, not a tuple

    def read(part: Any) -> dict[str, Any]:
        values = [get(part)] if one else list(get(part))
        for i in arrays:
            values[i] = list(values[i])
        return dict(zip(columns, values, strict=True))

    return read


@functools.cache
def _columns_of_part(cls: type) -> tuple[tuple[str, str], ...]:
    """(field, column) of each field of a part class kept in a column (its own parts are not)."""
    return tuple(
        (name, spec.column or name) for name, spec in specs(cls) if spec.column is not None
    )


@dataclass(frozen=True)
class Prepared:
    """The rows that make studies say what their records say, built and given their ids but not
    yet written: ``prepare`` needs no transaction, so an import builds the next batch's rows
    while the database writes this one's (``save``)."""

    ids: list[int]  # the studies', in the order given
    created: list[dict[str, Any]]  # Study rows to insert
    rewritten: list[dict[str, Any]]  # Study rows of existing studies, their parts replaced
    parts: Tables


def prepare(items: Sequence[tuple[int | None, StudyRecord]]) -> Prepared:
    """The rows of studies, new ones (id None) given fresh ids from the tables' sequences."""
    now = timezone.now()
    new = [record for study_id, record in items if study_id is None]
    fresh = iter(reserve_ids(Study, len(new)))
    ids = [study_id if study_id is not None else next(fresh) for study_id, _ in items]
    created = [
        {
            "id": study_id,
            "nct_id": record.nct_id,
            "created_at": now,
            "updated_at": now,
            **study_columns(record),
        }
        for study_id, (given, record) in zip(ids, items, strict=True)
        if given is None
    ]
    rewritten = [
        {"id": study_id, "updated_at": now, **study_columns(record)}
        for study_id, record in items
        if study_id is not None
    ]
    parts = part_rows(list(zip(ids, (record for _, record in items), strict=True)))
    return Prepared(ids, created, rewritten, parts)


def save(prepared: Prepared, *, lexicon: bool = True) -> list[int]:
    """Write prepared rows, and the search rows they make. Call it inside a transaction."""
    copy_rows(Study, prepared.created)
    if prepared.rewritten:
        update_rows(Study, prepared.rewritten)
        old_ids = [row["id"] for row in prepared.rewritten]
        for part in PART_MODELS:
            part._default_manager.filter(study_id__in=old_ids).delete()
    for model, rows in prepared.parts.items():
        copy_rows(model, rows)
    refresh_search_many(prepared.ids, lexicon=lexicon)
    return prepared.ids


def write(items: Sequence[tuple[int | None, StudyRecord]], *, lexicon: bool = True) -> list[int]:
    """Make studies say what their records say: new ones (id None) inserted, the rest rewritten.

    The one path for every change of a study's content. Call it inside a transaction; it returns
    the studies' ids in order. ``lexicon=False`` leaves the browse counts for a later rebuild.
    """
    return save(prepare(items), lexicon=lexicon)


def validate(record: StudyRecord) -> None:
    """Raise ValidationError if the record's Study columns break a field's rules (a value too
    long for its column, an unknown enum value) so a refusal can say which field and why."""
    # The NCT ID is checked by the record itself, and is unique by the writer's lookup. The
    # table's check constraints are left to the database, which names the one a row breaks:
    # validating them here would cost a query each, for every study of a batch.
    study = Study(nct_id=record.nct_id, **study_columns(record))
    study.full_clean(exclude=["nct_id"], validate_unique=False, validate_constraints=False)


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


def read(study: Study, fields: Collection[str] | None = None) -> Read:
    """The record a study's rows hold; fetch ``study`` with ``Study.objects.with_parts()``.

    Arms hold their interventions' names and interventions their arms' labels, as a record
    says the link; the lists of parts come in the rows' order. Given ``fields``, only those
    are read (the rest are absent): fetch the study with ``with_parts(tables_for(fields))``
    and ``only(*columns_for(fields))``, as a page of chosen API fields does for a thousand
    studies.
    """
    asked = (lambda name: True) if fields is None else set(fields).__contains__
    data: dict[str, Any] = {"nct_id": study.nct_id}
    row_ids: dict[str, list[int]] = defaultdict(list)
    for name, column in COLUMNS:
        if asked(name):
            value = getattr(study, column)
            data[name] = list(value) if isinstance(value, list) else value
    for name, typed in DATES.items():
        if asked(name):
            iso = _iso(getattr(study, f"{name}_date"), getattr(study, f"{name}_precision"))
            data[name] = (
                {"iso": iso, "type": getattr(study, f"{name}_type") if typed else ""}
                if iso
                else None
            )
    for name, nested in NESTED_COLUMNS.items():
        if asked(name):
            values = {part_field: getattr(study, column) for part_field, column in nested}
            data[name] = values if any(v not in ("", None) for v in values.values()) else None
    tree = _Tree(study)
    for model, table in TABLES.items():
        for held in table:
            if asked(held.field) or any(map(asked, held.flat)):
                rows = [row for row in tree.rows(model) if held.matches(row)]
                _read_rows(held, rows, data, row_ids, tree)
    linked = asked("arms") or asked("interventions")  # each says the other's names
    arms = list(study.arms.all()) if linked else []
    interventions = list(study.interventions.all()) if linked else []
    arm_of = {arm.pk: arm for arm in arms}
    # Each intervention's arms in the order its record lists them (links prefetched by position).
    arms_of = [[arm_of[link.arm_id] for link in x.arm_links.all()] for x in interventions]
    data["arms"] = [
        {
            **tree.part(PART_CLASSES["arms"], arm),
            "intervention_names": [
                intervention_label(x.type, x.name) for x in arm.interventions.all()
            ],
        }
        for arm in arms
    ]
    data["interventions"] = [
        {
            **tree.part(PART_CLASSES["interventions"], x),
            "other_names": [n.name for n in x.other_names.all()],
            "arm_labels": [arm.label for arm in linked],
        }
        for x, linked in zip(interventions, arms_of, strict=True)
    ]
    row_ids["arms"] = [arm.pk for arm in arms]
    row_ids["interventions"] = [x.pk for x in interventions]
    arm_ids = [[arm.pk for arm in linked] for linked in arms_of]
    return Read(data, dict(row_ids), arm_ids)


@functools.cache
def _accessor(model: type[models.Model]) -> str:
    """The study's name for its rows of a part table (its part tables' link, reversed): asked
    for each table of each study read, a thousand studies a page."""
    study = model._meta.get_field("study")
    assert isinstance(study, models.ForeignKey)  # every part table's link to its study
    return study.remote_field.get_accessor_name() or ""


class _Tree:
    """A study's rows of every part table (prefetched with ``with_parts()``), in the record's
    order, and each part's own parts by the row they point at."""

    def __init__(self, study: Study) -> None:
        self.study = study
        self._rows: dict[type[models.Model], list[Any]] = {}
        self._under: dict[tuple[type[models.Model], str], dict[int, list[Any]]] = {}

    def rows(self, model: type[models.Model]) -> list[Any]:
        if model not in self._rows:
            # In the record's order (outcomes are listed by kind for pages).
            rows = getattr(self.study, _accessor(model)).all()
            self._rows[model] = sorted(rows, key=lambda row: (row.position, row.pk))
        return self._rows[model]

    def under(self, child: Child, parent_id: int) -> list[Any]:
        key = (child.model, child.parent)
        if key not in self._under:
            grouped: dict[int, list[Any]] = defaultdict(list)
            for row in self.rows(child.model):
                if all(getattr(row, k) == v for k, v in child.fixed.items()):
                    grouped[getattr(row, child.parent)].append(row)
            self._under[key] = grouped
        return self._under[key].get(parent_id, [])

    def part(self, cls: type, row: models.Model, renamed: dict[str, str] | None = None) -> dict:
        """The record dict of the part ``row`` holds, with its own parts."""
        renamed = renamed or {}
        data = {
            part_field: getattr(row, renamed.get(part_field, column))
            for part_field, column in _columns_of_part(cls)
        }
        for name, child_cls in part_classes(cls).items():
            child = CHILDREN[cls, name]
            data[name] = [self.part(child_cls, sub) for sub in self.under(child, row.pk)]
        return data


def _read_rows(
    held: Rows,
    rows: list[Any],
    data: dict[str, Any],
    row_ids: dict[str, list[int]],
    tree: _Tree,
) -> None:
    if held.flat:
        first = rows[0] if rows else None
        for record_field, column in held.flat.items():
            data[record_field] = getattr(first, column) if first else ""
        return
    if "" in held.renamed:  # plain names
        data[held.field] = [getattr(row, held.renamed[""]) for row in rows]
        return
    parts = [tree.part(PART_CLASSES[held.field], row, held.renamed) for row in rows]
    if isinstance(StudyRecord.__dataclass_fields__[held.field].default, tuple):
        data[held.field] = parts
        row_ids[held.field] = [row.pk for row in rows]
    else:
        data[held.field] = parts[0] if parts else None


def record_of(study: Study, **provenance: Any) -> StudyRecord:
    """The StudyRecord a study's rows hold (fetched ``with_parts()``)."""
    return StudyRecord.from_dict({**read(study).data, **provenance})


# --- Which tables hold which fields ----------------------------------------------------------


@functools.cache
def tables_of(field_name: str) -> frozenset[type[models.Model]]:
    """The part tables that hold a record field (a site's contacts with the sites, conditions'
    names); none for a field kept in Study columns."""
    held = {
        model
        for model, rows in TABLES.items()
        if any(r.field == field_name or field_name in r.flat for r in rows)
    }
    if field_name in ("arms", "interventions"):
        # Linked to each other: each says the other's names (read() pairs them).
        held |= {Arm, Intervention, m.OtherName, m.InterventionArm}

    def within(part: type) -> set[type[models.Model]]:
        found: set[type[models.Model]] = set()
        for (parent, sub_field), child in CHILDREN.items():
            if parent is part:
                found |= {child.model, *within(r.part_classes(part)[sub_field])}
        return found

    cls = PART_CLASSES.get(field_name)
    return frozenset(held | (within(cls) if cls is not None else set()))


def tables_for(fields: Collection[str]) -> frozenset[type[models.Model]]:
    """The part tables that hold any of these record fields."""
    return frozenset(model for name in fields for model in tables_of(name))


def columns_for(fields: Collection[str]) -> list[str]:
    """The Study columns that hold these record fields, with the study's id and NCT ID: what
    ``read(study, fields)`` reads of the study's own row."""
    asked = set(fields)
    columns = ["id", "nct_id", *(column for name, column in COLUMNS if name in asked)]
    for name, typed in DATES.items():
        if name in asked:
            columns += [f"{name}_date", f"{name}_precision", *([f"{name}_type"] if typed else [])]
    for name, nested in NESTED_COLUMNS.items():
        if name in asked:
            columns += [column for _, column in nested]
    return columns


# Every record field kept in part tables rather than Study columns.
TABLE_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys([*(r.field for rows in TABLES.values() for r in rows), "arms", "interventions"])
)
