"""The search document, the drug lexicon and snippet escaping, on real records."""

import pytest

from trials.models import (
    DrugAlias,
    SearchDocument,
    SearchMatch,
    SearchRanking,
    SearchTerm,
    TermKind,
)
from trials.search import CODED, highlight, refresh_search_many, resolve_drug


def test_the_writer_leaves_a_search_document_with_the_study_columns_beside_it(seed):
    document = SearchDocument.objects.get(study=seed)
    assert document.conditions == [
        "Refractory Multiple Myeloma",
        "Stage II Multiple Myeloma",
        "Stage III Multiple Myeloma",
    ]
    assert document.interventions[:2] == ["Drug: lenalidomide", "Drug: temsirolimus"]
    assert document.overall_status == "COMPLETED"
    assert document.phases == ["PHASE1"]
    assert document.intervention_types == ["DRUG", "OTHER"]
    assert document.countries == ["United States"]
    assert document.site_count == 1
    assert document.minimum_age_days == 6574 and document.maximum_age_days is None
    assert {"I:lenalidomide", "I:revlimid", "I:cc 5013", "C:refractory multiple myeloma"} <= set(
        document.term_keys
    )


def test_the_search_row_holds_the_study_facets_as_codes_and_its_names_as_lexemes(seed):
    row = SearchMatch.objects.get(study=seed)
    shown = SearchDocument.objects.get(study=seed)
    assert CODED["status"].decode(row.status) == ["COMPLETED"]
    assert CODED["phase"].decode(row.phases) == shown.phases == ["PHASE1"]
    assert CODED["itype"].decode(row.intervention_types) == ["DRUG", "OTHER"]
    assert CODED["type"].decode(row.study_type) == [shown.study_type]
    assert CODED["sex"].decode(row.sex) == [shown.sex]
    # The page text states no sponsor class: a blank value has no code.
    assert shown.sponsor_class == "" and row.sponsor_class is None
    assert row.countries == ["United States"] and row.minimum_age_days == 6574
    # The lexicon keys are lexemes of their own; the drug keys rank too.
    assert "'I:revlimid'" in row.document and "'I:revlimid'" in row.core
    assert "'N:united states'" in row.document
    ranking = SearchRanking.objects.get(study=seed).rank_vector
    assert "'I:revlimid'" in ranking and "'N:united states'" not in ranking


def test_a_code_decodes_to_the_values_it_was_made_of():
    phases = CODED["phase"]
    both = phases.code("PHASE1") | phases.code("PHASE2")
    assert phases.decode(both) == ["PHASE1", "PHASE2"]
    assert CODED["status"].decode(CODED["status"].code("RECRUITING")) == ["RECRUITING"]
    assert CODED["status"].code("not a status") is None and CODED["status"].decode(None) == []


def test_the_lexicon_counts_each_name_once_per_study(corpus):
    assert SearchTerm.objects.get(kind=TermKind.INTERVENTION, key="revlimid").study_count == 1
    assert SearchTerm.objects.get(kind=TermKind.COUNTRY, key="united states").name == (
        "United States"
    )


def test_a_bulk_refresh_rebuilds_the_same_lexicon(corpus, monkeypatch):
    before = set(SearchTerm.objects.values_list("kind", "key", "study_count"))
    monkeypatch.setattr("trials.search.document.FULL_LEXICON_REBUILD", 0)
    refresh_search_many(SearchDocument.objects.values_list("study_id", flat=True))
    assert set(SearchTerm.objects.values_list("kind", "key", "study_count")) == before


@pytest.mark.parametrize("name", ["Revlimid", "CC-5013", "lenalidomide", "IMiD-1", "revlimid"])
def test_brand_code_and_generic_names_resolve_to_one_drug(seed, name):
    drug = resolve_drug(name, fuzzy_threshold=1)
    assert drug is not None
    assert {"I:lenalidomide", "I:revlimid", "I:cc 5013"} <= set(drug.keys)
    assert "I:temsirolimus" not in drug.keys


def test_a_misspelt_drug_resolves_by_trigram_similarity(seed):
    drug = resolve_drug("temsirolimis", fuzzy_threshold=0.35)
    assert drug is not None and drug.fuzzy_name == "temsirolimus"
    assert "I:torisel" in drug.keys


def test_an_unknown_word_resolves_to_no_drug(seed):
    assert resolve_drug("myeloma", fuzzy_threshold=0.5) is None


def test_a_junk_other_name_curated_as_not_an_alias_joins_no_drug_at_once(seed):
    DrugAlias.objects.create(alias="IMiD-1", not_an_alias=True)
    assert resolve_drug("IMiD-1", fuzzy_threshold=1) is None
    assert "I:imid 1" not in resolve_drug("Revlimid", fuzzy_threshold=1).keys


def test_a_curated_alias_joins_a_name_no_record_pairs(seed):
    DrugAlias.objects.create(alias="Lenalid", drug="lenalidomide")
    drug = resolve_drug("Lenalid", fuzzy_threshold=1)
    assert drug is not None and "I:revlimid" in drug.keys


def test_a_highlight_escapes_record_text_before_marking_the_words():
    html = highlight("<script>alert(1)</script> \ue000Revlimid\ue001 & \ue000x")
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Revlimid</mark> &amp; x"
