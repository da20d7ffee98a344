"""An Essie tree (``parse``) as one condition on SearchMatch rows.

Terms outside any ``AREA[...]`` are searched in the expression's own search area (query.term's
BasicSearch, query.cond's ConditionSearch...), each read as that parameter reads words: the
same drug names, condition vocabulary and spellings (``SearchArea.build``). ``AREA[Field]``
searches one field (``fields``); ``AREA[ConditionSearch]`` and the other area names switch
area. ``EXPANSION[None]`` and ``EXPANSION[Term]`` search the words alone, without the
vocabulary's synonyms (None: without other spellings either); Concept, Relaxation and Lossy
are the areas' own reading. ``COVERAGE[FullMatch]``, ``[StartsWith]`` and ``[EndsWith]``
compare a field's whole value (case, accents and punctuation aside); in a search area, which
has no single value to cover, they read as ``Contains``, the default.

Building the condition runs no query but the few a term's words need to be read (the drug and
condition names they may be): none per matching study.
"""

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import reduce

from django.db.models import F, Q

from trials import api_params
from trials.filters import StudyFilter
from trials.models import SearchRanking, Site
from trials.search import TsQuery
from trials.search.layout import CONDITION_RANK, INTERVENTION_RANK
from trials.search.query import Matches, ranked_in

from .fields import Field, fields_named
from .parse import (
    And,
    Area,
    Coverage,
    EssieError,
    Expansion,
    Missing,
    Node,
    Not,
    Or,
    Phrase,
    Range,
    Search,
    Words,
)


@dataclass(frozen=True)
class SearchArea:
    """What a search area's words find: as its query.* parameter reads them (``build``), and
    the words alone, without synonyms (``plain``; None: the area has none to leave out)."""

    build: Callable[[str], Q]
    plain: Callable[[TsQuery], Q] | None = None


def _ranked(weights: str) -> Callable[[TsQuery], Q]:
    def match(query: TsQuery) -> Q:
        return Q(pk__in=SearchRanking.objects.filter(ranked_in(weights, query)).values("pk"))

    return match


def _filtered(parameter: str) -> Callable[[str], Q]:
    """The studies the search page's filter ``parameter`` finds for the words."""

    def build(text: str) -> Q:
        filterset = StudyFilter({parameter: text})
        if filterset.errors:
            raise ValueError(" ".join(next(iter(filterset.errors.values()))))
        return Q(pk__in=filterset.search().filtered().values("pk"))

    return build


def search_areas(*, skip_eligibility: bool = False) -> dict[str, SearchArea]:
    """The search areas this module can search by itself (trials.api adds the location and ID
    areas, which its own parameters define). ``skip_eligibility``: BasicSearch leaves out the
    studies that name the words only in their eligibility criteria (x.eligibilityOnly)."""

    def words(text: str) -> Q:
        limit = StudyFilter.base_filters["q"].extra["max_length"]
        if len(text) > limit:
            raise ValueError(f"at most {limit} characters")
        found = StudyFilter(eligibility_only_out=skip_eligibility).words({"q": text})
        if found is None:
            raise ValueError("give at least one word")
        return found.match()

    basic = SearchArea(words, _document_plain(skip_eligibility))
    return {
        "BasicSearch": basic,
        "PatientSearch": basic,
        "ConditionSearch": SearchArea(_filtered("cond"), _ranked(CONDITION_RANK)),
        "InterventionSearch": SearchArea(_filtered("intr"), _ranked(INTERVENTION_RANK)),
        "TitleSearch": SearchArea(api_params.titles),
        "OutcomeSearch": SearchArea(api_params.outcomes),
        "SponsorSearch": SearchArea(api_params.sponsors),
        "LeadSponsorSearch": SearchArea(api_params.lead_sponsor),
    }


def _document_plain(skip_eligibility: bool) -> Callable[[TsQuery], Q]:
    vector = "core" if skip_eligibility else "document"
    return lambda query: Q(Matches(F(vector), query))


@dataclass(frozen=True)
class _Context:
    label: str  # the area or field, for messages
    area: SearchArea | None = None
    fields: tuple[Field, ...] = ()
    expansion: str = "Relaxation"
    coverage: str = "Contains"
    within: bool = False  # inside SEARCH[Location]: conditions on one site's row


def to_q(tree: Node, areas: Mapping[str, SearchArea], default: str) -> Q:
    """The condition on SearchMatch rows the tree asks for, its bare terms searched in the
    area named ``default``; EssieError for a field, value or area it cannot search."""
    known = {name.lower(): area for name, area in areas.items()}
    return _Compiler(known).compile(tree, _Context(default, area=known[default.lower()]))


class _Compiler:
    def __init__(self, areas: Mapping[str, SearchArea]) -> None:
        self.areas = areas

    def compile(self, node: Node, context: _Context) -> Q:
        if isinstance(node, Words | Phrase):
            return self.term(node, context)
        if isinstance(node, And):
            return reduce(operator.and_, (self.compile(item, context) for item in node.items))
        if isinstance(node, Or):
            return reduce(operator.or_, (self.compile(item, context) for item in node.items))
        if isinstance(node, Not):
            return ~self.compile(node.item, context)
        if isinstance(node, Expansion):
            return self.compile(node.item, replace(context, expansion=node.kind))
        if isinstance(node, Coverage):
            return self.compile(node.item, replace(context, coverage=node.kind))
        if isinstance(node, Area):
            return self.area(node, context)
        if isinstance(node, Search):
            return self.search(node, context)
        # The parser puts RANGE and MISSING only right after an AREA, which reads them.
        raise AssertionError(node)

    def term(self, node: Words | Phrase, context: _Context) -> Q:
        text = node.text if isinstance(node, Words) else f'"{node.text.replace(chr(34), " ")}"'
        if context.fields:
            plain = node.text.strip()
            return reduce(
                operator.or_,
                (
                    field.words(
                        text if field.kind == "TEXT" else plain,
                        node.position,
                        variants=context.expansion != "None",
                        coverage=context.coverage,
                    )
                    for field in context.fields
                ),
            )
        area = context.area
        assert area is not None
        try:
            if context.expansion in ("None", "Term") and area.plain is not None:
                return area.plain(TsQuery.websearch(text, variants=context.expansion == "Term"))
            return area.build(text)
        except EssieError:
            raise
        except ValueError as error:
            # A parameter's own message names it ("query.titles: give at least one word").
            message = re.sub(r"^query\.\w+: ", "", str(error))
            raise EssieError(f"{context.label}: {message}", node.position) from None

    def area(self, node: Area, context: _Context) -> Q:
        if (area := self.areas.get(node.field.lower())) is not None:
            if context.within:
                raise EssieError(
                    f"AREA[{node.field}]: only location fields within SEARCH[Location]",
                    node.position,
                )
            if isinstance(node.item, Range | Missing):
                raise EssieError(
                    f"AREA[{node.field}] is a search area: RANGE and MISSING take a field",
                    node.position,
                )
            return self.compile(node.item, replace(context, label=node.field, area=area, fields=()))
        fields = tuple(fields_named(node.field, node.position))
        if context.within:
            if any(field.held.model is not Site for field in fields):
                raise EssieError(
                    f"AREA[{node.field}]: only location fields within SEARCH[Location]",
                    node.position,
                )
            fields = tuple(replace(field, within=True) for field in fields)
        if isinstance(node.item, Missing):
            return reduce(operator.and_, (field.missing() for field in fields))
        if isinstance(node.item, Range):
            found = []
            for field in fields:
                low = high = None
                if node.item.low is not None:
                    low = field.bounds(node.item.low, node.item.low_position)[0]
                if node.item.high is not None:
                    high = field.bounds(node.item.high, node.item.high_position)[1]
                found.append(field.between(low, high))
            return reduce(operator.or_, found)
        return self.compile(node.item, replace(context, label=f"AREA[{node.field}]", fields=fields))

    def search(self, node: Search, context: _Context) -> Q:
        """SEARCH[Location](...): every condition met by one and the same site."""
        if node.part.lower() != "location":
            raise EssieError(f"SEARCH[{node.part}]: only SEARCH[Location] is served", node.position)
        if context.within:
            raise EssieError("SEARCH[...] within SEARCH[...]", node.position)
        inner = self.compile(
            node.item, replace(context, label="SEARCH[Location]", area=_NO_AREA, within=True)
        )
        return Q(pk__in=Site.objects.filter(inner).values("study_id"))


def _bare(text: str) -> Q:
    raise ValueError("name a location field for each term: AREA[LocationCity]...")


_NO_AREA = SearchArea(_bare)
