"""The workflow files GitHub runs: the ``.yml`` / ``.yaml`` files directly in
``.github/workflows`` (docs.github.com, "About workflows": workflow files live in
that directory); a workflow-like file anywhere else under it never runs."""

from __future__ import annotations

import re
from pathlib import Path

from tta_tooling.reporting import Finding

WORKFLOWS_DIR = ".github/workflows"
WORKFLOW_SUFFIXES = (".yml", ".yaml")
_WORKFLOW_KEYS = re.compile(r"^jobs\s*:", re.MULTILINE)


def workflow_paths(root: Path) -> list[Path]:
    """The workflow files GitHub runs, sorted."""
    folder = root / WORKFLOWS_DIR
    return sorted(
        p
        for p in (folder.iterdir() if folder.is_dir() else [])
        if p.is_file() and p.suffix in WORKFLOW_SUFFIXES
    )


def ignored_workflows(root: Path, run: list[Path]) -> list[Finding]:
    """Workflow-like files GitHub never runs: another extension, or a subfolder."""
    found = []
    folder = root / WORKFLOWS_DIR
    for path in sorted(folder.rglob("*") if folder.is_dir() else []):
        if not path.is_file() or path in run:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if _WORKFLOW_KEYS.search(text):
            found.append(
                Finding(
                    path.relative_to(root).as_posix(),
                    "looks like a workflow, but GitHub runs only the .yml / .yaml files "
                    f"directly in {WORKFLOWS_DIR}: this one never runs",
                    1,
                )
            )
    return found
