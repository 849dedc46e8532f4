"""Gates weakened from inside the pytest configuration: ``addopts`` and conftest hooks.

pytest reads the first of ``pytest.ini``, ``.pytest.ini``, ``pyproject.toml``
(``[tool.pytest.ini_options]``), ``tox.ini`` (``[pytest]``) and ``setup.cfg``
(``[tool:pytest]``) that configures it (pytest, src/_pytest/config/findpaths.py:
locate_config), so the configuration must stay in pyproject.toml. Its
``addopts`` may only hold options from an allow-list (strictness, reporting,
xdist's ``-n`` / ``--dist``); options that collect or select fewer tests are
findings, as are collection keys that narrow what pytest finds. The strict
settings stay: ``xfail_strict = true`` (an xfail test that passes fails the run)
and ``filterwarnings`` turning warnings into errors, with no later entry that
turns every warning back off (pytest applies the entries in order, each like
``python -W action:message:category:module:line``: src/_pytest/warnings.py,
catch_warnings_for_item). A conftest.py may not define hooks that change
outcomes, collection or the exit status, nor drop collected items.
"""

from __future__ import annotations

import ast
import re
import shlex
import tomllib
from collections.abc import Iterator
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.gates.env_policy import environment_writes
from tta_tooling.gates.repository_walk import repository_folders
from tta_tooling.parse_once import python_tree, toml_document
from tta_tooling.reporting import Finding

PYPROJECT = "pyproject.toml"
OTHER_CONFIGS: tuple[tuple[str, str | None], ...] = (
    ("pytest.ini", None),
    (".pytest.ini", None),
    ("tox.ini", "[pytest]"),
    ("setup.cfg", "[tool:pytest]"),
)
_ALLOWED_OPTION = re.compile(
    r"^(--strict-markers|--strict-config|-r[a-zA-Z]*|--import-mode=\w+|-q|-v+|--quiet|--verbose"
    r"|--tb=\w+|--durations=\d+|--durations-min=[\d.]+|--color=\w+|--showlocals|-l|-x"
    r"|--exitfirst|--maxfail=\d+|--timeout=\d+|-n=?\w*|--numprocesses=\w+|--dist=\w+"
    r"|--maxprocesses=\d+|--no-header|-p=?no:(randomly|cacheprovider))$"
)
_OPTIONS_WITH_VALUE = frozenset({"-p", "-n", "--numprocesses", "--dist", "--maxprocesses"})
_ALLOWED_KEYS = frozenset(
    {
        "minversion",
        "addopts",
        "testpaths",
        "asyncio_mode",
        "asyncio_default_fixture_loop_scope",
        "xfail_strict",
        "markers",
        "filterwarnings",
        "timeout",
        "required_plugins",
        "console_output_style",
        "log_level",
        "log_cli",
        "log_cli_level",
        "junit_family",
        "cache_dir",
    }
)
TEST_ROOTS = frozenset({"tests", "tests/unit", "tests/unit/"})
_HOOKS_THAT_CHANGE_RESULTS = frozenset(
    {
        "pytest_runtest_makereport",
        "pytest_report_teststatus",
        "pytest_runtest_call",
        "pytest_pyfunc_call",
        "pytest_runtest_protocol",
        "pytest_runtestloop",
        "pytest_ignore_collect",
        "pytest_collection",
        "pytest_collect_file",
        "pytest_pycollect_makeitem",
        "pytest_deselected",
        "pytest_generate_tests",  # an empty parametrize skips every test it reaches
        "pytest_cmdline_main",  # its return value ends the run before any test
    }
)
_RESULT_ATTRIBUTES = frozenset({"exitstatus", "testsfailed", "option", "args"})
# What a test item runs, and the session's stop flags (src/_pytest/main.py: Session).
_RUN_ATTRIBUTES = (".obj", "._obj", ".runtest", ".shouldstop", ".shouldfail")
_OUTCOME_NAMES = frozenset({"skip", "xfail", "importorskip", "exit", "fail", "Skipped", "XFailed"})
_SKIPPING_MARKS = frozenset({"skip", "skipif", "xfail"})
_ITEM_MUTATORS = frozenset({"remove", "pop", "clear", "__delitem__", "__setitem__"})
_EXITS = frozenset({"os._exit", "sys.exit", "pytest.exit", "exit", "quit", "os.abort"})


def check_pytest_config(root: Path) -> Iterator[Finding]:
    """Findings in the pytest configuration and every conftest.py under ``root``."""
    for name, section in OTHER_CONFIGS:
        path = root / name
        text = read_input(path) if path.is_file() else ""
        if path.is_file() and (section is None or section in text):
            line = 1 + text[: text.find(section)].count("\n") if section else 1
            yield Finding(
                name, f"configures pytest, which then ignores {PYPROJECT}'s settings", line
            )
    yield from _check_pyproject(root)
    yield from _nested_configs(root)
    for path in _conftests(root):
        yield from _check_conftest(path, path.relative_to(root).as_posix())


def _check_pyproject(root: Path) -> Iterator[Finding]:
    path = root / PYPROJECT
    text = read_input(path)
    try:
        options = toml_document(text).get("tool", {}).get("pytest", {}).get("ini_options", {})
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"invalid TOML: {error}") from error
    if not isinstance(options, dict):
        return
    for key, value in options.items():
        line = _line_of(text, key)
        if key not in _ALLOWED_KEYS:
            yield Finding(PYPROJECT, f"pytest `{key}` changes what pytest collects", line)
        elif key == "addopts":
            for option in unlisted_options(value):
                yield Finding(
                    PYPROJECT, f"pytest addopts `{option}` is not on the allow-list", line
                )
        elif key == "xfail_strict" and value is not True:
            yield Finding(
                PYPROJECT, f"pytest xfail_strict = {value!r} lets xpassing tests pass", line
            )
        elif key == "filterwarnings":
            problem = _warnings_problem(value)
            if problem:
                yield Finding(PYPROJECT, f"pytest filterwarnings {problem}", line)
        elif key == "testpaths" and not (
            isinstance(value, list) and TEST_ROOTS & {str(v) for v in value}
        ):
            yield Finding(PYPROJECT, f"pytest testpaths {value!r} leave out tests/unit", line)

    for key in sorted(_STRICT_KEYS.keys() - options.keys()):
        yield Finding(
            PYPROJECT,
            f"pytest `{key}` was removed: {_STRICT_KEYS[key]}",
            text.count("\n", 0, max(text.find("[tool.pytest.ini_options]"), 0)) + 1,
        )


_STRICT_KEYS = {
    "xfail_strict": "an xfail test that passes must fail the run",
    "filterwarnings": "warnings must be errors",
}
_CATCH_ALL = frozenset({"", "Warning", "builtins.Warning"})


def _warnings_problem(value: object) -> str | None:
    """Why ``filterwarnings`` no longer makes warnings errors, or None when it does."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"{value!r} is not a list of filters"
    errors = [i for i, entry in enumerate(value) if _catch_all(entry) == "error"]
    if not errors:
        return "has no catch-all `error`"
    for entry in value[errors[-1] + 1 :]:
        if _catch_all(entry) is not None:  # a later catch-all is not `error`
            return f"`{entry}` turns every warning back off"
    return None


def _catch_all(entry: str) -> str | None:
    """The action of a filter that matches every warning, None for a narrower one."""
    action, message, category, module, line = [*(p.strip() for p in entry.split(":")), *[""] * 4][
        :5
    ]
    if message or category not in _CATCH_ALL or module or line:
        return None
    return action


def unlisted_options(value: object) -> Iterator[str]:
    """The pytest options in ``value`` (a string or list) that are not on the allow-list."""
    words = shlex.split(value) if isinstance(value, str) else []
    if isinstance(value, list):
        words = [str(v) for v in value]
    index = 0
    while index < len(words):
        word = words[index]
        if word in _OPTIONS_WITH_VALUE and index + 1 < len(words):
            word = f"{word}={words[index + 1]}"
            index += 1
        if not allowed_option(word):
            yield word
        index += 1


def allowed_option(word: str) -> bool:
    """Whether the pytest option ``word`` (a value joined with ``=``) is on the allow-list."""
    return _ALLOWED_OPTION.match(word) is not None


def _nested_configs(root: Path) -> Iterator[Finding]:
    """A pytest configuration below the root: pytest uses it for arguments under its folder."""
    sections = dict(OTHER_CONFIGS) | {PYPROJECT: "[tool.pytest"}
    for folder, files in repository_folders(root):
        if folder == root:
            continue
        for name in sorted(set(files) & sections.keys()):
            path = folder / name
            section = sections[name]
            if section is None or section in read_input(path):
                yield Finding(
                    path.relative_to(root).as_posix(),
                    "configures pytest for the tests under it: the root pyproject.toml's "
                    "settings no longer apply there",
                    1,
                )


def _conftests(root: Path) -> Iterator[Path]:
    for folder, files in repository_folders(root):
        if "conftest.py" in files:
            yield folder / "conftest.py"


def _check_conftest(path: Path, name: str) -> Iterator[Finding]:
    try:
        module = python_tree(read_input(path), str(path))
    except SyntaxError as error:
        raise InputError(path, f"invalid Python: {error.msg}", line=error.lineno) from error
    for node in module.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id.startswith("collect_ignore") for t in targets):
            yield Finding(name, "`collect_ignore` drops test files from collection", node.lineno)
        if any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in targets):
            yield Finding(name, "`pytest_plugins` loads code that can change results", node.lineno)
    for child in ast.walk(module):
        problem = _skipping_or_rewiring(child)
        if problem:
            yield Finding(name, problem, getattr(child, "lineno", 1))
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _check_hook(child, name)
        elif isinstance(child, ast.Assign | ast.AugAssign):
            for target in child.targets if isinstance(child, ast.Assign) else [child.target]:
                problem = _result_assignment(target)
                if problem:
                    yield Finding(name, problem, child.lineno)
        elif isinstance(child, ast.Call) and _dotted(child.func) in _EXITS:
            yield Finding(name, "exits the test process itself", child.lineno)
    for write, variable in environment_writes(module):
        yield Finding(
            name,
            f"sets the environment variable {variable}, which is not on the list of harmless "
            "variables: the tools under test read it",
            getattr(write, "lineno", 1),
        )


def _result_assignment(target: ast.expr) -> str | None:
    """Why assigning ``target`` changes pytest's result or settings, or None."""
    dotted = _dotted(target.value if isinstance(target, ast.Subscript) else target)
    if dotted.endswith((".inicfg", "._inicache", "._inicfg")):
        return f"sets `{dotted}[...]`: pytest's ini settings change from code"
    if isinstance(target, ast.Attribute) and (
        dotted.endswith((".exitstatus", ".testsfailed", "config.args", *_RUN_ATTRIBUTES))
        or ".option." in dotted
        or dotted.startswith("builtins.")
    ):
        return f"sets `{dotted}`: pytest's result changes"
    return None


def _skipping_or_rewiring(node: ast.AST) -> str | None:
    """Why ``node`` skips, xfails or rewires tests from a conftest, or None."""
    if isinstance(node, ast.Attribute):
        return _skipping_attribute(node)
    if isinstance(node, ast.ImportFrom) and _imports_outcomes(node):
        return "imports pytest's outcome functions or internals: tests here could skip or exit"
    return _skipping_call(node) if isinstance(node, ast.Call) else None


def _skipping_attribute(node: ast.Attribute) -> str | None:
    if node.attr in _SKIPPING_MARKS and _dotted(node.value).endswith("mark"):
        return f"applies `mark.{node.attr}`: tests here would not run or fail"
    if _dotted(node) in _OUTCOME_EXCEPTIONS:
        return f"raises `{_dotted(node)}`: tests here would not run or fail"
    return None


def _skipping_call(node: ast.Call) -> str | None:
    called = _dotted(node.func)
    last = called.rpartition(".")[2]
    if ".pluginmanager." in f"{called}.":
        return f"calls `{called}`: it loads, blocks or replaces pytest plugins"
    marker = node.args[0] if node.args else None
    name = marker.value if isinstance(marker, ast.Constant) else None
    if last in {"add_marker", "applymarker"} and name in _SKIPPING_MARKS:
        return f"adds the marker {name!r}: tests here would not run or fail"
    if last in {"skip", "xfail", "importorskip"} and called in {last, f"pytest.{last}"}:
        return f"calls `{called}`: tests under this conftest would not run or fail"
    return _rewiring(node, last)


_OUTCOME_EXCEPTIONS = frozenset({"pytest.skip.Exception", "pytest.xfail.Exception"})


def _imports_outcomes(node: ast.ImportFrom) -> bool:
    module = node.module or ""
    if module == "_pytest" or module.startswith("_pytest."):
        return True
    return module == "pytest" and any(a.name in _OUTCOME_NAMES for a in node.names)


def _rewiring(call: ast.Call, called: str) -> str | None:
    """Why a call changes pytest's settings, result or hooks, or None."""
    first = call.args[0] if call.args else None
    text = first.value if isinstance(first, ast.Constant) else None
    if called == "addinivalue_line" and text != "markers":
        return f"adds to the ini setting {text!r}: only markers may be added"
    attribute = call.args[1] if called == "setattr" and len(call.args) > 1 else None
    if isinstance(attribute, ast.Constant) and attribute.value in _RESULT_ATTRIBUTES:
        return f"sets `{attribute.value}` with setattr: pytest's result changes"
    if called == "hookimpl" and any(k.arg in {"hookwrapper", "wrapper"} for k in call.keywords):
        return "wraps a pytest hook: the wrapper can change its result"
    return None


def _check_hook(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> Iterator[Finding]:
    hook = function.name
    if hook in _HOOKS_THAT_CHANGE_RESULTS:
        yield Finding(
            name, f"`{hook}` can change which tests run or what they report", function.lineno
        )
        return
    if hook != "pytest_collection_modifyitems":
        return
    for node in ast.walk(function):
        dropped = (
            isinstance(node, ast.Delete)
            or (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Subscript) for t in node.targets)
            )
            or (
                isinstance(node, ast.Call)
                and _calls_method(node, _ITEM_MUTATORS | {"pytest_deselected"})
            )
        )
        if dropped:
            yield Finding(
                name,
                f"`{hook}` drops, deselects or skips collected tests",
                getattr(node, "lineno", function.lineno),
            )
            return


def _calls_method(call: ast.Call, names: frozenset[str] | set[str]) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in names


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _line_of(text: str, key: str) -> int | None:
    section = text.find("[tool.pytest.ini_options]")
    pattern = re.compile(rf"^{re.escape(key)}\s*=", re.MULTILINE)
    match = pattern.search(text, max(section, 0))
    return text.count("\n", 0, match.start()) + 1 if match else None
