"""Code that loads itself into every gate: interpreter start-up hooks and pytest plugins.

CPython's ``site`` module, imported at every interpreter start, runs the lines
of each ``*.pth`` file in a site directory that start with ``import``
(Lib/site.py: ``addpackage``) and then imports ``sitecustomize`` and
``usercustomize`` from anywhere on ``sys.path`` (``execsitecustomize``,
``execusercustomize``), which by then holds every folder an editable install's
``.pth`` added: each package's ``src`` and ``tooling/src``. So a
``sitecustomize.py`` there, or a ``.pth`` file shipped with a package, runs
inside nox, pytest, ruff's and mypy's Python and every gate; none is in the
tree, so any is a finding unless :data:`ALLOWED_STARTUP_FILES` lists it.

pytest loads more than the configuration says: a ``conftest.py`` in the
rootdir or in any folder above a collected path (src/_pytest/config/__init__.py:
``PytestPluginManager._getconftestmodules``), ``pytest_plugins`` named in any
test module it imports (src/_pytest/python.py: ``Module._importtestmodule``
calls ``consider_module``), and every installed distribution's ``pytest11``
entry point (``load_setuptools_entrypoints("pytest11")``). conftest.py files
belong under ``tests/`` (where pytest_rules reads them), ``pytest_plugins``
nowhere, and no workspace package may register a ``pytest11`` plugin.
"""

from __future__ import annotations

import ast
import importlib.machinery
import tomllib
from collections.abc import Iterator
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.gates.packages_config import package_manifests
from tta_tooling.gates.repository_walk import repository_folders
from tta_tooling.parse_once import python_tree, toml_document
from tta_tooling.reporting import Finding

ALLOWED_STARTUP_FILES: frozenset[str] = frozenset()
"""Start-up hooks the project has decided to keep (repository-relative paths): none."""

_HOOK_MODULES = frozenset({"sitecustomize", "usercustomize"})
_IMPORTABLE = tuple(importlib.machinery.all_suffixes())
_TEST_ROOT = "tests"


def check_startup_files(root: Path) -> Iterator[Finding]:
    """Start-up hooks, conftest.py files outside tests/, ``pytest_plugins`` and pytest11."""
    for folder, files in repository_folders(root):
        relative = folder.relative_to(root)
        for name in files:
            path = (relative / name).as_posix()
            if path in ALLOWED_STARTUP_FILES:
                continue
            problem = _startup_problem(name, relative)
            if problem:
                yield Finding(path, problem, 1)
            elif name.endswith(".py") and relative.parts[:1] == (_TEST_ROOT,):
                yield from _plugins(folder / name, path)
    yield from _entry_points(root)


def _startup_problem(name: str, folder: Path) -> str | None:
    stem = name.partition(".")[0]
    if stem in _HOOK_MODULES and name.endswith(_IMPORTABLE):
        return (
            f"`{stem}` is imported by Python's `site` module at every interpreter start "
            "from sys.path (which holds each editable package's folder): it runs inside "
            "every gate"
        )
    if stem == "__init__" and folder.name in _HOOK_MODULES:
        return (
            f"the package `{folder.name}` is imported by Python's `site` module at every "
            "interpreter start: it runs inside every gate"
        )
    if name.endswith(".pth"):
        return (
            "a `.pth` file's `import` lines run at every interpreter start once it is "
            "installed into site-packages: it runs inside every gate"
        )
    if name == "conftest.py" and folder.parts[:1] != (_TEST_ROOT,):
        return (
            "a conftest.py outside tests/ is a pytest plugin for every run that collects "
            "below it (the rootdir's for every run): conftest files belong under tests/"
        )
    return None


def _plugins(path: Path, name: str) -> Iterator[Finding]:
    """``pytest_plugins`` at a test module's top level (conftest.py: pytest_rules)."""
    text = read_input(path)
    if "pytest_plugins" not in text or path.name == "conftest.py":
        return
    try:
        module = python_tree(text, str(path))
    except SyntaxError as error:
        raise InputError(path, f"invalid Python: {error.msg}", line=error.lineno) from error
    for node in module.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets.append(node.target)
        elif isinstance(node, ast.Assign):
            targets.extend(node.targets)
        if any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in targets):
            yield Finding(
                name,
                "`pytest_plugins` in a test module loads a plugin for the whole run "
                "once pytest imports the module: it can change every result",
                node.lineno,
            )


def _entry_points(root: Path) -> Iterator[Finding]:
    """A workspace package that registers a pytest plugin every pytest run loads."""
    manifests = [*package_manifests(root), root / "pyproject.toml"]
    for manifest in manifests:
        if not manifest.is_file():
            continue
        text = read_input(manifest)
        try:
            data = toml_document(text)
        except tomllib.TOMLDecodeError as error:
            raise InputError(manifest, f"invalid TOML: {error}") from error
        project = data.get("project")
        groups = project.get("entry-points") if isinstance(project, dict) else None
        if isinstance(groups, dict) and "pytest11" in groups:
            yield Finding(
                manifest.relative_to(root).as_posix(),
                "registers a `pytest11` entry point: pytest loads it as a plugin in every "
                "run of every environment the package is installed in",
                text.count("\n", 0, max(text.find("pytest11"), 0)) + 1,
            )
