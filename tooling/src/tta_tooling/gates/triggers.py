"""Whether a workflow's triggers run it on every pull request to main.

Only ``pull_request`` gates a pull request: ``pull_request_target`` runs the
workflow (and by default the code) of the base branch, and ``merge_group``
runs only with a merge queue. A ``paths`` / ``paths-ignore`` filter skips some
pull requests; ``branches`` / ``branches-ignore`` are matched against ``main``
with GitHub's filter patterns (docs.github.com, "Workflow syntax for GitHub
Actions", Filter pattern cheat sheet): ``*`` matches anything but ``/``, ``**``
anything, ``?`` / ``+`` make the preceding character optional / repeated,
``[...]`` is a character class, ``\\`` escapes, and a pattern starting with
``!`` excludes what the patterns before it matched (later patterns win).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

GATING_TRIGGER = "pull_request"
BASE_BRANCH = "main"
# A pull request is checked when it is opened and on every push to it.
_NEEDED_TYPES = frozenset({"opened", "synchronize"})
# Files a pull request that changes the gated code touches (one per room).
CODE_PATHS = (
    "noxfile.py",
    "pyproject.toml",
    "packages/tta-api/src/tta_api/main.py",
    "tooling/src/tta_tooling/cli.py",
    "tests/unit/tta_api/test_app.py",
)


def triggers(document: object) -> dict[str, object]:
    """The workflow's ``on:`` as a mapping of event name to its filters."""
    # PyYAML reads the key `on` as True (YAML 1.1).
    on = document.get("on", document.get(True)) if isinstance(document, dict) else None
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(map(str, on))
    return {str(k): v for k, v in on.items()} if isinstance(on, dict) else {}


def runs_on_every_pull_request(document: object) -> bool:
    """Whether a ``pull_request`` trigger without filters that skip some pull requests to main."""
    on = triggers(document)
    if GATING_TRIGGER not in on:
        return False
    trigger = on[GATING_TRIGGER]
    if trigger is None:
        return True
    if not isinstance(trigger, dict) or "paths" in trigger or "paths-ignore" in trigger:
        return False
    branches, ignored, types = (trigger.get(k) for k in ("branches", "branches-ignore", "types"))
    listed = [types] if isinstance(types, str) else types
    return (
        (branches is None or branch_selected(branches, BASE_BRANCH))
        and (ignored is None or _none_selects(ignored, BASE_BRANCH))
        and (types is None or (isinstance(listed, list) and set(map(str, listed)) >= _NEEDED_TYPES))
    )


def trigger_problems(document: object, default_sessions: set[str]) -> Iterator[str]:
    """Why a workflow that runs ``default_sessions`` does not gate every pull request to main.

    ``pull_request_target`` checks the base branch's code; a ``pull_request`` trigger
    whose branches or types leave out pull requests to main never runs for them; a
    ``paths-ignore`` filter may not let a pull request that changes only code
    (:data:`CODE_PATHS`) skip the workflow (GitHub skips it when every changed file
    matches). A ``paths`` filter opts a workflow in for some changes: its sessions
    then count only where another workflow runs them on every pull request.
    """
    if not default_sessions:
        return
    on = triggers(document)
    shown = ", ".join(sorted(default_sessions))
    if "pull_request_target" in on:
        yield (
            f"runs default sessions ({shown}) on `pull_request_target`, which checks out "
            "and runs the base branch's workflow, not the pull request's"
        )
    trigger = on.get(GATING_TRIGGER)
    if GATING_TRIGGER not in on or not isinstance(trigger, dict):
        return
    filtered = {k: v for k, v in trigger.items() if k not in ("paths", "paths-ignore")}
    if not runs_on_every_pull_request({"on": {GATING_TRIGGER: filtered}}):
        yield (
            f"runs default sessions ({shown}), but its `pull_request` branches or types "
            f"leave out pull requests to {BASE_BRANCH}"
        )
    skipped = [p for p in CODE_PATHS if _path_skipped(trigger, p)]
    if skipped:
        yield (
            f"runs default sessions ({shown}), but its `pull_request` paths-ignore skips a "
            f"pull request that changes only {skipped[0]}"
        )


def _path_skipped(trigger: dict[object, object], path: str) -> bool:
    if "paths-ignore" in trigger:
        ignored = trigger["paths-ignore"]
        listed = [ignored] if isinstance(ignored, str) else ignored
        return not isinstance(listed, list) or any(_glob(str(p)).fullmatch(path) for p in listed)
    return False


def _none_selects(patterns: object, branch: str) -> bool:
    """``branches-ignore``: no pattern matches ``branch`` (it has no negation)."""
    return isinstance(patterns, list) and not any(_glob(str(p)).fullmatch(branch) for p in patterns)


def branch_selected(patterns: object, branch: str) -> bool:
    """Whether ``branches: patterns`` selects ``branch`` (the last matching pattern decides)."""
    listed = [patterns] if isinstance(patterns, str) else patterns
    if not isinstance(listed, list):
        return False
    selected = False
    for raw in map(str, listed):
        negated = raw.startswith("!")
        if _glob(raw[1:] if negated else raw).fullmatch(branch):
            selected = not negated
    return selected


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        if char == "*":
            parts.append("[^/]*")
        elif char in "?+" and parts:
            parts[-1] = f"(?:{parts[-1]}){char}"
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                parts.append(re.escape(char))
            else:
                parts.append(f"[{pattern[index + 1 : end]}]")
                index = end
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            parts.append(re.escape(pattern[index]))
        else:
            parts.append(re.escape(char))
        index += 1
    return re.compile("".join(parts))
