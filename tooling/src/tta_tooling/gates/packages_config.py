"""The workspace's packages and the maturity stage each declares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.text_files import read_toml

STAGE_THRESHOLDS: dict[str, float] = {"development": 60.0, "staging": 70.0, "production": 80.0}


@dataclass(frozen=True, slots=True)
class WorkspacePackage:
    """A package of the workspace: its name, source folder and coverage threshold."""

    name: str
    source_dir: Path
    stage: str

    @property
    def threshold(self) -> float:
        """The coverage percentage its stage requires."""
        return STAGE_THRESHOLDS[self.stage]


def workspace_packages(root: Path) -> list[WorkspacePackage]:
    """Every package under ``packages/*`` and ``tooling`` that has a pyproject.toml."""
    return [read_package(path) for path in package_manifests(root)]


def package_manifests(root: Path) -> list[Path]:
    """The pyproject.toml of every package under ``packages/*`` and ``tooling``."""
    manifests = sorted(root.glob("packages/*/pyproject.toml"))
    if (root / "tooling" / "pyproject.toml").is_file():
        manifests.append(root / "tooling" / "pyproject.toml")
    return manifests


def read_package(path: Path) -> WorkspacePackage:
    """The package whose pyproject.toml is ``path``; InputError when its stage is not valid."""
    data = read_toml(path)
    project = data.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str):
        raise InputError(path, "field [project] name is missing")
    tool = data.get("tool")
    tta = tool.get("tta") if isinstance(tool, dict) else None
    stage = tta.get("stage") if isinstance(tta, dict) else None
    if stage not in STAGE_THRESHOLDS:
        allowed = ", ".join(STAGE_THRESHOLDS)
        raise InputError(path, f"field [tool.tta] stage is {stage!r}; expected one of {allowed}")
    return WorkspacePackage(name, path.parent / "src", stage)
