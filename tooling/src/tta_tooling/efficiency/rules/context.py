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

from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules.bounds import Loop, bounded_iteration
from tta_tooling.efficiency.rules.flow import (
    LOOPS,
    call_inputs,
    exclusive,
    reaching,
    receiver_name,
    sources,
)
from tta_tooling.efficiency.rules.scan import FileScan
from tta_tooling.efficiency.syntax import Function, Scope, arguments_for, walk

__all__ = ["check_accumulation", "check_whole_documents"]

_GROW = frozenset({"append", "extend", "insert", "appendleft", "extendleft"})
_SHRINK = frozenset({"pop", "popleft", "popitem", "clear", "remove"})
_WHOLE_READS = frozenset({"read_text", "read_bytes", "readlines"})
_MAX_ALIAS_ROUNDS = 4
# LangChain ``BaseLoader.load`` / ``lazy_load`` / ``load_and_split``, LlamaIndex
# ``SimpleDirectoryReader.load_data``: every document (or page) of the source.
_DOCUMENT_LOADS = frozenset({"load", "lazy_load", "load_and_split", "load_data"})
# PyMuPDF: ``fitz.open(path)`` is a document whose iteration yields every page.
_PDF_OPENS = frozenset({"fitz.open", "pymupdf.open"})
# The last names a whole read or a document load spells (:func:`_is_whole_read`,
# :func:`_loads_document`).
_READ_NAMES = _WHOLE_READS | _DOCUMENT_LOADS | {"read", "open"}

_LOOP_KINDS: frozenset[type] = frozenset({ast.For, ast.AsyncFor, ast.While})
_FOR_KINDS: frozenset[type] = frozenset({ast.For, ast.AsyncFor})
_GROWTH_KINDS: frozenset[type] = frozenset({ast.Call, ast.AugAssign, ast.Assign})
_TRIM_KINDS: frozenset[type] = frozenset(
    {ast.Call, ast.Compare, ast.Delete, ast.Assign, ast.AugAssign}
)
_RETURN_KINDS: frozenset[type] = frozenset({ast.Return})


def check_accumulation(scan: FileScan) -> Iterator[Violation]:
    """EFF004: context accumulated without bound reaches an LLM call (or a scanned
    function passing it whole to one)."""
    module = scan.module
    if not module.holds(_LOOP_KINDS):
        return  # no loop in the file: nothing grows in one
    grown_by_scope: dict[
        int, tuple[dict[str, Loop], dict[str, str], Callable[[ast.expr], bool]]
    ] = {}
    for call, inputs, reaches in _sites(scan):
        scope = module.scope_of(call)
        if id(scope) not in grown_by_scope:
            grown = _unbounded_growth(module, scope)
            origin = _aliases(module, scope, {name: name for name in grown}) if grown else {}
            grown_by_scope[id(scope)] = grown, origin, _named(origin)
        grown, origin, is_grown = grown_by_scope[id(scope)]
        if not grown:
            continue
        source = _first_reaching(module, inputs, is_grown)
        if isinstance(source, ast.Name):
            name = origin[source.id]
            loop = grown[name]
            if call.lineno >= loop.lineno:
                detail = f"{name!r} grows in the loop at line {loop.lineno}"
                yield scan.violation("EFF004", call, f"{detail}{reaches}")


def check_whole_documents(scan: FileScan) -> Iterator[Violation]:
    """EFF005: a whole file or document reaches an LLM call (or a scanned function
    passing it whole to one): ``read()``, every page of a document gathered, or a scanned
    function returning one of those (``extract_text_from_pdf(path)``)."""
    module = scan.module
    if ".pages" not in module.source and not any(
        _is_whole_read(c) or _loads_document(module, c) for c in module.calls_named(_READ_NAMES)
    ):
        return  # nothing in the file reads a whole document (helpers are followed in-file)
    reader = _DocumentReads(module)
    holders_by_scope: dict[int, dict[str, str]] = {}
    for call, inputs, reaches in _sites(scan):
        scope = module.scope_of(call)
        if id(scope) not in holders_by_scope:
            holders_by_scope[id(scope)] = reader.holders(module, scope)
        is_source = _named(holders_by_scope[id(scope)], also=reader.is_whole)
        source = _first_reaching(module, inputs, is_source)
        if source is None or _read_only_elsewhere(module, source, call, is_source):
            continue
        if isinstance(source, ast.Name):
            detail = f"{source.id!r} holds a whole document"
        else:
            detail = f"whole document read at line {source.lineno}"
        yield scan.violation("EFF005", call, f"{detail}{reaches}")


def _read_only_elsewhere(
    module: SourceModule, source: ast.expr, call: ast.Call, is_source: Callable[[ast.expr], bool]
) -> bool:
    """Every binding of ``source`` that holds a whole document sits in another branch of
    an ``if`` than ``call`` (``if edit: html = path.read_text() else: html = generate()``,
    then a call in the ``else`` branch)."""
    if not isinstance(source, ast.Name):
        return False
    values, _, _ = module.name_values(source.id, call)
    holding = [value for value in values if reaching(module, value, is_source) is not None]
    return bool(holding) and all(exclusive(module, value, call) for value in holding)


class _DocumentReads:
    """What reads a whole document, seen from ``module``: ``read()``, ``"".join`` of
    every page, or a call of a scanned function returning one (summarised once each)."""

    def __init__(self, module: SourceModule) -> None:
        self._module = module
        self._returns: dict[int, bool] = {}

    def is_whole(self, expr: ast.expr) -> bool:
        module = self._module
        if _is_whole_read(expr) or _joins_pages(module, expr):
            return True
        if not isinstance(expr, ast.Call):
            return False
        found = module.resolve_function(expr.func, expr)
        return found is not None and self._returns_document(*found)

    def holders(self, module: SourceModule, scope: Scope) -> dict[str, str]:
        pages = {name: name for name in _document_text(module, scope)}
        return _aliases(module, scope, pages, seed=self.is_whole)

    def _returns_document(self, owner: SourceModule, function: Function) -> bool:
        if id(function) not in self._returns:
            self._returns[id(function)] = False  # a recursive function reads nothing more
            if owner is self._module:
                holders = self.holders(owner, function)
                self._returns[id(function)] = any(
                    isinstance(node, ast.Return)
                    and node.value is not None
                    and reaching(owner, node.value, _named(holders, also=self.is_whole)) is not None
                    for node in owner.nodes_of(function, _RETURN_KINDS)
                )
        return self._returns[id(function)]


def _sites(scan: FileScan) -> Iterator[tuple[ast.Call, list[ast.expr], str]]:
    """Each LLM call with its inputs, and each call of a scanned function with the
    arguments it passes whole to the model call inside."""
    for llm in scan.llm_calls:
        yield llm.node, call_inputs(llm.node), ""
    carried: dict[int, set[str]] = {}
    for helper in scan.helper_calls:
        function = helper.function
        if id(function) not in carried:
            carried[id(function)] = _parameters_sent(scan, helper.owner, function)
        if carried[id(function)]:
            inputs = arguments_for(helper.node, function, carried[id(function)])
            if inputs:
                where = f"{helper.reach.file}:{helper.reach.line}"
                yield helper.node, inputs, f"; {helper.name}() sends it to the model at {where}"


def _parameters_sent(scan: FileScan, owner: SourceModule, function: Function) -> set[str]:
    """The parameters of ``function`` that one of its own LLM calls receives whole."""
    parameters = {
        arg.arg
        for arg in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)
    }
    # every parameter a name carries: a prompt may hold several (``f"{feedback} {code}"``)
    origin: dict[str, set[str]] = {name: {name} for name in parameters}
    bindings = owner.bindings(function)
    for _ in range(_MAX_ALIAS_ROUNDS):
        grown = False
        for name, values in bindings.items():
            found = {
                parameter
                for value in values
                for source in sources(owner, value, _named(origin))
                if isinstance(source, ast.Name)
                for parameter in origin[source.id]
            }
            if not found <= origin.get(name, set()):
                origin[name] = origin.get(name, set()) | found
                grown = True
        if not grown:
            break
    return {
        parameter
        for llm in scan.project.llm_calls[owner.relpath]
        if owner.scope_of(llm.node) is function
        for value in call_inputs(llm.node)
        for source in sources(owner, value, _named(origin))
        if isinstance(source, ast.Name)
        for parameter in origin[source.id]
    }


def _named(
    names: Collection[str], also: Callable[[ast.expr], bool] | None = None
) -> Callable[[ast.expr], bool]:
    if also is None:
        return lambda expr: type(expr) is ast.Name and expr.id in names
    return lambda expr: (type(expr) is ast.Name and expr.id in names) or also(expr)


def _first_reaching(
    module: SourceModule, inputs: list[ast.expr], is_source: Callable[[ast.expr], bool]
) -> ast.expr | None:
    for value in inputs:
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
    carries = _named(origin, also=seed)  # reads ``origin`` as it grows
    for _ in range(_MAX_ALIAS_ROUNDS):
        added = False
        for name, values in bindings.items():
            if name in origin:
                continue
            for value in values:
                found = reaching(module, value, carries)
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
    for loop in module.nodes_of(scope, _LOOP_KINDS):
        assert isinstance(loop, LOOPS)
        names: list[str] = []
        for node in module.nodes_of(loop, _GROWTH_KINDS):
            name = _grown_name(module, node)
            if name is not None:
                names.append(name)
            elif isinstance(node, ast.Assign):
                # ``x = x + y`` is growth (counted above); any other rebinding resets.
                targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
                resets |= targets - module.names_in(node.value)
        if names and not _over_document(module, loop) and not bounded_iteration(module, loop):
            for name in names:
                grown.setdefault(name, loop)
    if not grown:
        return grown
    trimmed = resets | _trimmed_names(module, scope)
    return {name: loop for name, loop in grown.items() if name not in trimmed}


def _document_text(module: SourceModule, scope: Scope) -> set[str]:
    """Names gathering every page of a document in a loop (``text += page.extract_text()``
    for each page), that nothing in ``scope`` trims."""
    gathered = {
        name
        for loop in module.nodes_of(scope, _FOR_KINDS)
        if isinstance(loop, ast.For | ast.AsyncFor) and _over_document(module, loop)
        for node in module.nodes_of(loop, _GROWTH_KINDS)
        if (name := _grown_name(module, node)) is not None
    }
    return gathered - _trimmed_names(module, scope) if gathered else gathered


def _over_document(module: SourceModule, loop: Loop) -> bool:
    return isinstance(loop, ast.For | ast.AsyncFor) and _is_document(module, loop.iter, 0)


def _is_document(module: SourceModule, expr: ast.expr, depth: int) -> bool:
    """Every page or part of one document: ``reader.pages``, ``loader.load()``."""
    if isinstance(expr, ast.Attribute) and expr.attr == "pages":
        return True
    if isinstance(expr, ast.Call):
        return (
            _loads_document(module, expr)
            or module.qualify(expr.func) in _PDF_OPENS
            or (
                module.final_name(expr) in {"enumerate", "list"}
                and bool(expr.args)
                and _is_document(module, expr.args[0], depth + 1)
            )
        )
    if isinstance(expr, ast.Name) and depth < _MAX_ALIAS_ROUNDS:
        values, _, _ = module.name_values(expr.id, expr)
        return bool(values) and all(_is_document(module, v, depth + 1) for v in values)
    return False


def _loads_document(module: SourceModule, call: ast.Call) -> bool:
    """A LangChain or LlamaIndex loader's ``load()``, or a PDF opened with PyMuPDF: every
    part of the source."""
    if module.final_name(call) in _DOCUMENT_LOADS and not call.args:
        return True
    return module.final_name(call) == "open" and module.qualify(call.func) in _PDF_OPENS


def _joins_pages(module: SourceModule, expr: ast.expr) -> bool:
    """``"".join(page.extract_text() for page in reader.pages)``."""
    if not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "join"
        and expr.args
    ):
        return False
    parts = expr.args[0]
    return isinstance(parts, ast.GeneratorExp | ast.ListComp) and _is_document(
        module, parts.generators[0].iter, 0
    )


def _grown_name(module: SourceModule, node: ast.AST) -> str | None:
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
        and node.targets[0].id in module.names_in(node.value)
    ):
        return node.targets[0].id
    return None


def _trimmed_names(module: SourceModule, scope: Scope) -> set[str]:
    trimmed: set[str] = set()
    # no slice in the file: no assigned value need be walked for one
    slices = any(
        isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)
        for node in module.every(ast.Subscript)
    )
    for node in module.nodes_of(scope, _TRIM_KINDS):
        if isinstance(node, ast.Call):
            name = receiver_name(node, _SHRINK)
            if name is not None:
                trimmed.add(name)
            if node.keywords and "maxlen" in [k.arg for k in node.keywords]:
                parent = module.parents.get(node)
                if isinstance(parent, ast.Assign):
                    trimmed |= {t.id for t in parent.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.Compare):
            # a size guard: len(history) > 40, count_tokens(context) >= budget
            for call in walk(node):
                if isinstance(call, ast.Call):
                    trimmed |= set().union(*map(module.names_in, call_inputs(call)))
        elif isinstance(node, ast.Delete | ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Delete | ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and (isinstance(node, ast.Delete) or isinstance(target.slice, ast.Slice))
                ):
                    trimmed.add(target.value.id)  # del x[0], x[:] = x[-n:]
            if isinstance(node, ast.Assign) and slices:
                sliced = {
                    n.value.id
                    for n in walk(node.value)
                    if isinstance(n, ast.Subscript)
                    and isinstance(n.slice, ast.Slice)
                    and isinstance(n.value, ast.Name)
                }
                trimmed |= {t.id for t in node.targets if isinstance(t, ast.Name)} & sliced
    return trimmed
