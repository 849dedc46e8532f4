"""Gates weakened from inside noxfile.py, read statically (the file is parsed, not run).

A session may not declare ``success_codes`` (a failing tool would pass), call
``session.skip`` (a gate never passes by skipping), or ``return`` before it has
run anything in the same block (an early exit on some condition, such as CI).
Ruff runs on the whole tree with options that cannot silence it, and pytest in
a default session is not narrowed by keyword, marker, deselection or ignore.
``nox.options.sessions`` may only restate the default sessions (those without
``default=False``), which is the list the docs state; ``nox.options.keywords``
and ``nox.options.tags`` would narrow plain ``nox`` and are findings, as is
``error_on_missing_interpreters = False`` (nox then skips, and passes, a session
whose Python is missing on CI).

Each gate session runs its tool (:data:`GATE_TOOLS`): a session that no longer
does passes without checking. A command failure is not caught (no ``try`` with
an ``except`` that does not re-raise, no ``contextlib.suppress``), ``external=True``
runs only uv, no session runs without its own venv (``python=False``), nothing
replaces the session's methods, the noxfile never exits by itself
(``sys.exit`` / ``os._exit`` / ``raise SystemExit`` outside ``__main__``), and no
command gets an environment variable its tool reads for options
(``PYTEST_ADDOPTS``, ``MYPY*``, ``RUFF_*``, ...). pytest in a default session
takes only the options of the ``addopts`` allow-list
(:func:`~tta_tooling.gates.pytest_rules.unlisted_options`) and coverage.py no
option that narrows what it measures (:mod:`~tta_tooling.gates.coverage_rules`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.gates.coverage_rules import coverage_command_problems
from tta_tooling.gates.env_policy import environment_writes
from tta_tooling.gates.pytest_rules import allowed_option
from tta_tooling.parse_once import python_tree
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
# The tool each gate session must run: without it the session passes without checking.
GATE_TOOLS: dict[str, tuple[tuple[str, ...], ...]] = {
    "lint": (("ruff", "check"),),
    "format": (("ruff", "format", "--check"),),
    "typecheck": (("mypy",),),
    "tests": (("pytest",),),
    "integration": (("pytest",),),
    "coverage": (("tta-tooling", "coverage-gate"),),
    "ci-config": (("tta-tooling", "ci-config"),),
    "secrets": (("tta-tooling", "secrets"),),
    "paf": (("tta-tooling", "paf"),),
    "efficiency": (("tta-tooling", "efficiency"),),
    "mcp": (("tta-tooling", "mcp-check"),),
}
# Variables a gate's tool reads as options or configuration.
_TOOL_OPTION_VARIABLE = re.compile(
    r"^(PYTEST_|MYPY|RUFF_|COVERAGE_RCFILE$|COVERAGE_CORE$|PYTHONWARNINGS$|NOX_)"
)
_VALUE_OPTIONS = frozenset(
    {"-p", "-W", "-c", "-o", "--override-ini", "-n", "--dist", "--rootdir", "--confcutdir"}
)
_EXITS = frozenset({"sys.exit", "os._exit", "exit", "quit", "os.abort"})
_NOX_SETTINGS = ("nox.options.", "nox.needs_version")  # what a noxfile sets (nox's docs)
# pytest options a session may pass beside the addopts allow-list (a tier's -m, reports).
_SESSION_PYTEST_OPTION = re.compile(r"^(-m|--benchmark-json=.*|--hypothesis-profile=\w+)$")
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
        findings, session_lines = _noxfile_facts(read_input(path))
    except SyntaxError as error:
        raise InputError(path, f"invalid Python: {error.msg}", line=error.lineno) from error
    return NoxfileFacts(list(findings), dict(session_lines))


@lru_cache(maxsize=64)
def _noxfile_facts(text: str) -> tuple[tuple[Finding, ...], tuple[tuple[str, int], ...]]:
    """The findings and session lines of one noxfile text, computed once per process
    (the tests of check-gates check many copies of the same noxfile)."""
    facts = _facts_of(python_tree(text))
    return tuple(facts.findings), tuple(facts.session_lines.items())


def _facts_of(module: ast.Module) -> NoxfileFacts:
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
            facts.findings.extend(_check_decorator(session, node))
            facts.findings.extend(_check_gate_tool(node, str(name), constants))
    facts.findings.extend(_check_options(module, defaults))
    facts.findings.extend(_exits(module))
    facts.findings.extend(_rewiring(module))
    return facts


def _rewiring(module: ast.Module) -> Iterator[Finding]:
    """nox's own objects reassigned, and environment variables set for every session."""
    for node in ast.walk(module):
        targets = node.targets if isinstance(node, ast.Assign) else []
        targets = [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else targets
        rewired = [
            _dotted(t)
            for t in targets
            if _dotted(t).startswith("nox.") and not _dotted(t).startswith(_NOX_SETTINGS)
        ]
        call = node if isinstance(node, ast.Call) else None
        if call is not None and _dotted(call.func) == "setattr" and call.args:
            rewired += [_dotted(call.args[0])] if _dotted(call.args[0]).startswith("nox") else []
        if rewired:
            yield _finding(
                node, "noxfile", f"replaces `{rewired[0]}`: nox no longer runs as it says"
            )
    for node, name in environment_writes(module):
        yield _finding(
            node,
            "noxfile",
            f"sets the environment variable {name} for every session: it is not on the list "
            "of harmless variables",
        )


def _check_decorator(session: ast.Call, function: ast.FunctionDef) -> Iterator[Finding]:
    where = f"session {function.name}"
    python = next((k.value for k in session.keywords if k.arg == "python"), None)
    backend = _keyword(session, "venv_backend")
    if (isinstance(python, ast.Constant) and python.value is False) or backend == "none":
        yield _finding(
            session, where, "runs without its own venv: the tools on PATH, not uv.lock's, check"
        )


def _check_gate_tool(
    function: ast.FunctionDef, name: str, constants: dict[str, list[str]]
) -> Iterator[Finding]:
    session = function.args.args[0].arg if function.args.args else "session"
    local = dict(constants)
    for node in ast.walk(function):
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and isinstance(value, ast.Tuple | ast.List):
            local[target.id] = [
                w for item in value.elts for w in _argument_strings(item, constants)
            ]
    runs = [
        [w for arg in node.args for w in _argument_strings(arg, local)]
        for node in ast.walk(function)
        if isinstance(node, ast.Call) and _method(node, session) == "run"
    ]
    for tool in GATE_TOOLS.get(name, ()):
        if not any(_contains(words, tool) for words in runs):
            yield _finding(
                function,
                f"session {function.name}",
                f"the {name} gate no longer runs `{' '.join(tool)}`: it would pass without "
                "checking",
            )


def _contains(words: list[str], tool: tuple[str, ...]) -> bool:
    return any(tuple(words[i : i + len(tool)]) == tool for i in range(len(words)))


def _exits(module: ast.Module) -> Iterator[Finding]:
    """``sys.exit`` / ``os._exit`` / ``raise SystemExit`` outside ``if __name__ == ...``."""
    for node in module.body:
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            continue
        for child in ast.walk(node):
            exits = isinstance(child, ast.Call) and _dotted(child.func) in _EXITS
            if isinstance(child, ast.Raise) and child.exc is not None:
                exits = exits or "SystemExit" in ast.unparse(child.exc)
            if exits:
                yield _finding(child, "noxfile", "exits nox itself: the run's status is not nox's")


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
        elif isinstance(node, ast.Try) and _runs(node.body, session):
            if any(not _reraises(handler) for handler in node.handlers):
                yield _finding(node, where, "catches a failing command: the gate would pass")
        elif isinstance(node, ast.With) and _runs(node.body, session):
            if any("suppress" in ast.unparse(item.context_expr) for item in node.items):
                yield _finding(node, where, "suppresses a failing command: the gate would pass")
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            yield from _check_assignment(node, session, where)
    yield from _early_returns(function.body, session, where)


def _runs(body: list[ast.stmt], session: str) -> bool:
    return any(
        isinstance(n, ast.Call) and _method(n, session) in {"run", "run_always"}
        for statement in body
        for n in ast.walk(statement)
    )


def _reraises(handler: ast.ExceptHandler) -> bool:
    return any(isinstance(n, ast.Raise) for s in handler.body for n in ast.walk(s))


def _check_assignment(
    node: ast.Assign | ast.AugAssign | ast.AnnAssign, session: str, where: str
) -> Iterator[Finding]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        if isinstance(target, ast.Attribute) and _dotted(target.value) == session:
            yield _finding(node, where, f"replaces `{session}.{target.attr}`")
        if isinstance(target, ast.Subscript) and _dotted(target.value) in {
            f"{session}.env",
            "os.environ",
        }:
            key = target.slice
            if isinstance(key, ast.Constant) and _TOOL_OPTION_VARIABLE.match(str(key.value)):
                yield _finding(node, where, f"sets {key.value!s}, which its tool reads as options")


def _check_call(
    call: ast.Call, session: str, where: str, default: bool, constants: dict[str, list[str]]
) -> Iterator[Finding]:
    method = _method(call, session)
    if any(k.arg == "success_codes" for k in call.keywords):
        yield _finding(call, where, "`success_codes` lets a failing command pass")
    if method == "skip":
        yield _finding(call, where, "`session.skip` passes a gate without running it")
    if method not in {"run", "run_always"}:
        return
    words = [w for arg in call.args for w in _argument_strings(arg, constants)]
    program = words[0] if words else ""
    external = next((k.value for k in call.keywords if k.arg == "external"), None)
    if isinstance(external, ast.Constant) and external.value and program != "uv":
        yield _finding(call, where, f"runs `{program}` from outside the session's venv")
    env = next((k.value for k in call.keywords if k.arg == "env"), None)
    for key in env.keys if isinstance(env, ast.Dict) else []:
        if isinstance(key, ast.Constant) and _TOOL_OPTION_VARIABLE.match(str(key.value)):
            yield _finding(call, where, f"sets {key.value!s}, which its tool reads as options")
    yield from _check_program(call, where, words)
    if default and "pytest" in words:
        yield from _check_pytest(call, where, words[words.index("pytest") + 1 :])


def _check_program(call: ast.Call, where: str, words: list[str]) -> Iterator[Finding]:
    program = words[0] if words else ""
    if program == "coverage":
        for problem in coverage_command_problems(words):
            yield _finding(call, where, problem)
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


def _check_pytest(call: ast.Call, where: str, arguments: list[str]) -> Iterator[Finding]:
    narrowing = list(_narrowing_pytest_options(arguments))
    for word in narrowing:
        yield _finding(call, where, f"runs pytest with `{word}`, which drops tests")
    for word in _pytest_options(arguments):
        if word.partition("=")[0] in _PYTEST_NARROWING or word in narrowing:
            continue
        if not (allowed_option(word) or _SESSION_PYTEST_OPTION.match(word)):
            yield _finding(
                call, where, f"runs pytest with `{word}`, which is not on the allow-list"
            )


def _narrowing_pytest_options(arguments: list[str]) -> Iterator[str]:
    """Options that select fewer tests; ``-m`` only with a test tier's expression."""
    for index, word in enumerate(arguments):
        option, _, value = word.partition("=")
        following = arguments[index + 1] if index + 1 < len(arguments) else ""
        if option == "-m" and (value or following) in TEST_TIERS:
            continue
        if option in _PYTEST_NARROWING:
            yield word


def _pytest_options(arguments: list[str]) -> Iterator[str]:
    """pytest's options in ``arguments``, a separate value joined (``-p=no:warnings``)."""
    index = 0
    while index < len(arguments):
        word = arguments[index]
        if word == "-m":  # its tier expression is checked with the narrowing options
            index += 2
            continue
        if word in _VALUE_OPTIONS and index + 1 < len(arguments):
            word = f"{word}={arguments[index + 1]}"
            index += 1
        if word.startswith("-"):
            yield word
        index += 1


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
            value = getattr(node, "value", None)
            if _dotted(target) == "nox.options.error_on_missing_interpreters" and (
                isinstance(value, ast.Constant) and value.value is False
            ):
                yield _finding(
                    node,
                    "nox.options",
                    "`error_on_missing_interpreters = False`: on CI a session whose Python "
                    "is missing would be skipped, and pass",
                )
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
