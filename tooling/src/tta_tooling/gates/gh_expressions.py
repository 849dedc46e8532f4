"""GitHub Actions ``${{ ... }}`` expressions: masking them in scripts, and telling
whether an ``if:`` condition can ever be true on a green run.

The evaluator is three-valued: literals, ``!``, ``&&``, ``||``, comparisons,
the status functions and ``github.event_name`` (one of the workflow's
triggers) are known; any other context or function is unknown. An ``if:`` is
"never true" only when it is false for every trigger of the workflow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_TOKEN = re.compile(
    r"\s*(?:(?P<op>\|\||&&|==|!=|<=|>=|[!<>()\[\],.*])|(?P<str>'(?:[^']|'')*')"
    r"|(?P<num>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][\w-]*))"
)
_FUNCTIONS = {"success": True, "always": True, "failure": False, "cancelled": False}


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


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
    if isinstance(condition, bool):
        return not condition
    if isinstance(condition, int | float):
        return condition == 0
    if condition is None:
        return False
    text = str(condition).strip()
    inner = whole_expression(text)
    if inner is None and "${{" in text:
        return False  # a string template: always a non-empty, truthy string
    expression = inner if inner is not None else text
    outcomes = []
    candidates: list[str | None] = [*(events or [])] or [None]
    for event in candidates:
        try:
            value = _Parser(expression, event).parse()
        except (ValueError, IndexError):
            return False
        outcomes.append(_truth(value))
    return all(outcome is False for outcome in outcomes)


def _truth(value: object) -> bool | _Unknown:
    if value is UNKNOWN:
        return UNKNOWN
    return bool(value) and value != 0


class _Parser:
    def __init__(self, text: str, event: str | None) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.event = event

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
            while self._peek() != ")":
                self._or()
                if self._peek() == ",":
                    self._take()
            self._expect(")")
            return _FUNCTIONS.get(word.lower(), UNKNOWN)
        path = [word.lower()]
        while self._peek() in {".", "["}:
            if self._take()[1] == ".":
                path.append(self._take()[1].lower())
            else:
                self._or()
                self._expect("]")
                path.append("?")
        if path == ["github", "event_name"] and self.event is not None:
            return self.event
        return UNKNOWN

    def _expect(self, expected: str) -> None:
        if self._take()[1] != expected:
            raise ValueError(f"expected {expected!r}")


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
