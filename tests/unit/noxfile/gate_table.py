"""The gate table of docs/development.md against noxfile.py: one row per session, kept true.

Pure functions over texts (the noxfile is parsed, never run), so the test proves the
failure modes on small planted texts in-process:

* every ``@nox.session`` has a row, and every row a session;
* a session's body is ``install(session, ...)`` then exactly one ``session.run(...)``
  (assignments may sit between; helper calls inside the run's arguments are fine);
* the row's CLI verb starts the command that run gives, and its entry point
  (``module:function``, or ``path/to/script.py:function``) imports and is callable;
  where the command is a console script, it is that script's entry point, and a
  ``python -m module`` or ``python script.py`` command runs that module (or the
  ``__main__`` of that package) or script;
* the row's home module imports (or, as a path, exists);
* the row's workflows are exactly the workflow files whose nox calls select the
  session, by name (``-s``) or by one of its tags (``-t``, a listed matrix too).
"""

from __future__ import annotations

import ast
import importlib
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from tta_tooling.gates.nox_invocations import parse_nox

from ...common.module_from_path import load_module

START, END = "<!-- gates:start -->", "<!-- gates:end -->"
COLUMNS = ("gate", "home module", "entry point", "CLI verb", "nox session", "workflows")
WORKFLOWS = Path(".github", "workflows")
_NOX_CALL = re.compile(r"\bnox@\S+(?P<options>[^\n)]*)")


@dataclass(frozen=True)
class Session:
    """One ``@nox.session`` function of the noxfile."""

    name: str
    tags: frozenset[str]
    function: ast.FunctionDef


@dataclass(frozen=True)
class Row:
    """One row of the gate table."""

    gate: str
    home: str
    entry_point: str
    verb: str
    session: str
    workflows: frozenset[str]


def nox_sessions(noxfile: str) -> list[Session]:
    """Every ``@nox.session`` function: its name (``name=`` or the function's) and tags."""
    module = ast.parse(noxfile)
    constants = _string_constants(module)
    sessions = []
    for node in module.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "nox.session":
                keywords = {k.arg: k.value for k in decorator.keywords}
                name = keywords.get("name")
                tags = keywords.get("tags")
                sessions.append(
                    Session(
                        str(name.value) if isinstance(name, ast.Constant) else node.name,
                        frozenset(_literal_words(_elements(tags), constants)[0]),
                        node,
                    )
                )
    return sessions


def table_rows(markdown: str) -> list[Row]:
    """The rows between the gate table's markers (an empty list when there is no table)."""
    if START not in markdown or END not in markdown:
        return []
    table = markdown.split(START, 1)[1].split(END, 1)[0]
    rows = []
    for line in table.strip().splitlines()[2:]:  # after the header and the separator
        cells = [cell.strip().replace("`", "") for cell in line.strip().strip("|").split("|")]
        if len(cells) == len(COLUMNS):
            workflows = frozenset(w.strip() for w in cells[5].split(",") if w.strip())
            gate, home, entry_point, verb, session = cells[:5]
            rows.append(Row(gate, home, entry_point, verb, session, workflows))
    return rows


def body_problems(session: Session) -> list[str]:
    """Why the body is not ``install(session, ...)`` then exactly one ``session.run(...)``."""
    function = session.function
    argument = _session_argument(function)
    body = function.body[1:] if ast.get_docstring(function) else function.body
    problems = [
        f"line {stmt.lineno}: a `{type(stmt).__name__}` statement"
        for stmt in body
        if not isinstance(stmt, ast.Assign | ast.AnnAssign | ast.Expr)
    ]
    statements = [
        ast.unparse(stmt.value.func)
        for stmt in body
        if isinstance(stmt, ast.Expr | ast.Assign) and isinstance(stmt.value, ast.Call)
    ]
    methods = [
        node.func.attr
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == argument
    ]
    problems.extend(f"calls `{argument}.{m}`" for m in sorted(set(methods) - {"run"}))
    if methods.count("run") != 1:
        problems.append(f"runs {methods.count('run')} commands (`{argument}.run`), not one")
    if statements != ["install", f"{argument}.run"]:
        problems.append(f"its statements call {statements}, not install then {argument}.run")
    return problems


def command_words(session: Session, noxfile: str) -> list[str]:
    """The leading literal words of the session's ``session.run`` command."""
    constants = _string_constants(ast.parse(noxfile))
    run = f"{_session_argument(session.function)}.run"
    for node in ast.walk(session.function):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == run:
            return _literal_words(node.args, constants)[0]
    return []


def row_problems(row: Row, session: Session, words: list[str], root: Path) -> list[str]:
    """What the row says that the session's command and the code do not."""
    problems = []
    if words[: len(row.verb.split())] != row.verb.split():
        problems.append(f"CLI verb `{row.verb}` does not start its command `{' '.join(words)}`")
    problems.extend(entry_point_problems(row.entry_point, words, root))
    if not _home_exists(row.home, root):
        problems.append(f"home module `{row.home}` is neither importable nor a path")
    return problems


def entry_point_problems(entry_point: str, words: list[str], root: Path) -> Iterator[str]:
    """The entry point imports, is callable and is what the command runs."""
    target, _, attribute = entry_point.rpartition(":")
    try:
        module = _import(target, root)
    except ImportError as error:
        yield f"entry point `{entry_point}` does not import: {error}"
        return
    if not callable(getattr(module, attribute, None)):
        yield f"entry point `{entry_point}`: `{attribute}` is not a callable of `{target}`"
    runs = _program(words)
    if runs is not None and runs not in (target, entry_point, target.removesuffix(".__main__")):
        yield f"entry point `{entry_point}` but the command runs `{runs}`"


def workflow_sessions(root: Path) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Each workflow file's nox selections: (session names, tags)."""
    selections = {}
    for path in sorted((root / WORKFLOWS).glob("*.yml")):
        names: set[str] = set()
        tags: set[str] = set()
        for match in _NOX_CALL.finditer(path.read_text(encoding="utf-8")):
            call = parse_nox(["uvx", "nox", *shlex.split(match["options"])])
            if call is not None:
                names.update(call.sessions or [])
                tags.update(call.tags or [])
        selections[path.name] = (frozenset(names), frozenset(tags))
    return selections


def table_problems(noxfile: str, markdown: str, root: Path) -> dict[str, list[str]]:
    """Every session's problems (an empty list: none), and each row naming no session."""
    sessions = {session.name: session for session in nox_sessions(noxfile)}
    rows = {row.session: row for row in table_rows(markdown)}
    selections = workflow_sessions(root)
    found: dict[str, list[str]] = {}
    for name, session in sessions.items():
        row = rows.get(name)
        problems = body_problems(session)
        if row is None:
            problems.append("has no row in the gate table of docs/development.md")
        else:
            problems.extend(row_problems(row, session, command_words(session, noxfile), root))
            ran_by = {file for file, chosen in selections.items() if _selects(chosen, session)}
            if row.workflows != ran_by:
                problems.append(f"workflows {sorted(row.workflows)}, but {sorted(ran_by)} run it")
        found[name] = problems
    for name in rows.keys() - sessions.keys():
        found[name] = ["a row of the gate table names no nox session"]
    return found


def _selects(selection: tuple[frozenset[str], frozenset[str]], session: Session) -> bool:
    names, tags = selection
    return session.name in names or bool(tags & session.tags)


def _program(words: list[str]) -> str | None:
    """What the command runs: a console script's entry point, a ``-m`` module, a script."""
    if words[:1] == ["python"] and len(words) > 1:
        return words[2] if words[1] == "-m" and len(words) > 2 else words[1]
    scripts = entry_points(group="console_scripts", name=words[0]) if words else ()
    return next((script.value for script in scripts), None)


def _import(target: str, root: Path) -> ModuleType:
    if target.endswith(".py"):
        if not (root / target).is_file():
            raise ImportError(f"no file {target}")
        return load_module(root / target, f"gate_table_{Path(target).stem}")
    return importlib.import_module(target)


def _home_exists(home: str, root: Path) -> bool:
    if "/" in home:
        return (root / home).exists()
    try:
        importlib.import_module(home)
    except ImportError:
        return False
    return True


def _string_constants(module: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "text"`` assignments."""
    return {
        node.targets[0].id: node.value.value
        for node in module.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def _elements(node: ast.expr | None) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, ast.Tuple | ast.List) else []


def _session_argument(function: ast.FunctionDef) -> str:
    return function.args.args[0].arg if function.args.args else "session"


def _literal_words(elements: list[ast.expr], constants: dict[str, str]) -> tuple[list[str], bool]:
    """The literal strings ``elements`` start with (starred tuples expanded); all literal?

    A starred conditional (``*(a if measured else b)``) gives its first branch's words.
    """
    words: list[str] = []
    for element in elements:
        if isinstance(element, ast.Starred) and isinstance(element.value, ast.IfExp):
            inner, complete = _literal_words(_elements(element.value.body), constants)
            words.extend(inner)
            if not complete:
                return words, False
        elif isinstance(element, ast.Starred) and isinstance(element.value, ast.Tuple | ast.List):
            inner, complete = _literal_words(element.value.elts, constants)
            words.extend(inner)
            if not complete:
                return words, False
        elif isinstance(element, ast.Constant) and isinstance(element.value, str):
            words.append(element.value)
        elif isinstance(element, ast.Name) and element.id in constants:
            words.append(constants[element.id])
        else:
            return words, False
    return words, True
