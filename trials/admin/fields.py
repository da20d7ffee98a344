"""The study form's field lists, derived from the record's declarations (``trials.record``).

Each Study column stands in the section of the API v2 module its field comes from, in the
record's order; a date's day, precision and type share a line. A field added to the record
appears here with no change.
"""

from typing import TYPE_CHECKING

from trials.record import DATES, PART_CLASSES, StudyRecord, specs
from trials.store import NESTED_COLUMNS

if TYPE_CHECKING:
    # The options of a ModelAdmin fieldset; django-stubs names the type only privately.
    from django.contrib.admin.options import _FieldOpts

# The API v2 module of a field -> the form section it stands in (None: the untitled first one).
SECTIONS: dict[str, str | None] = {
    "identificationModule": None,
    "statusModule": "Status",
    "hasResults": "Status",
    "oversightModule": "Oversight",
    "designModule": "Design",
    "descriptionModule": "Description",
    "eligibilityModule": "Eligibility",
    "sponsorCollaboratorsModule": "Responsible party",
    "ipdSharingStatementModule": "Sharing of individual participant data",
    "documentSection": "Documents",
    "resultsSection": "Results",
    "derivedSection": "Derived by the registry",
    "annotationSection": "Annotations",
}
# Columns the writer derives from others: shown beside their source, never edited.
DERIVED = {"minimum_age": "minimum_age_days", "maximum_age": "maximum_age_days"}

FieldLine = str | tuple[str, ...]


def _module(api: str) -> str:
    steps = api.split(".")
    return steps[1] if steps[0] == "protocolSection" else steps[0]


def _lines(name: str, column: str) -> list[FieldLine]:
    if name in DATES:
        columns = [f"{name}_date", f"{name}_precision"] + ([f"{name}_type"] if DATES[name] else [])
        return [tuple(columns)]
    if name in NESTED_COLUMNS:
        return [nested for _, nested in NESTED_COLUMNS[name]]
    if name in DERIVED:
        return [(column, DERIVED[name])]
    return [column]


def study_fieldsets() -> "tuple[tuple[str | None, _FieldOpts], ...]":
    """The Study form's fieldsets: the record's columns by module, then the import's own."""
    sections: dict[str | None, list[FieldLine]] = {None: ["nct_id"]}
    for name, spec in specs(StudyRecord):
        if (spec.column is None and name not in NESTED_COLUMNS) or spec.provenance:
            continue
        if name in PART_CLASSES and name not in NESTED_COLUMNS:
            continue
        title = SECTIONS.get(_module(spec.api), "Other")
        sections.setdefault(title, []).extend(_lines(name, spec.column or name))
    fieldsets: list[tuple[str | None, _FieldOpts]] = [
        (title, {"fields": tuple(lines)}) for title, lines in sections.items()
    ]
    return (
        *fieldsets,
        ("Sites", {"fields": ["sites"]}),
        (
            "Import",
            {
                "classes": ["collapse"],
                "fields": ["import_warnings", "record_hash", "created_at", "updated_at"],
            },
        ),
    )
