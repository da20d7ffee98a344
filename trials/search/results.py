"""One search's results as the Paginator sees them: a count and slices of rows."""

import dataclasses
from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet

from registry.replicas import reading_connection
from trials.models import SearchDocument, SearchMatch

from .facets import Counts, clearly_past, counted, counts_up_to
from .layout import SAMPLE_EVERY, FacetFilter
from .near import GeoDecay, Near
from .query import (
    FOUND_SORTS,
    SAMPLE,
    SORTS,
    Matches,
    Relevance,
    TsQuery,
    Words,
    both,
    facet_query,
    snippets,
    sorted_ids,
)


class SearchResults:
    """The rows of one search, in order; ``count()`` and ``facets`` come from one query.

    A page costs a fixed number of queries whatever it holds: the count with every facet, the
    page's IDs in order, the page's rows, and (when there are words) their snippets.
    """

    def __init__(
        self,
        queryset: QuerySet[SearchMatch],
        facet_filters: dict[str, FacetFilter],
        *,
        words: Words | None = None,
        sort: str = "",
        highlight: TsQuery | None = None,
        prefer: TsQuery | None = None,
        near: Near | None = None,
    ) -> None:
        self.queryset = queryset  # every filter but the facets' and the words
        self.facet_filters = facet_filters
        self.words = words
        self.sort = sort or ("relevance" if words else "updated")
        self.highlight = highlight  # what snippets mark
        self.prefer = prefer  # what a snippet should show first: the person's own words
        self.near = near  # the sites a place search counts: results show the nearest
        self._counted: Counts | None = None
        self._steered = False

    def _steer_planner(self) -> None:
        """Plan this search's queries for what they are (in a transaction: SET LOCAL).

        No JIT: the snippet query's estimate (a UNION ALL over every part table) crosses the JIT
        threshold, and compiling it took 3 s for a 3 ms query. And no sequential scans: most
        rows match a very common word or facet value, so the planner reads the table instead of
        the index, not knowing that testing each row unpacks its large out-of-line vector
        (600 ms instead of 180 ms at 100,000 studies; "age=70&sex=FEMALE" 1.9 s instead of
        0.2 s at 600,000); a bitmap scan answers from the index.
        And memory enough to sort a common word's first tier without spilling to disk
        (``SEARCH_WORK_MEM``).
        """
        reading = reading_connection()
        if reading.in_atomic_block and not self._steered:
            with reading.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('jit', 'off', true),"
                    " set_config('enable_seqscan', 'off', true), set_config('work_mem', %s, true)",
                    [settings.SEARCH_WORK_MEM],
                )
            self._steered = True

    def counts(self) -> Counts:
        """The total and the facets' counts, each exact or marked an estimate (``facets``)."""
        if self._counted is None:
            self._steer_planner()
            self._counted = counted(self._matching, self.facet_filters)
        return self._counted

    def count(self) -> int:
        return self.counts().total

    def __len__(self) -> int:
        return self.count()

    @property
    def facets(self) -> dict[str, Counter[Any]]:
        """Facet name -> value -> studies, each over the results of the other filters."""
        return self.counts().facets

    def _matching(
        self, sample: bool = False, facets: TsQuery | None = None
    ) -> QuerySet[SearchMatch]:
        """Every filter but the facets' conditions, and the words; ``sample``: of the sample
        only, ``facets``: with these facet lexemes (``query.facet_query``), in the same lookup."""
        if self.words:
            return self.queryset.filter(self.words.match(sample, facets))
        lookup = both(SAMPLE if sample else None, facets)
        return self.queryset.filter(Matches(F("document"), lookup)) if lookup else self.queryset

    def _conditions(self) -> list[Q]:
        return [f.condition for f in self.facet_filters.values()]

    def _facet_lexemes(self) -> TsQuery | None:
        return facet_query(list(self.facet_filters.values()))

    def eligibility_only(self) -> tuple[int, bool]:
        """How many more studies the words find when those that mention them only in their
        eligibility criteria are let in (0 when they are in already, or without words), and
        whether that is an estimate: counted on the sample when the words with them find more
        than an exact count reads (``facets``); the sample is counted first, as there."""
        if self.words is None or not self.words.skip_eligibility:
            return 0, False
        self._steer_planner()
        kept_out = self.words
        everywhere = dataclasses.replace(kept_out, skip_eligibility=False)
        rows = self.queryset.filter(*self._conditions())
        facets = self._facet_lexemes()
        limit = settings.SEARCH_EXACT_COUNTS

        # The core vector's matches are some of the whole document's: the difference of the
        # two counts, each an index lookup (testing each row against its vector unpacks it).
        def found_and_kept(sample: bool, up_to: int | None) -> list[int]:
            matches = [everywhere.match(sample, facets), kept_out.match(sample, facets)]
            return counts_up_to([rows.filter(match) for match in matches], up_to)

        sampled = found_and_kept(True, None)
        if not clearly_past(sampled[0], limit):
            found, kept = found_and_kept(False, limit)
            if found <= limit:
                return found - kept, False
        found, kept = sampled
        return (found - kept) * SAMPLE_EVERY, True

    def filtered(self) -> QuerySet[SearchMatch]:
        """Every filter applied, facets included: the matching documents, unordered."""
        return self._matching(facets=self._facet_lexemes()).filter(*self._conditions())

    def ids(self, offset: int, limit: int) -> list[int]:
        """The study IDs of one page, in the chosen order."""
        self._steer_planner()
        if self.sort == "distance" and self.near is not None and self.near.measures:
            return self.near.nearest_first(self.filtered(), offset, limit)
        if self.sort == "relevance" and self.words:
            # Each tier states its own part of the words' match. Where the count found few
            # results, the filters name them with the words (the words' lookup finds them
            # all at once, as it did to count them); else every first-tier match of the words
            # is ranked and the first that pass the filters are the page.
            filters = self.queryset.filter(*self._conditions())
            if self._few() and filters.query.where:
                filters = self.filtered()
            return Relevance(self.words).page(
                filters if filters.query.where else None, offset, limit
            )
        # Few results: found by the lookup that counted them, then sorted. Many: read in the
        # column's order, each tested by its columns, until the page is full (a test of a
        # facet lexeme would unpack each row's vector).
        few = self._few()
        rows = self.filtered() if few else self._matching().filter(*self._conditions())
        found = few or self.words is not None
        return sorted_ids(rows, self._column_sort(), offset, limit, found=found)

    def _few(self) -> bool:
        """Whether the count found the results few enough to count exactly."""
        return self._counted is not None and not self._counted.total_estimated

    def decayed_ids(self, near: Near, decay: GeoDecay, offset: int, limit: int) -> list[int]:
        """One page in relevance faded by the distance to ``near`` (API v2 ``geoDecay``).

        With words, each tier of the relevance order keeps its place and its ranked score is
        scaled by the factor; without words every match is as relevant, so the nearest come
        first. Each match's nearest site is looked up in turn: meant for the few thousand
        studies near a point, as ClinicalTrials.gov applies it only up to 10,000.
        """
        self._steer_planner()
        rows = self.filtered()
        proximity = near.proximity(decay)
        if self.words:
            ordered = (
                Relevance(self.words)
                .order(rows)
                .annotate(proximity=proximity)
                .order_by(
                    F("tier").asc(),
                    (F("score") * F("proximity")).desc(),
                    F("proximity").desc(),
                    SORTS["updated"],
                    "pk",
                )
            )
        else:
            ordered = rows.annotate(proximity=proximity).order_by(
                F("proximity").desc(), SORTS["updated"], "pk"
            )
        return list(ordered.values_list("pk", flat=True)[offset : offset + limit])

    def _column_sort(self) -> str:
        """The column order a sort falls back on: relevance without words, or distance without
        a point, is the newest first."""
        return "updated" if self.sort in ("relevance", "distance") else self.sort

    def ordered(self) -> QuerySet[SearchMatch]:
        """Every result in the order the pages show them, for one pass over all (downloads)."""
        if self.sort == "distance" and self.near is not None and self.near.measures:
            return self.near.by_distance(self.filtered())
        if self.sort == "relevance" and self.words:
            return Relevance(self.words).order(self.filtered())
        return self.filtered().order_by(FOUND_SORTS[self._column_sort()], "pk")

    def __getitem__(self, window: slice) -> list[SearchDocument]:
        if not isinstance(window, slice):
            raise TypeError("search results are read a page (a slice) at a time")
        offset, stop = window.start or 0, window.stop or 0
        # An empty window still asks: the page's query count never depends on its results.
        ids = self.ids(offset, max(stop - offset, 1))[: max(stop - offset, 0)]
        rows = SearchDocument.objects.for_listing().in_bulk(ids)
        skip = self.words is not None and self.words.skip_eligibility
        found = snippets(ids, self.highlight, skip, self.prefer) if self.highlight else {}
        nearest = self.near.nearest(ids) if self.near is not None else {}
        page = [rows[pk] for pk in ids if pk in rows]
        for row in page:
            # The row carries its snippet and its nearest site to the template. SearchDocument
            # cannot declare the attributes: models never import search, where they are found.
            row.snippet = found.get(row.pk)  # type: ignore[attr-defined]
            row.nearest = nearest.get(row.pk)  # type: ignore[attr-defined]
        return page
