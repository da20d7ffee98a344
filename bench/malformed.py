"""Malformed records among good ones: every good record lands, every bad one is refused, named.

    .venv/bin/python bench/malformed.py [--bad-per-kind N]

Writes a corpus into a temporary folder: good records in every form (the bundled corpus, topped
up from the bulk archive to at least 300) and malformed ones made from them (truncated, NUL bytes,
invalid UTF-8, no NCT ID, JSON nested 5,000 deep, 5,000-digit numbers, 400-digit ages, non-ASCII
digits, missing status, XML entity bombs and external entities, wrong shapes...). Imports the
lot in one batch into a fresh database and prints how many good records landed, how many bad
ones were refused with a reason, and how many exceptions escaped the importer (tracebacks).
"""

import argparse
import itertools
import json
import re
import sys
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from scale import ARCHIVE, ROOT, fresh_database

CORPUS = ROOT / "fixtures" / "corpus"
FORMS = ("text", "html", "xml", "json", "json_v1")
# An AACT test fragment the importer rightly refuses: not a good record.
NOT_GOOD = {"NCT00465816.json"}
GOOD_AT_LEAST = 300

Mutation = Callable[[bytes], bytes]


def _json_edit(change: Callable[[dict], None]) -> Mutation:
    def mutate(data: bytes) -> bytes:
        document = json.loads(data)
        study = document["studies"][0] if "studies" in document else document
        change(study)
        return json.dumps(document).encode()

    return mutate


def _drop(module: str) -> Callable[[dict], None]:
    return lambda study: study["protocolSection"].pop(module, None)


def _set(path: str, value: object) -> Callable[[dict], None]:
    def change(study: dict) -> None:
        node = study
        *parents, last = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value

    return change


def _digits(zero: int) -> Callable[[dict], None]:
    def change(study: dict) -> None:
        ident = study["protocolSection"]["identificationModule"]
        ident["nctId"] = ident["nctId"][:3] + "".join(
            chr(zero + int(d)) for d in ident["nctId"][3:]
        )

    return change


_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>"
    b"<brief_title>&lol9;</brief_title><overall_status>Completed</overall_status></clinical_study>"
)


def _xml_without(tag: str) -> Mutation:
    return lambda data: re.sub(
        rb"<%s>.*?</%s>" % (tag.encode(), tag.encode()), b"", data, flags=re.S
    )


COMMON: dict[str, Mutation] = {
    "nul": lambda data: data[: len(data) // 2] + b"\x00" + data[len(data) // 2 :],
    "invalid-utf8": lambda data: data[: len(data) // 2] + b"\xff\xfe\xfd" + data[len(data) // 2 :],
    "no-nct-id": lambda data: re.sub(rb"NCT\d{8}", b"NCTXXXXXXXX", data),
    "empty": lambda data: b"",
    "binary": lambda data: bytes(range(1, 256)) * 20,
}
BY_FORM: dict[str, dict[str, Mutation]] = {
    "json": {
        "truncated": lambda data: data[: len(data) // 3],
        "deep": lambda data: b"[" * 5000 + data + b"]" * 5000,
        "huge-age": _json_edit(
            _set("protocolSection.eligibilityModule.minimumAge", "9" * 400 + " Years")
        ),
        "arabic-digits": _json_edit(_digits(0x660)),
        "full-width-digits": _json_edit(_digits(0xFF10)),
        "no-status-module": _json_edit(_drop("statusModule")),
        "protocol-is-a-list": _json_edit(lambda study: study.update(protocolSection=[1, 2])),
        "title-is-a-number": _json_edit(
            _set("protocolSection.identificationModule.briefTitle", 42)
        ),
    },
    "xml": {
        "truncated": lambda data: data[: len(data) // 3],
        "entity-bomb": lambda data: _BOMB,
        "external-entity": lambda data: data.replace(
            b"<clinical_study",
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><clinical_study',
            1,
        ).replace(b"<brief_title>", b"<brief_title>&e;", 1),
        "no-status": _xml_without("overall_status"),
        "no-title": _xml_without("brief_title"),
        "no-id": _xml_without("nct_id"),
    },
    "json_v1": {
        "truncated": lambda data: data[: len(data) // 3],
        "no-studies": lambda data: b'{"FullStudiesResponse": {"FullStudies": []}}',
        "study-is-text": lambda data: b'{"FullStudiesResponse": {"FullStudies": [{"Study": "x"}]}}',
    },
    "text": {},
    "html": {},
}


def _long_number(data: bytes) -> bytes:
    # json cannot write a 5,000-digit int either: splice it into the text.
    document = json.loads(data)
    study = document["studies"][0] if "studies" in document else document
    study["protocolSection"].setdefault("designModule", {})["enrollmentInfo"] = {"count": 0}
    return json.dumps(document).encode().replace(b'"count": 0', b'"count": ' + b"9" * 5000)


BY_FORM["json"]["long-number"] = _long_number


def good_sources(folder: Path) -> list[Path]:
    paths = []
    for form in FORMS:
        for path in sorted((CORPUS / form).iterdir()):
            if path.is_file() and path.name not in NOT_GOOD:
                target = folder / "good" / form / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
                paths.append(target)
    with tarfile.open(ARCHIVE) as archive:
        members = (m for m in archive if m.isfile() and m.name.endswith(".xml"))
        for member in itertools.islice(members, max(0, GOOD_AT_LEAST - len(paths))):
            target = folder / "good" / "bulk" / Path(member.name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = archive.extractfile(member)
            assert handle is not None  # a file member, as the filter above asks
            target.write_bytes(handle.read())
            paths.append(target)
    return paths


def bad_sources(folder: Path, per_kind: int) -> Iterator[Path]:
    for form in FORMS:
        originals = [p for p in sorted((CORPUS / form).iterdir()) if p.name not in NOT_GOOD]
        for kind, mutate in {**COMMON, **BY_FORM[form]}.items():
            for original in originals[:per_kind]:
                target = folder / "bad" / form / kind / original.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(mutate(original.read_bytes()))
                yield target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bad-per-kind", type=int, default=8)
    args = parser.parse_args()

    from trials.importer.pipeline import pieces_of
    from trials.importer.writer import import_pieces

    with tempfile.TemporaryDirectory() as temporary, fresh_database("bench_malformed"):
        folder = Path(temporary)
        good = good_sources(folder)
        bad = list(bad_sources(folder, args.bad_per_kind))
        print(f"{len(good)} good records, {len(bad)} malformed ({folder})")
        landed, refused, tracebacks = Counter[bool](), Counter[str](), 0
        accepted: list[str] = []
        started = time.perf_counter()
        try:
            for result in import_pieces(pieces_of([str(folder)])):
                side = "bad" if f"{folder}/bad/" in result.source else "good"
                kind = result.source.split(f"{folder}/{side}/")[1].rsplit("/", 1)[0]
                if side == "good":
                    landed[result.outcome != "failed"] += 1
                    if result.outcome == "failed":
                        print(f"  good record failed: {result}")
                elif result.outcome == "failed" and result.detail:
                    refused[kind] += 1
                else:
                    accepted.append(str(result))
        except Exception as exc:  # what this benchmark exists to catch
            tracebacks += 1
            print(f"  an exception escaped the importer: {exc!r}")
        seconds = time.perf_counter() - started
        print(f"good records landed:    {landed[True]} of {len(good)}")
        print(f"bad records refused:    {sum(refused.values())} of {len(bad)}, each with a reason")
        for kind, count in sorted(refused.items()):
            print(f"  {kind:32} {count}")
        for line in accepted:
            print(f"  NOT refused: {line}")
        print(f"tracebacks:             {tracebacks}")
        print(f"{len(good) + len(bad)} sources in {seconds:.1f} s")
        sys.exit(1 if tracebacks or accepted or landed[False] else 0)


if __name__ == "__main__":
    main()
