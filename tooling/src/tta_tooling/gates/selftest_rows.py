"""Each gate's self-test rows run where the gate runs.

A row is a test function that runs ``nox ... -s <session>`` on a planted defect.
Rows of default gates live in :data:`DEFAULT_ROWS`, which the default
``integration`` session runs, so a machine with only Python and pip proves them;
rows of opt-in gates (``default=False``) live in :data:`OPT_IN_ROWS`, which the
opt-in :data:`OPT_IN_SESSION` runs. A default gate with no row, an opt-in gate's
row in the default file, or an opt-in gate with no row anywhere is a finding.

A row proves its gate only when it plants the defect in the copy nox runs in and
asserts on that run: ``run_nox``'s root is one of the test's fixtures, every
planted path (``plant(...)``, ``.write_text(...)``, ...) starts from that same
root (never ``REPO_ROOT``), and a row named ``test_<gate>_go(es)_red_...`` runs
``-s <gate>`` and hands that run to ``assert_red``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.gates.nox_sessions import SessionCatalog
from tta_tooling.parse_once import python_tree
from tta_tooling.reporting import Finding

DEFAULT_ROWS = Path("tests/integration/test_gates_go_red.py")
OPT_IN_ROWS = Path("tests/selftest/test_opt_in_gates_go_red.py")
_CLAIM = re.compile(r"^test_(?P<gate>\w+?)_goe?s?_red")
_WRITES = frozenset({"write_text", "write_bytes", "unlink", "touch", "rename", "replace"})
OPT_IN_SESSION = "selftest-opt-in"
"""The session that runs :data:`OPT_IN_ROWS`; its own rows are the rows it runs."""


def check_selftest_rows(root: Path, catalog: SessionCatalog) -> list[Finding]:
    """Every gate whose self-test row is missing, runs in the wrong kind of session or
    does not prove its gate on the copy it planted in."""
    base_names = {s.name: s.base_name for s in catalog.sessions}
    findings = []
    default_rows = _by_base_name(session_rows(root, DEFAULT_ROWS), base_names)
    opt_in_rows = _by_base_name(session_rows(root, OPT_IN_ROWS), base_names)
    for name, default in sorted(_gates(catalog).items()):
        if default and name not in default_rows:
            findings.append(
                Finding(DEFAULT_ROWS.as_posix(), f"default gate {name!r} has no self-test row here")
            )
        elif not default:
            findings += [
                Finding(
                    DEFAULT_ROWS.as_posix(),
                    f"{test} is the row of opt-in gate {name!r}: the default integration "
                    f"session must not run it; move it to {OPT_IN_ROWS.as_posix()}",
                    line=line,
                )
                for test, line in default_rows.get(name, [])
            ]
            if name not in opt_in_rows and name != OPT_IN_SESSION:
                findings.append(
                    Finding(OPT_IN_ROWS.as_posix(), f"opt-in gate {name!r} has no self-test row")
                )
    return findings


def _by_base_name(
    rows: dict[str, list[tuple[str, int]]], base_names: dict[str, str]
) -> dict[str, list[tuple[str, int]]]:
    """``rows`` keyed by base name: a row running ``tests-3.12`` is a row of ``tests``."""
    merged: dict[str, list[tuple[str, int]]] = {}
    for name, found in rows.items():
        merged.setdefault(base_names.get(name, name), []).extend(found)
    return merged


def _gates(catalog: SessionCatalog) -> dict[str, bool]:
    """Each session's base name (``tests`` for ``tests-3.12``) and whether it is default."""
    gates: dict[str, bool] = {}
    for session in catalog.sessions:
        gates[session.base_name] = gates.get(session.base_name, False) or session.default
    return gates


def check_row_proofs(root: Path, catalog: SessionCatalog) -> Iterator[Finding]:
    """Rows of either file that do not prove their gate on the copy they planted in."""
    gates = {s.base_name for s in catalog.sessions}
    for relative in (DEFAULT_ROWS, OPT_IN_ROWS):
        if (root / relative).is_file():
            yield from row_proofs(root, relative, gates)


def row_proofs(root: Path, relative: Path, gates: set[str]) -> tuple[Finding, ...]:
    """Rows that plant in one place and run or assert in another, or claim another gate."""
    path = root / relative
    text = read_input(path)
    try:
        return _row_proofs(relative.as_posix(), text, frozenset(gates))
    except SyntaxError as error:
        raise _not_python(path, error) from error


@lru_cache(maxsize=64)
def _row_proofs(name: str, text: str, gates: frozenset[str]) -> tuple[Finding, ...]:
    """:func:`row_proofs` of one file's text, computed once per process (the tests of
    check-gates run it on many copies of the same file)."""
    return tuple(_unproven_rows(name, text, gates))


def _unproven_rows(name: str, text: str, gates: frozenset[str]) -> Iterator[Finding]:
    for function in _test_functions(text):
        fixtures = {a.arg for a in function.args.args}
        aliases = _assignments(function)
        runs = [
            c for c in ast.walk(function) if isinstance(c, ast.Call) and _called(c) == "run_nox"
        ]
        if not runs:
            continue
        roots = {_root(c.args[0], aliases) if c.args else None for c in runs}
        run_root = next(iter(roots)) if len(roots) == 1 else None
        if run_root is None or run_root not in fixtures:
            yield Finding(
                name,
                f"{function.name} runs nox in {', '.join(sorted(map(str, roots)))}: a row runs "
                "every session in the one copy its fixture made",
                runs[0].lineno,
            )
            continue
        for call in ast.walk(function):
            target = _planted(call)
            planted_root = _root(target, aliases) if target is not None else run_root
            if planted_root != run_root:
                yield Finding(
                    name,
                    f"{function.name} plants in {planted_root} but runs nox in {run_root}: "
                    "the gate never sees the defect",
                    call.lineno,  # type: ignore[attr-defined]
                )
        yield from _claimed_gate(function, runs, aliases, gates, name)


def _claimed_gate(
    function: ast.FunctionDef,
    runs: list[ast.Call],
    aliases: dict[str, ast.expr],
    gates: frozenset[str],
    name: str,
) -> Iterator[Finding]:
    claim = _CLAIM.match(function.name)
    gate = next(
        (
            g
            for g in sorted(gates, key=len, reverse=True)
            if claim and claim["gate"] == g.replace("-", "_")
        ),
        None,
    )
    if gate is None:
        return
    proving = [
        c for c in runs if any(n == gate or n.startswith(f"{gate}-") for n, _ in _sessions_in(c))
    ]
    if not proving:
        yield Finding(
            name,
            f"{function.name} claims the {gate} gate but never runs `-s {gate}`",
            function.lineno,
        )
        return
    asserted = {
        _root(arg, aliases, follow=False)
        for call in ast.walk(function)
        if isinstance(call, ast.Call) and _called(call) == "assert_red"
        for arg in call.args[:1]
    }
    for run in proving:
        holder = next(
            (t.id for t, v in _assigned_pairs(function) if v is run and isinstance(t, ast.Name)),
            None,
        )
        inline = any(
            isinstance(c, ast.Call) and _called(c) == "assert_red" and c.args and c.args[0] is run
            for c in ast.walk(function)
        )
        if not inline and holder not in asserted:
            yield Finding(
                name,
                f"{function.name} never hands its `-s {gate}` run to assert_red: it proves nothing",
                run.lineno,
            )


def _not_python(path: Path, error: SyntaxError) -> InputError:
    return InputError(path, f"not valid Python: {error.msg}", line=error.lineno)


def _test_functions(text: str) -> list[ast.FunctionDef]:
    """The module-level ``test_*`` functions of ``text`` (SyntaxError if it is not Python)."""
    tree = python_tree(text)
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _assigned_pairs(function: ast.FunctionDef) -> Iterator[tuple[ast.expr, ast.expr]]:
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                yield target, node.value
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None:
            yield node.target, node.value


def _assignments(function: ast.FunctionDef) -> dict[str, ast.expr]:
    return {t.id: v for t, v in _assigned_pairs(function) if isinstance(t, ast.Name)}


def _root(node: ast.expr, aliases: dict[str, ast.expr], *, follow: bool = True) -> str | None:
    """The variable a path expression starts from (``repo_copy`` in ``repo_copy / X / "y"``)."""
    seen: set[str] = set()
    while True:
        if isinstance(node, ast.BinOp):
            node = node.left
        elif isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        elif isinstance(node, ast.Call) and node.args:
            node = node.args[0]  # Path(x), str(x)
        elif isinstance(node, ast.Name) and follow and node.id in aliases and node.id not in seen:
            seen.add(node.id)
            node = aliases[node.id]
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _planted(node: ast.AST) -> ast.expr | None:
    """The path a call writes a defect to: ``plant(path, ...)`` or ``path.write_text(...)``."""
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Name) and node.func.id == "plant" and node.args:
        return node.args[0]
    if isinstance(node.func, ast.Attribute) and node.func.attr in _WRITES:
        return node.func.value
    return None


def session_rows(root: Path, relative: Path) -> dict[str, list[tuple[str, int]]]:
    """The sessions the test functions of ``relative`` run: name -> [(test, line)]."""
    path = root / relative
    try:
        functions = _test_functions(read_input(path))
    except SyntaxError as error:
        raise _not_python(path, error) from error
    rows: dict[str, list[tuple[str, int]]] = {}
    for node in functions:
        for name, line in _sessions_run(node):
            rows.setdefault(name, []).append((node.name, line))
    return rows


def _sessions_in(call: ast.Call) -> Iterator[tuple[str, int]]:
    for flag, value in zip(call.args, call.args[1:], strict=False):
        if isinstance(flag, ast.Constant) and flag.value == "-s":
            name = _literal_prefix(value)
            if name:
                yield name, call.lineno


def _sessions_run(function: ast.FunctionDef) -> Iterator[tuple[str, int]]:
    """Each ``"-s", <name>`` pair in a call's arguments; an f-string counts by its prefix.

    ``f"tests-{python}"`` is the ``tests`` gate: a parametrised session's name is
    its base name, a dash and the parameter.
    """
    for call in ast.walk(function):
        if isinstance(call, ast.Call):
            yield from _sessions_in(call)


def _literal_prefix(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        head = node.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            return head.value.removesuffix("-") or None
    return None
