"""The record's declarations: every column, path and reader derives from them, so they must hold."""

import dataclasses
import hashlib
import json
import typing

import pytest

from tests.conftest import import_files
from tests.corpus import CORPUS
from trials import store
from trials.export import record_to_api, study_to_api
from trials.importer.detect import read_studies
from trials.importer.json import api_v2
from trials.models import Study
from trials.record import DATES, PART_CLASSES, PartialDate, StudyRecord, specs
from trials.vocab import SourceFormat

# Study columns that are not record fields: kept by the writer for search, paging and history.
NOT_RECORD_COLUMNS = {
    "id",
    "nct_id",
    "minimum_age_days",
    "maximum_age_days",
    "record_hash",
    "created_at",
    "updated_at",
}


def test_every_study_column_is_declared_by_the_record_and_every_declared_column_exists():
    model_columns = {f.column for f in Study._meta.concrete_fields} - NOT_RECORD_COLUMNS
    declared = {column for _, column in store.COLUMNS}
    for name, typed in DATES.items():
        declared |= {f"{name}_date", f"{name}_precision"} | ({f"{name}_type"} if typed else set())
    for nested in store.NESTED_COLUMNS.values():
        declared |= {column for _, column in nested}

    assert model_columns == declared


def _sample(name: str, hint: object) -> object:
    """A value of a plain field's type that no default equals."""
    spec = dict(specs(StudyRecord))[name]
    if name in DATES:
        return PartialDate("2020-05", "ACTUAL" if spec.typed else "")
    if spec.choices is not None:
        first = spec.choices.values[0]
        return (first,) if typing.get_origin(hint) is tuple else first
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple:
        return ("one", "two")
    if bool in args:
        return True
    if int in args:
        return 7
    if float in args:
        return 27.5
    return f"value of {name}"


def test_every_plain_declared_field_is_exported_at_its_path_and_read_back_from_it():
    hints = typing.get_type_hints(StudyRecord)
    plain = [
        name
        for name, spec in specs(StudyRecord)
        if spec.api and not spec.provenance and name not in PART_CLASSES
    ]
    values = {name: _sample(name, hints[name]) for name in plain}
    values |= {"nct_id": "NCT01234567", "source_format": "API_V2_JSON"}
    record = StudyRecord(**values)

    exported = record_to_api(record.to_dict())
    again = api_v2.build(exported, "round trip")

    for name in plain:
        assert getattr(again, name) == getattr(record, name), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "has_dmc", "shown"), [("NCT01252810", True, "Yes"), ("NCT00195884", False, "No")]
)
def test_a_data_monitoring_committee_is_imported_shown_and_exported(client, name, has_dmc, shown):
    import_files(f"json/{name}.json")

    study = Study.objects.with_parts().get(nct_id=name)
    assert study.oversight_has_dmc is has_dmc
    exported = study_to_api(study)["protocolSection"]["oversightModule"]
    assert exported == {"oversightHasDmc": has_dmc}
    page = client.get(study.get_absolute_url()).content.decode()
    assert f"<dt>Data monitoring committee</dt><dd>{shown}</dd>" in page


def test_every_list_of_parts_names_the_field_that_keys_its_parts_in_curation_paths():
    from trials.record import PART_LISTS

    for name, cls in PART_LISTS.items():
        key = cls.__dict__.get("KEY", "missing")
        assert key is None or key in {f for f, _ in specs(cls)}, name


def _corpus_records() -> list[StudyRecord]:
    """Every record of the corpus's files, in every form (the bulk archive aside)."""
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".html", ".htm", ".xml", ".json"):
            found += [p.record for p in read_studies(path.read_bytes(), path.name) if p.record]
    return found


def test_the_stored_json_and_the_content_hash_say_what_to_dict_says():
    # Both are encoded from the record itself; the hash stays the one studies were stored with
    # (the sorted JSON of to_dict() without the form's two fields), or every study would look
    # changed to the next import.
    records = _corpus_records()
    assert len({r.source_format for r in records}) >= 4
    for record in records:
        data = record.to_dict()
        assert json.loads(record.to_json()) == data, record.nct_id
        said = {k: v for k, v in data.items() if k not in ("source_format", "lacks")}
        digest = hashlib.sha256(json.dumps(said, sort_keys=True).encode()).hexdigest()
        assert record.content_hash() == digest, record.nct_id


def test_the_content_hash_is_of_what_a_record_says_not_of_the_form_it_came_in():
    record = next(r for r in _corpus_records() if r.lacks)
    other = dataclasses.replace(record, source_format=SourceFormat.API_V2_JSON, lacks=frozenset())
    assert other.content_hash() == record.content_hash()
    assert dataclasses.replace(record, acronym="OTHER").content_hash() != record.content_hash()
