"""Essie expressions, ClinicalTrials.gov's search syntax, read into a tree. Pure Python.

The subset clients send: search terms (words, or a "quoted phrase"), ``AND``, ``OR`` and
``NOT`` with parentheses, ``AREA[Field]`` before a term, ``RANGE[low, high]`` (``MIN`` and
``MAX`` for an open end) and ``MISSING`` after an ``AREA[...]``, ``EXPANSION[...]`` and
``COVERAGE[...]`` before a term. Precedence, highest first, as ClinicalTrials.gov states it:
terms and ``AREA``; ``NOT`` and the context operators (``EXPANSION``, ``COVERAGE``); ``AND``;
``OR``. Words next to each other are one term (every word must be found); two operands next to
each other without an operator are AND-ed ("bethesda NOT maryland"). Operators are written in
capitals (a lower-case "and" is a word); a backslash makes the next character plain
(``\\MISSING`` is the word, ``\\"`` a quote inside a phrase).

Anything else is an ``EssieError`` saying what was expected and at which character, never a
guess: a client must not take a broader answer for the one it asked.
"""

import re
from dataclasses import dataclass

# The operators written NAME[argument]; the argument is read by the compiler (a field, a kind).
BRACKETED = ("AREA", "SEARCH", "RANGE", "EXPANSION", "COVERAGE")
KEYWORDS = ("AND", "OR", "NOT", "MISSING")
EXPANSIONS = ("None", "Term", "Concept", "Relaxation", "Lossy")
COVERAGES = ("FullMatch", "StartsWith", "EndsWith", "Contains")
# An operator-like word: capitals and a bracket ("TILDE[", "AREA[").
_OPERATOR = re.compile(r"([A-Z][A-Za-z]*)\[")
_SPECIAL = set('()"') | {"\\"}
MAX_LENGTH = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_DEPTH = 50


class EssieError(ValueError):
    """An expression that cannot be read: what was expected, and where (0-based)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message, self.position = message, position

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


# --- The tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """Plain words, every one to be found (``heart attack``)."""

    text: str
    position: int


@dataclass(frozen=True)
class Phrase:
    """Words to be found together, in their order (``"heart attack"``)."""

    text: str
    position: int


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    item: "Node"
    position: int


@dataclass(frozen=True)
class Area:
    """``AREA[field]item``: the item searched in one field or search area only."""

    field: str
    item: "Node"
    position: int  # of the field's name


@dataclass(frozen=True)
class Search:
    """``SEARCH[Location](...)``: every condition met by one and the same part."""

    part: str
    item: "Node"
    position: int  # of the part's name


@dataclass(frozen=True)
class Range:
    """``RANGE[low, high]``; None is an open end (MIN, MAX). Each bound's position, for errors."""

    low: str | None
    high: str | None
    low_position: int
    high_position: int


@dataclass(frozen=True)
class Missing:
    """``MISSING``: the field holds no value."""

    position: int


@dataclass(frozen=True)
class Expansion:
    kind: str  # one of EXPANSIONS
    item: "Node"
    position: int


@dataclass(frozen=True)
class Coverage:
    kind: str  # one of COVERAGES
    item: "Node"
    position: int


Node = Words | Phrase | And | Or | Not | Area | Search | Range | Missing | Expansion | Coverage


# --- Tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # "(", ")", "phrase", "word", a KEYWORD, or a BRACKETED name
    text: str  # a word or phrase as meant (escapes undone); a bracketed operator's argument
    position: int
    argument_position: int = 0


def tokens(text: str) -> list[Token]:
    """The expression's tokens, each with where it starts."""
    found: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char in "()":
            found.append(Token(char, char, index))
            index += 1
        elif char == '"':
            index = _phrase(text, index, found)
        elif match := _OPERATOR.match(text, index):
            name = match[1]
            if name not in BRACKETED:
                known = ", ".join(f"{n}[...]" for n in BRACKETED)
                raise EssieError(f"unknown operator {name}[...]; known: {known}", index)
            close = text.find("]", match.end())
            if close < 0:
                raise EssieError(f"{name}[ is not closed with ]", index)
            found.append(Token(name, text[match.end() : close], index, match.end()))
            index = close + 1
        else:
            index = _word(text, index, found)
    return found


def _phrase(text: str, start: int, found: list[Token]) -> int:
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            chars.append(text[index + 1])
            index += 2
        elif char == '"':
            found.append(Token("phrase", "".join(chars), start))
            return index + 1
        else:
            chars.append(char)
            index += 1
    raise EssieError('a phrase opened with " is not closed', start)


def _word(text: str, start: int, found: list[Token]) -> int:
    chars: list[str] = []
    escaped = False
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            if index + 1 == len(text):
                raise EssieError(
                    "a backslash must be followed by the character it makes plain", index
                )
            chars.append(text[index + 1])
            escaped, index = True, index + 2
        elif char.isspace() or char in _SPECIAL:
            break
        else:
            chars.append(char)
            index += 1
    word = "".join(chars)
    if not escaped and word in KEYWORDS:
        found.append(Token(word, word, start))
    elif "]" in word and not escaped:
        raise EssieError("] without the [ it closes", start + word.index("]"))
    else:
        found.append(Token("word", word, start))
    return index


# --- The parser --------------------------------------------------------------------------------

# What may start an operand: an implicit AND is assumed between two operands (RANGE and
# MISSING only after AREA[...], which the parser then says).
_STARTS = {
    "(",
    "phrase",
    "word",
    "NOT",
    "AREA",
    "SEARCH",
    "EXPANSION",
    "COVERAGE",
    "RANGE",
    "MISSING",
}


def parse(text: str) -> Node:
    """The tree of an Essie expression; EssieError when it cannot be read."""
    if len(text) > MAX_LENGTH:
        raise EssieError(f"an expression may be at most {MAX_LENGTH} characters", MAX_LENGTH)
    if (control := _CONTROL.search(text)) is not None:
        raise EssieError("a control character is not allowed", control.start())
    parser = _Parser(tokens(text), len(text))
    if parser.done():
        raise EssieError("give a search term", 0)
    tree = parser.or_expression()
    if not parser.done():
        token = parser.peek()
        assert token is not None
        if token.kind == ")":
            raise EssieError(") without the ( it closes", token.position)
        raise EssieError(f"unexpected {_shown(token)}", token.position)
    return tree


def _shown(token: Token) -> str:
    if token.kind in BRACKETED:
        return f"{token.kind}[{token.text}]"
    return repr(token.text) if token.kind in ("word", "phrase") else token.kind


class _Parser:
    def __init__(self, found: list[Token], end: int) -> None:
        self.tokens, self.index, self.end, self.depth = found, 0, end, 0

    def done(self) -> bool:
        return self.index >= len(self.tokens)

    def peek(self) -> Token | None:
        return None if self.done() else self.tokens[self.index]

    def starts_operand(self) -> bool:
        """Whether the next token may start an operand."""
        token = self.peek()
        return token is not None and token.kind in _STARTS

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _expected(self, what: str, after: Token) -> EssieError:
        token = self.peek()
        if token is None:
            return EssieError(f"expected {what} after {_shown(after)}", self.end)
        return EssieError(
            f"expected {what} after {_shown(after)}, not {_shown(token)}", token.position
        )

    def or_expression(self) -> Node:
        items = [self.and_expression()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            if not self.starts_operand():
                raise self._expected("a search term", token)
            items.append(self.and_expression())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expression(self) -> Node:
        items = [self.unary()]
        while (token := self.peek()) is not None and token.kind in _STARTS | {"AND"}:
            if token.kind == "AND":
                self.take()
                if not self.starts_operand():
                    raise self._expected("a search term", token)
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise EssieError("expected a search term", self.end)
        if token.kind in ("NOT", "EXPANSION", "COVERAGE"):
            self.take()
            if not self.starts_operand():
                raise self._expected("a search term", token)
            item = self.unary()
            if token.kind == "NOT":
                return Not(item, token.position)
            if token.kind == "EXPANSION":
                return Expansion(_choice(token, EXPANSIONS), item, token.position)
            return Coverage(_choice(token, COVERAGES), item, token.position)
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise EssieError(
                    f"at most {MAX_DEPTH} parentheses within each other", token.position
                )
            if not self.starts_operand():
                raise self._expected("a search term", token)
            inner = self.or_expression()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise EssieError("( is not closed with )", token.position)
            self.take()
            self.depth -= 1
            return inner
        if token.kind == "phrase":
            if not token.text.strip():
                raise EssieError("a phrase must hold a word", token.position)
            return Phrase(token.text, token.position)
        if token.kind == "word":
            words = [token.text]
            while (nxt := self.peek()) is not None and nxt.kind == "word":
                words.append(self.take().text)
            return Words(" ".join(words), token.position)
        if token.kind in ("AREA", "SEARCH"):
            name = token.text.strip()
            if not name:
                raise EssieError(f"{token.kind}[] must name a field", token.argument_position)
            where = token.argument_position + (len(token.text) - len(token.text.lstrip()))
            if token.kind == "SEARCH":
                if not self.starts_operand():
                    raise self._expected("a search term", token)
                return Search(name, self.unary(), where)
            return Area(name, self.area_operand(token), where)
        if token.kind == "RANGE":
            raise EssieError("RANGE[...] must follow AREA[field]", token.position)
        if token.kind == "MISSING":
            raise EssieError("MISSING must follow AREA[field]", token.position)
        raise EssieError(f"unexpected {_shown(token)}", token.position)

    def area_operand(self, area: Token) -> Node:
        token = self.peek()
        if token is not None and token.kind == "RANGE":
            self.take()
            return _range(token)
        if token is not None and token.kind == "MISSING":
            self.take()
            return Missing(token.position)
        if token is None or token.kind not in _STARTS:
            raise self._expected("a search term, RANGE[...] or MISSING", area)
        return self.unary()


def _choice(token: Token, allowed: tuple[str, ...]) -> str:
    by_name = {name.lower(): name for name in allowed}
    chosen = by_name.get(token.text.strip().lower())
    if chosen is None:
        raise EssieError(
            f"{token.kind}[{token.text}]: must be one of {', '.join(allowed)}",
            token.argument_position,
        )
    return chosen


def _range(token: Token) -> Range:
    parts = token.text.split(",")
    if len(parts) != 2:
        raise EssieError(
            "RANGE[...] takes two bounds separated by a comma (MIN or MAX for no bound)",
            token.argument_position,
        )
    bounds: list[str | None] = []
    positions: list[int] = []
    offset = token.argument_position
    for part in parts:
        value = part.strip()
        positions.append(offset + len(part) - len(part.lstrip()))
        offset += len(part) + 1
        if not value:
            raise EssieError("a RANGE bound is empty (MIN or MAX for no bound)", positions[-1])
        bounds.append(None if value in ("MIN", "MAX") else value)
    if parts[0].strip() == "MAX" or parts[1].strip() == "MIN":
        raise EssieError(
            "RANGE[low, high]: MIN is for the low bound, MAX for the high", token.argument_position
        )
    return Range(bounds[0], bounds[1], positions[0], positions[1])


def is_expression(text: str) -> bool:
    """Whether the text uses syntax that only Essie reads (operators, AND, NOT, parentheses),
    not just words, "phrases", OR and -word, which the plain search reads as well."""
    return bool(_ESSIE_ONLY.search(text))


_ESSIE_ONLY = re.compile(
    r"\b(?:AREA|SEARCH|RANGE|EXPANSION|COVERAGE)\[|\b(?:AND|NOT|MISSING)\b|[()]"
)
