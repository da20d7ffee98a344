"""The search page's FilterSet: every parameter of a search, each filter a condition.

The page and the API share it: ``StudyFilter(params).search()`` is the ranked, faceted answer;
``.qs`` the matching documents, unordered. Bad values never raise: the form reports them and
the search runs without them.
"""

import re
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django_filters.widgets import DateRangeWidget

from trials import vocab
from trials.models import SearchMatch, SearchRanking, TermKind
from trials.places import Place, locate
from trials.search import (
    DrugNames,
    SearchResults,
    TsQuery,
    Words,
    browse,
    naming_drug,
    resolve_drug,
    spelling,
)
from trials.search.layout import (
    CONDITION_RANK,
    FACET_NAMES,
    INTERVENTION_RANK,
    FacetFilter,
    facet_lexeme,
)
from trials.search.near import METERS, Near
from trials.search.query import Matches, ranked_in, with_terms
from trials.search.vocabulary import condition_terms, long_forms

YES_NO = [("yes", "Yes"), ("no", "No")]
SEXES = [(vocab.Sex.FEMALE, "Female"), (vocab.Sex.MALE, "Male")]
SORTS = [
    ("relevance", "Relevance"),
    ("updated", "Last update"),
    ("start", "Start date"),
    ("enrollment", "Enrollment"),
    ("distance", "Distance"),
]
UNITS = [("mi", "miles"), ("km", "km")]
# The distance a place search means when none is given, in the unit chosen.
DEFAULT_DISTANCE = 50
# How sure a misspelt name must be to be taken for a drug: in intr (which names a drug) a
# looser match is fine; in q only a close one, so that a word never turns into a drug's name.
INTR_SIMILARITY = 0.35
WORDS_SIMILARITY = 0.5
# Words that look like a search expression, not a name: "quoted", OR, -word.
_EXPRESSION = re.compile(r'"|\bOR\b|(^|\s)-\w')

# Which facet each filter narrows: a facet is counted over the results of all other filters.
# These and ``term`` (a browse entry, no field of the form) ride along when the form is sent.
FACET_OF = {
    "status": "status",
    "recruiting": "status",
    "phase": "phase",
    "type": "type",
    "itype": "itype",
    "sex": "sex",
    "ages": "ages",
    "healthy": "healthy",
    "sponsor_class": "sponsor_class",
    "results": "results",
    "country": "country",
}


class ValuesField(forms.MultipleChoiceField):
    """Any few short values (countries): the facet offers them, the data decides them."""

    def valid_value(self, value: str) -> bool:
        return 0 < len(value) <= 200

    def clean(self, value: Any) -> list[str]:
        values = [v.strip() for v in super().clean(value) if v.strip()]
        if len(values) > 20:
            raise forms.ValidationError("Choose at most 20.")
        return values


class ValuesFilter(django_filters.MultipleChoiceFilter):
    field_class = ValuesField


class PlaceField(forms.CharField):
    """A place as people type it ("Columbus, Ohio", "43210", "France"): its Place, or an error
    saying it was not found."""

    def clean(self, value: Any) -> Place | None:
        text = super().clean(value)
        if not text:
            return None
        place = locate(text)
        if place is None:
            raise forms.ValidationError(
                "No city, US ZIP code or country of that name is known. "
                'Try a city with its state or country ("Columbus, Ohio"), or a ZIP code.'
            )
        return place


class PlaceFilter(django_filters.CharFilter):
    field_class = PlaceField


class CheckFilter(django_filters.Filter):
    """A checkbox: on, or not there."""

    field_class = forms.BooleanField


def _checkboxes(choices: Any, label: str) -> django_filters.MultipleChoiceFilter:
    return django_filters.MultipleChoiceFilter(
        choices=choices, label=label, widget=forms.CheckboxSelectMultiple, method="collect"
    )


def _dates(label: str) -> django_filters.DateFromToRangeFilter:
    return django_filters.DateFromToRangeFilter(
        label=label,
        method="collect",
        widget=DateRangeWidget(attrs={"type": "date"}),
    )


class StudyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Words", method="collect", max_length=500)
    # Studies that mention the words only in their eligibility criteria ("no diabetes") are
    # left out of the page's searches unless asked for; the API keeps ClinicalTrials.gov's
    # meaning of its words (everywhere) unless ``eligibility_only_out`` says otherwise.
    eligibility = CheckFilter(
        label="Include studies that mention the words only in their eligibility criteria",
        method="collect",
    )
    cond = django_filters.CharFilter(label="Condition", method="collect", max_length=300)
    intr = django_filters.CharFilter(
        label="Drug or other intervention", method="collect", max_length=300
    )
    recruiting = CheckFilter(label="Recruiting now", method="collect")
    status = _checkboxes(vocab.Status.choices, "Status")
    phase = _checkboxes(vocab.Phase.choices, "Phase")
    type = _checkboxes(vocab.StudyType.choices, "Study type")
    itype = _checkboxes(vocab.InterventionType.choices, "Intervention type")
    sex = django_filters.ChoiceFilter(choices=SEXES, label="Sex", method="collect")
    age = django_filters.NumberFilter(
        label="Age in years", method="collect", min_value=0, max_value=125
    )
    ages = _checkboxes(list(vocab.AGE_GROUP_LABELS.items()), "Age group")
    healthy = django_filters.ChoiceFilter(
        choices=YES_NO, label="Accepts healthy volunteers", method="collect"
    )
    country = ValuesFilter(label="Country", method="collect")
    near = PlaceFilter(label="Near", method="collect", max_length=200)
    distance = django_filters.NumberFilter(
        label="Within", method="collect", min_value=10, max_value=500
    )
    unit = django_filters.ChoiceFilter(
        choices=UNITS, label="Unit", method="collect", empty_label=None
    )
    region = django_filters.CharFilter(label="State or region", method="collect", max_length=200)
    city = django_filters.CharFilter(label="City", method="collect", max_length=200)
    recruiting_sites = CheckFilter(label="Recruiting sites only", method="collect")
    sponsor_class = _checkboxes(vocab.AgencyClass.choices, "Sponsor type")
    sponsor = django_filters.CharFilter(label="Sponsor", method="collect", max_length=300)
    results = django_filters.ChoiceFilter(choices=YES_NO, label="Has results", method="collect")
    start = _dates("Start date")
    posted = _dates("First posted")
    updated = _dates("Last update")
    # Shown above the results, outside the form it belongs to (its id, "search").
    sort = django_filters.ChoiceFilter(
        choices=SORTS,
        label="Sort by",
        method="collect",
        empty_label=None,
        widget=forms.Select(attrs={"form": "search"}),
    )
    # A browse page's entry ("C:multiple myeloma"): the studies that give any of its names.
    term = django_filters.CharFilter(label="Listed under", method="collect", max_length=300)

    class Meta:
        model = SearchMatch
        fields: list[str] = []

    queryset: QuerySet[SearchMatch]  # never None: __init__ always passes one

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[SearchMatch] | None = None,
        *,
        eligibility_only_out: bool = True,
        **kwargs: Any,
    ) -> None:
        self.eligibility_only_out = eligibility_only_out
        # "is None", not "or": a queryset passed in must not be evaluated to test its truth.
        super().__init__(
            data, SearchMatch.objects.all() if queryset is None else queryset, **kwargs
        )
        self._results: SearchResults | None = None
        # What the lexicon made of q and intr, for the page to say ("temsirolimus" for a typo).
        self.words_drug: DrugNames | None = None
        # The MeSH terms the condition vocabulary linked q and cond to ("heart attack").
        self.words_terms: tuple[str, ...] = ()
        self.cond_terms: tuple[str, ...] = ()
        # The long forms searched for the abbreviations in q and cond ("T2DM").
        self.words_long_forms: dict[str, list[str]] = {}
        self.cond_long_forms: dict[str, list[str]] = {}
        self.intr_drug: DrugNames | None = None
        # The browse entry ``term`` names, with its names, for the page to say.
        self.term_entry: browse.Entry | None = None

    def collect(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """Filtering happens in ``search()``, where each filter's condition is kept apart."""
        return queryset

    @property
    def values(self) -> dict[str, Any]:
        """The valid parameters; an invalid one is left out (the form shows why)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [], False)}

    def filter_queryset(self, queryset: QuerySet[SearchMatch]) -> QuerySet[SearchMatch]:
        return self.search().filtered()

    def search(self) -> SearchResults:
        """The search these parameters ask for."""
        if self._results is None:
            self._results = self._build()
        return self._results

    def _build(self) -> SearchResults:
        values = self.values
        words = self.words(values)
        conditions: list[Q] = []
        highlight = words.rank_query() if words else None
        # A snippet shows the person's own words first: q, else the drug, else the condition.
        prefer = words.query() if words else None
        if cond := values.get("cond"):
            self.cond_long_forms = long_forms(cond.split()) if spelling.is_plain(cond) else {}
            terms = condition_terms(cond)
            for long in self.cond_long_forms.get(cond.strip(), []):
                terms += [t for t in condition_terms(long) if t not in terms]
            self.cond_terms = tuple(terms)
            cond_query = with_terms(TsQuery.websearch(cond, self.cond_long_forms), self.cond_terms)
            conditions.append(_ranked(CONDITION_RANK, cond_query))
            highlight = _either(highlight, cond_query)
            prefer = prefer or cond_query
        if intr := values.get("intr"):
            drug = resolve_drug(intr, fuzzy_threshold=INTR_SIMILARITY)
            if drug:
                conditions.append(naming_drug(drug))
                highlight = _either(highlight, TsQuery.raw(drug.tsquery) if drug.tsquery else None)
            else:
                conditions.append(_ranked(INTERVENTION_RANK, TsQuery.websearch(intr)))
                highlight = _either(highlight, TsQuery.websearch(intr))
            self.intr_drug = drug
            prefer = TsQuery.websearch(intr) if words is None else prefer
        if term := values.get("term"):
            self.term_entry = browse.entry_of(term)
            # No such entry (any more): the studies that give the name the key stands for.
            keys = self.term_entry.keys if self.term_entry else [term]
            conditions.append(Q(Matches(F("document"), TsQuery.keys(keys))))
        if (age := values.get("age")) is not None:
            days = int(float(age) * 365.25)
            conditions.append(
                (Q(minimum_age_days__lte=days) | Q(minimum_age_days__isnull=True))
                & (Q(maximum_age_days__gte=days) | Q(maximum_age_days__isnull=True))
            )
        if sponsor := values.get("sponsor"):
            # The lead sponsor or a collaborator, by its lexicon key (case and accents aside).
            conditions.append(Q(Matches(F("document"), TsQuery.key(TermKind.SPONSOR, sponsor))))
        for name, column in (
            ("start", "start_date"),
            ("posted", "first_posted_date"),
            ("updated", "last_update_posted_date"),
        ):
            if window := values.get(name):
                if window.start:
                    conditions.append(Q(**{f"{column}__gte": window.start}))
                if window.stop:
                    conditions.append(Q(**{f"{column}__lte": window.stop}))
        near = self.sites_asked(values)
        if near is not None:
            conditions.append(near.condition())
        return SearchResults(
            self.queryset.filter(*conditions),
            self.facet_filters(values),
            words=words,
            sort=values.get("sort", ""),
            highlight=highlight,
            prefer=prefer,
            near=near,
        )

    def sites_asked(self, values: dict[str, Any]) -> Near | None:
        """The sites a place search asks for, or None when it asks for none."""
        place = values.get("near")
        region, city = values.get("region", ""), values.get("city", "")
        recruiting = bool(values.get("recruiting_sites"))
        if place is None and not (region or city or recruiting):
            return None
        distance = float(values.get("distance") or DEFAULT_DISTANCE)
        return Near(place, distance * METERS[values.get("unit") or "mi"], region, city, recruiting)

    def words(self, values: dict[str, Any]) -> Words | None:
        """The q words, and the drug they name when they are a name rather than an expression."""
        text = values.get("q", "").strip()
        if not text:
            return None
        drug = None
        terms: list[str] = []
        self.words_long_forms = long_forms(text.split()) if spelling.is_plain(text) else {}
        if not _EXPRESSION.search(text) and len(text.split()) <= 5:
            fuzzy = WORDS_SIMILARITY if len(text.split()) == 1 and len(text) >= 5 else 1
            drug = resolve_drug(text, fuzzy_threshold=fuzzy)
            terms = condition_terms(text)
            # Words that are one abbreviation ("ALL") are also its long form, as a name.
            for long in self.words_long_forms.get(text, []):
                drug = drug or resolve_drug(long, fuzzy_threshold=1)
                terms += [t for t in condition_terms(long) if t not in terms]
        self.words_drug, self.words_terms = drug, tuple(terms)
        skip = self.eligibility_only_out and not values.get("eligibility")
        return Words(
            text,
            skip_eligibility=skip,
            drug=drug,
            terms=self.words_terms,
            long_forms=tuple((w, tuple(f)) for w, f in self.words_long_forms.items()),
        )

    def facet_filters(self, values: dict[str, Any]) -> dict[str, FacetFilter]:
        """Each active facet filter, by facet."""
        found: dict[str, FacetFilter] = {}
        statuses = list(values.get("status", []))
        if values.get("recruiting"):
            statuses += vocab.OPEN_STATUSES
        if statuses:
            found["status"] = FacetFilter.coded("status", statuses)
        for name in ("phase", "type", "itype", "sponsor_class", "ages"):
            if chosen := values.get(name):
                found[name] = FacetFilter.coded(name, chosen)
        if sex := values.get("sex"):
            # A woman may join a study open to all or to women only.
            found["sex"] = FacetFilter.coded("sex", [sex, vocab.Sex.ALL])
        # Only a yes has a lexeme: a no is the absence of one.
        if healthy := values.get("healthy"):
            yes = healthy == "yes"
            found["healthy"] = FacetFilter(
                Q(healthy_volunteers=yes),
                (facet_lexeme("healthy_volunteers", True),) if yes else (),
            )
        if results := values.get("results"):
            yes = results == "yes"
            found["results"] = FacetFilter(
                Q(has_results=True) if yes else ~Q(has_results=True),
                (facet_lexeme("has_results", True),) if yes else (),
            )
        if countries := values.get("country"):
            found["country"] = FacetFilter(
                Q(countries__overlap=countries),
                tuple(facet_lexeme(FACET_NAMES, country) for country in countries),
            )
        return found


def _ranked(weights: str, query: TsQuery) -> Q:
    """Studies whose ranking vector matches in these weights: a condition or a drug by name."""
    return Q(pk__in=SearchRanking.objects.filter(ranked_in(weights, query)).values("pk"))


def _either(first: TsQuery | None, second: TsQuery | None) -> TsQuery | None:
    if first is None or second is None:
        return first or second
    return first | second


@dataclass(frozen=True)
class Option:
    """One value of a facet: its label, how many studies it would show, and the link to it."""

    label: str
    count: int
    selected: bool
    change: dict[str, Any]  # the parameters the link sets ({% querystring request.GET change %})


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[Option]
    estimated: bool = False  # counted on a sample (a broad search): the page says "about"


# Countries beyond this many are reached through the countries browse page.
MAX_COUNTRY_OPTIONS = 15


def facets_of(filterset: StudyFilter) -> list[Facet]:
    """The facets beside the results, each option a link that toggles it."""
    counted = filterset.search().counts()
    counts, estimated = counted.facets, counted.estimated_facets
    chosen = {name: filterset.values.get(name) for name in FACET_OF}

    def toggle(name: str, value: str) -> dict[str, Any]:
        values = [str(v) for v in chosen[name] or []]
        values = [v for v in values if v != value] if value in values else [*values, value]
        return {name: values or None, "page": None}

    def listed(name: str, label: str, choices: list[tuple[Any, str]], column: str) -> Facet:
        options = [
            Option(text, counts[column][value], value in (chosen[name] or []), toggle(name, value))
            for value, text in choices
            if counts[column][value] or value in (chosen[name] or [])
        ]
        return Facet(name, label, options, column in estimated)

    def yes_no(name: str, label: str, yes: int, no: int) -> Facet:
        return Facet(
            name,
            label,
            estimated=name in estimated,
            options=[
                Option(
                    text,
                    count,
                    chosen[name] == value,
                    {name: None if chosen[name] == value else value, "page": None},
                )
                for value, text, count in (("yes", "Yes", yes), ("no", "No", no))
            ],
        )

    status = counts["status"]
    recruiting = Option(
        "Recruiting now",
        sum(status[s] for s in vocab.OPEN_STATUSES),
        bool(chosen["recruiting"]),
        {"recruiting": None if chosen["recruiting"] else "on", "page": None},
    )
    statuses = listed("status", "Status", vocab.Status.choices, "status")
    sexes = counts["sex"]
    countries = counts["country"].most_common(MAX_COUNTRY_OPTIONS)
    country_names = [name for name, _ in countries]
    country_names += [c for c in chosen["country"] or [] if c not in country_names]
    return [
        Facet("status", "Status", [recruiting, *statuses.options], statuses.estimated),
        listed("ages", "Age group", list(vocab.AGE_GROUP_LABELS.items()), "ages"),
        listed("phase", "Phase", vocab.Phase.choices, "phase"),
        listed("type", "Study type", vocab.StudyType.choices, "type"),
        listed("itype", "Intervention type", vocab.InterventionType.choices, "itype"),
        Facet(
            "sex",
            "Sex of the participant",
            estimated="sex" in estimated,
            options=[
                Option(
                    text,
                    sexes[value] + sexes[vocab.Sex.ALL],
                    chosen["sex"] == value,
                    {"sex": None if chosen["sex"] == value else value, "page": None},
                )
                for value, text in SEXES
            ],
        ),
        yes_no(
            "healthy",
            "Accepts healthy volunteers",
            counts["healthy"][True],
            counts["healthy"][False],
        ),
        listed("sponsor_class", "Sponsor type", vocab.AgencyClass.choices, "sponsor_class"),
        yes_no(
            "results",
            "Has results",
            counts["results"][True],
            counts["results"][False] + counts["results"][None],
        ),
        listed("country", "Country", [(c, c) for c in country_names], "country"),
    ]
