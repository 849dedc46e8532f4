"""EFF001: an LLM call repeated by a loop or comprehension, one call after another."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tta_tooling.efficiency.defaults import BATCHING_NAMES
from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.project import Reach
from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules.flow import (
    REPEATING,
    call_inputs,
    enclosing_loop,
    receiver_name,
)
from tta_tooling.efficiency.rules.scan import FileScan
from tta_tooling.efficiency.syntax import walk

__all__ = ["check"]

_COLLECTING = frozenset({"append", "add", "extend", "insert", "appendleft"})
_GROWING = frozenset({"append", "add", "extend", "insert", "appendleft", "update", "setdefault"})
_MAX_TAINT_ROUNDS = 4
# Calls that wait for a person: a loop around one is a conversation, not a batch.
_INTERACTIVE = frozenset(
    {
        "input",  # builtins
        "chat_input",  # streamlit
        "readline",
        "recv",
        "receive",
        "receive_text",
        "receive_json",
        "receive_bytes",  # websockets, Starlette
    }
)
_PROMPTS = frozenset({"click.prompt", "typer.prompt", "prompt_toolkit.prompt"})
# ``rich.prompt.Prompt.ask`` and friends: ``ask`` is interactive on these receivers only.
_ASKING = frozenset({"Prompt", "Confirm", "IntPrompt", "FloatPrompt"})
_CALL_KINDS: frozenset[type] = frozenset({ast.Call})
_IF_KINDS: frozenset[type] = frozenset({ast.If})
_EXIT_KINDS: frozenset[type] = frozenset({ast.Break, ast.Return})
_ASSIGNMENT_KINDS: frozenset[type] = frozenset({ast.Assign, ast.AnnAssign})
_SPREAD_KINDS: frozenset[type] = frozenset({ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Call})


def check(scan: FileScan) -> Iterator[Violation]:
    """Report LLM calls, and calls of functions reaching one, that a loop repeats
    sequentially."""
    module = scan.module
    if not module.holds(REPEATING):
        return  # no loop nor comprehension in the file: nothing repeats a call
    concurrent: set[int] | None = None  # calls handed to a concurrency primitive, once asked
    sites = [
        (llm.node, "") for llm in scan.llm_calls if llm.pattern.final_name not in BATCHING_NAMES
    ]
    sites += [
        (helper.node, f"{helper.name}() makes the model call at {_where(scan, helper.reach)}")
        for helper in scan.helper_calls
    ]
    holding: set[int] | None = None  # the sites and the nodes holding them, once asked
    ended: dict[int, bool] = {}  # per loop: the same answer for every call it holds
    taint = _Taint(module)
    for call, reaches in sites:
        found = enclosing_loop(module, call)
        if found is None:
            continue
        loop, path = found
        if id(loop) not in ended:
            if holding is None:
                holding = _holding(module, [site for site, _ in sites])
            ended[id(loop)] = _ends_on_any_answer(module, loop, holding, taint) or _interactive(
                module, loop
            )
        if ended[id(loop)]:
            continue
        if concurrent is None:
            concurrent = {id(c) for c in module.matching(scan.config.concurrency)}
        if _runs_concurrently(module, path, concurrent) or _depends_on_answer(
            module, call, loop, path, taint
        ):
            continue
        kind = "loop" if isinstance(loop, ast.stmt) else "comprehension"
        detail = f"the {kind} at line {loop.lineno}"
        yield scan.violation("EFF001", call, f"{detail}; {reaches}" if reaches else detail)


def _where(scan: FileScan, reach: Reach) -> str:
    return (
        f"line {reach.line}" if reach.file == scan.module.relpath else f"{reach.file}:{reach.line}"
    )


def _interactive(module: SourceModule, loop: ast.stmt | ast.expr) -> bool:
    """The loop waits for a person (or a peer) each turn: ``input()``, ``st.chat_input()``,
    ``Prompt.ask(...)``, ``websocket.receive_text()``, or it reads ``sys.stdin``."""
    if isinstance(loop, ast.For | ast.AsyncFor) and module.qualify(loop.iter) == "sys.stdin":
        return True
    return any(
        isinstance(node, ast.Call) and (module.final_name(node) in _INTERACTIVE or _asks(node))
        for node in module.nodes_of(loop, _CALL_KINDS)
    )


def _asks(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "ask"
        and isinstance(func.value, ast.Name)
        and func.value.id in _ASKING
    )


def _runs_concurrently(module: SourceModule, path: list[ast.AST], concurrent: set[int]) -> bool:
    """The call is handed to a concurrency primitive, directly or through a collection."""
    above = [parent for _, parent in module.ancestors(path[-1])]
    if any(isinstance(node, ast.Call) and id(node) in concurrent for node in path + above):
        return True
    collection = _collected_into(module, path)
    if collection is None:
        return False
    scope = module.scope_of(path[0])
    return any(
        id(node) in concurrent
        and any(collection in module.names_in(arg) for arg in call_inputs(node))
        for node in module.nodes_of(scope, _CALL_KINDS)
        if isinstance(node, ast.Call)
    )


def _collected_into(module: SourceModule, path: list[ast.AST]) -> str | None:
    """The name the call's coroutine (or the comprehension) is stored in, if any; None
    when the call is awaited on the way (it then runs before being stored)."""
    for node in path:
        if isinstance(node, ast.Await):
            return None
        if isinstance(node, ast.Call):
            name = receiver_name(node, _COLLECTING)
            if name is not None:
                return name
    top = path[-1]
    parent = module.parents.get(top)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        target = parent.targets[0]
        if isinstance(target, ast.Name):
            return target.id
    return None


def _depends_on_answer(
    module: SourceModule,
    call: ast.Call,
    loop: ast.stmt | ast.expr,
    path: list[ast.AST],
    taint: _Taint,
) -> bool:
    """Each iteration needs the previous answer (agent loop), or an answer ends the loop
    (retry loop): the calls cannot be batched."""
    if not isinstance(loop, ast.stmt):
        return False
    statement = next(node for node in path if isinstance(node, ast.stmt))
    if isinstance(statement, ast.Return):
        return True
    siblings = _block_of(module, statement)
    after = siblings[siblings.index(statement) + 1 :]
    if any(isinstance(node, ast.Break | ast.Return) for node in after):
        return True
    tainted = taint.spread(loop, _answer_names(module, statement, path))
    if any(module.names_in(value) & tainted for value in call_inputs(call)):
        return True
    return _exits_on(module, loop, tainted)


def _holding(module: SourceModule, calls: list[ast.Call]) -> set[int]:
    """The ids of ``calls`` and of every node holding one of them, up to the module: an
    expression holds a call when it is one of the call's ancestors (no walk of each)."""
    held: set[int] = set()
    parents = module.parents
    for call in calls:
        node: ast.AST | None = call
        while node is not None and id(node) not in held:
            held.add(id(node))
            node = parents.get(node)
    return held


def _ends_on_any_answer(
    module: SourceModule, loop: ast.stmt | ast.expr, holding: set[int], taint: _Taint
) -> bool:
    """A model answer obtained in the loop decides whether it goes on (a refinement loop:
    ``feedback = critique(draft)``, ``if "none" in feedback: break``, then ``refine()``):
    each turn needs the previous one, whichever call in the loop gives that answer
    (``holding``: the ids of the calls and of the nodes holding them)."""
    if not isinstance(loop, ast.stmt):
        return False
    answers = {
        name
        for node in module.nodes_of(loop, _ASSIGNMENT_KINDS)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and node.value is not None
        and id(node.value) in holding
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        for name in module.names_in(target)
    }
    return bool(answers) and _exits_on(module, loop, taint.spread(loop, answers))


class _Taint:
    """How an answer spreads through each loop's names: the flows of a loop (the names
    an assignment or a growing call writes, from the names it reads) are collected once,
    then followed for a few rounds for each taint."""

    def __init__(self, module: SourceModule) -> None:
        self._module = module
        self._flows: dict[int, list[tuple[frozenset[str], frozenset[str]]]] = {}

    def spread(self, loop: ast.AST, tainted: set[str]) -> set[str]:
        flows = self._flows.get(id(loop))
        if flows is None:
            flows = self._flows[id(loop)] = _flows(self._module, loop)
        for _ in range(_MAX_TAINT_ROUNDS):
            grown = set(tainted)
            for reads, writes in flows:
                if reads & tainted:
                    grown |= writes
            if grown == tainted:
                break
            tainted = grown
        return tainted


def _flows(module: SourceModule, loop: ast.AST) -> list[tuple[frozenset[str], frozenset[str]]]:
    """``(read, written)`` names of each assignment in ``loop`` and each call growing a
    collection (``history.append(answer)``), in source order."""
    flows: list[tuple[frozenset[str], frozenset[str]]] = []
    for node in module.nodes_of(loop, _SPREAD_KINDS):
        if isinstance(node, ast.Assign):
            written = frozenset().union(*(module.names_in(t) for t in node.targets))
            flows.append((module.names_in(node.value), written))
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and node.value is not None:
            flows.append((module.names_in(node.value), module.names_in(node.target)))
        elif isinstance(node, ast.Call):
            name = receiver_name(node, _GROWING)
            if name is not None:
                read = frozenset().union(*(module.names_in(v) for v in call_inputs(node)))
                flows.append((read, frozenset((name,))))
    return flows


def _exits_on(module: SourceModule, loop: ast.stmt, tainted: set[str]) -> bool:
    """The loop's test, or a test leading to ``break`` / ``return``, reads ``tainted``."""
    if isinstance(loop, ast.While) and _content_names(module, loop.test) & tainted:
        return True
    return any(
        isinstance(node, ast.If)
        and _content_names(module, node.test) & tainted
        and bool(module.nodes_of(node, _EXIT_KINDS))
        for node in module.nodes_of(loop, _IF_KINDS)
    )


def _content_names(module: SourceModule, test: ast.expr) -> frozenset[str]:
    """Names a condition reads, except under ``len(...)``: stopping after N answers does
    not make the calls depend on each other."""
    counted = set().union(
        *(
            module.names_in(node)
            for node in walk(test)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "len"
        )
    )
    return module.names_in(test) - counted


def _block_of(module: SourceModule, statement: ast.stmt) -> list[ast.stmt]:
    parent = module.parents[statement]
    for field in ("body", "orelse", "finalbody", "handlers"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and statement in block:
            return block
    return [statement]


def _answer_names(module: SourceModule, statement: ast.stmt, path: list[ast.AST]) -> set[str]:
    names: set[str] = set()
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            names |= module.names_in(target)
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        names |= module.names_in(statement.target)
    for node in path:
        if isinstance(node, ast.Call):
            name = receiver_name(node, _GROWING)
            if name is not None:
                names.add(name)
    return names
