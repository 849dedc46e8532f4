"""The jobs of a workflow as GitHub's runner sees them: their order by ``needs``, whether
each runs on a pull request, their matrix combinations and the runner OS of each."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tta_tooling.gates.action_inputs import GATING_ACTIONS, action_name
from tta_tooling.gates.env_policy import referenced_variables
from tta_tooling.gates.gh_expressions import (
    STATUS_FUNCTION,
    UNKNOWN,
    context_lookup,
    evaluate,
    whole_expression,
)
from tta_tooling.gates.triggers import GATING_TRIGGER

RUNNER_OS = (("windows", "Windows"), ("macos", "macOS"), ("ubuntu", "Linux"))


def jobs_of(document: object) -> dict[str, Any]:
    jobs = document.get("jobs") if isinstance(document, dict) else None
    return jobs if isinstance(jobs, dict) else {}


def state_on_pull_request(job: dict[str, Any], states: Mapping[str, object]) -> object:
    """True / False / UNKNOWN: whether the job runs on a pull request.

    A job whose ``needs`` was skipped is skipped too unless its ``if:`` calls a
    status function (actions/runner: a job's default condition is ``success()``).
    """
    condition = job.get("if")
    own = evaluate(condition, context_lookup({"github.event_name": GATING_TRIGGER}))
    if own is False:
        return False
    if not STATUS_FUNCTION.search(str(condition or "")):
        needed = [states.get(n, True) for n in needed_jobs(job)]
        if False in needed:
            return False
        if UNKNOWN in needed:
            return UNKNOWN
    return own


def uses_gating_action(job: dict[str, Any]) -> bool:
    steps = job.get("steps")
    return any(
        isinstance(step, dict) and action_name(str(step.get("uses", ""))) in GATING_ACTIONS
        for step in (steps if isinstance(steps, list) else [])
    )


def runner_label(runs_on: object, combination: Mapping[str, object]) -> str | None:
    """The runner label of one combination; None when it cannot be told."""
    expression = whole_expression(runs_on)
    if expression is None:
        return None if runs_on is None or "${{" in str(runs_on) else str(runs_on)
    key = f"{expression.strip()}"
    value = combination.get(key)
    return str(value) if isinstance(value, str) else None


def runner_os(runner: str | None) -> object:
    for fragment, name in RUNNER_OS:
        if runner is not None and fragment in runner.lower():
            return name
    return UNKNOWN


def needs_order(jobs: dict[str, Any], report: Any) -> Iterator[str]:
    done: list[str] = []
    pending = list(jobs)
    while pending:
        ready = [j for j in pending if all(n in done for n in needed_jobs(jobs[j]) if n in jobs)]
        if not ready:
            report(f"jobs {', '.join(pending)} need each other in a cycle")
            ready = pending[:]
        for job_id in ready:
            pending.remove(job_id)
            done.append(job_id)
            yield job_id


def needed_jobs(job: object) -> list[str]:
    needs = job.get("needs") if isinstance(job, dict) else None
    if isinstance(needs, str):
        return [needs]
    return [str(n) for n in needs] if isinstance(needs, list) else []


def run_defaults(block: dict[str, Any]) -> tuple[object, object]:
    defaults = block.get("defaults")
    run = defaults.get("run") if isinstance(defaults, dict) else None
    if not isinstance(run, dict):
        return None, None
    return run.get("shell"), run.get("working-directory")


def env_of(env: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else {}


def variables_read_by(jobs: object) -> frozenset[str]:
    """Every variable the run scripts of ``jobs`` read."""
    names: set[str] = set()
    for job in jobs if isinstance(jobs, list | tuple) or hasattr(jobs, "__iter__") else []:
        steps = job.get("steps") if isinstance(job, dict) else None
        for step in steps if isinstance(steps, list) else []:
            if isinstance(step, dict):
                names |= referenced_variables(step.get("run"))
    return frozenset(names)
