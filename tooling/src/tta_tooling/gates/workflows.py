"""What the GitHub Actions workflows really run, and every way they could hide a failure.

Each workflow is walked job by job, in ``needs`` order, so that a matrix fed
by an earlier job's ``nox --list --json`` output is resolved to the sessions
it lists. Local composite actions and local reusable workflows are followed
with the caller's inputs; third-party actions are checked against
:mod:`~tta_tooling.gates.action_inputs`. In a workflow that runs on every pull
request, each job's ``if:`` is evaluated for a pull request, a job is skipped
when a job it ``needs`` is (unless its ``if:`` calls a status function, as on
the runner), and each nox step's ``if:`` is evaluated for every matrix
combination; a condition that cannot be evaluated there is a finding.
GitHub runs the ``.yml`` / ``.yaml`` files directly in ``.github/workflows``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tta_tooling.gates.action_inputs import GATING_ACTIONS, action_name, check_action_step
from tta_tooling.gates.env_policy import referenced_variables, unlisted_variables
from tta_tooling.gates.expression_values import resolve_value
from tta_tooling.gates.gh_expressions import (
    UNKNOWN,
    context_lookup,
    evaluate,
    never_true,
    whole_expression,
)
from tta_tooling.gates.script_rules import Listing, Rules, ScriptResult, check_script
from tta_tooling.gates.triggers import (
    GATING_TRIGGER,
    runs_on_every_pull_request,
    trigger_problems,
    triggers,
)
from tta_tooling.gates.workflow_files import ignored_workflows, workflow_paths
from tta_tooling.gates.workflow_jobs import (
    env_of,
    jobs_of,
    needs_order,
    run_defaults,
    runner_label,
    runner_os,
    state_on_pull_request,
    uses_gating_action,
    variables_read_by,
)
from tta_tooling.gates.workflow_matrix import read_strategy
from tta_tooling.gates.yaml_loading import load_yaml
from tta_tooling.reporting import Finding

SHELLS = frozenset({"bash", "sh", "pwsh", "cmd"})
# docker create options that set the environment, read it from a file or replace the
# entry point (GitHub passes `container.options` to `docker create`).
_CONTAINER_ENV_OPTIONS = frozenset({"-e", "--env", "--env-file", "--entrypoint", "-v", "--volume"})
_STEP_OUTPUT = re.compile(r"^steps\.([\w-]+)\.outputs\.([\w-]+)$")


@dataclass(slots=True)
class WorkflowCoverage:
    """Sessions run on every pull request to main, and by any workflow at all."""

    gating: set[str] = field(default_factory=set)
    anywhere: set[str] = field(default_factory=set)
    not_on_pull_requests: dict[str, Finding] = field(default_factory=dict)
    """Where a session is run, but not on every pull request (a trigger, a skipped job)."""
    gating_systems: dict[str, set[str]] = field(default_factory=dict)
    """The runner operating systems (Linux, macOS, Windows) each gating session runs on."""
    gating_jobs: dict[str, Finding] = field(default_factory=dict)
    """The first job that runs each gating session on pull requests."""


def check_workflows(root: Path, rules: Rules) -> tuple[list[Finding], WorkflowCoverage]:
    """Findings in every workflow under ``root`` and the sessions they run."""
    walker = _Walker(root, rules)
    paths = workflow_paths(root)
    walker.findings.extend(ignored_workflows(root, paths))
    documents = {path: load_yaml(path) for path in paths}
    called = {
        (root / job["uses"]).resolve()
        for document in documents.values()
        for job in jobs_of(document).values()
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
    gating: bool = False
    combinations: list[dict[str, object]] = field(default_factory=lambda: [{}])


@dataclass(slots=True)
class _Walker:
    root: Path
    rules: Rules
    findings: list[Finding] = field(default_factory=list)
    coverage: WorkflowCoverage = field(default_factory=WorkflowCoverage)
    visiting: set[Path] = field(default_factory=set)
    gates_pull_requests: bool = False
    checks_pull_requests: bool = False
    job_systems: set[str] = field(default_factory=set)

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
            events = set(triggers(document))
            self.gates_pull_requests = runs_on_every_pull_request(document)
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
        self.check_env(document.get("env"), at, variables_read_by(jobs.values()))
        shell, workdir = run_defaults(document)
        self.check_defaults(at, shell, workdir)
        runs: set[str] = set()
        outputs: dict[str, dict[str, Listing | str]] = {}
        states: dict[str, object] = {}
        on = next((v for k, v in document.items() if k in ("on", True)), None)
        trigger_at = Finding(name, "", getattr(on, "line", None) or at.line, "on")
        workflow_gates = self.gates_pull_requests
        on_pull_requests = GATING_TRIGGER in events
        for job_id in needs_order(jobs, lambda message: self.finding(at, message)):
            job = jobs[job_id]
            where = Finding(name, "", getattr(job, "line", None) or None, f"jobs.{job_id}")
            if not isinstance(job, dict):
                self.finding(where, "a job must be a mapping")
                continue
            states[job_id] = state_on_pull_request(job, states) if on_pull_requests else True
            self.gates_pull_requests = workflow_gates and states[job_id] is True
            self.checks_pull_requests = on_pull_requests and states[job_id] is True
            job_runs, outputs[job_id] = self.job(
                job,
                at=where,
                document=document,
                inputs=inputs,
                events=events,
                outputs=outputs,
                workflow_shell=shell,
            )
            gates = bool(job_runs) or uses_gating_action(job)
            if on_pull_requests and states[job_id] is not True and gates:
                self.not_on_pull_requests(job_runs, where, states[job_id], job.get("if"))
            elif self.gates_pull_requests:
                self.coverage.gating |= job_runs
                for session in job_runs:
                    self.coverage.gating_systems.setdefault(session, set()).update(self.job_systems)
                    self.coverage.gating_jobs.setdefault(session, where)
            runs |= job_runs
        self.gates_pull_requests = workflow_gates
        for problem in trigger_problems(document, runs & self.default_sessions()):
            self.finding(trigger_at, problem)
        if not workflow_gates:
            for session in runs:
                self.coverage.not_on_pull_requests.setdefault(
                    session,
                    _at(trigger_at, "the workflow does not run on every pull request to main"),
                )
        self.coverage.anywhere |= runs
        return runs

    def not_on_pull_requests(
        self, runs: set[str], at: Finding, state: object, condition: object
    ) -> None:
        if state is UNKNOWN:
            self.finding(
                at,
                f"`if: {condition}` cannot be evaluated for a pull request: a gating job "
                "may test only github.event_name, literals and status functions",
            )
            return
        if not runs:
            self.finding(
                at, "a gating job (dependency review, Codecov) is skipped on pull requests"
            )
        defaults = sorted(runs & self.default_sessions())
        if defaults:
            self.finding(
                at,
                f"the job runs default sessions ({', '.join(defaults)}) but is skipped on "
                "pull requests (`if:` or `needs:`): it would not gate the pull request",
            )
        for session in runs:
            self.coverage.not_on_pull_requests.setdefault(
                session, _at(at, "the job is skipped on pull requests (`if:` or `needs:`)")
            )

    def default_sessions(self) -> set[str]:
        return {s.name for s in self.rules.catalog.defaults}

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
        self.check_timeout(job, at)
        self.job_systems = set()
        if "uses" in job:
            return self.reusable(job, at, events), {}
        steps = job.get("steps")
        if not isinstance(steps, list):
            self.finding(at, "field 'steps' must be a list of steps")
            return set(), {}
        scripts = variables_read_by([job])
        self.check_env(job.get("env"), at, scripts)
        container = job.get("container")
        if isinstance(container, dict):
            self.check_env(container.get("env"), at, frozenset())
            options = str(container.get("options", "")).split()
            passed = [o for o in options if o.split("=")[0] in _CONTAINER_ENV_OPTIONS]
            if passed:
                self.finding(
                    at,
                    f"`container.options` passes `{passed[0]}`: the environment or entry point "
                    "of the job's container then comes from outside the allow-list",
                )
        shell, workdir = run_defaults(job)
        self.check_defaults(at, shell, workdir)
        strategy = read_strategy(job, outputs)
        for problem in strategy.problems:
            self.finding(at, problem)
        matrix, combinations = strategy.values, strategy.combinations
        runners = [runner_label(job.get("runs-on"), combination) for combination in combinations]
        self.job_systems = {s for s in map(runner_os, runners) if isinstance(s, str)}
        context = _Job(
            at,
            {**env_of(document.get("env")), **env_of(job.get("env"))},
            shell or workflow_shell,
            any(r is None or "windows" in r.lower() for r in runners),
            matrix,
            inputs,
            events,
            self.checks_pull_requests,
            [{**c, "runner.os": runner_os(r)} for c, r in zip(combinations, runners, strict=True)],
        )
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
            self.check_timeout(step, at)
            self.check_env(step.get("env"), at, referenced_variables(step.get("run")))
            step_calls = 0
            if "uses" in step:
                action_runs, step_calls = self.action(step, at, job)
                runs |= action_runs
            if "run" in step:
                result = self.run_step(step, at, job)
                self.findings.extend(result.findings)
                runs |= result.runs
                step_calls = result.nox_calls
                if "id" in step:
                    outputs[str(step["id"])] = result.outputs
            gates = step_calls or action_name(str(step.get("uses", ""))) in GATING_ACTIONS
            if gates and never_true(step.get("if"), job.events):
                self.finding(at, f"`if: {step.get('if')}` is never true: the step never runs")
            if step_calls and step.get("continue-on-error", False) is not False:
                self.finding(at, "`continue-on-error` on a step that runs nox hides its failure")
            if gates and job.gating:
                self.check_gating_condition(step.get("if"), at, job)
            nox_calls += step_calls
        return runs, outputs, nox_calls

    def check_gating_condition(self, condition: object, at: Finding, job: _Job) -> None:
        """A step that runs nox on a pull request must run for every matrix combination."""
        for combination in job.combinations:
            matrix = {
                k.removeprefix("matrix."): v for k, v in combination.items() if k != "runner.os"
            }
            values = {
                "github.event_name": GATING_TRIGGER,
                "runner.os": combination.get("runner.os", UNKNOWN),
                "matrix": matrix,
            }
            outcome = evaluate(condition, context_lookup(values))
            shown = ", ".join(f"{k}={v}" for k, v in matrix.items())
            if outcome is UNKNOWN:
                self.finding(
                    at,
                    f"`if: {condition}` cannot be evaluated for a pull request: a step that "
                    "runs nox may test only github.event_name, matrix values, runner.os, "
                    "literals and status functions",
                )
                return
            if outcome is False:
                self.finding(
                    at,
                    f"`if: {condition}` is false on a pull request"
                    + (f" for {shown}" if shown else "")
                    + ": the step's sessions are skipped there",
                )
                return

    def run_step(self, step: dict[str, Any], at: Finding, job: _Job) -> ScriptResult:
        script = step["run"]
        if not isinstance(script, str):
            self.finding(at, "field 'run' must be a string")
            script = ""
        shell = step.get("shell", job.shell)
        self.check_defaults(at, shell, step.get("working-directory"))
        posix = shell in ("bash", "sh") or (shell is None and not job.windows)
        env = {**job.env, **env_of(step.get("env"))}
        return check_script(
            script,
            at,
            self.rules,
            env=env,
            resolve=lambda e: resolve_value(e, job.matrix, job.inputs),
            posix=posix,
        )

    def action(self, step: dict[str, Any], at: Finding, job: _Job) -> tuple[set[str], int]:
        uses = str(step["uses"])
        if uses.startswith("./"):
            return self.local_action(uses, step, at, job)
        self.findings.extend(check_action_step(uses, step, at))
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
            action_at,
            dict(job.env),
            job.shell,
            job.windows,
            job.matrix,
            inputs,
            job.events,
            job.gating,
            job.combinations,
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

    def check_env(self, env: object, at: Finding, local: frozenset[str]) -> None:
        if env is not None and not isinstance(env, dict):
            self.finding(at, "field 'env' must be a mapping (a literal one, not an expression)")
            return
        self.findings.extend(unlisted_variables(env, at, local=local))

    def check_timeout(self, block: dict[str, Any], at: Finding) -> None:
        """``timeout-minutes`` must leave the job or step time to run."""
        minutes = block.get("timeout-minutes")
        if minutes is None:
            return
        positive = (
            isinstance(minutes, int | float) and not isinstance(minutes, bool) and minutes > 0
        )
        if not positive:  # zero, negative, or an expression that may yield either
            self.finding(at, f"`timeout-minutes: {minutes}` stops it before its gate runs")

    def check_defaults(self, at: Finding, shell: object, workdir: object) -> None:
        if shell is not None and not (isinstance(shell, str) and shell in SHELLS):
            self.finding(at, f"`shell: {shell}` is a custom shell: use bash, sh, pwsh or cmd")
        if workdir not in (None, ".", "./") and whole_expression(workdir) != "github.workspace":
            self.finding(at, f"`working-directory: {workdir}`: nox would read another noxfile")


def _events(document: object) -> set[str]:
    return set(triggers(document))


def _at(template: Finding, message: str) -> Finding:
    return Finding(template.file, message, template.line, template.where)
