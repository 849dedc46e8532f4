"""Which class an object was made by, seen from one file: a constructor under any import
form, a LangChain wrapper or LCEL pipe, a factory, ``with X() as x``, a ``self`` attribute,
an annotation, or a parameter every caller in the file fills. Nothing is executed."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tta_tooling.efficiency.syntax import FUNCTIONS, Function, arguments_for

if TYPE_CHECKING:
    from tta_tooling.efficiency.module import SourceModule

__all__ = ["Receiver", "instance_of", "names_tested"]

# LangChain runnable methods that return a runnable wrapping the model.
_WRAPPERS = frozenset(
    {
        "bind",
        "bind_tools",
        "with_config",
        "with_fallbacks",
        "with_listeners",
        "with_retry",
        "with_structured_output",
        "with_types",
    }
)
_MAX_DEPTH = 6
_RETURNS: frozenset[type] = frozenset({ast.Return})


@dataclass(frozen=True, slots=True)
class Receiver:
    """Why a call's receiver is an instance of a pattern's class.

    ``calls`` are the constructor and wrapper calls seen (``ChatOpenAI(...)``,
    ``.bind(...)``); ``annotated`` is true when a type annotation was the only
    evidence, so how the object was configured is not visible here.
    """

    calls: tuple[ast.Call, ...] = ()
    annotated: bool = False

    def __or__(self, other: Receiver) -> Receiver:
        return Receiver(self.calls + other.calls, self.annotated or other.annotated)


def instance_of(
    module: SourceModule, expr: ast.expr, is_target: Callable[[str], bool], at: ast.AST, depth: int
) -> Receiver | None:
    """Evidence that ``expr`` (seen at ``at``) is an object made by a class or factory
    whose qualified name ``is_target`` accepts (a pattern's ``matches_target``)."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Call):
        return _constructed(module, expr, is_target, at, depth)
    alternatives = _alternatives(expr)
    if alternatives:  # an LCEL pipe, ``client or OpenAI()``, ``a if c else b``
        return _combined([instance_of(module, e, is_target, at, depth + 1) for e in alternatives])
    if isinstance(expr, ast.Name):
        values, notes, scope = module.name_values(expr.id, at)
        if not values and not notes and isinstance(scope, FUNCTIONS):
            return _passed_by_callers(module, expr.id, scope, is_target, depth)
        if not values and not notes:  # ``from .config import client``
            module, values, notes = module.imported_values(expr.id)
    elif isinstance(expr, ast.Attribute) and module.is_self(expr.value, at):
        values, notes = module.attribute_values(expr.attr, at)
    else:
        return None
    return _bound_to(module, values, notes, is_target, depth)


def names_tested(module: SourceModule, expr: ast.expr, at: ast.AST) -> frozenset[str]:
    """Every qualified name :func:`instance_of` tests for ``expr`` when none is a target.
    A target stops the trace early only where it matches, so a pattern whose
    ``matches_target`` accepts none of these names finds no evidence: ``expr`` is traced
    once for all the classes a call may be on (30 ``invoke`` patterns), not once each."""
    tested: set[str] = set()

    def record(qualified: str) -> bool:
        tested.add(qualified)
        return False

    instance_of(module, expr, record, at, 0)
    return frozenset(tested)


def _bound_to(
    module: SourceModule,
    values: list[ast.expr],
    notes: list[ast.expr],
    is_target: Callable[[str], bool],
    depth: int,
) -> Receiver | None:
    """Evidence from what a name was bound to, else from its annotations."""
    found = _combined([instance_of(module, v, is_target, v, depth + 1) for v in values])
    if found is None and any(_annotation_is(module, note, is_target) for note in notes):
        return Receiver(annotated=True)
    return found


def _passed_by_callers(
    module: SourceModule,
    name: str,
    function: Function,
    is_target: Callable[[str], bool],
    depth: int,
) -> Receiver | None:
    """A parameter that every call of ``function`` in this file fills with an object
    made by the target (``def ask(client, q)`` ... ``ask(Anthropic(), q)``)."""
    evidence: list[Receiver | None] = []
    for call in module.local_callers(function):
        arguments = arguments_for(call, function, {name})
        if not arguments:
            return None
        evidence += [instance_of(module, a, is_target, call, depth + 1) for a in arguments]
    return None if None in evidence else _combined(evidence)


def _constructed(
    module: SourceModule, call: ast.Call, is_target: Callable[[str], bool], at: ast.AST, depth: int
) -> Receiver | None:
    """``call`` makes the object, or wraps one (``model.bind(...)``)."""
    qualified = module.qualify(call.func)
    if qualified and is_target(qualified):
        return Receiver((call,))
    if isinstance(call.func, ast.Attribute) and call.func.attr in _WRAPPERS:
        inner = instance_of(module, call.func.value, is_target, at, depth + 1)
        return inner | Receiver((call,)) if inner else None
    return _made_by_factory(module, call, is_target, at, depth)


def _made_by_factory(
    module: SourceModule, call: ast.Call, is_target: Callable[[str], bool], at: ast.AST, depth: int
) -> Receiver | None:
    """``call`` runs a scanned function returning an object made by the class, or
    annotated to return one (``def make_client() -> OpenAI``)."""
    found = module.resolve_function(call.func, at)
    if found is None:
        return None
    owner, function = found
    returned = [
        node.value
        for node in owner.nodes_of(function, _RETURNS)
        if isinstance(node, ast.Return) and node.value is not None
    ]
    # the objects it returns show how they are configured; the annotation only what they are
    made = _combined([instance_of(owner, v, is_target, v, depth + 1) for v in returned])
    if made is None and function.returns is not None:
        return (
            Receiver(annotated=True) if _annotation_is(owner, function.returns, is_target) else None
        )
    return made


def _annotation_is(module: SourceModule, note: ast.expr, is_target: Callable[[str], bool]) -> bool:
    if isinstance(note, ast.Constant) and isinstance(note.value, str):
        try:
            note = ast.parse(note.value, mode="eval").body
        except SyntaxError:
            return False
    if isinstance(note, ast.BinOp) and isinstance(note.op, ast.BitOr):
        return _annotation_is(module, note.left, is_target) or _annotation_is(
            module, note.right, is_target
        )
    if isinstance(note, ast.Subscript):
        inner = note.slice.elts if isinstance(note.slice, ast.Tuple) else [note.slice]
        return any(_annotation_is(module, item, is_target) for item in inner)
    qualified = module.qualify(note)
    return bool(qualified and is_target(qualified))


def _alternatives(expr: ast.expr) -> list[ast.expr]:
    """Operands one of which the value of ``expr`` is (or wraps)."""
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return [expr.left, expr.right]
    if isinstance(expr, ast.BoolOp):
        return list(expr.values)
    if isinstance(expr, ast.IfExp):
        return [expr.body, expr.orelse]
    return []


def _combined(evidence: list[Receiver | None]) -> Receiver | None:
    found = [e for e in evidence if e is not None]
    if not found:
        return None
    combined = found[0]
    for more in found[1:]:
        combined = combined | more
    return combined
