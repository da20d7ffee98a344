"""Which data-bearing elements of legacy XML records reach the API v2 export, element by element.

    .venv/bin/python bench/xml_elements.py [folder of legacy XML files]

Imports each file of the folder (default: the corpus copy in fixtures/corpus/xml) into a fresh
database on its own, exports the study (``trials.export.study_to_api``) and, for every element
path of the XML with text (or attribute with a value), counts the values found among the
export's values. Values are compared with white space runs made one space and case ignored, and
a value may be found inside a longer one (the XML splits what API v2 joins). What API v2 writes
in another form counts in that form, read as the importer reads it: dates ("March 14, 2007" is
2007-03-14), enumerations ("Parallel Assignment" is PARALLEL), yes/no flags (true/false) and
results group IDs ("O2" is OG001). The list of paths never found is the one to read.
"""

import argparse
import contextlib
import re
import sys
from collections import Counter
from pathlib import Path

from lxml import etree
from scale import ROOT, fresh_database  # sets Django up

sys.path.insert(0, str(ROOT))

from tests.leaves import leaves
from trials import vocab
from trials.export import study_to_api
from trials.importer.detect import read_studies
from trials.importer.legacy_xml.text import partial_date
from trials.importer.writer import import_pieces
from trials.models import Study
from trials.record.results import group_code
from trials.vocab import TextChoices

# Elements that say where the file came from, not what the study is.
_PROVENANCE = ("required_header", "download_date", "link_text", "url")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


# Every enumeration the record knows, to read an XML label as API v2 writes it.
_CHOICES = [c for c in vars(vocab).values() if isinstance(c, type) and issubclass(c, TextChoices)]
_FLAGS = {"yes": "true", "no": "false"}
_GROUP_ID = re.compile(r"([a-z])(\d+)")


def api_forms(value: str) -> set[str]:
    """The forms an XML value may take in API v2 (normalised as ``_norm`` does)."""
    forms = {value}
    try:
        date = partial_date(value)
    except ValueError:
        date = None
    if date is not None:
        forms.add(date.iso)
    for choices in _CHOICES:
        with contextlib.suppress(ValueError):
            forms.add(_norm(str(vocab.normalize(choices, value))))
    if value in _FLAGS:
        forms.add(_FLAGS[value])
    if match := _GROUP_ID.fullmatch(value):
        forms.add(_norm(group_code(f"{match[1]}g", int(match[2]) - 1)))
    return forms


def xml_values(path: Path) -> list[tuple[str, str]]:
    root = etree.parse(str(path)).getroot()
    values = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        where = re.sub(r"\[\d+\]", "", root.getroottree().getpath(element))
        if any(step in _PROVENANCE for step in where.split("/")):
            continue
        if element.text and element.text.strip() and len(element) == 0:
            values.append((where, _norm(element.text)))
        for name, value in element.attrib.items():
            if value.strip():
                values.append((f"{where}/@{name}", _norm(value)))
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", default=ROOT / "fixtures/corpus/xml")
    args = parser.parse_args()

    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    with fresh_database("bench_xml_elements"):
        for path in sorted(args.folder.glob("*.xml")):
            Study.objects.all().delete()
            results = list(import_pieces(read_studies(path.read_bytes(), str(path))))
            study = Study.objects.with_parts().first()
            if study is None:
                print(f"{path.name}: not imported ({results[0].detail if results else '?'})")
                continue
            exported = " \x00 ".join(
                _norm(str(v)) for _, v in leaves(study_to_api(study)) if v is not None
            )
            for where, value in xml_values(path):
                total[where] += 1
                found[where] += any(form in exported for form in api_forms(value))
    kept, count = sum(found.values()), sum(total.values())
    print(f"values found in the export: {kept:,} of {count:,} ({100 * kept / count:.1f} %)")
    print("element paths never found:")
    for where in sorted(w for w in total if not found[w]):
        print(f"  {where} ({total[where]})")


if __name__ == "__main__":
    main()
