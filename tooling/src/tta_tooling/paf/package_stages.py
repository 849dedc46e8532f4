"""Each workspace package declares its maturity stage in ``[tool.tta] stage``."""

from __future__ import annotations

from pathlib import Path

from tta_tooling.reporting import Finding
from tta_tooling.text_files import read_toml

STAGES = ("development", "staging", "production")


def package_manifests(root: Path) -> list[Path]:
    """The pyproject.toml of every workspace package (``packages/*`` and ``tooling``)."""
    manifests = sorted(root.glob("packages/*/pyproject.toml"))
    tooling = root / "tooling" / "pyproject.toml"
    return [*manifests, tooling] if tooling.is_file() else manifests


def check_package_stages(root: Path) -> list[Finding]:
    """One finding per package whose stage is missing or not a known stage."""
    findings = []
    for path in package_manifests(root):
        stage = read_toml(path).get("tool", {}).get("tta", {}).get("stage")
        if stage not in STAGES:
            findings.append(
                Finding(
                    file=path.relative_to(root).as_posix(),
                    message=f"[tool.tta] stage is {stage!r}; expected one of {', '.join(STAGES)}",
                )
            )
    return findings
