"""The ci-config gate: gate drift, schemas of CI files, and zizmor's security audit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.gates.gate_drift import check_gates
from tta_tooling.gates.nox_sessions import load_catalog
from tta_tooling.reporting import Finding

# (check-jsonschema builtin schema, files it validates) relative to the repository root.
SCHEMA_CHECKS: tuple[tuple[str, str], ...] = (
    ("vendor.github-workflows", ".github/workflows/*.y*ml"),
    ("vendor.dependabot", ".github/dependabot.yml"),
    ("vendor.compose-spec", "docker-compose.test.yml"),
    ("vendor.codecov", "codecov.yml"),
)
REQUIRED_FILES = (".github/dependabot.yml", "docker-compose.test.yml", "codecov.yml")
ZIZMOR_CONFIG = ".github/zizmor.yml"


def check_ci_config(root: Path) -> list[Finding]:
    """Every problem in the CI configuration under ``root``."""
    findings = check_gates(root, load_catalog(root / "noxfile.py"))
    findings.extend(_missing_files(root))
    findings.extend(_schema_findings(root))
    findings.extend(_zizmor_findings(root))
    return findings


def _missing_files(root: Path) -> Iterator[Finding]:
    for name in REQUIRED_FILES:
        if not (root / name).is_file():
            yield Finding(name, "required CI file is missing")


def _schema_findings(root: Path) -> Iterator[Finding]:
    check_jsonschema = _tool("check-jsonschema")
    for schema, pattern in SCHEMA_CHECKS:
        for path in sorted(root.glob(pattern)):
            output = _run([check_jsonschema, "--builtin-schema", schema, str(path)], root)
            if output is not None:
                name = path.relative_to(root).as_posix()
                yield Finding(name, f"does not match the {schema} schema:\n{_indent(output)}")


def _zizmor_findings(root: Path) -> Iterator[Finding]:
    workflows = root / ".github" / "workflows"
    command = [_tool("zizmor"), "--offline", "--no-progress", "--format", "plain"]
    if (root / ZIZMOR_CONFIG).is_file():
        command += ["--config", str(root / ZIZMOR_CONFIG)]
    output = _run([*command, str(workflows)], root)
    if output is not None:
        yield Finding(".github/workflows", f"zizmor found problems:\n{_indent(output)}")


def _run(command: list[str], root: Path) -> str | None:
    """Run a checker; ``None`` when it passes, its output when it fails."""
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return None
    return (done.stdout + done.stderr).strip() or f"exit code {done.returncode}"


def _tool(name: str) -> str:
    here = Path(sys.executable).parent
    found = shutil.which(name, path=str(here)) or shutil.which(name)
    if found is None:
        raise InputError(name, "executable not found; install it with `uv sync --group ci-config`")
    return found


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())
