"""Leaf-by-leaf comparison of API v2 study objects: what "exported without loss" means."""

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

Leaf = tuple[str, Any]


def leaves(value: Any, path: str = "", raw: bool = False) -> list[Leaf]:
    """Every leaf value of a JSON document under its path ("a.b[2].c"), strings with their
    white space runs made one space (the only difference a round trip may make) unless
    ``raw``."""
    if isinstance(value, dict):
        return [
            leaf
            for key, v in value.items()
            for leaf in leaves(v, f"{path}.{key}" if path else key, raw)
        ]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in leaves(v, f"{path}[{i}]", raw)]
    if isinstance(value, str) and not raw:
        return [(path, " ".join(value.split()))]
    return [(path, value)]


def lost(source: dict, exported: dict) -> list[Leaf]:
    """The source's leaves the export does not give back at the same path with the same value."""
    kept = dict(leaves(exported))
    return [(path, value) for path, value in leaves(source) if kept.get(path, object()) != value]


def module_of(path: str) -> str:
    """The module a leaf belongs to: "protocolSection.statusModule", "resultsSection...", or the
    section itself for a leaf outside modules ("hasResults")."""
    steps = path.split("[")[0].split(".")
    return ".".join(steps[:2]) if len(steps) > 1 else steps[0]


def coverage(pairs: list[tuple[dict, dict]]) -> dict[str, tuple[int, int]]:
    """Per module: (leaves given back, leaves in the sources) over (source, export) pairs."""
    total: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    for source, exported in pairs:
        total.update(module_of(path) for path, _ in leaves(source))
        missing.update(module_of(path) for path, _ in lost(source, exported))
    return {module: (total[module] - missing[module], total[module]) for module in sorted(total)}


def declared_paths(wanted: Callable[[Any], bool]) -> dict[str, Any]:
    """The API v2 path (without list indices) of every field the record declares whose ``Spec``
    is ``wanted``, and that Spec."""
    from trials.record import StudyRecord, part_classes, specs

    found: dict[str, Any] = {}

    def walk(cls: type, prefixes: list[str]) -> None:
        nested = part_classes(cls)
        for name, spec in specs(cls):
            grouping = getattr(nested.get(name), "GROUPING", None)
            here = (
                [path for path, _ in grouping.paths()]
                if grouping is not None
                else [f"{p}.{spec.api}" if p else spec.api for p in prefixes]
            )
            if name in nested:
                walk(nested[name], here)
            elif spec.api and wanted(spec):
                found.update(dict.fromkeys(here, spec))

    walk(StudyRecord, [""])
    return found


def without_indices(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)


def canonical(source: dict) -> dict:
    """``source`` with each enumerated value in its API v2 spelling (``vocab.normalize``): where
    a source spells a value its own way ("95% Confidence Interval"), the export gives the API v2
    value (CONFIDENCE_95), and the two are compared as such."""
    from trials import vocab

    vocabularies = {
        path: spec.choices for path, spec in declared_paths(lambda s: s.choices).items()
    }

    def fix(value: Any, path: str) -> Any:
        if isinstance(value, dict):
            return {k: fix(v, f"{path}.{k}" if path else k) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v, path) for v in value]
        choices = vocabularies.get(without_indices(path))
        if choices is not None and isinstance(value, str) and value not in choices.values:
            return vocab.normalize(choices, value)
        return value

    return fix(source, "")


# Keys some corpus files carry that are not API v2's: dgg32/clinical-trials-public's export adds
# `locations_nested`, a second copy of `locations`.
NOT_API_V2 = {"locations_nested"}


def api_v2_only(source: dict) -> dict:
    """``source`` without the keys API v2 does not have (see NOT_API_V2)."""
    module = source["protocolSection"].get("contactsLocationsModule", {})
    for key in NOT_API_V2 & module.keys():
        del module[key]
    return source
