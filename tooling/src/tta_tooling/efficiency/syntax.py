"""Syntax-tree helpers every part of the efficiency gate shares: node kinds, walks that
stay in one scope, and what a statement binds."""

from __future__ import annotations

import ast
from collections.abc import Iterator

__all__ = [
    "BINDERS",
    "BLOCKS",
    "FUNCTIONS",
    "NESTED",
    "NESTED_TYPES",
    "SCOPE_TYPES",
    "SCOPE_TYPE_SET",
    "Function",
    "Scope",
    "arguments_for",
    "bind_other",
    "bind_parameters",
    "bind_unknown",
    "child_fields",
    "imported_names",
    "is_attr",
    "names_in",
    "source_order",
    "walk",
    "walk_scope",
]

Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
Function = ast.FunctionDef | ast.AsyncFunctionDef
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPE_TYPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
SCOPE_TYPE_SET = frozenset(SCOPE_TYPES)
NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
NESTED_TYPES = frozenset(NESTED)
# Nodes whose subtree the index delimits (what ``walk_scope`` is asked to walk or skip).
BLOCKS = frozenset(
    {
        ast.Module,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Lambda,
        ast.ClassDef,
        ast.For,
        ast.AsyncFor,
        ast.While,
        ast.If,
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.GeneratorExp,
    }
)
# Fields that never hold a child worth indexing: names, numbers, and the shared
# context and operator singletons.
_LEAF_FIELDS = frozenset(
    {
        "ctx",
        "op",
        "ops",
        "id",
        "arg",
        "attr",
        "name",
        "asname",
        "module",
        "level",
        "kind",
        "type_comment",
        "conversion",
        "simple",
        "is_async",
        "lineno",
        "col_offset",
    }
)
# Fields holding names or values, never nodes.
_NOT_NODES = frozenset(
    {
        (ast.Constant, "value"),
        (ast.Global, "names"),
        (ast.Nonlocal, "names"),
        (ast.MatchClass, "kwd_attrs"),
        (ast.MatchMapping, "rest"),
        (ast.MatchSingleton, "value"),
        (ast.TypeIgnore, "tag"),
    }
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
# Statements binding their ``target`` (a tuple: a union is built again at each call).
_TARGETED = (ast.For, ast.AsyncFor, ast.comprehension, ast.AugAssign)
# Statements and expressions that bind a name in their scope.
BINDERS = frozenset(
    {
        ast.Assign,
        ast.AnnAssign,
        ast.NamedExpr,
        ast.AugAssign,
        ast.For,
        ast.AsyncFor,
        ast.comprehension,
        ast.withitem,
        ast.ExceptHandler,
    }
)


def child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that may hold child nodes (computed once per type)."""
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = tuple(
            f
            for f in kind._fields  # type: ignore[attr-defined]
            if f not in _LEAF_FIELDS and (kind, f) not in _NOT_NODES
        )
        _CHILD_FIELDS[kind] = fields
    return fields


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and every node under it (``ast.walk`` without its generator per node, and
    without the shared context and operator singletons)."""
    stack: list[ast.AST | None] = [node]
    push, pop, push_all = stack.append, stack.pop, stack.extend
    fields_of = _CHILD_FIELDS
    while stack:
        current = pop()
        if current is None:  # the key of a dict's ``**`` entry
            continue
        yield current
        kind = type(current)
        fields = fields_of.get(kind)
        for field in child_fields(kind) if fields is None else fields:
            value = getattr(current, field, None)
            if type(value) is list:
                push_all(value)
            elif value is not None:
                push(value)


def names_in(node: ast.AST) -> frozenset[str]:
    """Every plain name read in ``node``."""
    return frozenset([n.id for n in walk(node) if type(n) is ast.Name])


def walk_scope(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node`` outside nested functions, lambdas and classes."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, NESTED):
            stack.extend(ast.iter_child_nodes(child))


def arguments_for(call: ast.Call, function: Function, names: set[str]) -> list[ast.expr]:
    """The arguments of ``call`` bound to the parameters ``names`` of ``function``."""
    positional = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    if positional and positional[0] in {"self", "cls"} and isinstance(call.func, ast.Attribute):
        positional = positional[1:]
    found = [arg for arg, name in zip(call.args, positional, strict=False) if name in names]
    found += [k.value for k in call.keywords if k.arg in names]
    return found


def is_attr(target: ast.expr, attr: str) -> bool:
    """``target`` is ``<name>.<attr>``."""
    return (
        isinstance(target, ast.Attribute)
        and target.attr == attr
        and isinstance(target.value, ast.Name)
    )


def bind_parameters(
    arguments: ast.arguments, values: dict[str, list[ast.expr]], notes: dict[str, list[ast.expr]]
) -> None:
    for arg in (
        *arguments.posonlyargs,
        *arguments.args,
        *arguments.kwonlyargs,
        *filter(None, (arguments.vararg, arguments.kwarg)),
    ):
        values.setdefault(arg.arg, [])
        if arg.annotation is not None:
            notes.setdefault(arg.arg, []).append(arg.annotation)


def bind_other(node: ast.AST, values: dict[str, list[ast.expr]]) -> None:
    """Names bound by loops, ``+=``, ``with ... as`` and ``except ... as``: value unknown."""
    if isinstance(node, _TARGETED):
        bind_unknown(node.target, values)
    elif isinstance(node, ast.withitem):
        if isinstance(node.optional_vars, ast.Name):  # ``with OpenAI() as client``
            values.setdefault(node.optional_vars.id, []).append(node.context_expr)
        else:
            bind_unknown(node.optional_vars, values)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        values.setdefault(node.name, [])


def bind_unknown(target: ast.expr | None, values: dict[str, list[ast.expr]]) -> None:
    if target is None:
        return
    for node in walk(target):
        if isinstance(node, ast.Name):
            values.setdefault(node.id, [])


def attribute_chain(func: ast.expr) -> tuple[str, ...]:
    """The attribute names a call spells, outermost last (``a.b.c(...)``: ``("b", "c")``)."""
    names: list[str] = []
    while isinstance(func, ast.Attribute):
        names.append(func.attr)
        func = func.value
    return tuple(reversed(names))


def source_order(call: ast.Call) -> tuple[int, int, int, int]:
    """Where ``call`` starts, the enclosing call first when two start together
    (``a.b(x).c(y)``): the order never depends on the names' hash order."""
    end_line = call.end_lineno if call.end_lineno is not None else call.lineno
    end_col = call.end_col_offset if call.end_col_offset is not None else call.col_offset
    return (call.lineno, call.col_offset, -end_line, -end_col)


def imported_names(statements: list[ast.Import | ast.ImportFrom], package: str) -> dict[str, str]:
    """Each name the import ``statements`` bind, with the dotted name it refers to;
    ``package`` is the importing module's package (what a relative import starts from)."""
    found: dict[str, str] = {}
    for node in statements:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    found[head] = head
        else:
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                found[alias.asname or alias.name] = f"{base}.{alias.name}"
    return found
