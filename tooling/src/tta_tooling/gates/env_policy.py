"""Which environment variables CI and VS Code may set: an allow-list, not a deny-list.

Any variable can reach a gate's tools (nox, uv, pytest, ruff, coverage, bash
itself read dozens, and a config file can be found through ``XDG_CONFIG_HOME``
or ``HOME``), so only names known to change nothing but output are accepted
everywhere. A step-local name (one the step's own script reads, such as a
matrix value passed as ``SESSION``) is accepted where it is set for that script,
unless it is a name a tool reads.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator

from tta_tooling.reporting import Finding

HARMLESS_VARIABLES = frozenset(
    {
        "FORCE_COLOR",
        "NO_COLOR",
        "PY_COLORS",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "TERM",
        "COLUMNS",
        "PYTHONUNBUFFERED",
        "PYTHONIOENCODING",
        "PYTHONDONTWRITEBYTECODE",
        "DEBIAN_FRONTEND",
        # the noxfile's mark on its sessions' processes, for the watchdog that ends them
        "GATE_SESSION_OWNERS",
        "TZ",
        "LANG",
        "LC_ALL",
        "SESSION",
        "PYTHON_VERSION",
    }
)
# The matrix values steps pass to nox: set per step in `env:`, never for later steps.
SELECTING_VARIABLES = frozenset({"SESSION", "PYTHON_VERSION"})
# Names that are never step-local: the tools (or the shell) read them.
TOOL_VARIABLE = re.compile(
    r"^(NOX|PYTEST|COVERAGE|RUFF|MYPY|PYTHON|UV_|PIP_|VIRTUAL_ENV|CONDA|LD_|DYLD_|XDG_|"
    r"BASH|ENV$|HOME$|PATH$|SHELLOPTS$|BASHOPTS$|IFS$|PS4$|CI$|GITHUB_|RUNNER_|ACTIONS_|"
    r"TMPDIR$|TEMP$|TMP$|SSL_|REQUESTS_|CURL_|HTTPS?_PROXY$|NO_PROXY$|GIT_|REDIS_|OTEL_|TTA_|"
    r"PYENV)",
    re.IGNORECASE,
)
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REFERENCE = re.compile(r"\$\{?([A-Za-z_]\w*)")


def unlisted_variables(
    names: object, at: Finding, *, local: Collection[str] = ()
) -> Iterator[Finding]:
    """A finding for each name that is neither harmless nor a step-local input."""
    for raw in names if isinstance(names, list | tuple | dict) else []:
        name = str(raw)
        if name in HARMLESS_VARIABLES:
            continue
        if name in local and VARIABLE_NAME.match(name) and not TOOL_VARIABLE.match(name):
            continue
        yield Finding(
            at.file,
            f"sets {name}, which is not on the list of harmless variables "
            f"({', '.join(sorted(HARMLESS_VARIABLES))}): it can change what a gate checks",
            at.line,
            at.where,
        )


def referenced_variables(script: object) -> frozenset[str]:
    """The ``$NAME`` / ``${NAME}`` references in a script."""
    return frozenset(_REFERENCE.findall(script)) if isinstance(script, str) else frozenset()


_ENVIRON_METHODS = frozenset({"update", "setdefault", "pop", "clear", "__setitem__", "popitem"})


def environment_writes(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Each write of ``os.environ`` (or ``os.putenv``) in Python code, with the name it sets.

    The name is ``?`` unless it is a literal; a harmless literal name is not reported.
    """
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and _is_environ(target.value):
                key = target.slice
                name = key.value if isinstance(key, ast.Constant) else "?"
                if name not in HARMLESS_VARIABLES:
                    yield node, str(name)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            environ_method = _is_environ(node.func.value) and node.func.attr in _ENVIRON_METHODS
            if environ_method or ast.unparse(node.func) in {"os.putenv", "os.unsetenv"}:
                first = node.args[0] if node.args else None
                name = first.value if isinstance(first, ast.Constant) else "?"
                if name not in HARMLESS_VARIABLES:
                    yield node, str(name)


def _is_environ(node: ast.expr) -> bool:
    return ast.unparse(node) in {"os.environ", "environ"}
