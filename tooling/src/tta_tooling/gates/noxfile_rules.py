"""Gates weakened from inside noxfile.py, read statically (the file is parsed, not run).

A session may not declare ``success_codes`` (a failing tool would pass), call
``session.skip`` (a gate never passes by skipping), or ``return`` before it has
run anything in the same block (an early exit on some condition, such as CI).
Ruff runs on the whole tree with options that cannot silence it, and pytest in
a default session is not narrowed by keyword, marker, deselection or ignore.
``nox.options.sessions`` may only restate the default sessions (those without
``default=False``), which is the list the docs state; ``nox.options.keywords``
and ``nox.options.tags`` would narrow plain ``nox`` and are findings.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tta_tooling.errors import InputError, read_input
from tta_tooling.reporting import Finding

NOXFILE = "noxfile.py"
_RUFF_WORDS = frozenset({"check", "format", ".", "--check", "--diff", "--no-cache", "--quiet"})
_RUFF_OPTION_PREFIXES = ("--output-format=",)
_MYPY_OPTION_PREFIXES = ("--cache-dir", "--junit-xml", "--pretty", "--no-incremental", "--python-")
_PYTEST_NARROWING = frozenset(
    {"-k", "-m", "--deselect", "--ignore", "--ignore-glob", "--co", "--collect-only", "--lf"}
    | {"--last-failed", "--sw", "--stepwise", "--noconftest"}
)
_NARROWING_OPTIONS = frozenset({"sessions", "keywords", "tags"})
# The marker expressions that split the test tiers (docs/testing.md): the unit tier
# without the smoke tests, and the process tiers; any other `-m` drops tests.
TEST_TIERS = frozenset({"not smoke", "integration or smoke"})


@dataclass(slots=True)
class NoxfileFacts:
    """Findings in noxfile.py and the line of each session's definition."""

    findings: list[Finding] = field(default_factory=list)
    session_lines: dict[str, int] = field(default_factory=dict)


def check_noxfile(root: Path) -> NoxfileFacts:
    """Statically check ``root / noxfile.py``."""
    path = root / NOXFILE
    try:
        module = ast.parse(read_input(path), filename=str(path))
    except SyntaxError as error:
        raise InputError(path, f"invalid Python: {error.msg}", line=error.lineno) from error
    facts = NoxfileFacts()
    defaults: list[str] = []
    constants = _string_constants(module)
    for node in module.body:
        session = _session_decorator(node)
        if isinstance(node, ast.FunctionDef) and session is not None:
            name = _keyword(session, "name") or node.name
            facts.session_lines[str(name)] = node.lineno
            default = _keyword(session, "default") is not False
            if default:
                defaults.append(str(name))
            facts.findings.extend(_check_session(node, default, constants))
    facts.findings.extend(_check_options(module, defaults))
    return facts


def _string_constants(module: ast.Module) -> dict[str, list[str]]:
    """Module-level ``NAME = ("...", ...)`` tuples and lists of strings."""
    constants: dict[str, list[str]] = {}
    for node in module.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and node.targets else None
        if target is None and isinstance(node, ast.AnnAssign):
            target = node.target
        value = getattr(node, "value", None)
        strings = _literal_strings(value) if isinstance(value, ast.expr) else None
        if isinstance(target, ast.Name) and strings is not None:
            constants[target.id] = strings
    return constants


def _check_session(
    function: ast.FunctionDef, default: bool, constants: dict[str, list[str]]
) -> Iterator[Finding]:
    where = f"session {function.name}"
    session = function.args.args[0].arg if function.args.args else "session"
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            yield from _check_call(node, session, where, default, constants)
    yield from _early_returns(function.body, session, where)


def _check_call(
    call: ast.Call, session: str, where: str, default: bool, constants: dict[str, list[str]]
) -> Iterator[Finding]:
    method = _method(call, session)
    if any(k.arg == "success_codes" for k in call.keywords):
        yield _finding(call, where, "`success_codes` lets a failing command pass")
    if method == "skip":
        yield _finding(call, where, "`session.skip` passes a gate without running it")
    if method != "run":
        return
    words = [w for arg in call.args for w in _argument_strings(arg, constants)]
    program = words[0] if words else ""
    if program == "ruff":
        for word in words[1:]:
            if word not in _RUFF_WORDS and not word.startswith(_RUFF_OPTION_PREFIXES):
                yield _finding(
                    call, where, f"runs ruff with `{word}`: ruff must check the whole tree"
                )
    if program == "mypy":
        for word in words[1:]:
            if not word.startswith(_MYPY_OPTION_PREFIXES):
                yield _finding(
                    call, where, f"runs mypy with `{word}`: mypy checks the configured files"
                )
    if default and "pytest" in words:
        for word in _narrowing_pytest_options(words[words.index("pytest") + 1 :]):
            yield _finding(call, where, f"runs pytest with `{word}`, which drops tests")


def _narrowing_pytest_options(arguments: list[str]) -> Iterator[str]:
    """Options that select fewer tests; ``-m`` only with a test tier's expression."""
    for index, word in enumerate(arguments):
        option, _, value = word.partition("=")
        following = arguments[index + 1] if index + 1 < len(arguments) else ""
        if option == "-m" and (value or following) in TEST_TIERS:
            continue
        if option in _PYTEST_NARROWING:
            yield word


def _early_returns(body: list[ast.stmt], session: str, where: str) -> Iterator[Finding]:
    ran = False
    for statement in body:
        if isinstance(statement, ast.Return) and not ran:
            yield _finding(statement, where, "returns before running its tools")
        if not ran:
            for block in _blocks(statement):
                yield from _early_returns(block, session, where)
        ran = ran or any(
            isinstance(n, ast.Call) and _method(n, session) == "run" for n in ast.walk(statement)
        )


def _blocks(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return
    for name in ("body", "orelse", "finalbody"):
        block = getattr(statement, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(statement, "handlers", []):
        yield handler.body


def _check_options(module: ast.Module, defaults: list[str]) -> Iterator[Finding]:
    for node in ast.walk(module):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            option = _dotted(target).removeprefix("nox.options.")
            if option not in _NARROWING_OPTIONS or not _dotted(target).startswith("nox.options."):
                continue
            value = getattr(node, "value", None)
            listed = _literal_strings(value)
            if option == "sessions" and listed is not None and sorted(listed) == sorted(defaults):
                continue
            yield _finding(
                node,
                "nox.options",
                f"`nox.options.{option}` narrows plain `nox`: mark opt-in sessions "
                "`default=False` instead (the default list is every other session)",
            )


def _session_decorator(node: ast.stmt) -> ast.Call | None:
    for decorator in getattr(node, "decorator_list", []):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _dotted(target) in {"nox.session", "session"}:
            return decorator if isinstance(decorator, ast.Call) else ast.Call(target, [], [])
    return None


def _keyword(call: ast.Call, name: str) -> object:
    for keyword in call.keywords:
        if keyword.arg == name and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    return None


def _method(call: ast.Call, session: str) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and _dotted(func.value) == session:
        return func.attr
    return None


def _argument_strings(node: ast.expr, constants: dict[str, list[str]]) -> Iterator[str]:
    """The strings an argument passes: literals, and module constants it names or unpacks."""
    name = node.value if isinstance(node, ast.Starred) else node
    if isinstance(name, ast.Name) and name.id in constants:
        yield from constants[name.id]
    else:
        yield from _strings(node)


def _strings(node: ast.expr) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child.value
        elif isinstance(child, ast.JoinedStr):
            yield "".join(
                str(v.value) if isinstance(v, ast.Constant) else "{}" for v in child.values
            )


def _literal_strings(node: ast.expr | None) -> list[str] | None:
    try:
        value = ast.literal_eval(node) if node is not None else None
    except ValueError:
        return None
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _finding(node: ast.AST, where: str, message: str) -> Finding:
    return Finding(NOXFILE, message, getattr(node, "lineno", None), where)
