"""Study and its parts, the imported versions, the curated drug alias table and search data."""

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
from .search import DrugSynonym, SearchDocument, SearchDocumentQuerySet, SearchTerm, TermKind
from .study import IdentifierKind, Study, StudyQuerySet
from .versions import StudyVersion

__all__ = [
    "Arm",
    "Condition",
    "DrugAlias",
    "DrugSynonym",
    "Identifier",
    "IdentifierKind",
    "Intervention",
    "Keyword",
    "MeshTerm",
    "Official",
    "OtherName",
    "OutcomeMeasure",
    "SearchDocument",
    "SearchDocumentQuerySet",
    "SearchTerm",
    "Site",
    "Sponsor",
    "Study",
    "StudyQuerySet",
    "StudyVersion",
    "TermKind",
]
