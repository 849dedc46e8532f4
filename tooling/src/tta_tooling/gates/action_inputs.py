"""The third-party actions a workflow may use, by their real owners, and the inputs
of each that cannot change what a gate checks.

An action outside the list can run anything; an input outside its action's list
can change the code under test (``actions/checkout`` ``ref``), the interpreter or
environment nox runs in (``setup-uv`` ``python-version`` / ``activate-environment``)
or restore files into the checkout (an ``actions/cache`` path inside the workspace,
such as ``.nox`` with ``nox -R``). Gating uploads must fail when they fail.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tta_tooling.gates.gh_expressions import context_lookup, evaluate
from tta_tooling.reporting import Finding

_CACHE_INPUTS = frozenset(
    {
        "path",
        "key",
        "restore-keys",
        "enableCrossOsArchive",
        "fail-on-cache-miss",
        "lookup-only",
        "upload-chunk-size",
        "save-always",
    }
)
# action (owner/repo[/path], lower case) -> the inputs it may be given; None: any.
ALLOWED_ACTIONS: Mapping[str, frozenset[str] | None] = {
    "actions/checkout": frozenset(
        {
            "persist-credentials",
            "fetch-depth",
            "fetch-tags",
            "lfs",
            "submodules",
            "show-progress",
            "clean",
            "set-safe-directory",
        }
    ),
    "actions/setup-python": frozenset(
        {
            "python-version",
            "python-version-file",
            "cache",
            "cache-dependency-path",
            "check-latest",
            "allow-prereleases",
            "architecture",
        }
    ),
    "astral-sh/setup-uv": frozenset(
        {
            "version",
            "version-file",
            "enable-cache",
            "cache-dependency-glob",
            "cache-suffix",
            "prune-cache",
            "ignore-nothing-to-cache",
            "ignore-empty-workdir",
            "github-token",
        }
    ),
    # Node.js for the MCP Inspector CLI (nox -s mcp-clients); no registry or cache input.
    "actions/setup-node": frozenset({"node-version", "node-version-file", "check-latest"}),
    "actions/cache": _CACHE_INPUTS,
    "actions/cache/restore": _CACHE_INPUTS,
    "actions/cache/save": _CACHE_INPUTS,
    "actions/upload-artifact": None,
    "actions/download-artifact": None,
    "github/codeql-action/upload-sarif": None,
    "codecov/codecov-action": None,
    "actions/dependency-review-action": None,
}
# Steps whose failure must fail the job: they gate the pull request themselves.
GATING_ACTIONS = frozenset({"codecov/codecov-action", "actions/dependency-review-action"})
_SEVERITIES = frozenset({"low", "moderate"})
# A pull request from a branch of the repository: what a gating run sees.
_PULL_REQUEST = context_lookup(
    {
        "github.event_name": "pull_request",
        "github.event.pull_request.head.repo.fork": False,
        "github.event.pull_request.draft": False,
    }
)


def action_name(uses: str) -> str:
    """``owner/repo[/path]`` of ``uses: owner/repo[/path]@ref``, lower case."""
    return uses.partition("@")[0].lower()


def check_action_step(uses: str, step: Mapping[str, object], at: Finding) -> Iterator[Finding]:
    """Findings for a ``uses:`` step of a third-party action."""
    name = action_name(uses)
    if name not in ALLOWED_ACTIONS:
        yield _at(
            at,
            f"uses {uses}, which can run checks outside noxfile.py: only "
            f"{', '.join(sorted(ALLOWED_ACTIONS))}",
        )
        return
    given = step.get("with")
    inputs = {str(k): v for k, v in given.items()} if isinstance(given, dict) else {}
    allowed = ALLOWED_ACTIONS[name]
    for key in sorted(inputs):
        if allowed is not None and key not in allowed:
            yield _at(at, f"gives {name} the input `{key}`, which can change what runs")
    if name.startswith("actions/cache"):
        yield from _cache_paths(inputs.get("path"), at)
    if name in GATING_ACTIONS and step.get("continue-on-error", False) is not False:
        yield _at(at, f"`continue-on-error` on {name} hides its failure")
    if (
        name == "codecov/codecov-action"
        and evaluate(inputs.get("fail_ci_if_error", False), _PULL_REQUEST) is not True
    ):
        yield _at(at, "codecov/codecov-action must have `fail_ci_if_error: true` on pull requests")
    if name == "actions/dependency-review-action":
        if evaluate(inputs.get("warn-only", False), _PULL_REQUEST) is not False:
            yield _at(at, "`warn-only` turns dependency review's failures into warnings")
        severity = str(inputs.get("fail-on-severity", "low")).lower()
        if severity not in _SEVERITIES:
            yield _at(at, f"`fail-on-severity: {severity}` lets known vulnerabilities through")


def _cache_paths(paths: object, at: Finding) -> Iterator[Finding]:
    lines = paths if isinstance(paths, list) else str(paths or "").splitlines()
    for raw in map(str, lines):
        path = raw.strip().lstrip("!")
        if not path:
            continue
        if not path.startswith(("~", "/", "${{ runner.", "${{runner.")) or ".nox" in path:
            yield _at(
                at,
                f"caches `{path}`: a cache restored into the checkout can replace what "
                "a gate checks (cache tool folders such as ~/.cache/uv)",
            )


def _at(template: Finding, message: str) -> Finding:
    return Finding(template.file, message, template.line, template.where)
