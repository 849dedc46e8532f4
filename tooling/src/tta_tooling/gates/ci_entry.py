"""``.ci/run``, the CI entry point: strict shell, nothing that hides a failure, and the
README's test command word for word."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tta_tooling.errors import read_input
from tta_tooling.reporting import Finding

CI_ENTRY = ".ci/run"
README = "README.md"
_STRICT = re.compile(r"^set -euo pipefail$", re.MULTILINE)
_MASKING = re.compile(r"\|\|\s*(?:true|:)(?:\s|;|$)|\bset\s+\+[a-z]*[eo]")
_QUICK_START = re.compile(
    r"^## Quick start\n(?:.*\n)*?```sh\n(?P<block>(?:.*\n)*?)```", re.MULTILINE
)


def check_ci_entry(root: Path) -> Iterator[Finding]:
    """Findings in ``.ci/run`` (its absence is reported with the nox pins)."""
    path = root / CI_ENTRY
    if not path.is_file():
        return
    text = read_input(path)
    if not _STRICT.search(text):
        yield Finding(CI_ENTRY, "must run under `set -euo pipefail`")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("#") and _MASKING.search(line):
            yield Finding(CI_ENTRY, f"`{line.strip()}` can hide a failing gate", number)
    test_command = _readme_test_command(root)
    if test_command is None:
        yield Finding(README, "the Quick start has no `-s tests` command in a ```sh block")
    elif test_command not in text.splitlines():
        yield Finding(CI_ENTRY, f"does not run the README's test command `{test_command}`")


def _readme_test_command(root: Path) -> str | None:
    path = root / README
    if not path.is_file():
        return None
    match = _QUICK_START.search(read_input(path))
    commands = match["block"].splitlines() if match else []
    return next((c for c in commands if not c.startswith("#") and c.endswith(" -s tests")), None)
