"""Supported Python versions agree across classifiers, requires-python and CI workflows."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from tta_tooling.errors import InputError
from tta_tooling.paf.package_stages import load_toml, package_manifests
from tta_tooling.reporting import Finding

_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")
# A line of a workflow that installs or selects Python versions.
_CI_PYTHON = re.compile(r"(uv python install|python-version:)(?P<rest>.*)$")
_VERSION = re.compile(r"(?<![\d.])3\.\d+(?![\d.])")


def check_python_versions(root: Path) -> list[Finding]:
    """Findings where a manifest or a workflow disagrees with the root's classifiers."""
    manifest = root / "pyproject.toml"
    project = load_toml(manifest).get("project", {})
    supported = sorted(
        {m[1] for c in project.get("classifiers", []) if (m := _CLASSIFIER.match(c))},
        key=_minor,
    )
    if not supported:
        raise InputError(manifest, "field [project] classifiers names no Python 3.X version")
    findings = _check_requires(root, manifest, project.get("requires-python"), supported)
    for path in package_manifests(root):
        requires = load_toml(path).get("project", {}).get("requires-python")
        findings += _check_requires(root, path, requires, supported)
    return findings + _check_workflows(root, supported)


def _check_requires(
    root: Path, path: Path, requires: object, supported: list[str]
) -> list[Finding]:
    where = path.relative_to(root).as_posix()
    line = _line_of(path, "requires-python")
    if not isinstance(requires, str):
        return [Finding(where, "[project] requires-python is missing", line)]
    try:
        spec = SpecifierSet(requires)
    except InvalidSpecifier as error:
        raise InputError(path, f"field [project] requires-python: {error}") from error
    floor = supported[0]
    below = f"3.{_minor(floor) - 1}"
    excluded = [v for v in supported if v not in spec]
    if excluded:
        return [
            Finding(where, f"requires-python {requires!r} excludes {', '.join(excluded)}", line)
        ]
    if below in spec:
        return [
            Finding(
                where,
                f"requires-python {requires!r} admits {below}; classifiers start at {floor}",
                line,
            )
        ]
    return []


def _check_workflows(root: Path, supported: list[str]) -> list[Finding]:
    findings, named = [], set()
    workflows = sorted((root / ".github" / "workflows").glob("*.y*ml"))
    for path in workflows:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _CI_PYTHON.search(text)
            for version in _VERSION.findall(match["rest"]) if match else []:
                named.add(version)
                if version not in supported:
                    findings.append(
                        Finding(
                            path.relative_to(root).as_posix(),
                            f"Python {version} is not a supported version ({', '.join(supported)})",
                            number,
                        )
                    )
    missing = [v for v in supported if v not in named]
    if workflows and missing:
        findings.append(
            Finding(".github/workflows", f"no workflow installs Python {', '.join(missing)}")
        )
    return findings


def _minor(version: str) -> int:
    return int(version.split(".")[1])


def _line_of(path: Path, key: str) -> int | None:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text.lstrip().startswith(key):
            return number
    return None
