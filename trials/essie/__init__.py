"""Essie expressions, ClinicalTrials.gov's search syntax: ``parse`` reads one into a tree,
``to_q`` makes the tree a condition on SearchMatch rows (``fields``: what an AREA[...] names)."""

from .compiler import SearchArea, search_areas, to_q
from .parse import EssieError, is_expression, parse

__all__ = ["EssieError", "SearchArea", "is_expression", "parse", "search_areas", "to_q"]
