"""API v2's metadata, enums, search areas and statistics, on the corpus records."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from tests.test_api import SEED
from trials import api_fields, vocab
from trials.export import study_to_api
from trials.models import PreparedPage, Site, Study
from trials.search.layout import FIELDS

pytestmark = pytest.mark.django_db

# The response schemas of ClinicalTrials.gov's API v2 description these endpoints answer in:
# each property's type, the required ones marked "!" (every schema here allows no others).
STRING, INTEGER, NUMBER, BOOLEAN, ARRAY, OBJECT = str, int, (int, float), bool, list, dict
SCHEMAS: dict[str, dict[str, Any]] = {
    "FieldNode": {
        "!name": STRING,
        "!piece": STRING,
        "!sourceType": STRING,
        "!type": STRING,
        "altPieceNames": [STRING],
        "children": ["FieldNode"],
        "dedLink": OBJECT,
        "description": STRING,
        "historicOnly": BOOLEAN,
        "indexedOnly": BOOLEAN,
        "isEnum": BOOLEAN,
        "maxChars": INTEGER,
        "nested": BOOLEAN,
        "rules": STRING,
        "synonyms": BOOLEAN,
        "title": STRING,
    },
    "EnumInfo": {"!pieces": [STRING], "!type": STRING, "!values": ["EnumItem"]},
    "EnumItem": {"exceptions": OBJECT, "!legacyValue": STRING, "!value": STRING},
    "SearchDocument": {"!areas": ["SearchArea"], "!name": STRING},
    "SearchArea": {"!name": STRING, "param": STRING, "!parts": ["SearchPart"], "uiLabel": STRING},
    "SearchPart": {
        "!isEnum": BOOLEAN,
        "!isSynonyms": BOOLEAN,
        "!pieces": [STRING],
        "!type": STRING,
        "!weight": NUMBER,
    },
    "GzipStats": {
        "!averageSizeBytes": INTEGER,
        "!largestStudies": ["StudySize"],
        "!percentiles": OBJECT,
        "!ranges": ["DistItem"],
        "!totalStudies": INTEGER,
    },
    "StudySize": {"!id": STRING, "!sizeBytes": INTEGER},
    "DistItem": {"!sizeRange": STRING, "!studiesCount": INTEGER},
    "ListSizes": {
        "!field": STRING,
        "maxSize": INTEGER,
        "minSize": INTEGER,
        "!piece": STRING,
        "topSizes": ["ListSize"],
        "!uniqueSizesCount": INTEGER,
    },
    "ListSize": {"!size": INTEGER, "!studiesCount": INTEGER},
    "EnumStats": {
        "!field": STRING,
        "!missingStudiesCount": INTEGER,
        "!piece": STRING,
        "topValues": ["ValueCount"],
        "!type": STRING,
        "!uniqueValuesCount": INTEGER,
    },
    "ValueCount": {"!studiesCount": INTEGER, "!value": STRING},
    "IntegerStats": {
        "avg": NUMBER,
        "!field": STRING,
        "max": INTEGER,
        "min": INTEGER,
        "!missingStudiesCount": INTEGER,
        "!piece": STRING,
        "!type": STRING,
    },
    "NumberStats": {
        "avg": NUMBER,
        "!field": STRING,
        "max": NUMBER,
        "min": NUMBER,
        "!missingStudiesCount": INTEGER,
        "!piece": STRING,
        "!type": STRING,
    },
    "BooleanStats": {
        "!falseCount": INTEGER,
        "!field": STRING,
        "!missingStudiesCount": INTEGER,
        "!piece": STRING,
        "!trueCount": INTEGER,
        "!type": STRING,
    },
}
SCHEMAS["StringStats"] = SCHEMAS["EnumStats"]
# FieldValuesStats is anyOf these, told apart by ``type``.
STATS_SCHEMAS = {
    "ENUM": "EnumStats",
    "STRING": "StringStats",
    "INTEGER": "IntegerStats",
    "NUMBER": "NumberStats",
    "BOOLEAN": "BooleanStats",
}


def shape_errors(value: Any, schema: str, where: str = "$") -> list[str]:
    """Where ``value`` breaks the schema: a required property missing, another one not in the
    schema, a value of the wrong type."""
    if not isinstance(value, dict):
        return [f"{where}: not an object"]
    properties = {name.lstrip("!"): kind for name, kind in SCHEMAS[schema].items()}
    required = {name[1:] for name in SCHEMAS[schema] if name.startswith("!")}
    errors = [f"{where}: no {name}" for name in sorted(required - value.keys())]
    errors += [f"{where}: {name} is not in {schema}" for name in value.keys() - properties.keys()]
    for name, item in value.items():
        kind = properties.get(name)
        if isinstance(kind, list):
            if not isinstance(item, list):
                errors.append(f"{where}.{name}: not an array")
                continue
            for index, element in enumerate(item):
                errors += _item_errors(element, kind[0], f"{where}.{name}[{index}]")
        elif kind is not None:
            errors += _item_errors(item, kind, f"{where}.{name}")
    return errors


def _item_errors(value: Any, kind: Any, where: str) -> list[str]:
    if isinstance(kind, str):
        return shape_errors(value, kind, where)
    # JSON has no separate booleans and integers for isinstance: True is an int to Python.
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
        return [f"{where}: {value!r} is not {kind}"]
    return []


def answer(client, url: str, **params) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def refused(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 400, response.content
    return response.json()["message"]


def walk(nodes: list[dict], prefix: str = "") -> Iterator[tuple[str, dict]]:
    for node in nodes:
        path = prefix + node["name"]
        yield path, node
        yield from walk(node.get("children", []), path + ".")


# --- /studies/metadata ---------------------------------------------------------------------


def test_metadata_is_the_field_tree_nested_each_node_with_the_shape_the_spec_requires(client):
    nodes = answer(client, "/api/v2/studies/metadata")

    assert [error for node in nodes for error in shape_errors(node, "FieldNode")] == []
    tree = api_fields.field_tree()
    paths = [path for path, _ in walk(nodes)]
    assert sorted(paths) == sorted(tree)
    modules = [path for path in paths if path.count(".") == 1 and path.startswith("protocol")]
    assert modules[:3] == [
        "protocolSection.identificationModule",
        "protocolSection.statusModule",
        "protocolSection.sponsorCollaboratorsModule",
    ]
    for path, node in walk(nodes):
        assert node["type"].endswith("[]") == tree[path], path
        assert ("children" in node) == any(p.startswith(path + ".") for p in tree), path


def test_every_piece_the_metadata_gives_names_its_node_through_fields(client):
    nodes = answer(client, "/api/v2/studies/metadata")

    for path, node in walk(nodes):
        for piece in [node["piece"], *node.get("altPieceNames", [])]:
            assert path in api_fields.paths_named(piece), (path, piece)
    by_piece = {node["piece"]: path for path, node in walk(nodes)}
    assert by_piece["NCTId"] == "protocolSection.identificationModule.nctId"
    assert by_piece["InterventionName"] == (
        "protocolSection.armsInterventionsModule.interventions.name"
    )
    assert by_piece["ConditionMeshTerm"] == "derivedSection.conditionBrowseModule.meshes.term"
    assert by_piece["StartDateStruct"] == "protocolSection.statusModule.startDateStruct"


def test_metadata_says_what_each_kind_of_field_holds(client):
    nodes = dict(walk(answer(client, "/api/v2/studies/metadata")))

    def kind(path: str) -> tuple[str, str, bool]:
        node = nodes[path]
        return node["sourceType"], node["type"], node["isEnum"]

    assert kind("protocolSection.identificationModule.briefTitle") == ("TEXT", "text", False)
    assert kind("protocolSection.descriptionModule.briefSummary") == ("MARKUP", "markup", False)
    assert kind("protocolSection.statusModule.overallStatus") == ("ENUM", "Status", True)
    assert kind("protocolSection.designModule.phases") == ("ENUM", "Phase[]", True)
    assert kind("protocolSection.conditionsModule.conditions") == ("TEXT", "text[]", False)
    assert kind("hasResults") == ("BOOLEAN", "boolean", False)
    assert kind("protocolSection.designModule.enrollmentInfo.count") == (
        "INTEGER",
        "integer",
        False,
    )
    assert kind("protocolSection.contactsLocationsModule.locations.geoPoint.lat")[1] == "number"
    start = "protocolSection.statusModule.startDateStruct"
    assert kind(start) == ("STRUCT", "PartialDateStruct", False)
    assert kind(f"{start}.date") == ("DATE", "PartialDate", False)
    assert kind(f"{start}.type") == ("ENUM", "DateType", True)
    assert kind("protocolSection.statusModule.statusVerifiedDate") == ("DATE", "PartialDate", False)
    assert kind("protocolSection.armsInterventionsModule.interventions")[1] == "Intervention[]"
    assert nodes["protocolSection.identificationModule.nctId"]["title"] == "NCT ID"


def test_metadata_refuses_a_parameter_it_does_not_take_or_a_value_it_cannot(client):
    assert answer(client, "/api/v2/studies/metadata", includeIndexedOnly="true")
    assert "includeHistoricOnly" in refused(
        client, "/api/v2/studies/metadata", includeHistoricOnly="maybe"
    )
    assert "format: not a parameter" in refused(client, "/api/v2/studies/metadata", format="csv")


# --- /studies/enums ------------------------------------------------------------------------


def test_enums_are_the_vocabularies_with_their_values_and_the_pieces_holding_them(client):
    infos = answer(client, "/api/v2/studies/enums")

    assert [error for info in infos for error in shape_errors(info, "EnumInfo")] == []
    by_type = {info["type"]: info for info in infos}
    for info in infos:
        choices = getattr(vocab, info["type"])
        assert [v["value"] for v in info["values"]] == list(choices.values)
        assert [v["legacyValue"] for v in info["values"]] == [str(x) for x in choices.labels]
    assert by_type["Status"]["pieces"] == ["OverallStatus", "LastKnownStatus", "LocationStatus"]
    assert "Phase" in by_type["Phase"]["pieces"]
    assert "StartDateType" in by_type["DateType"]["pieces"]
    # Kinds that only say where a part stands are no value of a study's JSON.
    assert "OutcomeKind" not in by_type and "SourceFormat" not in by_type


def test_every_enum_piece_names_a_field_the_metadata_calls_that_enum(client):
    nodes = {node["piece"]: node for _, node in walk(answer(client, "/api/v2/studies/metadata"))}

    for info in answer(client, "/api/v2/studies/enums"):
        for piece in info["pieces"]:
            assert nodes[piece]["isEnum"], piece
            assert nodes[piece]["type"].removesuffix("[]") == info["type"], piece


# --- /studies/search-areas -----------------------------------------------------------------


def areas_of(client) -> dict[str, dict]:
    (document,) = answer(client, "/api/v2/studies/search-areas")
    assert shape_errors(document, "SearchDocument") == []
    assert document["name"] == "Study"
    return {area["param"]: area for area in document["areas"]}


def pieces_of(area: dict) -> set[str]:
    return {piece for part in area["parts"] for piece in part["pieces"]}


def test_search_areas_are_the_query_parameters_this_server_takes(client):
    areas = areas_of(client)

    assert sorted(areas) == [
        "cond",
        "id",
        "intr",
        "lead",
        "locn",
        "outc",
        "patient",
        "spons",
        "term",
        "titles",
    ]
    every_piece = {api_fields.piece_of(path) for path in api_fields.field_tree()}
    for area in areas.values():
        assert pieces_of(area) <= every_piece


def test_the_basic_search_reads_every_text_the_layout_indexes_and_no_other(client):
    term = areas_of(client)["term"]

    assert len(pieces_of(term)) >= len(FIELDS)
    assert {"NCTId", "BriefTitle", "Condition", "InterventionOtherName", "EligibilityCriteria"} <= (
        pieces_of(term)
    )
    assert "LocationCity" not in pieces_of(term)  # places are query.locn's only
    weights = {piece: part["weight"] for part in term["parts"] for piece in part["pieces"]}
    assert weights["BriefTitle"] > weights["Condition"] > weights["EligibilityCriteria"] == 0


def test_condition_and_intervention_search_only_their_fields_drugs_by_every_name(client):
    areas = areas_of(client)

    assert pieces_of(areas["cond"]) == {
        "Condition",
        "Keyword",
        "ConditionMeshTerm",
        "ConditionAncestorTerm",
    }
    assert pieces_of(areas["intr"]) == {
        "InterventionName",
        "InterventionOtherName",
        "InterventionMeshTerm",
        "InterventionAncestorTerm",
    }
    synonyms = {p for part in areas["intr"]["parts"] if part["isSynonyms"] for p in part["pieces"]}
    assert synonyms == {"InterventionName", "InterventionOtherName"}
    # The condition vocabulary adds the MeSH terms it links the words to, wherever cond looks.
    assert all(part["isSynonyms"] for part in areas["cond"]["parts"])


def test_the_narrowing_searches_read_only_their_own_fields_and_do_not_rank(client):
    areas = areas_of(client)

    assert pieces_of(areas["titles"]) == {
        "NCTId",
        "BriefTitle",
        "OfficialTitle",
        "Acronym",
        "OrgStudyId",
        "SecondaryId",
        "NCTIdAlias",
    }
    assert {"PrimaryOutcomeMeasure", "SecondaryOutcomeTimeFrame", "OtherOutcomeDescription"} <= (
        pieces_of(areas["outc"])
    )
    assert len(pieces_of(areas["outc"])) == 9
    assert pieces_of(areas["spons"]) == {"LeadSponsorName", "CollaboratorName"}
    assert pieces_of(areas["lead"]) == {"LeadSponsorName"}
    assert "LocationCountry" in pieces_of(areas["locn"])
    for param in ("titles", "outc", "spons", "lead", "locn", "id"):
        assert {part["weight"] for part in areas[param]["parts"]} == {0}, param
    assert areas["patient"]["parts"] == areas["term"]["parts"]


# --- /stats/field/values -------------------------------------------------------------------


def exported_studies() -> list[tuple[str, dict]]:
    return [(study.nct_id, study_to_api(study)) for study in Study.objects.with_parts()]


def exported_values(exported: list[tuple[str, dict]], path: str) -> dict[str, set[str]]:
    """Each value at ``path`` of the studies' exported JSON, and the studies holding it."""
    found: dict[str, set[str]] = defaultdict(set)

    def visit(node: Any, segments: list[str], nct_id: str) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item, segments, nct_id)
        elif not segments:
            found[str(node).lower() if isinstance(node, bool) else str(node)].add(nct_id)
        elif isinstance(node, dict) and segments[0] in node:
            visit(node[segments[0]], segments[1:], nct_id)

    for nct_id, study in exported:
        visit(study, path.split("."), nct_id)
    return found


def test_value_counts_are_the_values_every_study_exports(client, corpus):
    stats = answer(client, "/api/v2/stats/field/values")

    exported = exported_studies()
    studies = len(exported)
    assert [e for item in stats for e in shape_errors(item, STATS_SCHEMAS[item["type"]])] == []
    assert len(stats) > 200
    for item in stats:
        values = exported_values(exported, item["field"])
        holding = set().union(*values.values())
        assert item["missingStudiesCount"] == studies - len(holding), item["field"]
        if item["type"] == "BOOLEAN":
            assert item["trueCount"] == len(values.get("true", ())), item["field"]
            assert item["falseCount"] == len(values.get("false", ())), item["field"]
        elif item["type"] in ("ENUM", "STRING"):
            assert item["uniqueValuesCount"] == len(values), item["field"]
            top = {v["value"]: v["studiesCount"] for v in item["topValues"]}
            assert top == {value: len(values[value]) for value in top}, item["field"]
            unlisted = [len(ids) for value, ids in values.items() if value not in top]
            assert not top or max(unlisted, default=0) <= min(top.values()), item["field"]
        elif holding:
            numbers = [float(value) for value in values]
            assert (item["min"], item["max"]) == (min(numbers), max(numbers)), item["field"]


def test_overall_status_counts_are_the_studies_of_each_status(client, corpus):
    (stats,) = answer(client, "/api/v2/stats/field/values", fields="OverallStatus")

    counts = Study.objects.values("overall_status").annotate(n=Count("pk"))
    assert stats["type"] == "ENUM"
    assert {v["value"]: v["studiesCount"] for v in stats["topValues"]} == {
        row["overall_status"]: row["n"] for row in counts
    }
    assert stats["missingStudiesCount"] == 0


def test_a_country_counts_its_studies_once_however_many_sites_they_have_there(client, corpus):
    (stats,) = answer(client, "/api/v2/stats/field/values", fields="LocationCountry")

    counts = (
        Site.objects.exclude(country="")
        .order_by()
        .values("country")
        .annotate(n=Count("study", distinct=True))
    )
    expected = {row["country"]: row["n"] for row in counts}
    top = {v["value"]: v["studiesCount"] for v in stats["topValues"]}
    assert top == {country: expected[country] for country in top}
    assert stats["uniqueValuesCount"] == len(expected)
    without = Study.objects.exclude(sites__country__gt="").count()
    assert stats["missingStudiesCount"] == without


def test_types_and_fields_narrow_the_statistics(client, corpus):
    flags = answer(client, "/api/v2/stats/field/values", types="BOOLEAN")
    assert flags and {item["type"] for item in flags} == {"BOOLEAN"}
    asked = answer(client, "/api/v2/stats/field/values", fields="HasResults|DesignModule")
    fields = {item["field"] for item in asked}
    assert {"hasResults", "protocolSection.designModule.designInfo.allocation"} <= fields
    assert all(f.startswith("protocolSection.designModule.") or f == "hasResults" for f in fields)
    assert len(answer(client, "/api/v2/stats/field/values", fields="Phase")) == 1


def test_the_fields_of_one_table_are_counted_in_one_pass_for_values_one_for_studies(
    client, corpus, django_assert_num_queries
):
    study_columns = "OverallStatus|BriefTitle|EnrollmentCount|HasResults|StartDateType"
    with django_assert_num_queries(3):  # the studies, then the two passes
        stats = answer(client, "/api/v2/stats/field/values", fields=study_columns)
    assert len(stats) == 5
    site_columns = "LocationCity|LocationCountry|LocationStatus|LocationGeoPointLat"
    with django_assert_num_queries(3):
        stats = answer(client, "/api/v2/stats/field/values", fields=site_columns)
    assert len(stats) == 4


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"types": "COLOUR"}, "'COLOUR' is not one of"),
        ({"types": "DATE"}, "DATE statistics are not served"),
        ({"fields": "NoSuchPiece"}, "'NoSuchPiece' is not a field"),
        ({"fields": "BriefSummary"}, "'BriefSummary' has no such statistics"),
        ({"field": "Phase"}, "field: not a parameter"),
    ],
)
def test_value_statistics_refuse_what_they_cannot_answer(client, params, message):
    assert message in refused(client, "/api/v2/stats/field/values", **params)


# --- /stats/field/sizes --------------------------------------------------------------------


def test_list_sizes_count_the_studies_of_each_length(client, corpus):
    sizes = {item["piece"]: item for item in answer(client, "/api/v2/stats/field/sizes")}

    assert [e for item in sizes.values() for e in shape_errors(item, "ListSizes")] == []
    phases = Counter(len(p) for p in Study.objects.values_list("phases", flat=True) if p)
    assert {s["size"]: s["studiesCount"] for s in sizes["Phase"]["topSizes"]} == phases
    assert sizes["Phase"]["uniqueSizesCount"] == len(phases)
    sites = Counter(
        Site.objects.values("study").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    location = sizes["Location"]
    assert location["field"] == "protocolSection.contactsLocationsModule.locations"
    assert (location["minSize"], location["maxSize"]) == (min(sites), max(sites))
    assert location["uniqueSizesCount"] == len(sites)
    assert all(sites[s["size"]] == s["studiesCount"] for s in location["topSizes"])


def test_list_sizes_of_each_list_are_the_lengths_the_studies_export(client, corpus):
    sizes = answer(client, "/api/v2/stats/field/sizes")

    exported = exported_studies()
    for item in sizes:
        lengths: Counter[int] = Counter()
        for _, study in exported:
            node: Any = study
            for segment in item["field"].split("."):
                node = node.get(segment) if isinstance(node, dict) else None
            if node:
                lengths[len(node)] += 1
        assert item["uniqueSizesCount"] == len(lengths), item["field"]
        top = {s["size"]: s["studiesCount"] for s in item["topSizes"]}
        assert top == {size: lengths[size] for size in top}, item["field"]


def test_list_sizes_take_only_lists(client):
    assert "'BriefTitle' has no such statistics" in refused(
        client, "/api/v2/stats/field/sizes", fields="BriefTitle"
    )
    assert "types: not a parameter" in refused(client, "/api/v2/stats/field/sizes", types="ENUM")


# --- /stats/size ---------------------------------------------------------------------------


def test_study_sizes_are_the_kept_api_answers_and_only_the_current_ones(client, corpus):
    assert answer(client, "/api/v2/stats/size")["totalStudies"] == 0
    for nct_id in (SEED, "NCT00006392"):
        assert client.get(f"/api/v2/studies/{nct_id}").status_code == 200

    stats = answer(client, "/api/v2/stats/size")

    assert shape_errors(stats, "GzipStats") == []
    kept = {p.study.nct_id: len(p.body) for p in PreparedPage.objects.select_related("study")}
    assert stats["totalStudies"] == 2
    assert stats["largestStudies"] == [
        {"id": nct_id, "sizeBytes": size}
        for nct_id, size in sorted(kept.items(), key=lambda item: -item[1])
    ]
    # PostgreSQL rounds halves away from zero (Python rounds them to even).
    assert stats["averageSizeBytes"] == (sum(kept.values()) + 1) // 2
    assert sum(r["studiesCount"] for r in stats["ranges"]) == 2
    assert stats["percentiles"]["50"] == min(kept.values())
    # A study changed since its answer was kept is not measured until it is asked for again.
    Study.objects.filter(nct_id=SEED).update(updated_at=timezone.now())
    assert answer(client, "/api/v2/stats/size")["totalStudies"] == 1


def test_study_sizes_take_no_parameters(client):
    assert "pageSize: not a parameter" in refused(client, "/api/v2/stats/size", pageSize="5")
