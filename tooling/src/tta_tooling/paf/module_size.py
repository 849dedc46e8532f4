"""No source module grows past a line limit."""

from __future__ import annotations

from pathlib import Path

from tta_tooling.reporting import Finding

SOURCE_GLOBS = ("packages/*/src/**/*.py", "tooling/src/**/*.py")


def check_module_size(root: Path, limit: int) -> list[Finding]:
    """One finding per source module longer than ``limit`` lines."""
    findings = []
    for pattern in SOURCE_GLOBS:
        for path in sorted(root.glob(pattern)):
            with path.open("rb") as source:
                count = sum(1 for _ in source)
            if count > limit:
                findings.append(
                    Finding(
                        file=path.relative_to(root).as_posix(),
                        line=limit + 1,
                        message=f"{count} lines; the limit is {limit}: split the module",
                    )
                )
    return findings
