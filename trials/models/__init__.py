"""Study and its parts, imported versions, the drug alias table, curation and history."""

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
from .study import IdentifierKind, Study, StudyQuerySet
from .versions import StudyVersion

__all__ = [
    "Arm",
    "Condition",
    "Curation",
    "DrugAlias",
    "Identifier",
    "IdentifierKind",
    "Intervention",
    "Keyword",
    "MeshTerm",
    "Official",
    "Origin",
    "OtherName",
    "OutcomeMeasure",
    "Site",
    "Sponsor",
    "Study",
    "StudyChange",
    "StudyQuerySet",
    "StudyVersion",
]
