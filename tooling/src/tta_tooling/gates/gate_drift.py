"""Prove that workflows and VS Code tasks only call nox sessions that exist.

A workflow ``run:`` step or a VS Code task may set up the environment (install a
tool, export a variable, write to ``$GITHUB_OUTPUT``) or run ``nox -s <session>``
/ ``nox -t <tag>`` (and ``nox --list`` to build a matrix); anything else is a
gate defined outside the noxfile. Every default session must be run by some
workflow and offered by some VS Code task.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tta_tooling.errors import read_input
from tta_tooling.gates.jsonc import load_jsonc
from tta_tooling.gates.nox_invocations import NoxInvocation, parse_nox
from tta_tooling.gates.nox_sessions import SessionCatalog
from tta_tooling.gates.shell_commands import SimpleCommand, split_script
from tta_tooling.gates.yaml_loading import LineDict, load_yaml
from tta_tooling.reporting import Finding

_GITHUB_FILES = frozenset(
    {"$GITHUB_ENV", "$GITHUB_PATH", "$GITHUB_OUTPUT", "$GITHUB_STEP_SUMMARY", "/dev/null"}
)
_SETUP_PROGRAMS = frozenset({"set", "export", "cd", "true", ":", "pyenv"})
_SETUP_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("apt-get",),
    ("brew", "install"),
    ("pip", "install"),
    ("pipx", "install"),
    ("python", "-m", "pip", "install"),
    ("python3", "-m", "pip", "install"),
    ("uv", "python", "install"),
    ("uv", "tool", "install"),
)
_VARIABLE = re.compile(r"^\$\{?(\w+)\}?$")
_GITHUB_EXPRESSION = "${{"


@dataclass(slots=True)
class _Coverage:
    """Which sessions a set of files runs, statically or through a listed matrix."""

    run: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)
    dynamic: bool = False

    def sessions(self) -> set[str]:
        return self.run | (self.listed if self.dynamic else set())


def check_gates(root: Path, catalog: SessionCatalog) -> list[Finding]:
    """Every drift between the noxfile and the workflows / VS Code tasks under ``root``."""
    findings: list[Finding] = []
    workflows = _Coverage()
    for path in sorted((root / ".github" / "workflows").glob("*.y*ml")):
        findings.extend(_check_workflow(root, path, catalog, workflows))
    tasks = _Coverage()
    tasks_path = root / ".vscode" / "tasks.json"
    if tasks_path.is_file():
        findings.extend(_check_vscode_tasks(root, tasks_path, catalog, tasks))
    for session in catalog.defaults:
        if session.name not in workflows.sessions():
            findings.append(
                Finding(
                    ".github/workflows", f"default session {session.name!r} is run by no workflow"
                )
            )
        if tasks_path.is_file() and session.name not in tasks.sessions():
            findings.append(
                Finding(
                    _rel(root, tasks_path), f"default session {session.name!r} has no VS Code task"
                )
            )
    return findings


def _check_workflow(
    root: Path, path: Path, catalog: SessionCatalog, coverage: _Coverage
) -> Iterator[Finding]:
    document = load_yaml(path)
    if not isinstance(document, dict):
        yield Finding(_rel(root, path), "a workflow must be a mapping")
        return
    workflow_env = _env_of(document)
    for job_id, job in (document.get("jobs") or {}).items():
        if not isinstance(job, dict):
            continue
        job_env = {**workflow_env, **_env_of(job)}
        for index, step in enumerate(job.get("steps") or []):
            if not isinstance(step, LineDict) or "run" not in step:
                continue
            where = f"jobs.{job_id}.steps[{index}]" + (
                f" {step['name']!r}" if "name" in step else ""
            )
            env = {**job_env, **_env_of(step)}
            at = Finding(_rel(root, path), "", step.line, where)
            yield from _check_script(str(step["run"]), _Scope(at, env, catalog, coverage))


def _check_vscode_tasks(
    root: Path, path: Path, catalog: SessionCatalog, coverage: _Coverage
) -> Iterator[Finding]:
    document = load_jsonc(path)
    text = read_input(path)
    tasks = document.get("tasks", []) if isinstance(document, dict) else []
    for task in tasks:
        if not isinstance(task, dict) or "command" not in task:
            continue
        label = str(task.get("label", "?"))
        script = " ".join([str(task["command"]), *(_task_arg(arg) for arg in task.get("args", []))])
        at = Finding(_rel(root, path), "", _line_of(text, label), f"task {label!r}")
        problems = list(
            _check_script(script, _Scope(at, _env_of(task.get("options", {})), catalog, coverage))
        )
        yield from problems
        if not problems and not any(parse_nox(c) for c in split_script(script)):
            yield _at(at, f"runs `{script}`: a VS Code task must run `nox -s <session>`")


@dataclass(frozen=True, slots=True)
class _Scope:
    """Where a script comes from: its file position, environment and session catalog."""

    at: Finding
    env: Mapping[str, str]
    catalog: SessionCatalog
    coverage: _Coverage


def _check_script(script: str, scope: _Scope) -> Iterator[Finding]:
    at = scope.at
    try:
        commands = split_script(script)
    except ValueError as error:
        yield _at(at, f"cannot parse the shell script: {error}")
        return
    for command in commands:
        invocation = parse_nox(command)
        if invocation is not None:
            yield from _check_nox(command, invocation, scope)
        elif not _is_setup(command):
            yield _at(
                at,
                f"runs `{command}` directly: only environment setup and "
                "`nox -s <session>` / `nox -t <tag>` are allowed (define the gate in noxfile.py)",
            )


def _check_nox(
    command: SimpleCommand, invocation: NoxInvocation, scope: _Scope
) -> Iterator[Finding]:
    at, catalog, coverage = scope.at, scope.catalog, scope.coverage
    if invocation.keywords:
        yield _at(at, f"`{command}` selects sessions by keyword; use -s <session> or -t <tag>")
    static_sessions: list[str] = []
    for word in invocation.sessions:
        value = _resolve(word, scope.env)
        if value is None:
            yield _at(at, f"`{command}` uses {word}, which no env: block sets")
        elif _GITHUB_EXPRESSION in value:
            coverage.dynamic = True
        elif not catalog.has_session(value):
            yield _at(at, f"`{command}` names session {value!r}, which noxfile.py does not define")
        else:
            static_sessions.append(value)
    unknown_tags = [t for t in invocation.tags if t not in catalog.tags]
    for tag in unknown_tags:
        yield _at(at, f"`{command}` names tag {tag!r}, which no session in noxfile.py has")
    tags = [t for t in invocation.tags if t not in unknown_tags]
    if static_sessions or tags or not (invocation.sessions or invocation.tags):
        selected = catalog.selected_by(names=static_sessions, tags=tags)
        (coverage.listed if invocation.lists else coverage.run).update(selected)


def _is_setup(command: SimpleCommand) -> bool:
    argv = command.argv[1:] if command.argv[:1] == ("sudo",) else command.argv
    if not argv:
        return True
    if argv[0] in {"echo", "printf"}:
        return all(target in _GITHUB_FILES for target in command.redirects)
    if "=" in argv[0] and len(argv) == 1:  # VAR=value
        return True
    return argv[0] in _SETUP_PROGRAMS or any(
        tuple(argv[: len(prefix)]) == prefix for prefix in _SETUP_PREFIXES
    )


def _resolve(word: str, env: Mapping[str, str]) -> str | None:
    match = _VARIABLE.match(word)
    if not match:
        return word
    return env.get(match[1])


def _env_of(block: Any) -> dict[str, str]:
    env = block.get("env") if isinstance(block, dict) else None
    return {str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else {}


def _task_arg(arg: Any) -> str:
    value = arg.get("value", "") if isinstance(arg, dict) else arg
    return str(value)


def _line_of(text: str, label: str) -> int | None:
    needle = f'"{label}"'
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line and '"label"' in line:
            return number
    return None


def _at(template: Finding, message: str) -> Finding:
    return Finding(template.file, message, template.line, template.where)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()
