"""EFF004 and EFF005: context sent whole although nothing bounds its size.

EFF004: a list or string grown in a loop (``append``, ``extend``, ``+=``) and
passed whole as messages or prompt, with nothing in the scope trimming it (a
slice, ``pop``, ``clear``, a reset in the loop, a size guard such as
``len(x) > n`` or ``count_tokens(x) >= budget``,
``deque(maxlen=...)``). EFF005: the result of ``read()`` / ``read_text()`` /
``read_bytes()`` / ``readlines()`` passed whole. Data flows through names bound
in the scope, containers, f-strings, concatenation and string methods; a slice
or any other call (a truncation or chunking helper) stops it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterator

from tta_tooling.efficiency.module import Scope, SourceModule, walk_scope
from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules.flow import LOOPS, call_inputs, names_in, reaching, receiver_name
from tta_tooling.efficiency.rules.scan import FileScan

__all__ = ["check_accumulation", "check_whole_documents"]

_GROW = frozenset({"append", "extend", "insert", "appendleft", "extendleft"})
_SHRINK = frozenset({"pop", "popleft", "popitem", "clear", "remove"})
_WHOLE_READS = frozenset({"read_text", "read_bytes", "readlines"})
_MAX_ALIAS_ROUNDS = 4

Loop = ast.For | ast.AsyncFor | ast.While


def check_accumulation(scan: FileScan) -> Iterator[Violation]:
    """EFF004: context accumulated without bound reaches an LLM call."""
    module = scan.module
    grown_by_scope: dict[int, dict[str, Loop]] = {}
    for llm in scan.llm_calls:
        scope = module.scope_of(llm.node)
        if id(scope) not in grown_by_scope:
            grown_by_scope[id(scope)] = _unbounded_growth(module, scope)
        grown = grown_by_scope[id(scope)]
        if not grown:
            continue
        origin = _aliases(module, scope, {name: name for name in grown})
        source = _first_reaching(module, llm.node, _named(origin))
        if isinstance(source, ast.Name):
            name = origin[source.id]
            loop = grown[name]
            if llm.node.lineno >= loop.lineno:
                yield scan.violation(
                    "EFF004", llm.node, f"{name!r} grows in the loop at line {loop.lineno}"
                )


def check_whole_documents(scan: FileScan) -> Iterator[Violation]:
    """EFF005: a whole file or document reaches an LLM call."""
    module = scan.module
    for llm in scan.llm_calls:
        scope = module.scope_of(llm.node)
        holders = _aliases(module, scope, {}, seed=_is_whole_read)
        source = _first_reaching(module, llm.node, _named(holders, also=_is_whole_read))
        if source is None:
            continue
        if isinstance(source, ast.Name):
            detail = f"{source.id!r} holds a whole document"
        else:
            detail = f"whole document read at line {source.lineno}"
        yield scan.violation("EFF005", llm.node, detail)


def _named(
    names: Collection[str], also: Callable[[ast.expr], bool] = lambda expr: False
) -> Callable[[ast.expr], bool]:
    return lambda expr: (isinstance(expr, ast.Name) and expr.id in names) or also(expr)


def _first_reaching(
    module: SourceModule, call: ast.Call, is_source: Callable[[ast.expr], bool]
) -> ast.expr | None:
    for value in call_inputs(call):
        found = reaching(module, value, is_source)
        if found is not None:
            return found
    return None


def _aliases(
    module: SourceModule,
    scope: Scope,
    origin: dict[str, str],
    seed: Callable[[ast.expr], bool] | None = None,
) -> dict[str, str]:
    """``origin`` extended with every name of ``scope`` bound to a value carrying a
    tracked name whole (or a ``seed`` expression), mapped to the name it came from."""
    origin = dict(origin)
    bindings = module.bindings(scope)
    for _ in range(_MAX_ALIAS_ROUNDS):
        added = False
        for name, values in bindings.items():
            if name in origin:
                continue
            for value in values:
                found = reaching(
                    module,
                    value,
                    lambda e: (
                        (isinstance(e, ast.Name) and e.id in origin)
                        or (seed is not None and seed(e))
                    ),
                )
                if found is not None:
                    origin[name] = origin[found.id] if isinstance(found, ast.Name) else name
                    added = True
                    break
        if not added:
            break
    return origin


def _is_whole_read(expr: ast.expr) -> bool:
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)):
        return False
    if expr.func.attr in _WHOLE_READS:
        return not expr.args
    return expr.func.attr == "read" and not expr.args and not expr.keywords


def _unbounded_growth(module: SourceModule, scope: Scope) -> dict[str, Loop]:
    """Names grown in an unbounded loop of ``scope`` that nothing in ``scope`` trims."""
    grown: dict[str, Loop] = {}
    resets: set[str] = set()
    for loop in walk_scope(scope):
        if not isinstance(loop, LOOPS) or _bounded_iteration(module, loop):
            continue
        for node in walk_scope(loop):
            name = _grown_name(node)
            if name is not None:
                grown.setdefault(name, loop)
            elif isinstance(node, ast.Assign):
                # ``x = x + y`` is growth (counted above); any other rebinding resets.
                targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
                resets |= targets - names_in(node.value)
    trimmed = resets | _trimmed_names(module, scope)
    return {name: loop for name, loop in grown.items() if name not in trimmed}


def _grown_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        return receiver_name(node, _GROW)
    if (
        isinstance(node, ast.AugAssign)
        and isinstance(node.op, ast.Add)
        and isinstance(node.target, ast.Name)
    ):
        return node.target.id
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.BinOp | ast.JoinedStr)
        and node.targets[0].id in names_in(node.value)
    ):
        return node.targets[0].id
    return None


def _trimmed_names(module: SourceModule, scope: Scope) -> set[str]:
    trimmed: set[str] = set()
    for node in walk_scope(scope):
        if isinstance(node, ast.Call):
            name = receiver_name(node, _SHRINK)
            if name is not None:
                trimmed.add(name)
            if any(k.arg == "maxlen" for k in node.keywords):
                parent = module.parents.get(node)
                if isinstance(parent, ast.Assign):
                    trimmed |= {t.id for t in parent.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.Compare):
            # a size guard: len(history) > 40, count_tokens(context) >= budget
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    trimmed |= set().union(*map(names_in, call_inputs(call)))
        elif isinstance(node, ast.Delete | ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Delete | ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and (isinstance(node, ast.Delete) or isinstance(target.slice, ast.Slice))
                ):
                    trimmed.add(target.value.id)  # del x[0], x[:] = x[-n:]
            if isinstance(node, ast.Assign):
                sliced = {
                    n.value.id
                    for n in ast.walk(node.value)
                    if isinstance(n, ast.Subscript)
                    and isinstance(n.slice, ast.Slice)
                    and isinstance(n.value, ast.Name)
                }
                trimmed |= {t.id for t in node.targets if isinstance(t, ast.Name)} & sliced
    return trimmed


def _bounded_iteration(module: SourceModule, loop: Loop) -> bool:
    """A ``for`` over a literal, or over ``range``/``enumerate`` of constants or literals."""
    if not isinstance(loop, ast.For | ast.AsyncFor):
        return False
    return _bounded_iterable(module, loop.iter)


def _bounded_iterable(module: SourceModule, expr: ast.expr) -> bool:
    if isinstance(expr, ast.List | ast.Tuple | ast.Set | ast.Dict | ast.Constant):
        return True
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        if expr.func.id == "range":
            return all(module.constant(arg, expr) is not None for arg in expr.args)
        if expr.func.id == "enumerate" and expr.args:
            return _bounded_iterable(module, expr.args[0])
    return False
