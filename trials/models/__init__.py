"""Study and its parts, the imported versions, and the curated drug alias table."""

from .aliases import DrugAlias
from .parts import (
    Arm,
    Condition,
    Identifier,
    Intervention,
    Keyword,
    MeshTerm,
    Official,
    OtherName,
    OutcomeMeasure,
    Site,
    Sponsor,
)
from .study import IdentifierKind, Study, StudyQuerySet
from .versions import StudyVersion

__all__ = [
    "Arm",
    "Condition",
    "DrugAlias",
    "Identifier",
    "IdentifierKind",
    "Intervention",
    "Keyword",
    "MeshTerm",
    "Official",
    "OtherName",
    "OutcomeMeasure",
    "Site",
    "Sponsor",
    "Study",
    "StudyQuerySet",
    "StudyVersion",
]
