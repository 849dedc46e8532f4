"""What the VS Code tasks run: each task and each of its ``linux`` / ``osx`` /
``windows`` variants must run one pinned nox invocation, and every ``dependsOn``
must name an existing task, without cycles. A task is credited only with the
sessions every platform variant runs. Task terminals get the environment of
``.vscode/settings.json``'s ``terminal.integrated.env.<platform>`` and the shell of
``terminal.integrated.automationProfile.<platform>``: the variables are allow-listed
and a custom automation shell is a finding."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tta_process_support.input_files import read_input

from tta_tooling.gates.env_policy import unlisted_variables
from tta_tooling.gates.jsonc import load_jsonc
from tta_tooling.gates.pytest_rules import TEST_ROOTS, unlisted_options
from tta_tooling.gates.script_rules import Rules, check_script
from tta_tooling.reporting import Finding

TASKS_FILE = ".vscode/tasks.json"
SETTINGS_FILE = ".vscode/settings.json"
# A task runs in the automation profile's shell, else the default profile's (VS Code,
# terminal profiles): both choose the shell of every task.
_SHELL_KEYS = (
    "terminal.integrated.automation",
    "terminal.integrated.shellArgs",
    "terminal.integrated.defaultProfile",
)
_LOADING_KEYS = {
    "python.envFile": "loads environment variables from a file into the editor's test runs "
    "and terminals, past the allow-list",
    "python.testing.pytestPath": "runs another program as the editor's pytest",
}
PLATFORMS = ("linux", "osx", "windows")
_TASK_TYPES = frozenset({"shell", "process"})
_WORKSPACE = frozenset({"${workspaceFolder}", "${workspaceRoot}", "."})


@dataclass(slots=True)
class TaskCheck:
    """Findings in tasks.json and the sessions its tasks run."""

    findings: list[Finding] = field(default_factory=list)
    runs: set[str] = field(default_factory=set)


def check_vscode_tasks(root: Path, rules: Rules) -> TaskCheck:
    """Check ``.vscode/tasks.json`` under ``root``; a missing file is a finding."""
    check = TaskCheck()
    path = root / TASKS_FILE
    if not path.is_file():
        check.findings.append(Finding(TASKS_FILE, "missing: every default session needs a task"))
        return check
    document = load_jsonc(path)
    tasks = document.get("tasks") if isinstance(document, dict) else None
    if not isinstance(tasks, list):
        check.findings.append(Finding(TASKS_FILE, "field 'tasks' must be a list of tasks"))
        return check
    text = read_input(path)
    for scope in PLATFORMS:
        block = document.get(scope)
        if block is not None:
            at = Finding(TASKS_FILE, "", None, scope)
            check.findings.extend(_check_options(block, at))
    check.findings.extend(_check_options(document, Finding(TASKS_FILE, "")))
    labels: dict[str, Any] = {}
    for index, task in enumerate(tasks):
        if not isinstance(task, dict) or not isinstance(task.get("label"), str):
            check.findings.append(
                Finding(TASKS_FILE, f"tasks[{index}] must be a mapping with a string 'label'")
            )
            continue
        labels[task["label"]] = task
    for label, task in labels.items():
        at = Finding(TASKS_FILE, "", _line_of(text, label), f"task {label!r}")
        _check_task(task, at, rules, check)
        check.findings.extend(_check_depends_on(label, labels, at))
    check.findings.extend(_check_settings(root))
    return check


def _check_settings(root: Path) -> Iterator[Finding]:
    path = root / SETTINGS_FILE
    if not path.is_file():
        return
    settings = load_jsonc(path)
    if not isinstance(settings, dict):
        yield Finding(SETTINGS_FILE, "must be a JSON object")
        return
    text = read_input(path)
    for key, value in settings.items():
        at = Finding(SETTINGS_FILE, "", _line_of_key(text, key), key)
        if key.startswith("terminal.integrated.env"):
            if not isinstance(value, dict):
                yield _at(at, f"field '{key}' must be a mapping")
                continue
            yield from unlisted_variables(value, at)
        elif key.startswith(_SHELL_KEYS):
            yield _at(at, "sets the shell VS Code tasks run in: use the default")
        elif key in _LOADING_KEYS:
            yield _at(at, _LOADING_KEYS[key])
        elif key == "python.testing.pytestArgs":
            words = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for option in unlisted_options([w for w in words if w not in TEST_ROOTS]):
                yield _at(
                    at,
                    f"passes {option!r} to the editor's pytest runs: it selects other tests "
                    "than the tests session",
                )


def _check_task(task: dict[str, Any], at: Finding, rules: Rules, check: TaskCheck) -> None:
    variants = [("", task, True)]
    credited: set[str] | None = None
    for platform in PLATFORMS:
        override = task.get(platform)
        if override is not None:
            if not isinstance(override, dict):
                check.findings.append(_at(at, f"field '{platform}' must be a mapping"))
                continue
            variants.append((platform, {**task, **override}, platform != "windows"))
    for platform, variant, posix in variants:
        where = (
            _at(at, "") if not platform else Finding(at.file, "", at.line, f"{at.where}.{platform}")
        )
        kind = variant.get("type", "process" if "command" in variant else None)
        if str(kind) not in _TASK_TYPES and ("command" in variant or not variant.get("dependsOn")):
            check.findings.append(_at(where, "a task must be of type shell or process"))
            continue
        check.findings.extend(_check_options(variant, where))
        if "command" not in variant:
            if not variant.get("dependsOn"):
                check.findings.append(_at(where, "runs nothing: give it a nox command"))
            continue
        script = _script(variant)
        if script is None:
            check.findings.append(_at(where, "fields 'command' and 'args' must be strings"))
            continue
        result = check_script(script, where, rules, env={}, resolve=lambda _: None, posix=posix)
        check.findings.extend(result.findings)
        if not result.findings and not result.nox_calls:
            check.findings.append(
                _at(where, f"runs `{script}`: a VS Code task must run `nox -s <session>`")
            )
        runs = result.runs if not result.findings else set()
        if credited is not None and not result.findings and not credited <= runs:
            missing = ", ".join(sorted(credited - runs))
            check.findings.append(_at(where, f"runs fewer sessions than the task ({missing})"))
        credited = runs if credited is None else credited & runs
    check.runs |= credited or set()


def _check_options(block: object, at: Finding) -> Iterator[Finding]:
    options = block.get("options") if isinstance(block, dict) else None
    if options is None:
        return
    if not isinstance(options, dict):
        yield _at(at, "field 'options' must be a mapping")
        return
    env = options.get("env")
    if env is not None and not isinstance(env, dict):
        yield _at(at, "field 'options.env' must be a mapping")
    yield from unlisted_variables(env, at)
    cwd = options.get("cwd")
    if cwd is not None and str(cwd) not in _WORKSPACE:
        yield _at(at, f"`options.cwd: {cwd}`: nox would read another noxfile")
    if options.get("shell") is not None:
        yield _at(at, "`options.shell` sets a custom shell: use the default")


def _check_depends_on(label: str, labels: dict[str, Any], at: Finding) -> Iterator[Finding]:
    for dependency in _depends_on(labels[label]):
        if dependency not in labels:
            yield _at(at, f"dependsOn {dependency!r}, which is no task's label")
    seen: set[str] = set()
    stack = list(_depends_on(labels[label]))
    while stack:
        current = stack.pop()
        if current == label:
            yield _at(at, "dependsOn chain leads back to the task itself")
            return
        if current in seen or current not in labels:
            continue
        seen.add(current)
        stack.extend(_depends_on(labels[current]))


def _depends_on(task: dict[str, Any]) -> list[str]:
    depends = task.get("dependsOn")
    items = depends if isinstance(depends, list) else [depends] if depends is not None else []
    return [str(i.get("task") if isinstance(i, dict) else i) for i in items]


def _script(task: dict[str, Any]) -> str | None:
    command = task.get("command")
    args = task.get("args", [])
    if not isinstance(command, str) or not isinstance(args, list):
        return None
    values = [a.get("value") if isinstance(a, dict) else a for a in args]
    words = [shlex.quote(v) for v in values if isinstance(v, str)]
    if len(words) != len(values):
        return None
    return " ".join([command, *words])


def _line_of(text: str, label: str) -> int | None:
    needle = f'"{label}"'
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line and '"label"' in line:
            return number
    return None


def _line_of_key(text: str, key: str) -> int | None:
    needle = f'"{key}"'
    return next((n for n, line in enumerate(text.splitlines(), 1) if needle in line), None)


def _at(template: Finding, message: str) -> Finding:
    return Finding(template.file, message, template.line, template.where)
