"""Curators' values kept over re-imports, and the history of every change to a study.

Field paths
-----------
A curated value is kept per (study, path). The path names a field of the study's *record*
(``trials.record.StudyRecord``), not a database row, because every import rebuilds the
rows from the record:

- ``brief_title``, ``enrollment``, ``start`` (``{"iso", "type"}``), ``responsible_party`` (a
  dict), ``conditions``: a field of the study. Lists of plain names (conditions, keywords,
  phases, obsolete NCT IDs) are curated whole: a name has no identity apart from its text.
- ``interventions[lenalidomide].other_names``, ``sites[3].country``: a field of one part. A part
  is named by its key in the *sources'* record: interventions by name, arms by label,
  collaborators and officials by name, secondary IDs by their value; sites, outcomes and MeSH
  terms, which have no stable name, by their index. A second part with the same key gets ``#2``.
  As the key is the source's, a curator may rename the part itself (a misspelt drug) and later
  edits still find it. An intervention's ``arm_labels`` hold arm keys, so renaming an arm keeps
  its links.
- ``sites[3]``: a whole part; null means a curator removed it. Parts a curator added are keyed
  ``+1``, ``+2``… and come after the source's parts.

Index keys are honest about their limit: when a newer version inserts a site before site 3, the
source value under ``sites[3]`` changes and the curation is flagged, never silently moved.

Rules on import (``curate_imports_many``): a curated value stays while the sources still say what
they said when it was curated, so re-importing the same or an older version changes nothing.
When a newer version changes that field the curated value still stays, and the curation is
flagged ``conflicted`` with the new source value for a curator to keep or drop in admin. When
the sources come to say what the curator said, the curation has done its work and is dropped.
"""

import contextlib
import contextvars
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AuthUser

from trials.models import Curation, Origin, StudyChange
from trials.record import DATES, PART_LISTS, StudyRecord, arm_links, specs

Flat = dict[str, Any]
Keys = dict[str, list[str]]
User = AbstractBaseUser | AnonymousUser | None

# The record's lists of parts, and the field that names each part (None: its index).
PART_KEYS: dict[str, str | None] = {name: cls.KEY for name, cls in PART_LISTS.items()}
# Record fields that say where a record came from or what its parser noticed, not the study.
NOT_CONTENT = frozenset({"nct_id"} | {name for name, spec in specs(StudyRecord) if spec.provenance})
# Dates the study keeps without an actual/estimated type (no ``<name>_type`` column).
UNTYPED_DATES = tuple(name for name, typed in DATES.items() if not typed)

_FIELD_PATH = re.compile(r"^(\w+)\[(.*)\]\.(\w+)$")
_PART_PATH = re.compile(r"^(\w+)\[(.*)\]$")

# Who is changing studies in this context: the admin's import form sets it; the command does not.
_actor: contextvars.ContextVar[User] = contextvars.ContextVar("curation_actor", default=None)


@contextlib.contextmanager
def acting_as(user: User) -> Iterator[None]:
    """Imports inside this block are recorded in the history as made by ``user``."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def actor() -> User | None:
    """Who is changing studies in this context (``acting_as``), if anyone said."""
    return _actor.get()


# --- The record as data: one dict shape for a source record and for the database rows. ---


def part_keys(data: dict[str, Any]) -> Keys:
    """The key of every part of a record dict (see the module docstring)."""
    keys: Keys = {}
    for part, name_field in PART_KEYS.items():
        seen: dict[str, int] = defaultdict(int)
        keys[part] = []
        for index, item in enumerate(data[part]):
            key = str(index) if name_field is None else item[name_field]
            seen[key] += 1
            keys[part].append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def content(record: StudyRecord) -> tuple[dict[str, Any], Keys]:
    """A record as a dict with the shape the database rows give back, and its part keys."""
    # A copy: to_dict() is the record's cached, read-only dict.
    data = {**record.to_dict()}
    keys = part_keys(data)
    linked: dict[int, list[str]] = defaultdict(list)
    for xi, ai in arm_links(record):
        linked[xi].append(keys["arms"][ai])
    data["interventions"] = [
        {**intervention, "arm_labels": linked[xi]}
        for xi, intervention in enumerate(data["interventions"])
    ]
    # The link is kept once, on the intervention, as the database keeps it once.
    data["arms"] = [{**arm, "intervention_names": []} for arm in data["arms"]]
    for name in UNTYPED_DATES:
        if data[name]:
            data[name] = {**data[name], "type": ""}
    party = data["responsible_party"]
    if party is not None and not any(party.values()):
        data["responsible_party"] = None
    return data, keys


def flatten(data: dict[str, Any], keys: Keys, only: set[str] | None = None) -> Flat:
    """Every field of a record dict under its path (of the ``only`` fields, if given)."""
    flat = {
        name: value
        for name, value in data.items()
        if name not in NOT_CONTENT and name not in PART_KEYS and (only is None or name in only)
    }
    for part in PART_KEYS if only is None else PART_KEYS.keys() & only:
        for key, item in zip(keys[part], data[part], strict=True):
            for name, value in item.items():
                if name != "intervention_names":
                    flat[f"{part}[{key}].{name}"] = value
    return flat


def value_at(flat: Flat, path: str) -> Any:
    """The value under ``path``: a field, or a whole part as a dict (None when absent)."""
    if path in flat or not _PART_PATH.match(path):
        return flat.get(path)
    prefix = path + "."
    fields = {p[len(prefix) :]: v for p, v in flat.items() if p.startswith(prefix)}
    return fields or None


def diff(before: Flat, after: Flat) -> dict[str, list[Any]]:
    """{path: [before, after]} of what differs; a part added or removed is one entry."""
    parts_before, parts_after = _parts_of(before), _parts_of(after)
    whole = parts_before.keys() ^ parts_after.keys()
    changes = {
        path: [before.get(path), after.get(path)]
        for path in before.keys() | after.keys()
        if row_of(path) not in whole and before.get(path) != after.get(path)
    }
    for row in whole:
        changes[row] = [parts_before.get(row), parts_after.get(row)]
    return dict(sorted(changes.items()))


def _parts_of(flat: Flat) -> dict[str, dict[str, Any]]:
    """Each part's fields, as ``value_at`` gives one part, all parts in one pass."""
    parts: dict[str, dict[str, Any]] = defaultdict(dict)
    for path, value in flat.items():
        if match := _FIELD_PATH.match(path):
            parts[f"{match[1]}[{match[2]}]"][match[3]] = value
    return parts


def row_of(path: str) -> str | None:
    """The part a field path is in (``sites[3]`` of ``sites[3].country``), or None."""
    match = _FIELD_PATH.match(path)
    return f"{match[1]}[{match[2]}]" if match else None


def overlay(data: dict[str, Any], keys: Keys, curated: dict[str, Any]) -> tuple[dict, Keys]:
    """The record dict with curated values on top: parts first, then their fields."""
    if not curated:
        return data, keys
    data = {**data}
    rows = {part: dict(zip(keys[part], data[part], strict=True)) for part in PART_KEYS}
    fields = []
    for path, value in sorted(curated.items(), key=lambda item: _added_order(item[0])):
        if match := _FIELD_PATH.match(path):
            fields.append((match[1], match[2], match[3], value))
        elif match := _PART_PATH.match(path):
            if value is None:
                rows[match[1]].pop(match[2], None)
            else:
                rows[match[1]][match[2]] = {**value}
        elif path in data and path not in NOT_CONTENT:
            data[path] = value
    for part, key, name, value in fields:
        # A curated field of a part the sources no longer have has nothing to apply to; its
        # curation is flagged on import (the source value it replaced is gone).
        if (row := rows[part].get(key)) is not None:
            rows[part][key] = {**row, name: value}
    keys = {part: list(rows[part]) for part in PART_KEYS}
    for part in PART_KEYS:
        data[part] = list(rows[part].values())
    return data, keys


def _added_order(path: str) -> tuple[int, str]:
    """Parts a curator added in the order they were added (+2 before +10)."""
    match = _PART_PATH.match(path)
    if match and match[2].startswith("+") and match[2][1:].isdigit():
        return int(match[2][1:]), path
    return 0, path


def to_record(data: dict[str, Any], keys: Keys) -> StudyRecord:
    """A record dict back to the record the writer saves (arm keys become arm labels)."""
    labels = {key: arm["label"] for key, arm in zip(keys["arms"], data["arms"], strict=True)}
    interventions = [
        {**x, "arm_labels": [labels[key] for key in x.get("arm_labels", ()) if key in labels]}
        for x in data["interventions"]
    ]
    return StudyRecord.from_dict({**data, "interventions": interventions})


# --- Imports ---


@dataclass(frozen=True)
class Import:
    """One study's import, as the writer sees it: the sources' state before and after."""

    study_id: int
    before: StudyRecord | None  # None: the study is new
    after: StudyRecord
    source: str


def curate_imports_many(imports: list[Import]) -> list[StudyRecord]:
    """The record to show for each import, with curated values on top; records the history.

    Set-based for the batch writer: one query finds the curations of every study in the batch
    (none for a batch of new studies), one bulk insert writes the history, and a study without
    curations costs no query of its own.
    """
    existing = [item.study_id for item in imports if item.before is not None]
    curations: dict[int, list[Curation]] = defaultdict(list)
    if existing:
        for curation in Curation.objects.of_studies(existing):
            curations[curation.study_id].append(curation)
    actor = user_or_none(_actor.get())
    shown: list[StudyRecord] = []
    entries: list[StudyChange] = []
    flagged: list[Curation] = []
    settled: list[int] = []
    for item in imports:
        entry = StudyChange(
            study_id=item.study_id,
            origin=Origin.IMPORT,
            actor=actor,
            actor_name=actor.get_username() if actor else "",
            source=item.source,
        )
        entries.append(entry)
        if item.before is None:
            entry.summary = "Created by import."
            shown.append(item.after)
            continue
        after, after_keys = content(item.after)
        before, before_keys = content(item.before)
        # Only the fields that differ are taken apart: a 1,218-site study whose title changed
        # does not flatten its sites.
        differ = _differing(before, after)
        changes = diff(flatten(before, before_keys, differ), flatten(after, after_keys, differ))
        after_flat = flatten(after, after_keys) if item.study_id in curations else {}
        kept: dict[str, Any] = {}
        for curation in curations.get(item.study_id, ()):
            now = value_at(after_flat, curation.path)
            if now == curation.value:
                settled.append(curation.pk)
                continue
            kept[curation.path] = curation.value
            if now != curation.source_value:
                entry.conflicts[curation.path] = [curation.value, now]
                if not curation.conflicted or curation.new_source_value != now:
                    curation.conflicted, curation.new_source_value = True, now
                    flagged.append(curation)
            elif curation.conflicted:
                curation.conflicted, curation.new_source_value = False, None
                flagged.append(curation)
        # A curated field does not change on the page: a newer value is a conflict instead.
        curated_paths = [c.path for c in curations.get(item.study_id, ())]
        entry.changes = {p: v for p, v in changes.items() if not _covered(p, curated_paths)}
        entry.summary = _import_summary(entry)
        shown.append(to_record(*overlay(after, after_keys, kept)) if kept else item.after)
    if settled:
        Curation.objects.filter(pk__in=settled).delete()
    if flagged:
        Curation.objects.bulk_update(flagged, ["conflicted", "new_source_value"])
    StudyChange.objects.bulk_create(entries)
    return shown


def _differing(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {name for name in after if name not in NOT_CONTENT and before.get(name) != after[name]}


def _covered(path: str, curated_paths: list[str]) -> bool:
    return any(
        path == c or path.startswith(c + ".") or c.startswith(path + ".") for c in curated_paths
    )


def _import_summary(entry: StudyChange) -> str:
    parts = [f"{len(entry.changes)} field(s) changed" if entry.changes else "nothing changed"]
    if entry.conflicts:
        parts.append(f"{len(entry.conflicts)} curated field(s) now differ from the source")
    return "New version: " + "; ".join(parts) + "."


def user_or_none(user: User) -> AuthUser | None:
    """The user to name in the history: nobody for a command or an anonymous request."""
    return user if isinstance(user, AuthUser) and user.is_authenticated else None
