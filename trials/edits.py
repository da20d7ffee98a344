"""A curator's edits in admin: what changed, kept as curated values; reverts; conflict decisions.

Around every admin save: ``snapshot(study)`` before, ``record_admin_edit(snapshot, user)``
after. The snapshot names each database row by its key in the record (``trials.curation``):
the rows stand in the order of the shown record (the writer wrote them so, and admin adds rows
at the end), so the n-th row of a part has the n-th key of the shown record.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from trials import store
from trials.curation import (
    PART_KEYS,
    Flat,
    Keys,
    User,
    content,
    diff,
    flatten,
    overlay,
    row_of,
    to_record,
    user_or_none,
    value_at,
)
from trials.models import Curation, Origin, Study, StudyChange, StudyQuerySet, StudyVersion
from trials.record import StudyRecord, effective_record
from trials.search import refresh_search


def db_content(study: Study) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The study's rows as a record dict (arm links as arm ids), and each part's row ids;
    fetch ``study`` with ``Study.objects.with_parts()``."""
    held = store.read(study)
    data = held.data
    # The link is kept once, on the intervention, as ``curation.content`` keeps it.
    data["arms"] = [{**arm, "intervention_names": []} for arm in data["arms"]]
    data["interventions"] = [
        {**x, "arm_labels": arms}
        for x, arms in zip(data["interventions"], held.arm_ids, strict=True)
    ]
    return data, {part: held.row_ids.get(part, []) for part in PART_KEYS}


@dataclass
class Snapshot:
    """A study as an admin edit is about to change it: its sources, curations and rows."""

    study: Study
    source: dict[str, Any]  # the sources' record, as ``curation.content`` gives it
    source_keys: Keys
    source_flat: Flat
    curations: dict[str, Curation]
    row_keys: dict[str, dict[int, str]]  # per part: row id -> key
    flat: Flat = field(default_factory=dict)  # the rows as they are, by path


def snapshot(study: Study) -> Snapshot:
    """Read a study before an admin edit (a dozen queries, whatever its size)."""
    (snap,) = snapshots(Study.objects.filter(pk=study.pk))
    return snap


def snapshots(studies: StudyQuerySet) -> list[Snapshot]:
    """Read studies before an edit: a dozen queries for them all, whatever their number."""
    imported = StudyVersion.objects.order_by("imported_at", "pk").only("study_id", "record")
    return [
        _snapshot(study)
        for study in studies.with_parts().prefetch_related(
            Prefetch("versions", queryset=imported), "curations"
        )
    ]


def _snapshot(study: Study) -> Snapshot:
    records = [StudyRecord.from_dict(version.record) for version in study.versions.all()]
    source, source_keys = content(effective_record(records))
    curations = {c.path: c for c in study.curations.all()}
    _, shown_keys = overlay(source, source_keys, {p: c.value for p, c in curations.items()})
    data, pks = db_content(study)
    row_keys = {part: dict(zip(pks[part], shown_keys[part], strict=False)) for part in PART_KEYS}
    snap = Snapshot(study, source, source_keys, flatten(source, source_keys), curations, row_keys)
    snap.flat = _flat_of(data, pks, row_keys)
    return snap


def _flat_of(data: dict[str, Any], pks: dict[str, list[int]], row_keys: dict) -> Flat:
    """The rows by path: known rows under their keys, rows added since under new ``+n`` keys."""
    keys: Keys = {}
    for part in PART_KEYS:
        known = row_keys[part]
        added = [int(k[1:]) for k in known.values() if k.startswith("+") and k[1:].isdigit()]
        n = max(added, default=0)
        for pk in pks[part]:
            if pk not in known:
                n += 1
                known[pk] = f"+{n}"
        keys[part] = [known[pk] for pk in pks[part]]
    arm_key = dict(zip(pks["arms"], keys["arms"], strict=True))
    for x in data["interventions"]:
        x["arm_labels"] = [arm_key[a] for a in x["arm_labels"] if a in arm_key]
    return flatten(data, keys)


@transaction.atomic
def record_admin_edit(snap: Snapshot, user: User, source: str = "admin") -> StudyChange | None:
    """After an admin save: keep what changed as curated values and write it to the history."""
    study = Study.objects.with_parts().get(pk=snap.study.pk)
    data, pks = db_content(study)
    changes = diff(snap.flat, _flat_of(data, pks, snap.row_keys))
    if not changes:
        return None
    curated = _curate(snap, {path: after for path, (_, after) in changes.items()}, user)
    # The stored digest is of what an import would now show, so re-importing a source already
    # seen finds nothing to do.
    shown = to_record(*overlay(snap.source, snap.source_keys, curated))
    # A new updated_at: the study's prepared pages (trials.pages) are rendered anew.
    Study.objects.filter(pk=study.pk).update(
        record_hash=shown.content_hash(), updated_at=timezone.now()
    )
    refresh_search(study)  # admin forms changed the rows: search must see the curated text
    summary = "Changed " + ", ".join(changes) + "."
    return _entry(study, user, Origin.ADMIN, source=source, changes=changes, summary=summary)


def _curate(snap: Snapshot, values: dict[str, Any], user: User) -> dict[str, Any]:
    """Curate ``values`` (path -> value) over the snapshot's curations; save and return all."""
    curated = {path: c.value for path, c in snap.curations.items()}
    for path, value in values.items():
        row = row_of(path)
        if row is not None and "[+" in row and isinstance(added := curated.get(row), dict):
            # A part a curator added is curated whole: its fields belong to that curation.
            curated[row] = {**added, path[len(row) + 1 :]: value}
            continue
        if value is None and path.endswith("]"):
            curated = {p: v for p, v in curated.items() if not p.startswith(path + ".")}
        if value == value_at(snap.source_flat, path):
            curated.pop(path, None)
        else:
            curated[path] = value
    gone = [c.pk for path, c in snap.curations.items() if path not in curated]
    Curation.objects.filter(pk__in=gone).delete()
    for path, value in curated.items():
        old = snap.curations.get(path)
        if old is not None and old.value == value:
            continue
        Curation.objects.update_or_create(
            study=snap.study,
            path=path,
            defaults={
                "value": value,
                "source_value": value_at(snap.source_flat, path),
                "curated_by": user_or_none(user),
                "conflicted": False,
                "new_source_value": None,
            },
        )
    return curated


def _rewrite(snap: Snapshot, curated: dict[str, Any], user: User, **entry: Any) -> StudyChange:
    """Write the study as its sources plus ``curated`` say, as an import would."""
    data, keys = overlay(snap.source, snap.source_keys, curated)
    record = to_record(data, keys)
    study = Study.objects.select_for_update().get(pk=snap.study.pk)
    store.validate(record)
    store.write([(study.pk, record)])
    return _entry(study, user, changes=diff(snap.flat, flatten(data, keys)), **entry)


@transaction.atomic
def revert(change: StudyChange, user: User) -> StudyChange:
    """Put back the "before" values of a change; the revert is itself a change.

    A field whose "before" value was the source's goes back to the source, even when a newer
    source has changed it since: reverting a curation leaves the field uncurated.
    """
    snap = snapshot(change.study)
    values: dict[str, Any] = {}
    for path, (before, _) in change.changes.items():
        kept = snap.curations.get(path)
        if kept is not None and before == kept.source_value:
            # The curation's source value is what the source said when it was curated (a
            # conflict keeps it): "before" was the source, so the source's value now is meant.
            before = value_at(snap.source_flat, path)
        values[path] = before
    curated = _curate(snap, values, user)
    return _rewrite(
        snap,
        curated,
        user,
        origin=Origin.REVERT,
        source="admin history",
        reverts=change,
        summary=f"Reverted the change of {change.at:%Y-%m-%d %H:%M:%S} ({change}).",
    )


@transaction.atomic
def keep_curated(curations: Iterable[Curation], user: User) -> int:
    """A curator's decision: the curated value stays over the newer source value."""
    count = 0
    for curation in curations:
        if not curation.conflicted:
            continue
        curation.source_value, curation.new_source_value = curation.new_source_value, None
        curation.conflicted, curation.curated_by = False, user_or_none(user)
        curation.save()
        _entry(
            curation.study,
            user,
            Origin.DECISION,
            summary=f"Kept the curated {curation.path} over the source's newer value.",
        )
        count += 1
    return count


@transaction.atomic
def take_source(curations: Iterable[Curation], user: User) -> int:
    """A curator's decision: drop the curated values; the sources' values show again."""
    by_study: dict[int, list[Curation]] = defaultdict(list)
    for curation in curations:
        by_study[curation.study_id].append(curation)
    for snap in snapshots(Study.objects.filter(pk__in=by_study)):
        chosen = by_study[snap.study.pk]
        paths = {c.path for c in chosen}
        Curation.objects.filter(pk__in=[c.pk for c in chosen]).delete()
        curated = {p: c.value for p, c in snap.curations.items() if p not in paths}
        _rewrite(
            snap,
            curated,
            user,
            origin=Origin.DECISION,
            summary="Took the source's value of " + ", ".join(sorted(paths)) + ".",
        )
    return sum(len(chosen) for chosen in by_study.values())


def _entry(study: Study, user: User, origin: str, **fields: Any) -> StudyChange:
    actor = user_or_none(user)
    return StudyChange.objects.create(
        study=study,
        origin=origin,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        **fields,
    )
