"""Each gate's self-test rows run where the gate runs.

A row is a test function that runs ``nox ... -s <session>`` on a planted defect.
Rows of default gates live in :data:`DEFAULT_ROWS`, which the default
``integration`` session runs, so a machine with only Python and pip proves them;
rows of opt-in gates (``default=False``) live in :data:`OPT_IN_ROWS`, which the
opt-in :data:`OPT_IN_SESSION` runs. A default gate with no row, an opt-in gate's
row in the default file, or an opt-in gate with no row anywhere is a finding.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tta_tooling.errors import InputError, read_input
from tta_tooling.gates.nox_sessions import SessionCatalog
from tta_tooling.reporting import Finding

DEFAULT_ROWS = Path("tests/integration/test_gates_go_red.py")
OPT_IN_ROWS = Path("tests/selftest/test_opt_in_gates_go_red.py")
OPT_IN_SESSION = "selftest-opt-in"
"""The session that runs :data:`OPT_IN_ROWS`; its own rows are the rows it runs."""


def check_selftest_rows(root: Path, catalog: SessionCatalog) -> list[Finding]:
    """Every gate whose self-test row is missing or runs in the wrong kind of session."""
    base_names = {s.name: s.base_name for s in catalog.sessions}
    default_rows = _by_base_name(session_rows(root, DEFAULT_ROWS), base_names)
    opt_in_rows = _by_base_name(session_rows(root, OPT_IN_ROWS), base_names)
    findings = []
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


def session_rows(root: Path, relative: Path) -> dict[str, list[tuple[str, int]]]:
    """The sessions the test functions of ``relative`` run: name -> [(test, line)]."""
    path = root / relative
    try:
        tree = ast.parse(read_input(path), filename=str(path))
    except SyntaxError as error:
        raise InputError(path, f"not valid Python: {error.msg}", line=error.lineno) from error
    rows: dict[str, list[tuple[str, int]]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            for name, line in _sessions_run(node):
                rows.setdefault(name, []).append((node.name, line))
    return rows


def _sessions_run(function: ast.FunctionDef) -> Iterator[tuple[str, int]]:
    """Each ``"-s", <name>`` pair in a call's arguments; an f-string counts by its prefix.

    ``f"tests-{python}"`` is the ``tests`` gate: a parametrised session's name is
    its base name, a dash and the parameter.
    """
    for call in ast.walk(function):
        if not isinstance(call, ast.Call):
            continue
        for flag, value in zip(call.args, call.args[1:], strict=False):
            if isinstance(flag, ast.Constant) and flag.value == "-s":
                name = _literal_prefix(value)
                if name:
                    yield name, call.lineno


def _literal_prefix(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        head = node.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            return head.value.removesuffix("-") or None
    return None
