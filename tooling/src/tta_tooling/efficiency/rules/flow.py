"""Small data-flow questions the rules ask inside one scope."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from typing import Any

from tta_tooling.efficiency.module import SourceModule

__all__ = [
    "LOOPS",
    "REPEATING",
    "call_inputs",
    "enclosing_loop",
    "exclusive",
    "reaching",
    "receiver_name",
    "sources",
]

LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# What may repeat the nodes under it (most ancestors of a call are none of these).
REPEATING: frozenset[type] = frozenset({*LOOPS, *_COMPREHENSIONS, ast.comprehension})
# Calls whose result holds all of their argument (or receiver): the data flows through.
_PASS_THROUGH_FUNCTIONS = frozenset({"str", "list", "tuple", "bytes", "repr"})
_TEMPLATING = frozenset({"format", "format_map"})
_PASS_THROUGH_METHODS = _TEMPLATING | frozenset(
    {"join", "strip", "lstrip", "rstrip", "decode", "encode", "lower", "upper", "replace"}
)
_PASS_THROUGH_QUALIFIED = frozenset({"json.dumps", "textwrap.dedent"})
# Expressions carrying no operand whole (a name or a constant is itself the value; an
# attribute or an index is a part of one).
_CARRIES_NOTHING = frozenset({ast.Name, ast.Constant, ast.Attribute, ast.Subscript})
# Tuples, not ``A | B``: a union written in a function is built again at each call.
_WRAPPING = (ast.Starred, ast.FormattedValue, ast.Await)
_SEQUENCES = (ast.List, ast.Tuple, ast.Set)
_VALUED = (ast.Dict, ast.JoinedStr)
_FOR = (ast.For, ast.AsyncFor)
_IFS = (ast.If, ast.IfExp)
_TRIES = (ast.Try, ast.TryStar)
_PLACEHOLDER = re.compile(r"\{\{?\s*\w+\s*\}?\}|\$\{?\w+\}?|<\w+>|\[\w+\]")


def call_inputs(call: ast.Call) -> list[ast.expr]:
    """The argument and keyword values of ``call`` (a new list)."""
    return [*call.args, *[keyword.value for keyword in call.keywords]]


def receiver_name(call: ast.Call, methods: frozenset[str]) -> str | None:
    """``x`` when ``call`` is ``x.<method>(...)`` for one of ``methods``."""
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in methods
        and isinstance(func.value, ast.Name)
    ):
        return func.value.id
    return None


def reaching(
    module: SourceModule, expr: ast.expr, is_source: Callable[[ast.expr], bool]
) -> ast.expr | None:
    """A source (``is_source``) whose whole value ``expr`` carries, if any.

    Containers, f-strings, concatenation, ``str.join``, ``str.format``,
    ``json.dumps`` and string methods carry their operands whole; a slice or
    index, and any other call (a truncation or chunking helper), does not.
    """
    if type(expr) in _CARRIES_NOTHING:  # most arguments: no traversal
        return expr if is_source(expr) else None
    # the first source in the visit order has no source above it: the first found
    for node, _ in _carry_order(module, expr):
        if is_source(node):
            return node
    return None


def sources(
    module: SourceModule, expr: ast.expr, is_source: Callable[[ast.expr], bool]
) -> Iterator[ast.expr]:
    """Every source whose whole value ``expr`` carries (see :func:`reaching`), in order
    (what a source carries is not looked into)."""
    order = _carry_order(module, expr)
    place = 0
    while place < len(order):
        node, after = order[place]
        if is_source(node):
            yield node
            place = after
        else:
            place += 1


def _carry_order(module: SourceModule, expr: ast.expr) -> list[tuple[ast.expr, int]]:
    """``expr`` and every operand it carries whole, depth first in source order, each
    with the place after the operands it carries: built once per expression (the rules
    follow a binding's value once per round of an alias search, and once per rule)."""
    order = module.carried.get(expr)
    if order is not None:
        return order
    built: list[list[Any]] = []
    opened: list[int] = []
    pending: list[ast.expr | None] = [expr]
    while pending:
        node = pending.pop()
        if node is None:  # every operand of the last opened expression is placed
            built[opened.pop()][1] = len(built)
            continue
        built.append([node, 0])
        operands = _carried(module, node) if type(node) not in _CARRIES_NOTHING else None
        if operands:
            opened.append(len(built) - 1)
            pending.append(None)
            pending.extend(reversed(operands))
        else:
            built[-1][1] = len(built)
    order = module.carried[expr] = [(node, after) for node, after in built]
    return order


def _carried(module: SourceModule, expr: ast.expr) -> list[ast.expr]:
    """The operands whose whole value ``expr`` carries."""
    if isinstance(expr, _WRAPPING):
        return [expr.value]
    if isinstance(expr, _SEQUENCES):
        return list(expr.elts)
    if isinstance(expr, _VALUED):
        return list(expr.values)
    if isinstance(expr, ast.BinOp):
        return [expr.left, expr.right]
    if isinstance(expr, ast.Call) and _passes_through(module, expr):
        func = expr.func
        carried = call_inputs(expr)
        # ``template.format(...)`` and ``template.replace("{{title}}", title)`` carry their
        # arguments; the template is not context.
        if isinstance(func, ast.Attribute) and not _fills_template(expr):
            carried.append(func.value)
        return carried
    return []


def _fills_template(call: ast.Call) -> bool:
    """``t.format(...)``, or ``t.replace(placeholder, value)`` with a placeholder such as
    ``{{title}}``, ``{name}``, ``$name`` or ``<name>``: ``t`` is a prompt template."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in _TEMPLATING:
        return True
    first = call.args[0] if call.args else None
    return (
        func.attr == "replace"
        and isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and _PLACEHOLDER.fullmatch(first.value.strip()) is not None
    )


def _passes_through(module: SourceModule, call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name) and func.id in _PASS_THROUGH_FUNCTIONS:
        return True
    if isinstance(func, ast.Attribute) and func.attr in _PASS_THROUGH_METHODS:
        return True
    return module.qualify(func) in _PASS_THROUGH_QUALIFIED


def enclosing_loop(
    module: SourceModule, node: ast.AST
) -> tuple[ast.stmt | ast.expr, list[ast.AST]] | None:
    """The innermost loop or comprehension (in ``node``'s scope) that repeats ``node``,
    with the path of nodes from ``node`` up to it; None when nothing repeats it.

    A ``for`` loop's iterable and a comprehension's first iterable run once.
    """
    path: list[ast.AST] = [node]
    for child, parent in module.ancestors(node):
        path.append(parent)
        if type(parent) not in REPEATING:
            continue
        if isinstance(parent, _FOR) and child in parent.body:
            return parent, path
        if isinstance(parent, ast.While) and (child in parent.body or child is parent.test):
            return parent, path
        if isinstance(parent, _COMPREHENSIONS) and not isinstance(child, ast.comprehension):
            return parent, path
        if isinstance(parent, ast.comprehension):
            owner = module.parents[parent]
            if isinstance(owner, _COMPREHENSIONS) and (
                child is not parent.iter or owner.generators[0] is not parent
            ):
                return owner, path
    return None


def exclusive(module: SourceModule, first: ast.AST, second: ast.AST) -> bool:
    """The two calls sit in different branches of one ``if``, conditional expression,
    ``match`` or ``try`` (an error handler): at most one of them runs."""
    branches = {id(parent): _branch(parent, child) for child, parent in module.ancestors(first)}
    for child, parent in module.ancestors(second):
        if id(parent) in branches:  # the innermost statement holding both
            theirs, ours = branches[id(parent)], _branch(parent, child)
            return None not in (theirs, ours) and theirs != ours
    return False


def _branch(parent: ast.AST, child: ast.AST) -> str | None:
    """Which branch of a branching ``parent`` holds ``child`` (None: not a branch)."""
    if isinstance(parent, _IFS):
        if child is parent.test:
            return None
        body = parent.body if isinstance(parent, ast.If) else [parent.body]
        return "body" if any(child is node for node in body) else "orelse"
    if isinstance(parent, ast.Match) and isinstance(child, ast.match_case):
        return str(parent.cases.index(child))
    if isinstance(parent, _TRIES):
        if isinstance(child, ast.ExceptHandler):
            return f"handler {parent.handlers.index(child)}"
        return "normal" if any(child is node for node in parent.body + parent.orelse) else None
    return None
