"""Which environment variables CI and VS Code may set: an allow-list, not a deny-list.

Any variable can reach a gate's tools (nox, uv, pytest, ruff, coverage, bash
itself read dozens, and a config file can be found through ``XDG_CONFIG_HOME``
or ``HOME``), so only names known to change nothing but output are accepted
everywhere. A step-local name (one the step's own script reads, such as a
matrix value passed as ``SESSION``) is accepted where it is set for that script,
unless it is a name a tool reads.
"""

from __future__ import annotations

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
