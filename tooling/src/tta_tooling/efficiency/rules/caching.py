"""EFF002: an LLM call site reached with repeated inputs and not behind a cache."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tta_tooling.efficiency.defaults import GLOBAL_CACHES
from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.patterns import parse_pattern
from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules.flow import call_inputs, enclosing_loop, exclusive
from tta_tooling.efficiency.rules.scan import FileScan
from tta_tooling.efficiency.syntax import Function, walk

__all__ = ["cached_names", "check"]

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_MAX_FOLLOW = 3
_REBINDING_KINDS: frozenset[type] = frozenset(
    {ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr, ast.Call}
)
_GLOBAL_CACHES = tuple(parse_pattern(text) for text in GLOBAL_CACHES)
_ROUTES = frozenset(
    {"get", "post", "put", "patch", "delete", "route", "api_route", "websocket", "message_handler"}
)


def check(scan: FileScan) -> Iterator[Violation]:
    """Report uncached call sites whose inputs repeat."""
    module = scan.module
    constant = [llm.node for llm in scan.llm_calls if _constant_inputs(module, llm.node)]
    if not scan.helper_calls and not constant:
        return  # no request can repeat: the caches need not be looked for
    if next(module.matching(_GLOBAL_CACHES), None) is not None:
        return  # every LLM call of the process is behind a cache
    caches = {id(call) for call in module.matching(scan.config.caches)}
    definitions: dict[int, bool] = {}  # per function or class: cached as a whole
    reported: set[tuple[str, int]] = set()
    for call in constant:
        if not _cached(scan, module, call, caches, definitions) and (
            repeated := _repeats(scan, call)
        ):
            reported.add((module.relpath, call.lineno))
            yield scan.violation(
                "EFF002",
                call,
                f"its inputs are constants and {repeated}: every run sends the same request",
            )
    for violation in _repeated_helper_calls(scan, caches, definitions):
        if (violation.file, violation.line) not in reported:
            yield violation


def cached_names(module: SourceModule, caches: list[ast.Call]) -> set[str]:
    """Qualified names of the functions, methods and classes that the cache calls
    ``caches`` wrap, following names bound in the file (``step = LambdaPrimitive(fn)``)."""
    found: set[str] = set()
    seen: set[str] = set()
    pending: list[tuple[ast.AST, int]] = [(arg, 0) for call in caches for arg in call_inputs(call)]
    while pending:
        node, depth = pending.pop()
        for child in walk(node):
            if isinstance(child, ast.Attribute) and module.is_self(child.value, child):
                found.add(f"{module.name}.{_class_of(module, child)}.{child.attr}")
            elif isinstance(child, ast.Name) and child.id not in seen:
                seen.add(child.id)
                qualified = module.qualify(child)
                if qualified is not None:
                    found.add(qualified)
                elif depth < _MAX_FOLLOW:
                    values, _, _ = module.name_values(child.id, child)
                    pending.extend((value, depth + 1) for value in values)
    return found


def _class_of(module: SourceModule, node: ast.AST) -> str:
    cls = module.parents[module.scope_of(node)]
    return cls.name if isinstance(cls, ast.ClassDef) else ""


def _qualified_definition(module: SourceModule, node: ast.AST) -> str | None:
    """``pkg.mod.f``, ``pkg.mod.Class`` or ``pkg.mod.Class.m`` for a module-level
    definition or a method; None for nested ones."""
    parent = module.parents.get(node)
    if isinstance(parent, ast.Module) and isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
        return f"{module.name}.{node.name}"
    if isinstance(parent, ast.ClassDef) and isinstance(node, _FUNCTIONS):
        return f"{module.name}.{parent.name}.{node.name}"
    return None


def _cached(
    scan: FileScan,
    module: SourceModule,
    call: ast.AST,
    caches: set[int],
    definitions: dict[int, bool],
) -> bool:
    """A cache call holds ``call``, or a function or class holding it is cached as a whole
    (``definitions``: that answer per definition, shared by the calls it holds)."""
    node: ast.AST | None = call
    while node is not None:
        if isinstance(node, ast.Call) and id(node) in caches:
            return True
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            if id(node) not in definitions:
                definitions[id(node)] = _cached_definition(scan, module, node)
            if definitions[id(node)]:
                return True
        node = module.parents.get(node)
    return False


def _cached_definition(scan: FileScan, module: SourceModule, node: ast.AST) -> bool:
    if _qualified_definition(module, node) in scan.cached_names:
        return True
    return isinstance(node, _FUNCTIONS) and _decorated_by_cache(scan, module, node)


def _decorated_by_cache(scan: FileScan, module: SourceModule, function: Function) -> bool:
    """A decorator resolved to a cache pattern, or to a scanned function that memoises."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and any(
            module.matches(decorator, p) is not None for p in scan.config.caches
        ):
            return True
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = module.qualify(target)
        if qualified and any(
            p.kind == "function" and p.matches_target(qualified) for p in scan.config.caches
        ):
            return True
        found = module.resolve_function(target, function)
        if found is not None and _memoises(scan, *found):
            return True
    return False


def _memoises(scan: FileScan, owner: SourceModule, decorator: Function) -> bool:
    """A decorator defined in the scanned files that keeps answers: it uses a cache, or
    stores results in a table (``memo[key] = ...``) it reads back (``key in memo``,
    ``memo.get(key)``)."""
    stores = reads = False
    for node in walk(decorator):
        if isinstance(node, ast.Call) and any(
            owner.matches(node, p) is not None for p in scan.config.caches
        ):
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            stores = True
        elif (
            isinstance(node, ast.Compare)
            and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
        ) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
        ):
            reads = True
    return stores and reads


def _repeats(scan: FileScan, call: ast.Call) -> str | None:
    """Why ``call`` runs more than once: a loop around it, a request handler holding it,
    or a function holding it called in a loop or from several places."""
    module = scan.module
    if enclosing_loop(module, call):
        return "a loop repeats it"
    scope = module.scope_of(call)
    if not isinstance(scope, _FUNCTIONS):
        return None
    if any(_is_handler(module, decorator) for decorator in scope.decorator_list):
        return f"{scope.name}() handles every request"
    callers = scan.project.callers(scope)
    if len(callers) > 1:
        return f"{scope.name}() is called at {len(callers)} places"
    if any(enclosing_loop(owner, caller) for owner, caller in callers):
        return f"{scope.name}() is called in a loop"
    return None


def _is_handler(module: SourceModule, decorator: ast.expr) -> bool:
    """``@app.get(...)``, ``@router.post(...)``, ``@app.route(...)``: a web route."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr in _ROUTES


def _constant_inputs(module: SourceModule, call: ast.Call) -> bool:
    if not (call.args or call.keywords) or None in [k.arg for k in call.keywords]:
        return False
    return _all_constant(module, call_inputs(call), call)


def _all_constant(module: SourceModule, pending: list[ast.expr], at: ast.AST) -> bool:
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


def _repeated_helper_calls(
    scan: FileScan, caches: set[int], definitions: dict[int, bool]
) -> Iterator[Violation]:
    """A function reaching an uncached LLM call, called twice in one scope with the same
    arguments (and nothing rebinding them in between)."""
    module = scan.module
    reported: set[int] = set()
    # per scope and function: its first call, until another comes (then None)
    earliest: dict[tuple[int, int], ast.Call | None] = {}
    seen: dict[tuple[int, int, str], ast.Call] = {}  # and by arguments, once there is another
    for helper in scan.helper_calls:
        site, function = helper.node, helper.function
        if id(function) in reported or _cached(scan, helper.owner, function, caches, definitions):
            continue
        if id(site) in caches or any(
            isinstance(n, ast.Call | ast.Await) for a in call_inputs(site) for n in walk(a)
        ):
            continue
        scope = module.scope_of(site)
        pair = (id(scope), id(function))
        alone = earliest.setdefault(pair, site)
        if alone is site:
            continue  # its arguments are compared (dumped) only when another call comes
        if alone is not None:
            seen[(*pair, _arguments_key(alone))] = alone
            earliest[pair] = None
        first = seen.setdefault((*pair, _arguments_key(site)), site)
        if (
            first is site
            or exclusive(module, first, site)
            or _rebound_between(module, scope, first, site)
        ):
            continue
        reported.add(id(function))
        reach = helper.reach
        yield Violation(
            "EFF002",
            reach.file,
            reach.line,
            reach.column,
            f"{helper.name}() makes this call and is called with the same arguments at "
            f"{module.relpath} lines {first.lineno} and {site.lineno}",
        )


def _arguments_key(call: ast.Call) -> str:
    positional = [ast.dump(arg) for arg in call.args]
    named = sorted(f"{k.arg}={ast.dump(k.value)}" for k in call.keywords)
    return "|".join([*positional, *named])


def _rebound_between(
    module: SourceModule, scope: ast.AST, first: ast.Call, second: ast.Call
) -> bool:
    """Whether a name the arguments read may change between the two calls."""
    names: set[str] = set()
    for value in call_inputs(first):
        names |= module.names_in(value)
    for node in module.nodes_of(scope, _REBINDING_KINDS):
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
        if any(module.names_in(target) & names for target in targets):
            return True
    return False
