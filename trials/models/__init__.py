"""Study and its parts, imported versions, the drug alias table, curation, history, search."""

from .aliases import DrugAlias
from .curation import Curation, Origin, StudyChange
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
from .search import (
    DrugSynonym,
    SearchDocument,
    SearchDocumentQuerySet,
    SearchMatch,
    SearchRanking,
    SearchTerm,
    TermKind,
)
from .study import IdentifierKind, Study, StudyQuerySet
from .versions import StudyVersion

__all__ = [
    "Arm",
    "Condition",
    "Curation",
    "DrugAlias",
    "DrugSynonym",
    "Identifier",
    "IdentifierKind",
    "Intervention",
    "Keyword",
    "MeshTerm",
    "Official",
    "Origin",
    "OtherName",
    "OutcomeMeasure",
    "SearchDocument",
    "SearchDocumentQuerySet",
    "SearchMatch",
    "SearchRanking",
    "SearchTerm",
    "Site",
    "Sponsor",
    "Study",
    "StudyChange",
    "StudyQuerySet",
    "StudyVersion",
    "TermKind",
]
