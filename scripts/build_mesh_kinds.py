"""Build trials/importer/page_text/mesh_kinds.tsv: which MeSH terms the registry files under
conditions, which under interventions, as the real records in fixtures/corpus show it.

The classic page lists a study's MeSH terms in one unlabelled list; the page-text parser tells
condition terms from intervention terms with this lexicon. Sources: the legacy XML
``condition_browse``/``intervention_browse`` (fixtures and the 2023 bulk archive), the API v2
``derivedSection`` browse modules and the classic API's browse modules (terms, ancestors and
browse leaves). A term the records file under both kinds is written as AMBIGUOUS: it is no
evidence either way.

Run from the repository root: ``.venv/bin/python scripts/build_mesh_kinds.py``.
"""

import json
import sys
import tarfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
OUT = ROOT / "trials" / "importer" / "page_text" / "mesh_kinds.tsv"
KINDS = {"condition": "CONDITION", "intervention": "INTERVENTION"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _from_xml(data: bytes) -> Iterator[tuple[str, str]]:
    root = etree.fromstring(data, _PARSER)
    for prefix, kind in KINDS.items():
        for term in root.iterfind(f"{prefix}_browse/mesh_term"):
            yield (term.text or "").strip(), kind


def _from_api_v2(study: dict) -> Iterator[tuple[str, str]]:
    derived = study.get("derivedSection", {})
    for prefix, kind in KINDS.items():
        module = derived.get(f"{prefix}BrowseModule", {})
        for key, name in (("meshes", "term"), ("ancestors", "term"), ("browseLeaves", "name")):
            for item in module.get(key, []):
                yield item.get(name, "").strip(), kind


def _from_classic(study: dict) -> Iterator[tuple[str, str]]:
    derived = study.get("DerivedSection", {})
    for prefix, kind in KINDS.items():
        cap = prefix.capitalize()
        module = derived.get(f"{cap}BrowseModule", {})
        for holder, item_key, term_key in (
            (f"{cap}MeshList", f"{cap}Mesh", f"{cap}MeshTerm"),
            (f"{cap}AncestorList", f"{cap}Ancestor", f"{cap}AncestorTerm"),
            (f"{cap}BrowseLeafList", f"{cap}BrowseLeaf", f"{cap}BrowseLeafName"),
        ):
            for item in module.get(holder, {}).get(item_key, []):
                yield item.get(term_key, "").strip(), kind


def _pairs() -> Iterator[tuple[str, str]]:
    for path in sorted((CORPUS / "xml").glob("*.xml")):
        yield from _from_xml(path.read_bytes())
    with tarfile.open(CORPUS / "bulk" / "ctgov-xml-2023-02.tar.xz") as archive:
        for member in archive:
            # extractfile() gives None for what has no content: never a regular file.
            if member.isfile() and member.name.endswith(".xml"):
                content = archive.extractfile(member)
                if content is not None:
                    yield from _from_xml(content.read())
    for path in sorted((CORPUS / "json").glob("*.json")):
        data = json.loads(path.read_bytes())
        for study in data.get("studies", [data]):
            yield from _from_api_v2(study)
    for path in sorted((CORPUS / "json_v1").glob("*.json")):
        response = json.loads(path.read_bytes()).get("FullStudiesResponse", {})
        for full in response.get("FullStudies", []):
            yield from _from_classic(full.get("Study", {}))


def main() -> int:
    seen: dict[str, Counter[str]] = {}
    for term, kind in _pairs():
        if term:
            seen.setdefault(term, Counter())[kind] += 1
    lines = ["# term\tkind (built by scripts/build_mesh_kinds.py from fixtures/corpus)"]
    for term in sorted(seen, key=str.casefold):
        kinds = seen[term]
        kind = next(iter(kinds)) if len(kinds) == 1 else "AMBIGUOUS"
        lines.append(f"{term}\t{kind}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ambiguous = sum(1 for kinds in seen.values() if len(kinds) > 1)
    print(f"{len(seen)} terms ({ambiguous} ambiguous) -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
