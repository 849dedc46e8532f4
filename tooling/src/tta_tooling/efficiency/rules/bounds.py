"""Loops with a visible bound on how many times they run.

A loop is bounded when it iterates over something of bounded size (a literal, a
slice, ``range`` over one, a retrieval call given or defaulting to a count) or
when its condition or a test inside it compares against a limit. Support for
EFF004 (:mod:`.context`): what such a loop gathers cannot grow without bound.
"""

from __future__ import annotations

import ast
import re

from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.syntax import Scope, arguments_for, walk

__all__ = ["Loop", "bounded_iteration"]

Loop = ast.For | ast.AsyncFor | ast.While

# How many names, reads and calls deep a bounded value is followed.
_MAX_DEPTH = 4
_WRAPPING = frozenset({"enumerate", "zip", "sorted", "reversed", "list", "tuple", "set"})
# Keywords that cap how many results a retrieval call returns (Chroma ``n_results``,
# Pinecone and LlamaIndex ``top_k``, LangChain ``k``, mem0 ``limit``).
_COUNT_KEYWORDS = frozenset(
    {
        "limit",
        "k",
        "top_k",
        "n",
        "n_results",
        "top_n",
        "max_results",
        "num_results",
        "size",
        "similarity_top_k",
        "fetch_k",
        "max_docs",
        "count",
    }
)
# Retrieval calls that return a library-defined top k when given no count: LangChain
# ``VectorStore.similarity_search(query, k=4)`` (langchain_core/vectorstores/base.py),
# retrievers' ``get_relevant_documents``; LlamaIndex ``retrieve`` (similarity_top_k=2,
# llama_index/core/constants.py DEFAULT_SIMILARITY_TOP_K).
_TOP_K_BY_DEFAULT = frozenset(
    {
        "similarity_search",
        "asimilarity_search",
        "similarity_search_with_score",
        "similarity_search_with_relevance_scores",
        "max_marginal_relevance_search",
        "get_relevant_documents",
        "aget_relevant_documents",
        "retrieve",
        "aretrieve",
    }
)
_RETRIEVAL_WORDS = ("search", "query", "retrieve", "similar", "top")
_CAP_WORD = re.compile(r"max|limit|budget|cap", re.IGNORECASE)
_IF_KINDS: frozenset[type] = frozenset({ast.If})


def bounded_iteration(module: SourceModule, loop: Loop) -> bool:
    """A loop with a visible bound: over a bounded iterable, under an ordering test
    (``while turn < max_turns``), broken out of by one (``if calls >= n: break``), or
    testing a named cap (``if requested_calls < max_tool_calls``)."""
    if isinstance(loop, ast.For | ast.AsyncFor) and _bounded_iterable(module, loop.iter, 0):
        return True
    if isinstance(loop, ast.While) and _is_cap(loop.test):
        return True
    return any(
        isinstance(node, ast.If)
        and _is_cap(node.test)
        and (
            any(isinstance(n, ast.Break | ast.Return) for n in node.body)
            or _is_cap(node.test, named=True)
        )
        for node in module.nodes_of(loop, _IF_KINDS)
    )


def _is_cap(test: ast.expr, *, named: bool = False) -> bool:
    """An ordering comparison (with ``named``: against a name like ``max_steps``)."""
    return any(
        isinstance(node, ast.Compare)
        and any(isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE) for op in node.ops)
        and (not named or any(_CAP_WORD.search(name) for name in _spelled(node)))
        for node in walk(test)
    )


def _spelled(node: ast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in walk(node) if isinstance(n, ast.Attribute)
    }


def _bounded_iterable(module: SourceModule, expr: ast.expr, depth: int) -> bool:
    """Literals, constant-sized collections, slices, ``range``, retrieval calls given a
    count (``search(q, limit=5)``, ``vectordb.search(x, 5)``), and what is read from or
    bound to one of those."""
    if isinstance(expr, ast.List | ast.Tuple | ast.Set | ast.Dict | ast.Constant):
        return True
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Slice):
        return True
    if isinstance(expr, ast.Subscript | ast.Attribute | ast.Await):
        return _bounded_iterable(module, expr.value, depth + 1)
    if isinstance(expr, ast.Name):
        return _bounded_name(module, expr, depth)
    return isinstance(expr, ast.Call) and _bounded_call(module, expr, depth)


def _bounded_name(module: SourceModule, name: ast.Name, depth: int) -> bool:
    values, _, scope = module.name_values(name.id, name)
    if not values:
        return _bounded_by_callers(module, name.id, scope, depth)
    return all(_bounded_iterable(module, v, depth + 1) for v in values)


def _bounded_by_callers(module: SourceModule, name: str, scope: Scope, depth: int) -> bool:
    """``name`` is a parameter that every scanned caller fills with a bounded value
    (``_rerank(query, db.search(query, k=20))``)."""
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) or module.project is None:
        return False
    callers = module.project.callers(scope)
    return bool(callers) and all(
        (arguments := arguments_for(call, scope, {name}))
        and all(_bounded_iterable(owner, argument, depth + 1) for argument in arguments)
        for owner, call in callers
    )


def _bounded_call(module: SourceModule, call: ast.Call, depth: int) -> bool:
    name = module.final_name(call)
    if name == "range":
        counted = [
            a.args[0]
            for a in call.args
            if isinstance(a, ast.Call) and module.final_name(a) == "len" and a.args
        ]
        return all(_bounded_iterable(module, c, depth + 1) for c in counted)
    if name in _WRAPPING and call.args:
        bounded = [_bounded_iterable(module, a, depth + 1) for a in call.args]
        return any(bounded) if name == "zip" else all(bounded)
    if name == "map" and len(call.args) > 1:  # ``map(f, xs)``, ``executor.map(f, xs)``
        return any(_bounded_iterable(module, a, depth + 1) for a in call.args[1:])
    if any(k.arg in _COUNT_KEYWORDS for k in call.keywords) or name in _TOP_K_BY_DEFAULT:
        return True
    if name in {"invoke", "ainvoke"} and isinstance(call.func, ast.Attribute):
        receiver = call.func.value  # ``retriever.invoke(q)``: the retriever's top k
        spelled = receiver.id if isinstance(receiver, ast.Name) else ""
        if isinstance(receiver, ast.Attribute):
            spelled = receiver.attr
        if isinstance(receiver, ast.Call):
            spelled = module.final_name(receiver) or ""
        return "retriever" in spelled.lower()
    return bool(
        name
        and any(word in name.lower() for word in _RETRIEVAL_WORDS)
        and any(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in call.args)
    )
