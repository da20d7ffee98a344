"""API v2's read-only endpoints about the data rather than a study: what fields and enums the
registry holds, what each query.* parameter searches, and statistics of the values held.

All answer as ClinicalTrials.gov's API v2 does, in the shapes of its schemas (``FieldNodeList``,
``EnumInfoList``, ``SearchDocumentList``, ``GzipStats``, ``FieldValuesStats``, ``ListSizes``),
for this registry's own data: the field tree and the enums come from the record's declarations
(``trials.record``, through ``trials.api_fields``), the search areas from the search's layout
(``trials.search.layout``), the statistics from PostgreSQL over the studies as they are.
A parameter an endpoint does not take, or a value it cannot take, is answered with HTTP 400 and
``{"message": ...}``, as ``trials.api`` answers.
"""

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.http import require_GET

from trials import api_fields, vocab
from trials import record as r
from trials.api import PATIENT, PLACE_FIELDS, SEARCH_PARAMETERS, bad_request, boolean
from trials.api_params import OUTCOME_FIELDS, BadRequest
from trials.export import MODULE_ORDER
from trials.models import (
    Condition,
    Identifier,
    Intervention,
    Keyword,
    MeshTerm,
    OtherName,
    OutcomeMeasure,
    Site,
    Sponsor,
    Study,
    TermKind,
)
from trials.record import StudyRecord, label_of, spec_of
from trials.search.layout import FIELDS, NAMES, RANK_WEIGHTS, Source

# --- The field tree (/studies/metadata) ------------------------------------------------------


def _node(path: str, children: dict[str, list[str]]) -> dict[str, Any]:
    kind = api_fields.kind_of(path)
    node: dict[str, Any] = {
        "name": path.rpartition(".")[2],
        "piece": api_fields.piece_of(path),
        "sourceType": kind.source_type,
        "type": kind.api_type,
        "isEnum": kind.choices is not None,
    }
    if held := api_fields.declared_fields().get(path):
        node["title"] = label_of(held.owner, held.name)
    if others := api_fields.other_pieces_of(path):
        node["altPieceNames"] = others
    if path in children:
        node["children"] = [_node(child, children) for child in children[path]]
    return node


@functools.cache
def field_nodes() -> list[dict[str, Any]]:
    """The field tree as ``FieldNodeList``: every path a study's JSON may hold, nested."""
    children: dict[str, list[str]] = {}
    for path in api_fields.field_tree():
        children.setdefault(path.rpartition(".")[0], []).append(path)
    # The protocol's modules in the order a study's JSON gives them.
    modules = [f"protocolSection.{name}" for name in MODULE_ORDER]
    children["protocolSection"].sort(
        key=lambda p: modules.index(p) if p in modules else len(modules)
    )
    return [_node(path, children) for path in children[""]]


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """GET /api/v2/studies/metadata: the field tree of the data this registry holds.

    It holds no indexed-only or historic-only fields, so ``includeIndexedOnly`` and
    ``includeHistoricOnly`` are taken (true or false) and change nothing."""
    try:
        only_parameters(request.GET, "includeIndexedOnly", "includeHistoricOnly")
        for name in ("includeIndexedOnly", "includeHistoricOnly"):
            boolean(name, request.GET.get(name, ""))
    except BadRequest as error:
        return bad_request(str(error))
    return JsonResponse(field_nodes(), safe=False)


# --- Enums (/studies/enums) -------------------------------------------------------------------


@functools.cache
def enum_infos() -> list[dict[str, Any]]:
    """Every enumeration a study's JSON may hold a value of, as ``EnumInfoList``: its values
    (``legacyValue``: the classic spelling, the vocabulary's label) and the pieces holding it.

    Enumerations that only say where a part stands (an outcome's kind, a MeSH term's) are never
    a value of the JSON, so they are not listed."""
    pieces: dict[type[vocab.TextChoices], list[str]] = {}
    for path in api_fields.field_tree():
        if (choices := api_fields.kind_of(path).choices) is not None:
            pieces.setdefault(choices, []).append(api_fields.piece_of(path))
    return [
        {
            "type": choices.__name__,
            "pieces": list(dict.fromkeys(names)),
            "values": [
                {"value": value, "legacyValue": str(label)} for value, label in choices.choices
            ],
        }
        for choices, names in pieces.items()
    ]


@require_GET
def enums(request: HttpRequest) -> HttpResponse:
    """GET /api/v2/studies/enums: the enumerations the record uses, with their values."""
    try:
        only_parameters(request.GET)
    except BadRequest as error:
        return bad_request(str(error))
    return JsonResponse(enum_infos(), safe=False)


# --- Search areas (/studies/search-areas) -------------------------------------------------------

# What query.lead reads: the lead sponsor's name alone.
_LEAD_SPONSOR = Source(Sponsor, "name", where=("is_lead", "=", "true"))
# The fields of a part table that the search layout or the API's narrowing parameters read, and
# the paths of a study's JSON that hold them (a Study column's path comes from its declaration).
_PART_PATHS: dict[Source, tuple[str, ...]] = {
    Source(Identifier, "value"): (
        "protocolSection.identificationModule.orgStudyIdInfo.id",
        "protocolSection.identificationModule.secondaryIdInfos.id",
        "protocolSection.identificationModule.nctIdAliases",
    ),
    Source(Condition, "name"): ("protocolSection.conditionsModule.conditions",),
    Source(Keyword, "name"): ("protocolSection.conditionsModule.keywords",),
    Source(Intervention, "name"): ("protocolSection.armsInterventionsModule.interventions.name",),
    Source(OtherName, "name", via="intervention"): (
        "protocolSection.armsInterventionsModule.interventions.otherNames",
    ),
    Source(MeshTerm, "term", where=("kind", "<>", vocab.MeshKind.INTERVENTION)): (
        "derivedSection.conditionBrowseModule.meshes.term",
        "derivedSection.conditionBrowseModule.ancestors.term",
    ),
    Source(MeshTerm, "term", where=("kind", "=", vocab.MeshKind.INTERVENTION)): (
        "derivedSection.interventionBrowseModule.meshes.term",
        "derivedSection.interventionBrowseModule.ancestors.term",
    ),
    **{
        Source(OutcomeMeasure, name): tuple(
            f"protocolSection.outcomesModule.{kind}.{spec_of(r.Outcome, name).api}"
            for kind in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes")
        )
        for name in OUTCOME_FIELDS
    },
    _LEAD_SPONSOR: ("protocolSection.sponsorCollaboratorsModule.leadSponsor.name",),
    Source(Sponsor, "name"): (
        "protocolSection.sponsorCollaboratorsModule.leadSponsor.name",
        "protocolSection.sponsorCollaboratorsModule.collaborators.name",
    ),
    **{
        Source(Site, name): (f"protocolSection.contactsLocationsModule.locations.{name}",)
        for name in PLACE_FIELDS
    },
}


def paths_of(source: Source) -> tuple[str, ...]:
    """The paths of a study's JSON whose values a search source reads."""
    if source.model is Study:
        return (spec_of(StudyRecord, source.field).api,)
    return _PART_PATHS[source]


def _rank_weight(rank: str) -> float:
    """The ts_rank weight relevance gives a match in ``rank`` (0: a match there does not rank)."""
    return RANK_WEIGHTS["DCBA".index(rank)] if rank else 0.0


def _part(sources: list[Source], weight: float, synonyms: bool = False) -> dict[str, Any]:
    pieces = [api_fields.piece_of(path) for source in sources for path in paths_of(source)]
    return {
        "pieces": list(dict.fromkeys(pieces)),
        "type": "text",
        "isEnum": False,
        "isSynonyms": synonyms,
        "weight": weight,
    }


def _by_weight(fields: list[tuple[Source, float]], synonyms: frozenset[Source]) -> list[dict]:
    """One search part per weight and synonym use, in the layout's order."""
    groups: dict[tuple[float, bool], list[Source]] = {}
    for source, weight in fields:
        groups.setdefault((weight, source in synonyms), []).append(source)
    return [_part(sources, weight, synonyms) for (weight, synonyms), sources in groups.items()]


@functools.cache
def search_documents() -> list[dict[str, Any]]:
    """What each query.* parameter this server takes searches, as ``SearchDocumentList``.

    ``weight`` is the ts_rank weight the relevance order gives a match in those fields (0: a
    match there finds the study but does not rank it). ``isSynonyms`` marks the fields searched
    for more than the words: query.term, query.patient and query.cond also look for the MeSH
    terms the condition vocabulary links the words to (``trials.search.vocabulary``), and
    query.term and query.intr find a drug by its other names (the lexicon: brand, code and
    generic names). query.titles, query.outc, query.spons, query.lead, query.locn and query.id
    narrow the results and do not rank."""
    every = [(field.source, _rank_weight(field.rank)) for field in FIELDS]
    by_rank = {
        letter: [(f.source, _rank_weight(f.rank)) for f in FIELDS if f.rank == letter]
        for letter in "ABC"
    }
    drug_names = frozenset(source for kind, source in NAMES if kind == TermKind.INTERVENTION)
    sponsor_names = [source for kind, source in NAMES if kind == TermKind.SPONSOR]
    words = _by_weight(every, frozenset(source for source, _ in every))
    params = {value: key for key, value in SEARCH_PARAMETERS.items()}
    areas = [
        ("BasicSearch", params["q"], "Other terms", words),
        ("PatientSearch", PATIENT, "Patient's words (as query.term)", words),
        (
            "ConditionSearch",
            params["cond"],
            "Condition or disease",
            _by_weight(by_rank["B"], frozenset(source for source, _ in by_rank["B"])),
        ),
        (
            "InterventionSearch",
            params["intr"],
            "Intervention / treatment",
            _by_weight(by_rank["C"], drug_names),
        ),
        # query.titles: the words among the rank vector's weight-A texts.
        (
            "TitleSearch",
            "query.titles",
            "Title, acronym or ID",
            [_part([source for source, _ in by_rank["A"]], 0.0)],
        ),
        (
            "OutcomeSearch",
            "query.outc",
            "Outcome measure",
            [_part([Source(OutcomeMeasure, name) for name in OUTCOME_FIELDS], 0.0)],
        ),
        ("SponsorSearch", "query.spons", "Sponsor or collaborator", [_part(sponsor_names, 0.0)]),
        ("LeadSponsorSearch", "query.lead", "Lead sponsor", [_part([_LEAD_SPONSOR], 0.0)]),
        (
            "LocationSearch",
            "query.locn",
            "Location",
            [_part([Source(Site, name) for name in PLACE_FIELDS], 0.0)],
        ),
        (
            "IdSearch",
            "query.id",
            "Study IDs",
            [_part([Source(Study, "nct_id"), Source(Identifier, "value")], 0.0)],
        ),
    ]
    return [
        {
            "name": "Study",
            "areas": [
                {
                    "name": name,
                    "param": param.removeprefix("query."),
                    "uiLabel": label,
                    "parts": parts,
                }
                for name, param, label, parts in areas
            ],
        }
    ]


@require_GET
def search_areas(request: HttpRequest) -> HttpResponse:
    """GET /api/v2/studies/search-areas: the fields each query.* parameter searches."""
    try:
        only_parameters(request.GET)
    except BadRequest as error:
        return bad_request(str(error))
    return JsonResponse(search_documents(), safe=False)


# --- Parameters ----------------------------------------------------------------------------


def only_parameters(params: QueryDict, *allowed: str) -> None:
    """BadRequest naming the first parameter the endpoint does not take."""
    if unknown := [name for name in params if name not in allowed]:
        takes = f"takes {', '.join(allowed)}" if allowed else "takes no parameters"
        raise BadRequest(f"{unknown[0]}: not a parameter of this endpoint (it {takes})")
