"""How a record field is declared: its ``Spec`` and the helpers that attach one."""

import dataclasses
import datetime
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from trials import vocab

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


class RecordError(ValueError):
    """A source that cannot become a record: the message names the record and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


@dataclass(frozen=True)
class PartialDate:
    """An ISO partial date ("2007", "2007-03", "2007-03-14"), and whether it is actual."""

    iso: str
    type: str = ""  # vocab.DateType, or "" where the source gives none

    def __post_init__(self) -> None:
        if not _ISO_PARTIAL.match(self.iso):
            raise ValueError(f"{self.iso!r} is not an ISO partial date")

    @property
    def precision(self) -> str:
        """DAY, MONTH or YEAR (vocab.DatePrecision)."""
        return {1: "YEAR", 2: "MONTH", 3: "DAY"}[self.iso.count("-") + 1]

    @property
    def first_day(self) -> datetime.date:
        """The earliest day the partial date may mean: 2007-03 -> 2007-03-01."""
        match = _ISO_PARTIAL.match(self.iso)
        assert match is not None  # __post_init__ refused any other form
        year, month, day = match.groups()
        return datetime.date(int(year), int(month or 1), int(day or 1))


# --- How a field is declared ---------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """Where a record field stands in API v2 and in the database, and how people name it.

    ``api`` is the dotted path of the value in an API v2 study object (for a field of a part: in
    the part's own object). ``column`` is the Study column that holds it: the field's own name
    by default, None where the value lives in a part's table or nowhere. A date is kept in
    ``<name>_date`` and ``<name>_precision`` columns, and a ``typed`` date (API v2 ``{date,
    type}``) in ``<name>_type`` too. ``markup`` marks Markdown text, ``choices`` an enumeration.
    """

    api: str = ""
    column: str | None = ""
    label: str = ""
    choices: type[vocab.TextChoices] | None = None
    markup: bool = False
    lines: bool = False  # plain text whose line breaks are part of it
    typed: bool = False
    provenance: bool = False  # says where the record came from, not what the study is


def _declared(default: Any, **spec: Any) -> Any:
    return field(default=default, metadata={"spec": Spec(**spec)})


def text(api: str = "", **spec: Any) -> Any:
    """A text field ("" when absent)."""
    return _declared("", api=api, **spec)


def prose(api: str = "", **spec: Any) -> Any:
    """Plain text kept line by line (a description, a comment); "" when absent."""
    return _declared("", api=api, lines=True, **spec)


def choice(choices: type[vocab.TextChoices], api: str = "", **spec: Any) -> Any:
    """One API v2 enum value ("" when absent)."""
    return _declared("", api=api, choices=choices, **spec)


def choices(choices: type[vocab.TextChoices], api: str = "", **spec: Any) -> Any:
    """Several API v2 enum values, in the record's order."""
    return _declared((), api=api, choices=choices, **spec)


def flag(api: str = "", **spec: Any) -> Any:
    """A yes/no value (None when the record does not say)."""
    return _declared(None, api=api, **spec)


def number(api: str = "", **spec: Any) -> Any:
    """A number (None when absent)."""
    return _declared(None, api=api, **spec)


def date(api: str, typed: bool = False, **spec: Any) -> Any:
    """A PartialDate; ``typed`` dates say whether they are actual or estimated."""
    return _declared(None, api=api, typed=typed, **spec)


def names(api: str = "", **spec: Any) -> Any:
    """A list of plain names (conditions, keywords, other names)."""
    return _declared((), api=api, **spec)


def parts(api: str = "", **spec: Any) -> Any:
    """A list of parts (dataclasses below), kept in a table of their own."""
    return _declared((), api=api, column=None, **spec)


def one(api: str = "", column: str | None = None, **spec: Any) -> Any:
    """A single nested part (the lead sponsor), or None; ``column=""`` keeps its fields in Study
    columns of their own declared names (the responsible party) rather than in a table."""
    return _declared(None, api=api, column=column, **spec)


def spec_of(cls: type, name: str) -> Spec:
    """The declaration of field ``name`` of record class ``cls``."""
    declared: dataclasses.Field[Any] | None = getattr(cls, "__dataclass_fields__", {}).get(name)
    return declared.metadata.get("spec", Spec(column=None)) if declared else Spec(column=None)


@functools.cache
def specs(cls: type) -> tuple[tuple[str, Spec], ...]:
    """Every declared field of a record class, in declaration order (read once per class: the
    store, the parsers and the export ask for them for every part of every record)."""
    return tuple(
        (f.name, f.metadata.get("spec") or Spec(column=None)) for f in dataclasses.fields(cls)
    )


def label_of(cls: type, name: str) -> str:
    """How people name a field: its declared label, else its name in words."""
    return spec_of(cls, name).label or name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Grouping:
    """A part listed under several API v2 paths by the value of its fields.

    Outcomes stand in ``primaryOutcomes``, ``secondaryOutcomes`` or ``otherOutcomes`` by kind;
    MeSH terms under a condition or intervention browse module, as terms or as ancestors.
    ``template`` is the path with a ``{field}`` hole per field, ``values`` what fills each hole.
    """

    template: str
    values: dict[str, dict[Any, str]]

    def path(self, item: dict[str, Any]) -> str:
        return self.template.format(**{k: self.values[k][item[k]] for k in self.values})

    def paths(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every path, with the field values that lead to it, in the API's order."""
        combos: list[dict[str, Any]] = [{}]
        for name, mapping in self.values.items():
            combos = [{**c, name: value} for c in combos for value in mapping]
        for combo in combos:
            yield self.path(combo), combo
