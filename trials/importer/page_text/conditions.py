"""Conditions and MeSH terms from page text, where the copy lost the boundaries between them.

The "Condition or disease | Intervention/treatment | Phase" table of a classic page collapses
into one line when copied, and the page's MeSH terms come as one unlabelled list. Both are
recovered from evidence only: the record's own interventions and phases, known condition phrases
(the page's MeSH terms, the corpus lexicon ``mesh_kinds.tsv``, the titles, a phrase repeated at
the end of the run), and the page's order. What the evidence cannot settle is left whole and
reported in a warning, never guessed silently.
"""

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from trials.record import MeshTerm
from trials.vocab import InterventionType, MeshKind, Phase, normalize


def _load_lexicon() -> dict[str, str]:
    # Read once at import: a data file shipped inside the package, not an input of ``parse``.
    lexicon: dict[str, str] = {}
    path = Path(__file__).with_name("mesh_kinds.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            term, kind = line.split("\t")
            lexicon[term.casefold()] = kind
    return lexicon


MESH_KINDS = _load_lexicon()

_TYPES = "|".join(
    re.escape(label) for label in sorted(InterventionType.labels, key=len, reverse=True)
)
# "Drug: " and the other intervention types, as the page prefixes an intervention's name.
TYPE_PREFIX = re.compile(rf"(?<!\S)(?P<type>{_TYPES}): ")
_PHASES = re.compile(r"(?:\s+(?:Early Phase 1|Phase [0-4]|Not Applicable|N/A))+$")
_PHASE = re.compile(r"Early Phase 1|Phase [0-4]|Not Applicable|N/A")
# Words that continue a name and so never start (or end) a condition of their own.
_JOINERS = frozenset(
    "and or of with without in the to for due by associated related induced on vs".split()
)


# Words in one condition name, at most: bounds the search over a run of many conditions.
_LONGEST_NAME = 15


@dataclass(frozen=True)
class TableRow:
    conditions: tuple[str, ...]
    interventions: tuple[tuple[str, str], ...]  # (vocab.InterventionType, name)
    phases: tuple[str, ...]
    warnings: tuple[str, ...]


def read_table(
    lines: list[str],
    known_interventions: list[str],
    phrases: list[str],
    titles: list[str],
    cut: bool,
) -> TableRow:
    """The conditions, interventions and phases of the condition table's body lines.

    ``known_interventions`` are the "Type: name" strings the arm block lists; ``phrases`` known
    condition phrases from elsewhere in the record; ``cut`` says the capture stops in the table.
    """
    body = [" ".join(line.split()) for line in lines if line.strip()]
    condition_runs: list[str] = []
    interventions: list[tuple[str, str]] = []
    phases: list[str] = []
    for line in body:
        phase_match = _PHASES.search(" " + line)
        if phase_match:
            phases.extend(normalize(Phase, p) for p in _PHASE.findall(phase_match.group()))
            line = (" " + line)[: phase_match.start()].strip()
        start = _intervention_start(line, known_interventions)
        if start is not None:
            interventions.extend(_split_interventions(line[start:], known_interventions))
            line = line[:start].strip()
        if line:
            condition_runs.append(line)
    if len(body) > 1:
        # Older layouts keep each condition on a line of its own: the page separated them.
        return TableRow(tuple(condition_runs), tuple(interventions), tuple(phases), ())
    if not condition_runs:
        return TableRow((), tuple(interventions), tuple(phases), ())
    stops_here = cut and not interventions and not phases
    conditions, warning = split_conditions(condition_runs[0], phrases, titles, cut=stops_here)
    warnings = (warning,) if warning else ()
    return TableRow(tuple(conditions), tuple(interventions), tuple(phases), warnings)


def _intervention_start(line: str, known: list[str]) -> int | None:
    starts = [match.start() for name in known if (match := _find_words(line, name))]
    prefix = TYPE_PREFIX.search(line)
    if prefix:
        starts.append(prefix.start())
    return min(starts) if starts else None


def _find_words(text: str, phrase: str) -> re.Match[str] | None:
    return re.search(rf"(?<!\S){re.escape(phrase)}(?!\S)", text)


def _split_interventions(text: str, known: list[str]) -> list[tuple[str, str]]:
    """ "Drug: a Drug: b Other: c" into its interventions, the arm block's names first."""
    found: list[tuple[str, str]] = []
    rest = text.strip()
    while rest:
        longest_first = sorted(known, key=len, reverse=True)
        name = next((k for k in longest_first if re.match(rf"{re.escape(k)}(\s|$)", rest)), None)
        if name is None:
            head = TYPE_PREFIX.match(rest)
            if head is None:
                break
            following = TYPE_PREFIX.search(rest, head.end())
            name = rest[: following.start()].strip() if following else rest
        kind, _, title = name.partition(": ")
        found.append((normalize(InterventionType, kind), title.strip()))
        rest = rest[len(name) :].strip()
    return found


def _fold(word: str) -> str:
    word = re.sub(r"[^0-9a-z]", "", word.casefold())
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _phrase_keys(phrases: list[str]) -> set[tuple[str, ...]]:
    keys: set[tuple[str, ...]] = set()
    for phrase in phrases:
        keys.add(tuple(_fold(w) for w in phrase.split() if _fold(w)))
        # MeSH writes many headings inverted: "Carcinoma, Renal Cell" is "Renal Cell Carcinoma".
        head, comma, tail = phrase.partition(", ")
        if comma and "," not in tail:
            keys.add(tuple(_fold(w) for w in f"{tail} {head}".split() if _fold(w)))
    keys.discard(())
    return keys


_CONDITION_KEYS = _phrase_keys([t for t, k in MESH_KINDS.items() if k == MeshKind.CONDITION])


def split_conditions(
    run: str, phrases: list[str], titles: list[str], cut: bool = False
) -> tuple[list[str], str]:
    """A run of condition names without boundaries, split where evidence supports a boundary.

    Each condition must be a known phrase, a phrase of a title, or end with a known condition
    phrase after modifiers such as "Refractory" or "Stage II" and contain no known phrase that
    ends before it does; no boundary may cut through a known phrase. Of the segmentations that
    pass, the one with fewest conditions wins. Returns the conditions and a warning ("" when the
    evidence settled every boundary).
    """
    words = run.split()
    if len(words) <= 1 and not cut:
        return words, ""
    folded = [_fold(w) for w in words]
    known = _CONDITION_KEYS | _phrase_keys(phrases) | _repeated_suffix(folded)
    title_words = [[_fold(w) for w in t.split()] for t in titles]
    n = len(words)
    # ends_at[j]: start positions of known phrases that end just before word j.
    ends_at: list[set[int]] = [set() for _ in range(n + 1)]
    longest = max((len(k) for k in known), default=0)
    if n == 0:
        return [], ""
    # inside[b]: a known phrase runs across the gap before word b, so no boundary goes there.
    inside = [False] * (n + 1)
    for i in range(n):
        for j in range(i + 1, min(n, i + longest) + 1):
            if tuple(folded[i:j]) in known:
                ends_at[j].add(i)
                for gap in range(i + 1, j):
                    inside[gap] = True

    def valid(i: int, j: int) -> bool:
        if folded[i] in _JOINERS or folded[j - 1] in _JOINERS:
            return False
        piece = folded[i:j]
        if tuple(piece) in known:
            return True
        if len(piece) > 1 and any(_contains(t, piece) for t in title_words):
            return True
        if not any(start >= i for start in ends_at[j]):
            return False
        return not any(start >= i for e in range(i + 1, j) for start in ends_at[e])

    # best[j]: fewest pieces that cover words[:j], with the boundaries used.
    best: list[tuple[int, list[int]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for j in range(1, n + 1):
        for i in range(max(0, j - _LONGEST_NAME), j):
            to_i, to_j = best[i], best[j]
            if to_i is not None and not inside[i] and valid(i, j):
                count, cuts = to_i
                if to_j is None or count + 1 < to_j[0]:
                    best[j] = (count + 1, [*cuts, i])
    # best[0] is set, so some prefix of the words is always covered.
    covered, (_, cuts) = max(
        ((j, found) for j, found in enumerate(best) if found is not None), key=lambda x: x[0]
    )
    cuts = [*cuts, covered]
    pieces = [" ".join(words[a:b]) for a, b in itertools.pairwise(cuts) if a < b]
    if covered == n:
        return pieces, ""
    rest = words[covered:]
    if cut:
        # The capture stops inside this line: its last words may be cut off mid-name.
        return pieces, ""
    if pieces and _fold(rest[0]) in _JOINERS:
        pieces[-1] = f"{pieces[-1]} {' '.join(rest)}"
        rest = []
        unsettled = pieces[-1]
    else:
        unsettled = " ".join(rest)
        pieces.append(unsettled)
    return pieces, (
        f"conditions could not be separated: {unsettled!r} is kept as one condition "
        "(no known condition name, MeSH term or title phrase marks where it ends)"
    )


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def _repeated_suffix(folded: list[str]) -> set[tuple[str, ...]]:
    """The longest phrase that ends the run and occurs in it more than once."""
    for size in range(len(folded) // 2, 0, -1):
        tail = folded[-size:]
        if sum(folded[i : i + size] == tail for i in range(len(folded) - size + 1)) > 1:
            return {tuple(tail)}
    return set()


_INTERVENTION_WORDS = re.compile(
    r"\b(Agents?|Inhibitors?|Antagonists?|Agonists?|Factors|Drugs|Substances|Vaccines?"
    r"|Antibodies|Hormones|Modulators|Blockers|Antineoplastic)\b"
)
_CONDITION_WORDS = re.compile(
    r"\b(Diseases?|Disorders?|Neoplasms?|Syndromes?|Infections?|Carcinomas?|Tumors?|Failure"
    r"|Injuries|Abnormalities|Lesions|Manifestations|Processes|Conditions)\b"
)


def classify_mesh(terms: list[str]) -> tuple[tuple[MeshTerm, ...], tuple[str, ...]]:
    """The page's one MeSH list as condition and intervention terms.

    The page lists every condition term before every intervention term, so the first term the
    lexicon knows as an intervention term opens the intervention part. Unknown terms between the
    last known condition term and that point cannot be placed by order; they are classed by
    their wording ("… Agents", "… Diseases") and reported.
    """
    kinds = [MESH_KINDS.get(term.casefold(), "") for term in terms]
    boundary = next((i for i, k in enumerate(kinds) if k == MeshKind.INTERVENTION), len(terms))
    last_condition = max((i for i, k in enumerate(kinds) if k == MeshKind.CONDITION), default=-1)
    warnings: list[str] = []
    if not any(kinds) and terms:
        warnings.append("no MeSH term is in the lexicon: kinds guessed from their wording")
    if last_condition > boundary:
        warnings.append(
            f"MeSH term {terms[last_condition]!r} is a condition term listed after the "
            f"intervention term {terms[boundary]!r}: the lexicon's kind is kept for each"
        )
    result: list[MeshTerm] = []
    unplaced: list[str] = []
    for index, (term, kind) in enumerate(zip(terms, kinds, strict=True)):
        if not kind or kind not in MeshKind.values:
            if index < last_condition and last_condition < boundary:
                kind = MeshKind.CONDITION
            elif index > boundary:
                kind = MeshKind.INTERVENTION
            else:
                kind = _by_wording(term)
                unplaced.append(term)
        result.append(MeshTerm(term=term, kind=str(kind)))
    if unplaced and any(kinds):
        warnings.append(
            "MeSH terms between the condition and intervention parts classed by wording only: "
            + ", ".join(repr(t) for t in unplaced)
        )
    return tuple(result), tuple(warnings)


def _by_wording(term: str) -> str:
    if _INTERVENTION_WORDS.search(term) and not _CONDITION_WORDS.search(term):
        return MeshKind.INTERVENTION
    return MeshKind.CONDITION
