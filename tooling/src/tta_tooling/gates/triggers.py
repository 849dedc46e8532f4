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
from functools import cache

GATING_TRIGGER = "pull_request"
BASE_BRANCH = "main"
# A pull request is checked when it is opened and on every push to it.
_NEEDED_TYPES = frozenset({"opened", "synchronize"})


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
