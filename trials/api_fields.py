"""API v2's ``fields`` parameter: the parts of a study's JSON a client asks for, by name.

Each name is an area (a section or a module: ``protocolSection``, ``ConditionsModule``), a field
path (``protocolSection.identificationModule.nctId``) or a piece name, as ClinicalTrials.gov
calls its fields (``NCTId``, ``BriefTitle``, ``Condition``, ``InterventionName``,
``StartDate``, ``LeadSponsorName``); case does not matter. A name that is a branch brings all it
holds. The names come from the record's declarations (``trials.record``), so a field added there
can be asked for with no change here; a name that names nothing is refused, never ignored.

Piece names are the field's path inside its module, each list in the singular and ``Struct`` and
``Info`` left out, run together: ``armsInterventionsModule.interventions.name`` is
``InterventionName``, ``designInfo.allocation`` ``DesignAllocation``, ``startDateStruct.date``
``StartDate``, ``orgStudyIdInfo.id`` ``OrgStudyId``; in the derived and results sections the
module's first word may lead (``ConditionMeshTerm``, ``BaselineMeasureTitle``).

``held_fields`` says where the database keeps each path (a Study column, a part table's column):
the statistics and the Essie expressions of ``trials.essie`` read the values through it.
"""

import dataclasses
import functools
import re
import typing
from collections import defaultdict
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Func, Q

from trials import record as r
from trials import store, vocab
from trials.models import Arm, Intervention, OtherName, Study
from trials.record import (
    DATES,
    PART_CLASSES,
    PartialDate,
    Spec,
    StudyRecord,
    part_classes,
    spec_of,
    specs,
)

SECTIONS = {
    "protocolSection",
    "resultsSection",
    "annotationSection",
    "documentSection",
    "derivedSection",
}
_SEPARATOR = re.compile(r"\s*[,|]\s*")
_WORDS = re.compile(r"[A-Z]?[a-z]+")


class UnknownField(ValueError):
    """A name in ``fields`` that names no field this registry holds."""


@dataclasses.dataclass(frozen=True)
class Declared:
    """The record field a path of the field tree holds: its class, its name and its ``Spec``."""

    owner: type
    name: str
    spec: Spec


@functools.cache
def field_tree() -> dict[str, bool]:
    """Every path a study's API v2 JSON may hold, and whether its value is a list."""
    return _walk()[0]


@functools.cache
def declared_fields() -> dict[str, Declared]:
    """The record field behind each path that has one (a branch such as ``designInfo`` has
    none; a typed date's ``date`` and ``type`` are its struct's field)."""
    return _walk()[1]


@functools.cache
def _walk() -> tuple[dict[str, bool], dict[str, Declared]]:
    tree: dict[str, bool] = {}
    declared: dict[str, Declared] = {}

    def add(path: str, is_list: bool) -> None:
        segments = path.split(".")
        for end in range(1, len(segments)):
            tree.setdefault(".".join(segments[:end]), False)
        tree[path] = is_list or tree.get(path, False)

    def walk(cls: type, prefix: str) -> None:
        nested = part_classes(cls)
        defaults = {field.name: field.default for field in dataclasses.fields(cls)}
        for name, spec in specs(cls):
            part = nested.get(name)
            grouping = getattr(part, "GROUPING", None)
            if spec.provenance:
                continue
            if part is not None and grouping is not None:
                for path, _ in grouping.paths():
                    add(prefix + path, True)
                    declared[prefix + path] = Declared(cls, name, spec)
                    walk(part, f"{prefix}{path}.")
                continue
            if not spec.api:
                continue
            path = prefix + spec.api
            add(path, isinstance(defaults[name], tuple))
            declared[path] = Declared(cls, name, spec)
            if part is not None:
                walk(part, path + ".")
            elif spec.typed:
                add(path + ".date", False)
                add(path + ".type", False)

    walk(StudyRecord, "")
    return tree, declared


@dataclasses.dataclass(frozen=True)
class Kind:
    """What a node of the field tree holds: ``source_type`` as the registry keeps it (TEXT,
    MARKUP, ENUM, BOOLEAN, INTEGER, NUMBER, DATE, STRUCT) and ``api_type`` as API v2 names it
    (``text``, ``markup``, the enum's name, ``boolean``, ``PartialDate``..., ``[]`` for a list)."""

    source_type: str
    api_type: str
    choices: type[vocab.TextChoices] | None = None


@functools.cache
def kind_of(path: str) -> Kind:
    """The kind of the node at ``path`` of ``field_tree()``."""
    tree = field_tree()
    suffix = "[]" if tree[path] else ""
    parent, _, name = path.rpartition(".")
    declared = declared_fields()
    if path not in declared and parent in declared and declared[parent].spec.typed:
        # A typed date's struct: its date and whether the date is actual or estimated.
        if name == "date":
            return Kind("DATE", "PartialDate")
        return Kind("ENUM", vocab.DateType.__name__, vocab.DateType)
    held = declared.get(path)
    if held is None:
        return Kind("STRUCT", name[:1].upper() + name[1:] + suffix)
    part = part_classes(held.owner).get(held.name)
    if part is not None:
        return Kind("STRUCT", part.__name__ + suffix)
    if held.spec.typed:
        return Kind("STRUCT", "PartialDateStruct")
    if held.spec.choices is not None:
        return Kind("ENUM", held.spec.choices.__name__ + suffix, held.spec.choices)
    if held.spec.markup:
        return Kind("MARKUP", "markup" + suffix)
    hint = typing.get_type_hints(held.owner)[held.name]
    held_types = set(typing.get_args(hint)) or {hint}
    for python_type, source_type in (
        (PartialDate, "DATE"),
        (bool, "BOOLEAN"),
        (int, "INTEGER"),
        (float, "NUMBER"),
    ):
        if python_type in held_types:
            return Kind(
                source_type, "PartialDate" if python_type is PartialDate else source_type.lower()
            )
    return Kind("TEXT", "text" + suffix)


_PLURALS = (
    ("aliases", "alias"),
    ("leaves", "leaf"),
    ("ies", "y"),
    ("yses", "ysis"),
    ("sses", "ss"),
    ("shes", "sh"),
    ("ches", "ch"),
    ("xes", "x"),
    ("s", ""),
)


def _singular(word: str) -> str:
    lowered = word.lower()
    for plural, single in _PLURALS:
        if lowered.endswith(plural) and not lowered.endswith("ss"):
            stem = word[: -len(plural)]
            return stem + (_upper_first(single) if word[len(stem)].isupper() else single)
    return word


def _upper_first(word: str) -> str:
    return word[:1].upper() + word[1:]


def _pieces(path: str, tree: dict[str, bool]) -> list[str]:
    """The piece names of the node at ``path``, UpperCamel: its own first, then the ones a
    derived or results module's first or last word leads."""
    segments = path.split(".")
    start = 1 if segments[0] in SECTIONS else 0
    module = ""
    if len(segments) > start and segments[start].endswith("Module"):
        module, start = segments[start], start + 1
    inner = segments[start:]
    if not inner:  # a section or a module: its name as it is
        return [_upper_first(segments[-1])]
    words = []
    for index, segment in enumerate(inner):
        word = segment
        if tree.get(".".join(segments[: start + index + 1])):
            word = _singular(word)
        for suffix in ("Struct", "Info"):
            if word.endswith(suffix) and len(word) > len(suffix):
                word = word.removesuffix(suffix)
        words.append("org" if word == "organization" else word)
    if len(inner) > 1 and inner[-2].endswith("Struct") and inner[-1] == "date":
        words.pop()  # startDateStruct.date is the start date itself
    piece = _upper_first(words[0])
    for word in words[1:]:
        if not piece.lower().endswith(word.lower()):  # orgStudyId + id: OrgStudyId
            piece += _upper_first(word)
    pieces = [piece]
    if segments[0] in ("derivedSection", "resultsSection") and module:
        # The module's first or last word may lead: ConditionMeshTerm, FlowPeriodTitle.
        words = _WORDS.findall(module.removesuffix("Module"))
        pieces += [_upper_first(words[0]) + piece, _upper_first(words[-1]) + piece]
    return pieces


def _names_of(path: str, tree: dict[str, bool]) -> set[str]:
    """The names a client may give the node at ``path`` (lower case)."""
    segments = path.split(".")
    names = {path.lower(), *(piece.lower() for piece in _pieces(path, tree))}
    start = 1 if segments[0] in SECTIONS else 0
    if len(segments) > start and segments[start].endswith("Module"):
        start += 1
    if len(segments) - start <= 1:  # a module's own field: its name as it is, too
        names.add(segments[-1].lower())
    return names


# Words ClinicalTrials.gov spells in capitals within a piece name (NCTId, IsFDARegulatedDrug).
_CAPITALS = {
    word.capitalize(): word
    for word in ("NCT", "FDA", "FDAAA801", "IPD", "DMC", "PPSD", "US", "SAP", "ICF", "URL", "MCP")
}
_CAMEL_WORDS = re.compile(r"[A-Z][a-z0-9]*|[a-z0-9]+")


def piece_of(path: str) -> str:
    """The piece name of the node at ``path``, as ClinicalTrials.gov spells it (``NCTId``,
    ``InterventionName``, ``ConditionMeshTerm``): of its names, the first that names it alone."""
    known = _paths_by_name()
    pieces = _candidates(path)
    piece = next((p for p in pieces if known.get(p.lower()) == {path}), pieces[0])
    return _spelt(piece)


def other_pieces_of(path: str) -> list[str]:
    """The node's other piece names that name it (``BrowseMeshTerm`` beside
    ``ConditionMeshTerm``), as ``piece_of`` spells them."""
    own = piece_of(path).lower()
    known = _paths_by_name()
    others = [p for p in _candidates(path) if path in known.get(p.lower(), ())]
    return [_spelt(p) for p in dict.fromkeys(others) if p.lower() != own]


def _candidates(path: str) -> list[str]:
    """Its pieces, then (a module's own field) its name as it is: ``StartDateStruct`` names the
    struct alone where ``StartDate`` also names its date."""
    segments = path.split(".")
    start = 1 if segments[0] in SECTIONS else 0
    if len(segments) > start and segments[start].endswith("Module"):
        start += 1
    own = [_upper_first(segments[-1])] if len(segments) - start == 1 else []
    return [*_pieces(path, field_tree()), *own]


def _spelt(piece: str) -> str:
    return "".join(_CAPITALS.get(word, word) for word in _CAMEL_WORDS.findall(piece))


@functools.cache
def _paths_by_name() -> dict[str, frozenset[str]]:
    tree = field_tree()
    found: dict[str, set[str]] = defaultdict(set)
    for path in tree:
        for name in _names_of(path, tree):
            found[name].add(path)
    return {name: frozenset(paths) for name, paths in found.items()}


def paths_named(raw: str) -> frozenset[str]:
    """The paths the ``fields`` parameter names; UnknownField for a name that names none."""
    names = [name for name in _SEPARATOR.split(raw.strip()) if name]
    if not names:
        raise UnknownField("give at least one field name")
    known = _paths_by_name()
    paths: set[str] = set()
    for name in names:
        if name.lower() not in known:
            raise UnknownField(f"{name!r} is not a field, piece or area name")
        paths |= known[name.lower()]
    return frozenset(paths)


def select(study: dict[str, Any], paths: frozenset[str]) -> dict[str, Any]:
    """The parts of an API v2 study object at these paths (whole, where a path is a branch)."""
    return _select(study, "", paths)


def _select(node: dict[str, Any], prefix: str, paths: frozenset[str]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in node.items():
        path = prefix + key
        if path in paths:
            kept[key] = value
        elif any(wanted.startswith(path + ".") for wanted in paths):
            if isinstance(value, dict):
                if inner := _select(value, path + ".", paths):
                    kept[key] = inner
            elif isinstance(value, list):
                items = [
                    _select(item, path + ".", paths) if isinstance(item, dict) else item
                    for item in value
                ]
                if items := [item for item in items if item not in ({}, None)]:
                    kept[key] = items
    return kept


def fields_for(paths: frozenset[str]) -> frozenset[str]:
    """The record fields whose values stand at or under these paths, and the status fields
    every answer is restated by (``export.study_to_api``): what a page of them reads."""
    return frozenset(
        name
        for name, regions in _regions().items()
        if name in STATUS_FIELDS
        or any(_overlap(path, region) for path in paths for region in regions)
    )


# An answer's status is restated from these (a stale claim of recruiting is unknown), whatever
# else it holds.
STATUS_FIELDS = ("overall_status", "last_known_status", "status_verified")


def _overlap(path: str, region: str) -> bool:
    """Whether the one path holds the other (or they are the same)."""
    return path == region or path.startswith(region + ".") or region.startswith(path + ".")


@functools.cache
def _regions() -> dict[str, tuple[str, ...]]:
    """Each record field an answer shows, and the API v2 paths its values stand at."""
    regions: dict[str, tuple[str, ...]] = {}
    for name, spec in specs(StudyRecord):
        grouping = getattr(PART_CLASSES.get(name), "GROUPING", None)
        if spec.provenance:
            continue
        if grouping is not None:
            regions[name] = tuple(path for path, _ in grouping.paths())
        elif spec.api:
            regions[name] = (spec.api,)
    return regions


def part_paths() -> list[str]:
    """Every API v2 path where parts kept in tables of their own stand."""
    return sorted({path for name in store.TABLE_FIELDS for path in _regions().get(name, ())})


# --- Where the database holds each field -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Held:
    """Where the database holds the values of one path: ``column`` of the rows of ``model``
    that ``where`` picks (None: the path is a part, its rows are the values), each row
    belonging to the study ``study`` names."""

    model: type[models.Model]
    column: str | None
    where: Q
    study: str = "study_id"
    array: bool = False  # the column holds a list (Study.phases): each element is a value

    def rows(self) -> "models.QuerySet[Any]":
        """``sid`` (the study) and, for a column, ``val`` (one value) of every row held."""
        rows = self.model._default_manager.filter(self.where).order_by()
        if self.column is None:
            return rows.values(sid=F(self.study))
        value = Func(F(self.column), function="unnest") if self.array else F(self.column)
        return rows.values(sid=F(self.study), val=value)


@functools.cache
def held_fields() -> dict[str, Held]:
    """Each path of the field tree the database keeps in a column or a table of parts, and
    where: derived from the store's declarations (``trials.store``: Study columns, part tables
    and the tables of parts within parts), so a field added there is counted with no change
    here. Dates are kept as a first day and a precision, not as the record writes them, and
    are left out; so are arm and intervention labels, kept as links."""
    tree = field_tree()
    held: dict[str, Held] = {}

    def put(path: str, model: type[models.Model], column: str, where: Q, study: str) -> None:
        try:
            field = model._meta.get_field(column)
        except FieldDoesNotExist:
            return  # kept otherwise (arms and interventions name each other through links)
        if path in tree:
            held[path] = Held(model, field.name, where, study, isinstance(field, ArrayField))

    def parts(cls: type, model: type[models.Model], base: str, where: Q, renamed: dict) -> None:
        held[base] = Held(model, None, where)
        for name, spec in r.specs(cls):
            if not spec.api:
                continue
            path = f"{base}.{spec.api}"
            if (inner := r.part_classes(cls).get(name)) is not None:
                if child := store.CHILDREN.get((cls, name)):
                    under = model._default_manager.filter(where).values("pk")
                    within = Q(**child.fixed) & Q(**{f"{child.parent}__in": under})
                    parts(inner, child.model, path, within, {})
                continue
            put(path, model, renamed.get(name, spec.column or name), where, "study_id")

    for name, column in store.COLUMNS:
        put(spec_of(StudyRecord, name).api, Study, column, Q(), "pk")
    for name, typed in DATES.items():
        if typed:
            put(f"{spec_of(StudyRecord, name).api}.type", Study, f"{name}_type", Q(), "pk")
    for name, columns in store.NESTED_COLUMNS.items():
        base = spec_of(StudyRecord, name).api
        for field, column in columns:
            put(f"{base}.{spec_of(PART_CLASSES[name], field).api}", Study, column, Q(), "pk")
    for model, table in store.TABLES.items():
        for rows in table:
            where = Q(**rows.fixed)
            for field, column in rows.flat.items():
                put(spec_of(StudyRecord, field).api, model, column, where, "study_id")
            cls = PART_CLASSES.get(rows.field)
            if rows.flat:
                continue
            if cls is None:  # a list of names: a row each
                put(
                    spec_of(StudyRecord, rows.field).api, model, rows.renamed[""], where, "study_id"
                )
                continue
            grouping = getattr(cls, "GROUPING", None)
            bases = grouping.paths() if grouping else [(spec_of(StudyRecord, rows.field).api, {})]
            for base, values in bases:
                parts(cls, model, base, where & Q(**values), rows.renamed)
    for name, model in (("arms", Arm), ("interventions", Intervention)):
        parts(PART_CLASSES[name], model, spec_of(StudyRecord, name).api, Q(), {})
    put(
        f"{spec_of(StudyRecord, 'interventions').api}.otherNames",
        OtherName,
        "name",
        Q(),
        "intervention__study_id",
    )
    return held
