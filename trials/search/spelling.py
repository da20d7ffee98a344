"""British and American spellings of the same medical word: each finds what the other does.

Records and the people who search them spell "leukaemia" and "leukemia", "tumour" and "tumor",
"oesophageal" and "esophageal", "paediatric" and "pediatric". The stemmer does not join them,
so a search asks for every spelling of each word it holds (``spellings``); the records stay as
written. The pairs are the regular differences of medical English, written once: a word gets
the other spelling of each part it holds, in both directions.
"""

import re

# (British, American) parts of words; longer parts before the shorter ones they hold.
PAIRS: tuple[tuple[str, str], ...] = (
    # ae / oe
    ("haem", "hem"),
    ("aemia", "emia"),
    ("aemic", "emic"),
    ("ischaem", "ischem"),
    ("paed", "ped"),
    ("anaes", "anes"),
    ("aetiol", "etiol"),
    ("gynaec", "gynec"),
    ("caesar", "cesar"),
    ("faec", "fec"),
    ("oesoph", "esoph"),
    ("oedem", "edem"),
    ("oestr", "estr"),
    ("foet", "fet"),
    ("coeliac", "celiac"),
    ("rrhoea", "rrhea"),
    ("pnoea", "pnea"),
    # our / or
    ("tumour", "tumor"),
    ("behaviour", "behavior"),
    ("colour", "color"),
    ("labour", "labor"),
    ("odour", "odor"),
    ("humour", "humor"),
    # re / er, me, ogue
    ("centre", "center"),
    ("litre", "liter"),
    ("metre", "meter"),
    ("fibre", "fiber"),
    ("programme", "program"),
    ("catalogue", "catalog"),
    ("analogue", "analog"),
    # ise / ize, yse / yze
    ("randomis", "randomiz"),
    ("organis", "organiz"),
    ("hospitalis", "hospitaliz"),
    ("immunis", "immuniz"),
    ("minimis", "minimiz"),
    ("optimis", "optimiz"),
    ("characteris", "characteriz"),
    ("standardis", "standardiz"),
    ("utilis", "utiliz"),
    ("stabilis", "stabiliz"),
    ("sensitis", "sensitiz"),
    ("analyse", "analyze"),
    ("paralyse", "paralyze"),
    # doubled l
    ("labelled", "labeled"),
    ("labelling", "labeling"),
    ("modelling", "modeling"),
    ("counselling", "counseling"),
    ("signalling", "signaling"),
    ("ageing", "aging"),
)

# A word as a search takes it: letters, digits and inner hyphens or apostrophes.
_WORD = re.compile(r"^[^\W_]+(?:['-][^\W_]+)*$")


def spellings(word: str) -> list[str]:
    """The word and its other spellings, the word first ("Leukaemia" -> ["Leukaemia",
    "leukemia"]); a word no pair touches is alone."""
    lowered = word.lower()
    found = [word]
    for british, american in PAIRS:
        if british in lowered:  # "leukaemia" holds "aemia": not "emia" for "aemia" again
            variant = lowered.replace(british, american)
        elif american in lowered:
            variant = lowered.replace(american, british)
        else:
            continue
        if variant not in found:
            found.append(variant)
    return found


def is_plain(text: str) -> bool:
    """Whether the text is plain words (no quotes, OR or -word): each word can then be asked
    for in all its spellings on its own."""
    words = text.split()
    return bool(words) and all(
        _WORD.match(word) and word.lower() != "or" and not word.startswith("-") for word in words
    )
