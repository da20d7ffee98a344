"""The Essie parser alone: what each expression reads as, and what it refuses, and where."""

import pytest

from trials.essie import EssieError, is_expression, parse
from trials.essie.parse import (
    And,
    Area,
    Coverage,
    Expansion,
    Missing,
    Not,
    Or,
    Phrase,
    Range,
    Search,
    Words,
)


def shape(node) -> object:
    """The tree without positions, as nested tuples: easy to compare."""
    if isinstance(node, Words):
        return node.text
    if isinstance(node, Phrase):
        return ("phrase", node.text)
    if isinstance(node, And | Or):
        return (type(node).__name__.upper(), *(shape(item) for item in node.items))
    if isinstance(node, Not):
        return ("NOT", shape(node.item))
    if isinstance(node, Area):
        return ("AREA", node.field, shape(node.item))
    if isinstance(node, Search):
        return ("SEARCH", node.part, shape(node.item))
    if isinstance(node, Range):
        return ("RANGE", node.low, node.high)
    if isinstance(node, Missing):
        return "MISSING"
    if isinstance(node, Expansion | Coverage):
        return (type(node).__name__.upper(), node.kind, shape(node.item))
    raise AssertionError(node)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("lung cancer", "lung cancer"),
        ('"back pain"', ("phrase", "back pain")),
        ("heart AND attack", ("AND", "heart", "attack")),
        ("youth OR teen", ("OR", "youth", "teen")),
        ("bethesda NOT maryland", ("AND", "bethesda", ("NOT", "maryland"))),
        ("NOT maryland", ("NOT", "maryland")),
        # AND before OR; words next to each other are one term.
        (
            "heart attack OR stroke OR dizziness AND shortness of breath",
            ("OR", "heart attack", "stroke", ("AND", "dizziness", "shortness of breath")),
        ),
        ("(head OR neck) AND pain", ("AND", ("OR", "head", "neck"), "pain")),
        ("head OR neck AND pain", ("OR", "head", ("AND", "neck", "pain"))),
        (
            "(acetaminophen OR aspirin) AND NOT (heart failure OR heart attack)",
            (
                "AND",
                ("OR", "acetaminophen", "aspirin"),
                ("NOT", ("OR", "heart failure", "heart attack")),
            ),
        ),
        ("NOT a AND b", ("AND", ("NOT", "a"), "b")),
        ("((a))", "a"),
        ("AREA[LocationCity]Columbus", ("AREA", "LocationCity", "Columbus")),
        ("AREA[LocationCity]New York", ("AREA", "LocationCity", "New York")),
        ('AREA[Condition]"heart attack"', ("AREA", "Condition", ("phrase", "heart attack"))),
        ("AREA[Condition](heart OR lung)", ("AREA", "Condition", ("OR", "heart", "lung"))),
        ("AREA[StartDate]2022", ("AREA", "StartDate", "2022")),
        (
            "AREA[StartDate]RANGE[2020-01-15,MAX]",
            ("AREA", "StartDate", ("RANGE", "2020-01-15", None)),
        ),
        (
            "AREA[MinimumAge]RANGE[MIN, 16 years]",
            ("AREA", "MinimumAge", ("RANGE", None, "16 years")),
        ),
        (
            "AREA[MinimumAge]RANGE[MIN, 16 years] AND AREA[MaximumAge]RANGE[16 years, MAX]",
            (
                "AND",
                ("AREA", "MinimumAge", ("RANGE", None, "16 years")),
                ("AREA", "MaximumAge", ("RANGE", "16 years", None)),
            ),
        ),
        ("AREA[ResultsFirstPostDate]MISSING", ("AREA", "ResultsFirstPostDate", "MISSING")),
        ("AREA[Condition]NOT asthma", ("AREA", "Condition", ("NOT", "asthma"))),
        # Two operands side by side are AND-ed; AREA binds to the term after it only.
        (
            "AREA[Phase]PHASE2 AREA[OverallStatus]RECRUITING",
            ("AND", ("AREA", "Phase", "PHASE2"), ("AREA", "OverallStatus", "RECRUITING")),
        ),
        (
            "AREA[Condition]asthma OR copd",
            ("OR", ("AREA", "Condition", "asthma"), "copd"),
        ),
        ("EXPANSION[None]heart", ("EXPANSION", "None", "heart")),
        ("EXPANSION[concept]heart", ("EXPANSION", "Concept", "heart")),
        (
            'AREA[Condition]COVERAGE[FullMatch]"Multiple Myeloma"',
            ("AREA", "Condition", ("COVERAGE", "FullMatch", ("phrase", "Multiple Myeloma"))),
        ),
        (
            "SEARCH[Location](AREA[LocationCity]Portland AND AREA[LocationState]Maine)",
            (
                "SEARCH",
                "Location",
                ("AND", ("AREA", "LocationCity", "Portland"), ("AREA", "LocationState", "Maine")),
            ),
        ),
        # Operators are written in capitals; a backslash makes one a word.
        ("heart and attack", "heart and attack"),
        (r"\MISSING link", "MISSING link"),
        (r"\NOT \AND", "NOT AND"),
        (r'"say \"hi\""', ("phrase", 'say "hi"')),
        ("COVID-19 O'Brien 5mg/kg", "COVID-19 O'Brien 5mg/kg"),
    ],
)
def test_an_expression_reads_as_its_tree(text, tree):
    assert shape(parse(text)) == tree


def test_positions_point_at_each_part():
    text = "asthma AND AREA[LocationCity]Columbus"
    tree = parse(text)
    assert isinstance(tree, And)
    words, area = tree.items
    assert isinstance(area, Area) and isinstance(area.item, Words)
    assert (words.position, area.position, area.item.position) == (0, 16, 29)
    assert text[area.position :].startswith("LocationCity")
    ranged = parse("AREA[StartDate]RANGE[ 2020 , 2021-06 ]")
    assert isinstance(ranged, Area) and isinstance(ranged.item, Range)
    assert (ranged.item.low_position, ranged.item.high_position) == (22, 29)


@pytest.mark.parametrize(
    ("text", "message", "at"),
    [
        ("", "give a search term", 0),
        ("   ", "give a search term", 0),
        ("heart AND", "expected a search term after AND", 9),
        ("heart OR OR lung", "expected a search term after OR, not OR", 9),
        ("AND heart", "unexpected AND", 0),
        ("NOT", "expected a search term after NOT", 3),
        ("(a OR b", "( is not closed with )", 0),
        ("a) OR b", ") without the ( it closes", 1),
        ("()", "expected a search term after (, not )", 1),
        ('"back pain', 'a phrase opened with " is not closed', 0),
        ('""', "a phrase must hold a word", 0),
        ("AREA[LocationCity", "AREA[ is not closed with ]", 0),
        ("AREA[]x", "AREA[] must name a field", 5),
        ("AREA[LocationCity]", "expected a search term, RANGE[...] or MISSING after", 18),
        ("AREA[Condition] OR x", "expected a search term, RANGE[...] or MISSING after", 16),
        ("RANGE[1,2]", "RANGE[...] must follow AREA[field]", 0),
        ("x MISSING", "MISSING must follow AREA[field]", 2),
        ("TILDE[x]", "unknown operator TILDE[...]", 0),
        ("AREA[StartDate]RANGE[2020]", "two bounds separated by a comma", 21),
        ("AREA[StartDate]RANGE[2020,]", "a RANGE bound is empty", 26),
        ("AREA[StartDate]RANGE[MAX,2020]", "MIN is for the low bound", 21),
        ("EXPANSION[Wide]x", "EXPANSION[Wide]: must be one of None, Term", 10),
        ("COVERAGE[All]x", "COVERAGE[All]: must be one of FullMatch", 9),
        ("x ] y", "] without the [ it closes", 2),
        ("heart\\", "a backslash must be followed by", 5),
        ("a\x00b", "a control character is not allowed", 1),
        ("(" * 60 + "x" + ")" * 60, "at most 50 parentheses", 50),
        ("x" * 2001, "at most 2000 characters", 2000),
    ],
)
def test_an_expression_it_cannot_read_says_what_and_where(text, message, at):
    with pytest.raises(EssieError) as raised:
        parse(text)
    assert message in raised.value.message
    assert raised.value.position == at
    assert str(raised.value).endswith(f"(at character {at + 1})")


@pytest.mark.parametrize(
    ("text", "essie"),
    [
        ("lung cancer", False),
        ('"lung cancer" OR asthma -copd', False),  # the plain search reads these itself
        ("heart and attack", False),
        ("AREA[LocationCity]Columbus", True),
        ("heart AND attack", True),
        ("bethesda NOT maryland", True),
        ("(head OR neck) pain", True),
        ("AREA[ResultsFirstPostDate]MISSING", True),
        ("EXPANSION[None]heart", True),
    ],
)
def test_only_essie_syntax_is_read_as_an_expression(text, essie):
    assert is_expression(text) is essie
