"""The fields an Essie ``AREA[Field]`` may name, and how each is searched: API v2 piece names
(``LocationCity``, ``StartDate``) or field paths, resolved by ``trials.api_fields`` to where
the database holds their values (``held_fields``), each a condition on SearchMatch rows.

Where SearchMatch holds the value itself (the coded facets, the three dates, the enrollment,
the ages in days) the condition is on its own narrow row; otherwise it is an IN over the
study's own row or its part rows (sites, interventions, conditions...), one subquery whatever
the number of matches.
"""

import datetime
import functools
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db.models import F, Func, Model, Q, QuerySet, Value
from django.db.models.lookups import EndsWith, Exact, StartsWith

from trials import api_fields, vocab
from trials.api_fields import Held
from trials.models import Intervention, SearchMatch, Sponsor, Study
from trials.models.search import SearchKey
from trials.record import DATES, StudyRecord, spec_of
from trials.search import CODED, TsQuery
from trials.search.layout import CONFIG, FIELDS, MAX_FIELD_CHARS, Coded
from trials.search.query import Matches

from .parse import EssieError


class Vector(Func):
    """A text column as a tsvector, cut as the search document cuts each text."""

    template = f"to_tsvector('{CONFIG}'::regconfig, left(%(expressions)s::text, {MAX_FIELD_CHARS}))"
    output_field = SearchVectorField()


@dataclass(frozen=True)
class Field:
    """One field an AREA names: how its values are read (``kind``: TEXT, ENUM, BOOLEAN,
    INTEGER, NUMBER, DATE, AGE) and where they are held."""

    name: str  # as the expression wrote it, for messages
    kind: str
    held: Held
    choices: type[vocab.TextChoices] | None = None
    coded: Coded | None = None  # an enumerated facet SearchMatch holds as a code
    column: str = ""  # the SearchMatch column holding the value itself, if any
    within: bool = False  # a condition on the part's own row (SEARCH[Location])

    def rows(self, condition: Q) -> Q:
        """SearchMatch rows of the studies holding a value that meets ``condition`` (within
        SEARCH[...]: the part rows themselves)."""
        if self.column or self.within:
            return condition
        held = self.held
        if held.model is Study:
            return Q(pk__in=Study.objects.filter(condition).values("pk"))
        parts: QuerySet[Model] = held.model._default_manager.filter(held.where, condition)
        return Q(pk__in=parts.values(held.study))

    @property
    def target(self) -> str:
        return self.column or self.held.column or ""

    def missing(self) -> Q:
        """Studies holding no value of the field."""
        if self.coded is not None:
            column = self.coded.column
            return Q(**{column: 0}) if self.coded.several else Q(**{f"{column}__isnull": True})
        present = ~Q(**{f"{self.target}__isnull": True})
        if self.kind in ("TEXT", "ENUM") and not self.held.array:
            present &= ~Q(**{self.target: ""})
        elif self.held.array:
            present &= ~Q(**{self.target: []})
        return ~self.rows(present)

    def words(self, text: str, position: int, *, variants: bool, coverage: str) -> Q:
        """Studies whose value holds the words (TEXT), or is the value written (others)."""
        if self.kind == "TEXT":
            return self._text(text, variants=variants, coverage=coverage)
        if self.kind == "ENUM":
            value = _enum_value(self, text, position)
            if self.coded is not None:
                return self.coded.any_of([value])
            lookup = "contains" if self.held.array else "exact"
            return self.rows(
                Q(**{f"{self.target}__{lookup}": [value] if self.held.array else value})
            )
        if self.kind == "BOOLEAN":
            truth = {"true": True, "yes": True, "false": False, "no": False}.get(text.lower())
            if truth is None:
                raise EssieError(f"AREA[{self.name}] holds true or false, not {text!r}", position)
            return self.rows(Q(**{self.target: truth}))
        low, high = self.bounds(text, position)
        return self.between(low, high)

    def bounds(self, text: str, position: int) -> tuple[Any, Any]:
        """The lowest and highest value a written value stands for: a date its whole period
        ("2022": the year), a number or an age itself."""
        if self.kind == "DATE":
            return _period(text, position, self.name)
        if self.kind == "AGE":
            days = _age(text, position, self.name)
            return days, days
        if self.kind in ("INTEGER", "NUMBER"):
            number = _number(text, position, self.name, whole=self.kind == "INTEGER")
            return number, number
        raise EssieError(
            f"AREA[{self.name}] holds {self.kind.lower()} values: RANGE takes a date, "
            "a number or an age field",
            position,
        )

    def between(self, low: Any, high: Any) -> Q:
        """Studies whose value lies between the bounds (None: no bound); never a missing one."""
        condition = ~Q(**{f"{self.target}__isnull": True})
        if low is not None:
            condition &= Q(**{f"{self.target}__gte": low})
        if high is not None:
            condition &= Q(**{f"{self.target}__lte": high})
        return self.rows(condition)

    def _text(self, text: str, *, variants: bool, coverage: str) -> Q:
        if coverage in ("FullMatch", "StartsWith", "EndsWith"):
            # The whole value, its start or its end: case, accents and punctuation aside.
            lookup = {"FullMatch": Exact, "StartsWith": StartsWith, "EndsWith": EndsWith}[coverage]
            value = SearchKey(Value(text.strip('"')))
            return self.rows(Q(lookup(SearchKey(F(self.target)), value)))
        query = TsQuery.websearch(text, variants=variants)
        found = self.rows(Q(Matches(Vector(F(self.target)), query)))
        if _in_document(self.held) and not self.within:
            # Whatever the field holds is in the study's search document too: its GIN index
            # finds the candidates before each one's field is tokenized.
            found &= Q(Matches(F("document"), query))
        return found


def _in_document(held: Held) -> bool:
    return any(
        (field.source.model, field.source.field) == (held.model, held.column) for field in FIELDS
    )


# --- Which field a name names --------------------------------------------------------------


@functools.cache
def _date_columns() -> dict[str, str]:
    """Each date's paths (its struct and the struct's date) and its Study column."""
    found = {}
    for name in DATES:
        path = spec_of(StudyRecord, name).api
        found[path] = found[f"{path}.date"] = f"{name}_date"
    return found


_NCT_ID = Held(Study, "nct_id", Q(), "pk")
_SEARCH_MATCH_COLUMNS = {f.name for f in SearchMatch._meta.concrete_fields}


def _coded(held: Held) -> Coded | None:
    """The SearchMatch code of an enumerated field, where it has one."""
    if held.model is Study:
        return next((c for c in CODED.values() if c.document_field == held.column), None)
    if held.model is Intervention and held.column == "type":
        return CODED["itype"]
    if held.model is Sponsor and held.column == "agency_class" and held.where == Q(is_lead=True):
        return CODED["sponsor_class"]
    return None


def fields_named(name: str, position: int) -> list[Field]:
    """The fields a name in AREA[...] names (a piece name may name several: any of them)."""
    if ":" in name:
        raise EssieError(f"AREA[{name}]: the {name.partition(':')[2]} form is not served", position)
    try:
        paths = api_fields.paths_named(name)
    except api_fields.UnknownField:
        raise EssieError(f"AREA[{name}]: not a field or a search area", position) from None
    held = api_fields.held_fields()
    dates = _date_columns()
    found: dict[tuple[str, str], Field] = {}
    for path in sorted(paths):
        if path in dates:
            column = dates[path]
            on_match = column if column in _SEARCH_MATCH_COLUMNS else ""
            field = Field(name, "DATE", Held(Study, column, Q(), "pk"), column=on_match)
        elif path == spec_of(StudyRecord, "nct_id").api:
            field = Field(name, "TEXT", _NCT_ID)
        elif (where := held.get(path)) is not None and where.column is not None:
            field = _field(name, path, where)
        else:
            continue
        found.setdefault((field.held.model.__name__, field.target), field)
    if not found:
        raise EssieError(f"AREA[{name}]: this server cannot search that field", position)
    return list(found.values())


def _field(name: str, path: str, held: Held) -> Field:
    assert held.column is not None
    kind = api_fields.kind_of(path)
    if held.model is Study and f"{held.column}_days" in _SEARCH_MATCH_COLUMNS:
        return Field(name, "AGE", held, column=f"{held.column}_days")  # "16 Years" as days
    if kind.source_type == "ENUM":
        return Field(name, "ENUM", held, choices=kind.choices, coded=_coded(held))
    source = kind.source_type if kind.source_type != "MARKUP" else "TEXT"
    on_match = ""
    if held.model is Study and source in ("INTEGER", "NUMBER", "BOOLEAN"):
        on_match = held.column if held.column in _SEARCH_MATCH_COLUMNS else ""
    return Field(name, source, held, column=on_match)


# --- Values as written -------------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _enum_value(field: Field, text: str, position: int) -> str:
    """The enum value written as its value (PHASE2) or its label (Phase 2), case aside."""
    assert field.choices is not None
    by_key = {}
    for value, label in field.choices.choices:
        by_key[_key(str(label))] = by_key[_key(value)] = value
    found = by_key.get(_key(text))
    if found is None:
        allowed = ", ".join(field.choices.values)
        raise EssieError(f"AREA[{field.name}]: {text!r} is not one of {allowed}", position)
    return found


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _period(text: str, position: int, name: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day a date as written stands for: a year, a month or a day."""
    written = text.strip()
    try:
        if match := _US_DATE.match(written):  # the classic API's 01/15/2020
            day = datetime.date(int(match[3]), int(match[1]), int(match[2]))
            return day, day
        if match := _DATE.match(written):
            year, month, day_of = int(match[1]), match[2], match[3]
            if month is None:
                return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            first = datetime.date(year, int(month), int(day_of or 1))
            if day_of is not None:
                return first, first
            following = datetime.date(year + int(month) // 12, int(month) % 12 + 1, 1)
            return first, following - datetime.timedelta(days=1)
    except ValueError:
        pass
    raise EssieError(
        f"AREA[{name}]: {written!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or MM/DD/YYYY)",
        position,
    )


def _age(text: str, position: int, name: str) -> int:
    written = text.strip()
    try:
        days = vocab.age_in_days(f"{written} years" if re.fullmatch(r"\d+", written) else written)
    except ValueError:
        days = None
    if days is None:
        raise EssieError(
            f"AREA[{name}]: {written!r} is not an age (such as 16 years, 6 months)", position
        )
    return days


def _number(text: str, position: int, name: str, *, whole: bool) -> float:
    try:
        return int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise EssieError(f"AREA[{name}]: {text.strip()!r} is not {kind}", position) from None
