"""What the GitHub Actions workflows really run, and every way they could hide a failure.

Each workflow is walked job by job, in ``needs`` order, so that a matrix fed
by an earlier job's ``nox --list --json`` output is resolved to the sessions
it lists. Local composite actions and local reusable workflows are followed
with the caller's inputs; third-party actions other than setup, checkout,
cache, artifact, code-scanning upload, Codecov and dependency review are findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tta_tooling.gates.gh_expressions import never_true, whole_expression
from tta_tooling.gates.script_rules import (
    Listing,
    Rules,
    ScriptResult,
    check_script,
    denied_variables,
)
from tta_tooling.gates.yaml_loading import load_yaml
from tta_tooling.reporting import Finding

WORKFLOWS_DIR = ".github/workflows"
PULL_REQUEST_TRIGGERS = ("pull_request", "pull_request_target", "merge_group")
_MAIN = frozenset({"main", "*", "**"})
SHELLS = frozenset({"bash", "sh", "pwsh", "cmd"})
_ALLOWED_ACTIONS = re.compile(
    r"^(actions/checkout|actions/setup-[\w-]+|[\w-]+/setup-[\w-]+|actions/cache(/restore|/save)?"
    r"|actions/(upload|download)-artifact|github/codeql-action/upload-sarif"
    r"|codecov/codecov-action|actions/dependency-review-action)@"
)
_FROM_NEEDS = re.compile(r"^fromJSON\(\s*needs\.([\w-]+)\.outputs\.([\w-]+)\s*\)$", re.IGNORECASE)
_STEP_OUTPUT = re.compile(r"^steps\.([\w-]+)\.outputs\.([\w-]+)$")
_CONTEXT_VALUE = re.compile(r"^(matrix|inputs)\.([\w-]+)(?:\.([\w-]+))?$")
_LITERAL = re.compile(r"^'((?:[^']|'')*)'$")


@dataclass(slots=True)
class WorkflowCoverage:
    """Sessions run on every pull request to main, and by any workflow at all."""

    gating: set[str] = field(default_factory=set)
    anywhere: set[str] = field(default_factory=set)


def check_workflows(root: Path, rules: Rules) -> tuple[list[Finding], WorkflowCoverage]:
    """Findings in every workflow under ``root`` and the sessions they run."""
    walker = _Walker(root, rules)
    paths = sorted((root / WORKFLOWS_DIR).glob("*.y*ml"))
    documents = {path: load_yaml(path) for path in paths}
    called = {
        (root / job["uses"]).resolve()
        for document in documents.values()
        for job in _jobs_of(document).values()
        if isinstance(job, dict) and str(job.get("uses", "")).startswith("./")
    }
    for path, document in documents.items():
        if path.resolve() in called and "workflow_call" in _events(document):
            continue
        walker.workflow(path, document, inputs={}, events=None)
    return walker.findings, walker.coverage


@dataclass(slots=True)
class _Job:
    """What steps of one job can see: env, shell, matrix values, inputs."""

    at: Finding
    env: dict[str, str]
    shell: object
    windows: bool
    matrix: dict[str, list[object]] | None
    inputs: Mapping[str, object]
    events: set[str]


@dataclass(slots=True)
class _Walker:
    root: Path
    rules: Rules
    findings: list[Finding] = field(default_factory=list)
    coverage: WorkflowCoverage = field(default_factory=WorkflowCoverage)
    visiting: set[Path] = field(default_factory=set)
    gates_pull_requests: bool = False

    def finding(self, at: Finding, message: str) -> None:
        self.findings.append(Finding(at.file, message, at.line, at.where))

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def workflow(
        self, path: Path, document: Any, inputs: Mapping[str, object], events: set[str] | None
    ) -> set[str]:
        """Check one workflow; returns the sessions it runs."""
        name = self.rel(path)
        at = Finding(name, "", getattr(document, "line", None) or None)
        if not isinstance(document, dict):
            self.finding(at, "a workflow must be a mapping with 'on' and 'jobs'")
            return set()
        jobs = document.get("jobs")
        if not isinstance(jobs, dict) or not jobs:
            self.finding(at, "field 'jobs' must be a mapping of job ids to jobs")
            return set()
        caller_gates = self.gates_pull_requests
        if events is None:
            events = _events(document)
            self.gates_pull_requests = _runs_on_every_pull_request(document)
        try:
            return self._workflow_body(
                name, at, document=document, jobs=jobs, inputs=inputs, events=events
            )
        finally:
            self.gates_pull_requests = caller_gates

    def _workflow_body(
        self,
        name: str,
        at: Finding,
        *,
        document: dict[str, Any],
        jobs: dict[str, Any],
        inputs: Mapping[str, object],
        events: set[str],
    ) -> set[str]:
        self.check_env(document.get("env"), at, "env")
        shell, workdir = _defaults(document)
        self.check_defaults(at, shell, workdir)
        runs: set[str] = set()
        outputs: dict[str, dict[str, Listing | str]] = {}
        for job_id in _needs_order(jobs, lambda message: self.finding(at, message)):
            job = jobs[job_id]
            where = Finding(name, "", getattr(job, "line", None) or None, f"jobs.{job_id}")
            if not isinstance(job, dict):
                self.finding(where, "a job must be a mapping")
                continue
            job_runs, outputs[job_id] = self.job(
                job,
                at=where,
                document=document,
                inputs=inputs,
                events=events,
                outputs=outputs,
                workflow_shell=shell,
            )
            runs |= job_runs
        if self.gates_pull_requests:
            self.coverage.gating |= runs
        self.coverage.anywhere |= runs
        return runs

    def job(
        self,
        job: dict[str, Any],
        *,
        at: Finding,
        document: dict[str, Any],
        inputs: Mapping[str, object],
        events: set[str],
        outputs: dict[str, dict[str, Listing | str]],
        workflow_shell: object,
    ) -> tuple[set[str], dict[str, Listing | str]]:
        if never_true(job.get("if"), events):
            self.finding(at, f"`if: {job.get('if')}` is never true: the job never runs")
        if "uses" in job:
            return self.reusable(job, at, events), {}
        steps = job.get("steps")
        if not isinstance(steps, list):
            self.finding(at, "field 'steps' must be a list of steps")
            return set(), {}
        self.check_env(job.get("env"), at, "env")
        shell, workdir = _defaults(job)
        self.check_defaults(at, shell, workdir)
        context = _Job(
            at,
            {**_env(document.get("env")), **_env(job.get("env"))},
            shell or workflow_shell,
            "windows" in str(job.get("runs-on", "")).lower(),
            self.matrix(job, at, outputs),
            inputs,
            events,
        )
        if context.matrix and any("windows" in str(v) for v in context.matrix.get("os", [])):
            context.windows = True
        runs, step_outputs, nox_calls = self.steps(steps, context)
        if nox_calls and job.get("continue-on-error", False) is not False:
            self.finding(at, "`continue-on-error` on a job that runs nox hides its failures")
        declared = job.get("outputs")
        job_outputs: dict[str, Listing | str] = {}
        for name, value in declared.items() if isinstance(declared, dict) else []:
            match = _STEP_OUTPUT.match(whole_expression(value) or "")
            if match and match[2] in step_outputs.get(match[1], {}):
                job_outputs[str(name)] = step_outputs[match[1]][match[2]]
        return runs, job_outputs

    def steps(
        self, steps: list[Any], job: _Job
    ) -> tuple[set[str], dict[str, dict[str, Listing | str]], int]:
        runs: set[str] = set()
        outputs: dict[str, dict[str, Listing | str]] = {}
        nox_calls = 0
        for index, step in enumerate(steps):
            label = f"{job.at.where}.steps[{index}]"
            if not isinstance(step, dict):
                self.finding(job.at, f"{label} must be a mapping")
                continue
            if "name" in step:
                label += f" {step['name']!r}"
            at = Finding(job.at.file, "", getattr(step, "line", None) or job.at.line, label)
            if never_true(step.get("if"), job.events):
                self.finding(at, f"`if: {step.get('if')}` is never true: the step never runs")
            self.check_env(step.get("env"), at, "env")
            if "uses" in step:
                action_runs, action_calls = self.action(step, at, job)
                runs |= action_runs
                nox_calls += action_calls
            if "run" in step:
                result = self.run_step(step, at, job)
                self.findings.extend(result.findings)
                runs |= result.runs
                nox_calls += result.nox_calls
                if result.nox_calls and step.get("continue-on-error", False) is not False:
                    self.finding(
                        at, "`continue-on-error` on a step that runs nox hides its failure"
                    )
                if "id" in step:
                    outputs[str(step["id"])] = result.outputs
        return runs, outputs, nox_calls

    def run_step(self, step: dict[str, Any], at: Finding, job: _Job) -> ScriptResult:
        script = step["run"]
        if not isinstance(script, str):
            self.finding(at, "field 'run' must be a string")
            script = ""
        shell = step.get("shell", job.shell)
        self.check_defaults(at, shell, step.get("working-directory"))
        posix = shell in ("bash", "sh") or (shell is None and not job.windows)
        env = {**job.env, **_env(step.get("env"))}
        return check_script(
            script, at, self.rules, env=env, resolve=lambda e: _resolve(e, job), posix=posix
        )

    def action(self, step: dict[str, Any], at: Finding, job: _Job) -> tuple[set[str], int]:
        uses = str(step["uses"])
        if uses.startswith("./"):
            return self.local_action(uses, step, at, job)
        if not _ALLOWED_ACTIONS.match(uses):
            self.finding(
                at,
                f"uses {uses}, which can run checks outside noxfile.py: only setup, checkout, "
                "cache, artifact, code-scanning upload, Codecov and dependency-review actions",
            )
        return set(), 0

    def local_action(
        self, uses: str, step: dict[str, Any], at: Finding, job: _Job
    ) -> tuple[set[str], int]:
        folder = self.root / uses
        path = next(
            (folder / n for n in ("action.yml", "action.yaml") if (folder / n).is_file()), None
        )
        if path is None:
            self.finding(at, f"uses {uses}, but {uses}/action.yml does not exist")
            return set(), 0
        if path in self.visiting:
            self.finding(at, f"uses {uses}, which uses itself")
            return set(), 0
        document = load_yaml(path)
        runs_block = document.get("runs") if isinstance(document, dict) else None
        action_at = Finding(self.rel(path), "", getattr(runs_block, "line", None), "runs")
        if not isinstance(runs_block, dict) or runs_block.get("using") != "composite":
            self.finding(
                at, f"uses {uses}, which is not a composite action: its code cannot be checked"
            )
            return set(), 0
        steps = runs_block.get("steps")
        if not isinstance(steps, list):
            self.finding(action_at, "field 'runs.steps' must be a list of steps")
            return set(), 0
        with_block = step.get("with")
        inputs = {str(k): v for k, v in with_block.items()} if isinstance(with_block, dict) else {}
        inner = _Job(
            action_at, dict(job.env), job.shell, job.windows, job.matrix, inputs, job.events
        )
        self.visiting.add(path)
        try:
            runs, _, nox_calls = self.steps(steps, inner)
        finally:
            self.visiting.discard(path)
        return runs, nox_calls

    def reusable(self, job: dict[str, Any], at: Finding, events: set[str]) -> set[str]:
        uses = str(job["uses"])
        if not uses.startswith("./"):
            self.finding(
                at, f"calls {uses}, a workflow outside the repository that cannot be checked"
            )
            return set()
        path = self.root / uses
        if not path.is_file() or path in self.visiting:
            self.finding(at, f"calls {uses}, which does not exist or calls itself")
            return set()
        with_block = job.get("with")
        inputs = {str(k): v for k, v in with_block.items()} if isinstance(with_block, dict) else {}
        self.visiting.add(path)
        try:
            return self.workflow(path, load_yaml(path), inputs, events)
        finally:
            self.visiting.discard(path)

    def matrix(
        self, job: dict[str, Any], at: Finding, outputs: dict[str, dict[str, Listing | str]]
    ) -> dict[str, list[object]] | None:
        strategy = job.get("strategy")
        matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
        if not isinstance(matrix, dict):
            return None
        values: dict[str, list[object]] = {}
        for key, value in matrix.items():
            if key == "include" and isinstance(value, list):
                for entry in value:
                    for k, v in entry.items() if isinstance(entry, dict) else []:
                        values.setdefault(str(k), []).append(v)
            elif key == "exclude":
                self.finding(at, "matrix `exclude` is not modelled: list the values the job runs")
            elif isinstance(value, list):
                values.setdefault(str(key), []).extend(value)
            else:
                match = _FROM_NEEDS.match(whole_expression(value) or "")
                listed = outputs.get(match[1], {}).get(match[2]) if match else None
                if isinstance(listed, list):
                    values.setdefault(str(key), []).extend(listed)
        return values

    def check_env(self, env: object, at: Finding, field_name: str) -> None:
        if env is not None and not isinstance(env, dict) and whole_expression(env) is None:
            self.finding(at, f"field '{field_name}' must be a mapping")
            return
        self.findings.extend(denied_variables(env, at))

    def check_defaults(self, at: Finding, shell: object, workdir: object) -> None:
        if shell is not None and not (isinstance(shell, str) and shell in SHELLS):
            self.finding(at, f"`shell: {shell}` is a custom shell: use bash, sh, pwsh or cmd")
        if workdir not in (None, ".", "./"):
            self.finding(at, f"`working-directory: {workdir}`: nox would read another noxfile")


def _resolve(expression: str, job: _Job) -> list[object] | None:
    literal = _LITERAL.match(expression)
    if literal:
        return [literal[1].replace("''", "'")]
    match = _CONTEXT_VALUE.match(expression)
    if not match:
        return None
    context, key, attribute = match[1], match[2], match[3]
    if context == "inputs":
        return _resolve_input(job, key) if attribute is None else None
    values = (job.matrix or {}).get(key)
    if not values or attribute is None:
        return values or None
    picked = [v.get(attribute) if isinstance(v, dict) else None for v in values]
    return picked if all(p is not None for p in picked) else None


def _resolve_input(job: _Job, key: str) -> list[object] | None:
    value = job.inputs.get(key)
    inner = whole_expression(value)
    if inner is not None and not inner.startswith("inputs."):
        return _resolve(inner, job)  # a caller's matrix value passed as an input
    return [value] if value is not None and inner is None else None


def _jobs_of(document: object) -> dict[str, Any]:
    jobs = document.get("jobs") if isinstance(document, dict) else None
    return jobs if isinstance(jobs, dict) else {}


def _events(document: object) -> set[str]:
    # PyYAML reads the key `on` as True (YAML 1.1).
    on = document.get("on", document.get(True)) if isinstance(document, dict) else None
    if isinstance(on, str):
        return {on}
    if isinstance(on, list | dict):
        return {str(e) for e in on}
    return set()


def _runs_on_every_pull_request(document: dict[Any, Any]) -> bool:
    """Whether a trigger runs the workflow on every pull request to main (no path filter)."""
    on = document.get("on", document.get(True))
    if isinstance(on, str | list):
        on = dict.fromkeys([on] if isinstance(on, str) else map(str, on))
    if not isinstance(on, dict):
        return False
    return any(
        name in on and (on[name] is None or _unfiltered(on[name])) for name in PULL_REQUEST_TRIGGERS
    )


def _unfiltered(trigger: object) -> bool:
    if not isinstance(trigger, dict) or "paths" in trigger or "paths-ignore" in trigger:
        return False
    branches, ignored, types = (trigger.get(k) for k in ("branches", "branches-ignore", "types"))
    if branches is not None and not (
        isinstance(branches, list) and _MAIN & set(map(str, branches))
    ):
        return False
    if isinstance(ignored, list) and _MAIN & set(map(str, ignored)):
        return False
    return types is None or (
        isinstance(types, list) and {"opened", "synchronize"} <= set(map(str, types))
    )


def _env(env: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else {}


def _defaults(block: dict[str, Any]) -> tuple[object, object]:
    defaults = block.get("defaults")
    run = defaults.get("run") if isinstance(defaults, dict) else None
    if not isinstance(run, dict):
        return None, None
    return run.get("shell"), run.get("working-directory")


def _needs_order(jobs: dict[str, Any], report: Any) -> Iterator[str]:
    done: list[str] = []
    pending = list(jobs)
    while pending:
        ready = [j for j in pending if all(n in done for n in _needs(jobs[j]) if n in jobs)]
        if not ready:
            report(f"jobs {', '.join(pending)} need each other in a cycle")
            ready = pending[:]
        for job_id in ready:
            pending.remove(job_id)
            done.append(job_id)
            yield job_id


def _needs(job: object) -> list[str]:
    needs = job.get("needs") if isinstance(job, dict) else None
    if isinstance(needs, str):
        return [needs]
    return [str(n) for n in needs] if isinstance(needs, list) else []
