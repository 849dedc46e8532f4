"""EFF002: an LLM call site reached with repeated inputs and not behind a cache."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tta_tooling.efficiency.module import SourceModule, walk_scope
from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules.flow import call_inputs, enclosing_loop, names_in
from tta_tooling.efficiency.rules.scan import FileScan

__all__ = ["cached_names", "check"]

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_MAX_FOLLOW = 3


def check(scan: FileScan) -> Iterator[Violation]:
    """Report uncached call sites whose inputs repeat."""
    module = scan.module
    caches = {id(call) for call in module.matching(scan.config.caches)}
    uncached = [llm.node for llm in scan.llm_calls if not _cached(scan, llm.node, caches)]
    for call in uncached:
        repeated = not isinstance(module.scope_of(call), ast.Module) or enclosing_loop(module, call)
        if repeated and _constant_inputs(module, call):
            yield scan.violation(
                "EFF002", call, "its inputs are constants: every run sends the same request"
            )
    yield from _repeated_helper_calls(scan, uncached)


def cached_names(module: SourceModule, caches: list[ast.Call]) -> set[str]:
    """Names of the functions, methods and classes that the cache calls ``caches`` wrap,
    following names bound in the file (``step = LambdaPrimitive(fn)``)."""
    found: set[str] = set()
    pending: list[tuple[ast.AST, int]] = [(arg, 0) for call in caches for arg in call_inputs(call)]
    while pending:
        node, depth = pending.pop()
        for child in ast.walk(node):
            if isinstance(child, ast.Attribute):
                found.add(child.attr)
            elif isinstance(child, ast.Name) and child.id not in found:
                found.add(child.id)
                if depth < _MAX_FOLLOW:
                    values, _, _ = module.name_values(child.id, child)
                    pending.extend((value, depth + 1) for value in values)
    return found


def _cached(scan: FileScan, call: ast.Call, caches: set[int]) -> bool:
    module = scan.module
    node: ast.AST | None = call
    while node is not None:
        if isinstance(node, ast.Call) and id(node) in caches:
            return True
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            if node.name in scan.cached_names:
                return True
            if isinstance(node, _FUNCTIONS) and _decorated_by_cache(scan, node):
                return True
        node = module.parents.get(node)
    return False


def _decorated_by_cache(scan: FileScan, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    module = scan.module
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = module.qualify(target)
        if qualified and any(
            p.kind == "function" and p.matches_target(qualified) for p in scan.config.caches
        ):
            return True
    return False


def _constant_inputs(module: SourceModule, call: ast.Call) -> bool:
    inputs = list(call_inputs(call))
    if not inputs or any(k.arg is None for k in call.keywords):
        return False
    return all(_is_constant(module, value, call) for value in inputs)


def _is_constant(module: SourceModule, expr: ast.expr, at: ast.AST) -> bool:
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Constant):
            continue
        if isinstance(node, ast.Name):
            if module.constant(node, at) is None:
                return False
            continue
        parts = _constant_parts(node)
        if parts is None:
            return False
        pending.extend(parts)
    return True


def _constant_parts(expr: ast.expr) -> list[ast.expr] | None:
    """The parts that must be constant for ``expr`` to be; None when it never is."""
    if isinstance(expr, ast.List | ast.Tuple | ast.Set):
        return list(expr.elts)
    if isinstance(expr, ast.Dict):
        keys = [key for key in expr.keys if key is not None]
        return [*keys, *expr.values] if len(keys) == len(expr.keys) else None
    if isinstance(expr, ast.JoinedStr):
        return list(expr.values)
    if isinstance(expr, ast.FormattedValue):
        return [expr.value]
    if isinstance(expr, ast.BinOp):
        return [expr.left, expr.right]
    return None


def _repeated_helper_calls(scan: FileScan, uncached: list[ast.Call]) -> Iterator[Violation]:
    """A function holding an uncached LLM call, called twice in one scope with the same
    arguments (and nothing rebinding them in between)."""
    module = scan.module
    helpers: dict[str, ast.Call] = {}
    for call in uncached:
        scope = module.scope_of(call)
        if isinstance(scope, _FUNCTIONS):
            helpers.setdefault(scope.name, call)
    if not helpers:
        return
    reported: set[int] = set()
    seen: dict[tuple[int, str, str], ast.Call] = {}
    for site in module.calls:
        name = _callee_name(site)
        if name not in helpers or id(helpers[name]) in reported:
            continue
        if any(isinstance(n, ast.Call | ast.Await) for a in call_inputs(site) for n in ast.walk(a)):
            continue
        scope = module.scope_of(site)
        key = (id(scope), name, _arguments_key(site))
        first = seen.setdefault(key, site)
        if (
            first is site
            or _exclusive(module, first, site)
            or _rebound_between(module, scope, first, site)
        ):
            continue
        reported.add(id(helpers[name]))
        yield scan.violation(
            "EFF002",
            helpers[name],
            f"{name}() is called with the same arguments at lines {first.lineno} and {site.lineno}",
        )


def _arguments_key(call: ast.Call) -> str:
    positional = [ast.dump(arg) for arg in call.args]
    named = sorted(f"{k.arg}={ast.dump(k.value)}" for k in call.keywords)
    return "|".join([*positional, *named])


def _callee_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in {"self", "cls"}
    ):
        return func.attr
    return None


def _exclusive(module: SourceModule, first: ast.AST, second: ast.AST) -> bool:
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
    if isinstance(parent, ast.If | ast.IfExp):
        if child is parent.test:
            return None
        body = parent.body if isinstance(parent, ast.If) else [parent.body]
        return "body" if any(child is node for node in body) else "orelse"
    if isinstance(parent, ast.Match) and isinstance(child, ast.match_case):
        return str(parent.cases.index(child))
    if isinstance(parent, ast.Try | ast.TryStar):
        if isinstance(child, ast.ExceptHandler):
            return f"handler {parent.handlers.index(child)}"
        return "normal" if any(child is node for node in parent.body + parent.orelse) else None
    return None


def _rebound_between(
    module: SourceModule, scope: ast.AST, first: ast.Call, second: ast.Call
) -> bool:
    """Whether a name the arguments read may change between the two calls."""
    names: set[str] = set()
    for value in call_inputs(first):
        names |= names_in(value)
    for node in walk_scope(scope):
        if not first.lineno <= getattr(node, "lineno", 0) <= second.lineno:
            continue
        if isinstance(node, ast.Assign):
            targets: list[ast.expr] = node.targets
        elif isinstance(
            node, ast.AugAssign | ast.AnnAssign | ast.For | ast.AsyncFor | ast.NamedExpr
        ):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            targets = [node.func.value]  # a method call may mutate its receiver
        else:
            continue
        if any(names_in(target) & names for target in targets):
            return True
    return False
