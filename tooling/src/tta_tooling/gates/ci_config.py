"""The ci-config gate: gate drift, schemas of CI files, and zizmor's security audit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.gates.gate_drift import check_gates
from tta_tooling.gates.jsonschema_cli import run_check_jsonschema
from tta_tooling.gates.nox_sessions import load_catalog
from tta_tooling.gates.selftest_rows import check_selftest_rows
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
_KEPT_REPORTS = 64
_REPORTS: dict[tuple[object, ...], tuple[int, str]] = {}


def check_ci_config(root: Path) -> list[Finding]:
    """Every problem in the CI configuration under ``root``.

    zizmor starts first and runs beside the gate-drift check (which waits on
    nox's own listings) and check-jsonschema, run in this process per schema.
    """
    zizmor = _start(_zizmor_command(root), root)
    try:
        catalog = load_catalog(root / "noxfile.py")
        findings = check_gates(root, catalog)
        findings.extend(check_selftest_rows(root, catalog))
        findings.extend(_missing_files(root))
        findings.extend(_schema_check_findings(root))
        output = _finish(zizmor)
        if output is not None:
            findings.extend(_zizmor_findings(output))
    finally:  # also after bad input: zizmor does not outlive the call, no pipe stays open
        if zizmor.poll() is None:
            zizmor.kill()
        zizmor.communicate()
    return findings


def _missing_files(root: Path) -> Iterator[Finding]:
    for name in REQUIRED_FILES:
        if not (root / name).is_file():
            yield Finding(name, "required CI file is missing")


def _zizmor_command(root: Path) -> list[str]:
    command = [_tool("zizmor"), "--offline", "--no-progress", "--format", "plain"]
    if (root / ZIZMOR_CONFIG).is_file():
        command += ["--config", str(root / ZIZMOR_CONFIG)]
    return [*command, str(root / ".github" / "workflows")]


def _schema_check_findings(root: Path) -> Iterator[Finding]:
    """One check-jsonschema run per schema (JSON output) over the files it validates."""
    for schema, pattern in SCHEMA_CHECKS:
        paths = [p.relative_to(root).as_posix() for p in sorted(root.glob(pattern))]
        if paths:
            code, output = _validated(schema, paths, root)
            if code != 0:
                yield from _schema_findings(schema, pattern, output.strip() or f"exit code {code}")


def _validated(schema: str, paths: list[str], root: Path) -> tuple[int, str]:
    """check-jsonschema's exit code and JSON report for ``paths`` (relative to ``root``).

    A report depends only on the schema, the names and the bytes it validates,
    so it is kept per process for the last :data:`_KEPT_REPORTS` distinct inputs:
    the tests of ci-config validate many copies of the same files.
    """
    try:
        key = (schema, *((path, (root / path).read_bytes()) for path in paths))
    except OSError:  # check-jsonschema reports what it cannot read
        key = None
    if key is None or key not in _REPORTS:
        args = ["--output-format", "json", "--builtin-schema", schema, *paths]
        report = run_check_jsonschema(args, root)
        if key is None:
            return report
        _REPORTS[key] = report
        while len(_REPORTS) > _KEPT_REPORTS:
            _REPORTS.pop(next(iter(_REPORTS)))
    return _REPORTS[key]


def _schema_findings(schema: str, pattern: str, output: str) -> Iterator[Finding]:
    for name, problems in _schema_problems(output, pattern).items():
        text = _indent("\n".join(problems))
        yield Finding(name, f"does not match the {schema} schema:\n{text}")


def _schema_problems(output: str, pattern: str) -> dict[str, list[str]]:
    """check-jsonschema's JSON report as problem lines per file (raw output if not JSON)."""
    try:
        report = json.loads(output)
        problems: dict[str, list[str]] = {}
        for error in report.get("parse_errors", []):
            problems.setdefault(error["filename"], []).append(error["message"])
        for error in report.get("errors", []):
            line = f"{error['path']}: {error['message']}"
            deepest = error.get("best_deep_match")
            if deepest:
                line += f" (most specific: {deepest['path']}: {deepest['message']})"
            problems.setdefault(error["filename"], []).append(line)
    except (ValueError, AttributeError, KeyError, TypeError):
        return {pattern: [output]}
    return problems or {pattern: [output]}


def _zizmor_findings(output: str) -> Iterator[Finding]:
    yield Finding(".github/workflows", f"zizmor found problems:\n{_indent(output)}")


def _start(command: list[str], root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(process: subprocess.Popen[str]) -> str | None:
    """Wait for a checker; ``None`` when it passed, its output when it failed."""
    stdout, stderr = process.communicate()
    if process.returncode == 0:
        return None
    return (stdout + stderr).strip() or f"exit code {process.returncode}"


def _tool(name: str) -> str:
    here = Path(sys.executable).parent
    found = shutil.which(name, path=str(here)) or shutil.which(name)
    if found is None:
        raise InputError(name, "executable not found; install it with `uv sync --group ci-config`")
    return found


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())
