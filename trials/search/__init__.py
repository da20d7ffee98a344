"""Search: the search document per study, drug names resolved first, ranking, facets, snippets.

``refresh_search`` / ``refresh_search_many`` keep the documents; ``SearchResults`` answers one
search (``trials.filters.StudyFilter`` builds it from query parameters).
"""

from .document import rebuild_lexicon, refresh_search, refresh_search_many
from .layout import CODED, FACET_COLUMNS
from .lexicon import DrugNames, resolve_drug
from .query import Snippet, TsQuery, Words, highlight, naming_drug
from .results import SearchResults
from .status import data_date, restate

__all__ = [
    "CODED",
    "FACET_COLUMNS",
    "DrugNames",
    "SearchResults",
    "Snippet",
    "TsQuery",
    "Words",
    "data_date",
    "highlight",
    "naming_drug",
    "rebuild_lexicon",
    "refresh_search",
    "refresh_search_many",
    "resolve_drug",
    "restate",
]
