"""The floors of the gates' thresholds, kept where a change to the configuration and the
docs cannot lower them at the same time.

check-gates once compared each package's ``[tool.tta] stage`` with the README's
package table only, so a change lowering both passed. The floors below are the
stages, the stage thresholds and the api gate's thresholds the project stands at.
They bind the files check-gates reads (each package's pyproject.toml,
``tests/keploy-config.yml``, ``codecov.yml``); a demotion first lowers the floor
here, in a change of its own that the review sees as a gate change.

Where the checkout has the history (a fresh clone has ``origin/main`` without any
network), the floors at the merge base of ``HEAD`` with ``origin/main`` (else
``main``) bind too, read from this module's text there with ``ast.literal_eval``:
a change that lowers this file together with the configuration is still below
the base's floor. GitHub's ``pull_request`` checkout (``fetch-depth: 1``) has no
base, and a copy of the tree may have no ``.git``: there this module's floors
alone bind.
"""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.gates.nox_sessions import SessionCatalog
from tta_tooling.gates.packages_config import STAGE_THRESHOLDS, package_manifests, read_package
from tta_tooling.gates.yaml_loading import LineDict, load_yaml
from tta_tooling.parse_once import python_tree
from tta_tooling.reporting import Finding

STAGE_FLOORS: dict[str, str] = {
    "packages/tta-dev-primitives": "production",
    "packages/tta-observability-integration": "staging",
    "packages/tta-api": "staging",
    "packages/keploy-framework": "staging",
    "packages/tta-process-support": "production",
    "tooling": "staging",
}
"""The lowest stage each package may declare (its coverage threshold's floor)."""

THRESHOLD_FLOORS: dict[str, float] = {"development": 60.0, "staging": 70.0, "production": 80.0}
"""The lowest coverage percentage each stage may require (``STAGE_THRESHOLDS``)."""

API_FLOORS: dict[str, float] = {"pass_rate": 100.0, "endpoint_coverage": 100.0}
"""The api gate's lowest thresholds (``config.thresholds`` of tests/keploy-config.yml)."""

DEFAULT_SESSIONS: tuple[str, ...] = (
    *("lint", "format", "typecheck", "tests", "coverage", "observability", "integration"),
    *("api", "benchmarks", "efficiency", "cost", "paf", "mcp", "secrets", "ci-config"),
)
"""The sessions plain ``nox`` must run (docs/design.md's gate table): ``default=False``
on one of them takes a gate out of every default run."""

TEST_PYTHONS: tuple[str, ...] = ("3.11", "3.12", "3.13")
"""The Pythons the tests session runs on (docs/design.md: 3.11 to 3.13); noxfile.py reads
them from pyproject.toml's classifiers, so a dropped classifier drops a test run."""

MODULE = "tooling/src/tta_tooling/gates/gate_floors.py"
SOURCE = f"{MODULE}, here or at the merge base with main"
PACKAGES_CONFIG = "tooling/src/tta_tooling/gates/packages_config.py"
KEPLOY_CONFIG = "tests/keploy-config.yml"
CODECOV = "codecov.yml"
# keploy_framework.config.load_config: a threshold left out takes its default.
_API_DEFAULTS = {"pass_rate": 95.0, "endpoint_coverage": 100.0}
_BASES = ("origin/main", "main")


def check_floors(
    root: Path, catalog: SessionCatalog, lines: Mapping[str, int]
) -> Iterator[Finding]:
    """Every threshold under ``root`` below its floor (this module's, or the merge base's).

    ``lines`` gives each session's line in noxfile.py.
    """
    base = _base_floors(root)
    defaults = {s.base_name for s in catalog.sessions if s.default}
    required = {*DEFAULT_SESSIONS, *map(str, base.get("DEFAULT_SESSIONS", ()))}
    for session in sorted(required - defaults):
        yield Finding(
            "noxfile.py",
            f"session {session!r} is not a default session any more: plain `nox` must run it "
            f"(DEFAULT_SESSIONS, {SOURCE})",
            lines.get(session),
        )
    pythons = {s.python for s in catalog.sessions if s.base_name == "tests" and s.default}
    for python in sorted({*TEST_PYTHONS, *map(str, base.get("TEST_PYTHONS", ()))} - pythons):
        pyproject = root / "pyproject.toml"
        text = read_input(pyproject) if pyproject.is_file() else ""
        yield Finding(
            "pyproject.toml",
            f"the tests session no longer runs on Python {python} (noxfile.py takes the "
            f"versions from the classifiers): TEST_PYTHONS, {SOURCE}",
            _line_of(text, "classifiers"),
        )
    stages = {k: _higher(v, base.get("STAGE_FLOORS", {}).get(k)) for k, v in STAGE_FLOORS.items()}
    thresholds = _raised(THRESHOLD_FLOORS, base.get("THRESHOLD_FLOORS", {}))
    for stage, floor in thresholds.items():
        if STAGE_THRESHOLDS.get(stage, 0.0) < floor:
            yield Finding(
                PACKAGES_CONFIG,
                f"stage {stage!r} requires {STAGE_THRESHOLDS.get(stage, 0.0):.0f}% coverage, "
                f"below its floor of {floor:.0f}% ({SOURCE})",
                None,
            )
    yield from _package_stages(root, stages, thresholds)
    yield from _api_thresholds(root, _raised(API_FLOORS, base.get("API_FLOORS", {})))
    yield from _codecov_targets(root, stages, thresholds)


def _package_stages(
    root: Path, stages: Mapping[str, str], thresholds: Mapping[str, float]
) -> Iterator[Finding]:
    for manifest in package_manifests(root):
        folder = manifest.parent.relative_to(root).as_posix()
        floor = stages.get(folder)
        try:
            package = read_package(manifest)
        except InputError:
            continue  # not a package with a valid stage: coverage-gate reports it
        if floor is not None and package.threshold < thresholds[floor]:
            text = read_input(manifest)
            yield Finding(
                f"{folder}/pyproject.toml",
                f"declares stage {package.stage!r} ({package.threshold:.0f}% coverage), below "
                f"its floor {floor!r} ({thresholds[floor]:.0f}%; {SOURCE}): a demotion "
                "lowers the floor first, in a change of its own",
                _line_of(text, "stage ="),
            )


def _api_thresholds(root: Path, floors: Mapping[str, float]) -> Iterator[Finding]:
    path = root / KEPLOY_CONFIG
    if not path.is_file():
        return
    document = load_yaml(path)
    config = document.get("config") if isinstance(document, dict) else None
    block = config.get("thresholds") if isinstance(config, dict) else None
    thresholds: dict[str, object] = block if isinstance(block, dict) else {}
    for name, floor in floors.items():
        value = thresholds.get(name, _API_DEFAULTS[name])
        if not isinstance(value, int | float) or isinstance(value, bool) or value < floor:
            where = block if isinstance(block, LineDict) else config
            yield Finding(
                KEPLOY_CONFIG,
                f"the api gate's `{name}` is {value!r}, below its floor of {floor:g}% ({SOURCE})",
                _line_of(read_input(path), f" {name}:") or getattr(where, "line", None) or 1,
            )


def _codecov_targets(
    root: Path, stages: Mapping[str, str], thresholds: Mapping[str, float]
) -> Iterator[Finding]:
    """Each Codecov component holds its package to at least the floor of its stage."""
    path = root / CODECOV
    if not path.is_file():
        return
    try:
        document = load_yaml(path)
    except InputError:
        return  # ci-config's codecov schema check reports the file
    management = document.get("component_management") if isinstance(document, dict) else None
    components = management.get("individual_components") if isinstance(management, dict) else []
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        listed = component.get("paths")
        paths = listed if isinstance(listed, list) else []
        folder = next((f for f in stages if any(str(p).startswith(f"{f}/") for p in paths)), None)
        statuses = component.get("statuses")
        for status in statuses if isinstance(statuses, list) and folder else []:
            target = status.get("target") if isinstance(status, dict) else None
            number = _percent(target)
            floor = thresholds[stages[str(folder)]]
            if target is not None and (number is None or number < floor):
                yield Finding(
                    CODECOV,
                    f"component {component.get('component_id')!r} targets {target}, below the "
                    f"{floor:.0f}% of {folder}'s floor stage {stages[str(folder)]!r} ({SOURCE})",
                    getattr(status, "line", None) or getattr(component, "line", None),
                )


def _percent(target: object) -> float | None:
    try:
        return float(str(target).rstrip("%"))
    except ValueError:
        return None


def _higher(stage: str, other: object) -> str:
    if isinstance(other, str) and THRESHOLD_FLOORS.get(other, 0.0) > THRESHOLD_FLOORS[stage]:
        return other
    return stage


def _raised(floors: Mapping[str, float], base: object) -> dict[str, float]:
    """``floors``, each raised to the base's value where that is higher."""
    base = base if isinstance(base, dict) else {}
    raised = dict(floors)
    for key, value in base.items():
        if isinstance(value, int | float) and key in raised:
            raised[key] = max(raised[key], float(value))
    return raised


def _base_floors(root: Path) -> dict[str, Any]:
    """This module's constants at the merge base with main; empty without that history."""
    if not (root / ".git").exists():
        return {}
    bases = (_git(root, "merge-base", "HEAD", ref) for ref in _BASES)
    base = next((b for b in bases if b), None)
    text = _git(root, "show", f"{base}:{MODULE}") if base else None
    constants: dict[str, Any] = {}
    try:
        body = python_tree(text).body if text else []
    except SyntaxError:
        return constants  # the base's module does not parse: this module's floors bind
    for node in body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        try:
            value = ast.literal_eval(node.value) if node.value is not None else None
        except ValueError:
            continue
        if isinstance(value, dict | tuple):
            constants[node.target.id] = value
    return constants


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index != -1 else None
