"""GitHub Actions ``${{ ... }}`` expressions: masking them in scripts, and evaluating
``if:`` conditions the way the runner does.

The evaluator is three-valued: literals, ``!``, ``&&``, ``||``, comparisons,
the status functions, ``fromJSON`` / ``contains`` / ``startsWith`` / ``endsWith``
of known values, and the contexts a :data:`Lookup` knows (``github.event_name``,
``matrix.*``, ``runner.os``) are known; any other context or function is
unknown. Semantics follow actions/runner's expression engine
(src/Sdk/Expressions/Sdk/Functions/*.cs: case-insensitive string comparison,
``contains`` on arrays and strings, status functions).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_TOKEN = re.compile(
    r"\s*(?:(?P<op>\|\||&&|==|!=|<=|>=|[!<>()\[\],.*])|(?P<str>'(?:[^']|'')*')"
    r"|(?P<num>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][\w-]*))"
)
_STATUS_FUNCTIONS = {"success": True, "always": True, "failure": False, "cancelled": False}
STATUS_FUNCTION = re.compile(r"\b(?:success|always|failure|cancelled)\s*\(", re.IGNORECASE)


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()

Lookup = Callable[[list[str]], object]
"""Resolves a context path (``["matrix", "os"]``, lower-cased) to a value or UNKNOWN."""


def context_lookup(values: Mapping[str, object]) -> Lookup:
    """A lookup over dotted names (``github.event_name``, ``matrix.os``, ``runner.os``)."""

    def lookup(path: list[str]) -> object:
        for size in range(len(path), 0, -1):
            key = ".".join(path[:size])
            if key in values:
                value = values[key]
                for part in path[size:]:
                    if not isinstance(value, dict):
                        return UNKNOWN
                    value = {str(k).lower(): v for k, v in value.items()}.get(part)
                return value
        return UNKNOWN

    return lookup


@dataclass(slots=True)
class MaskedScript:
    """A script whose ``${{ }}`` expressions are replaced by shell-safe placeholders."""

    text: str
    expressions: dict[str, str] = field(default_factory=dict)

    def expression_in(self, word: str) -> str | None:
        """The expression ``word`` consists of, if it is exactly one placeholder."""
        return self.expressions.get(word)


def mask_expressions(script: str) -> MaskedScript:
    """Replace each ``${{ expr }}`` with a placeholder word the shell parser accepts."""
    masked = MaskedScript("")

    def placeholder(match: re.Match[str]) -> str:
        key = f"__gh_expression_{len(masked.expressions)}__"
        masked.expressions[key] = match[1].strip()
        return key

    masked.text = _EXPRESSION.sub(placeholder, script)
    return masked


def whole_expression(value: object) -> str | None:
    """``expr`` when ``value`` is exactly ``${{ expr }}``."""
    if not isinstance(value, str):
        return None
    match = _EXPRESSION.fullmatch(value.strip())
    return match[1].strip() if match else None


def never_true(condition: object, events: Iterable[str] | None) -> bool:
    """Whether an ``if:`` condition is false for every trigger in ``events``."""
    candidates: list[str | None] = [*(events or [])] or [None]
    return all(
        evaluate(condition, context_lookup({"github.event_name": e} if e else {})) is False
        for e in candidates
    )


def evaluate(condition: object, lookup: Lookup) -> bool | _Unknown:
    """The truth of an ``if:`` condition (absent: true, as ``success()``)."""
    if isinstance(condition, bool):
        return condition
    if isinstance(condition, int | float):
        return condition != 0
    if condition is None:
        return True
    text = str(condition).strip()
    inner = whole_expression(text)
    if inner is None and "${{" in text:
        return True  # a string template: always a non-empty, truthy string
    try:
        return _truth(_Parser(inner if inner is not None else text, lookup).parse())
    except (ValueError, IndexError, TypeError):
        return UNKNOWN


def _truth(value: object) -> bool | _Unknown:
    if value is UNKNOWN:
        return UNKNOWN
    return bool(value) and value != 0


class _Parser:
    def __init__(self, text: str, lookup: Lookup) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.lookup = lookup

    def parse(self) -> object:
        value = self._or()
        if self.index != len(self.tokens):
            raise ValueError("trailing tokens")
        return value

    def _peek(self) -> str:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else ""

    def _take(self) -> tuple[str, str]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _or(self) -> object:
        return self._short_circuit("||", self._and, stops_at=True)

    def _and(self) -> object:
        return self._short_circuit("&&", self._comparison, stops_at=False)

    def _short_circuit(
        self, operator: str, operand: Callable[[], object], *, stops_at: bool
    ) -> object:
        """``a op b op ...`` with GitHub's short-circuit rule: once the left side's truth is
        ``stops_at`` the result is that side; an unknown side makes the result unknown
        unless the other side decides it."""
        value = operand()
        while self._peek() == operator:
            self._take()
            right = operand()
            left_truth = _truth(value)
            if left_truth is stops_at:
                continue
            value = right if left_truth is (not stops_at) or _truth(right) is stops_at else UNKNOWN
        return value

    def _comparison(self) -> object:
        left = self._unary()
        if self._peek() in {"==", "!=", "<", ">", "<=", ">="}:
            operator = self._take()[1]
            right = self._unary()
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            return _compare(operator, left, right)
        return left

    def _unary(self) -> object:
        if self._peek() == "!":
            self._take()
            truth = _truth(self._unary())
            return UNKNOWN if truth is UNKNOWN else not truth
        return self._primary()

    def _primary(self) -> object:
        kind, word = self._take()
        if word == "(":
            value = self._or()
            self._expect(")")
            return value
        if kind == "str":
            return word[1:-1].replace("''", "'")
        if kind == "num":
            return float(word)
        if kind != "name":
            raise ValueError(f"unexpected {word!r}")
        return self._named(word)

    def _named(self, word: str) -> object:
        literals = {"true": True, "false": False, "null": None}
        if word in literals:
            return literals[word]
        if self._peek() == "(":
            self._take()
            arguments = []
            while self._peek() != ")":
                arguments.append(self._or())
                if self._peek() == ",":
                    self._take()
            self._expect(")")
            return _call(word.lower(), arguments)
        path = [word.lower()]
        unknown_index = False
        while self._peek() in {".", "["}:
            if self._take()[1] == ".":
                path.append(self._take()[1].lower())
            else:
                index = self._or()
                self._expect("]")
                unknown_index = unknown_index or not isinstance(index, str)
                path.append(str(index).lower())
        return UNKNOWN if unknown_index else self.lookup(path)

    def _expect(self, expected: str) -> None:
        if self._take()[1] != expected:
            raise ValueError(f"expected {expected!r}")


def _call(name: str, arguments: list[object]) -> object:
    if name in _STATUS_FUNCTIONS:
        return _STATUS_FUNCTIONS[name]
    function = _FUNCTIONS.get((name, len(arguments)))
    if function is None or any(a is UNKNOWN for a in arguments):
        return UNKNOWN
    return function(*arguments)


def _from_json(text: object) -> object:
    try:
        return json.loads(text) if isinstance(text, str) else UNKNOWN
    except ValueError:
        return UNKNOWN


def _contains(haystack: object, needle: object) -> bool:
    if isinstance(haystack, list):
        return any(_compare("==", item, needle) for item in haystack)
    return _text(needle).lower() in _text(haystack).lower()


_FUNCTIONS: dict[tuple[str, int], Callable[..., object]] = {
    ("fromjson", 1): _from_json,
    ("contains", 2): _contains,
    ("startswith", 2): lambda a, b: _text(a).lower().startswith(_text(b).lower()),
    ("endswith", 2): lambda a, b: _text(a).lower().endswith(_text(b).lower()),
}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"unexpected character at {position}")
        kind = match.lastgroup or "op"
        tokens.append((kind, match[kind]))
        position = match.end()
    return tokens


def _compare(operator: str, left: object, right: object) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        left, right = left.lower(), right.lower()
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    comparisons = {"<": "__lt__", ">": "__gt__", "<=": "__le__", ">=": "__ge__"}
    outcome = getattr(left, comparisons[operator])(right)
    return outcome is True
