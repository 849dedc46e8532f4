"""``tta-tooling paf`` on a copy of the repository: green as it is, red on each planted defect."""

from __future__ import annotations

from pathlib import Path

import pytest

from ....common.repository_files import plant
from ..conftest import RunTooling

PRIMITIVES = Path("packages/tta-dev-primitives/src/tta_dev_primitives")


def _red(done: object, *expected: str) -> None:
    output = done.stdout + done.stderr  # type: ignore[attr-defined]
    assert done.returncode == 1, output  # type: ignore[attr-defined]
    for text in expected:
        assert text in output, output


def _plant(root: Path, relative: str, source: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


def test_the_repository_holds_every_fact(paf_copy: Path, run_tooling: RunTooling) -> None:
    done = run_tooling("paf", "--root", paf_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VIOLATED" not in done.stdout
    assert "ARCH-002   import-contract:primitives-no-otel" in done.stdout
    facts = done.stdout.count("\n")
    assert f"{facts} facts: {facts - 2} checked, 2 manual; all hold" in done.stderr


def test_primitives_importing_opentelemetry_names_the_fact_and_line(
    paf_copy: Path, run_tooling: RunTooling
) -> None:
    _plant(
        paf_copy, f"{PRIMITIVES}/planted.py", '"""Planted."""\n\nfrom opentelemetry import trace\n'
    )
    _red(
        run_tooling("paf", "--root", paf_copy),
        f"{PRIMITIVES.as_posix()}/planted.py:3: [ARCH-002] tta_dev_primitives.planted imports "
        "opentelemetry",
        "violated: ARCH-002",
    )


def test_an_indirect_route_to_opentelemetry_is_named_where_it_starts(
    paf_copy: Path, run_tooling: RunTooling
) -> None:
    _plant(paf_copy, f"{PRIMITIVES}/planted.py", "import os\nimport observability_integration\n")
    done = run_tooling("paf", "--root", paf_copy)
    _red(
        done,
        "planted.py:2: [ARCH-001] tta_dev_primitives.planted imports observability_integration",
        "planted.py:2: [ARCH-002] tta_dev_primitives.planted imports observability_integration,"
        " which leads to opentelemetry",
    )
    assert "apm_setup.py" not in done.stdout, "legal imports further down the chain are not blamed"


def test_tooling_importing_a_package_breaks_its_independence(
    paf_copy: Path, run_tooling: RunTooling
) -> None:
    _plant(paf_copy, "tooling/src/tta_tooling/planted.py", "import tta_dev_primitives\n")
    _red(run_tooling("paf", "--root", paf_copy), "planted.py:1: [ARCH-004]")


def test_a_family_importing_another_family_is_named(
    paf_copy: Path, run_tooling: RunTooling
) -> None:
    plant(
        paf_copy / "tooling/src/tta_tooling/paf/facts.py",
        "from tta_tooling.errors import",
        "from tta_tooling.gates import commands\nfrom tta_tooling.errors import",
    )
    _red(
        run_tooling("paf", "--root", paf_copy),
        "tooling/src/tta_tooling/paf/facts.py:",
        "[ARCH-005] tta_tooling.paf.facts imports tta_tooling.gates.commands",
    )


def test_packages_that_appear_later_are_held_to_their_contracts(
    paf_copy: Path, run_tooling: RunTooling
) -> None:
    _plant(
        paf_copy, "packages/tta-api/src/tta_api/__init__.py", "import observability_integration\n"
    )
    _plant(
        paf_copy, "packages/keploy-framework/src/keploy_framework/__init__.py", "import tta_api\n"
    )
    _plant(paf_copy, f"{PRIMITIVES}/planted.py", "import tta_api\n")
    done = run_tooling("paf", "--root", paf_copy)
    _red(
        done,
        "packages/keploy-framework/src/keploy_framework/__init__.py:1: [ARCH-003]",
        "planted.py:1: [ARCH-001] tta_dev_primitives.planted imports tta_api",
    )
    assert "tta_api/__init__.py" not in done.stdout, "tta_api may import observability_integration"


def test_a_workflow_calling_a_missing_session_breaks_the_gate_fact(
    paf_copy: Path, run_tooling: RunTooling
) -> None:
    plant(
        paf_copy / ".github/workflows/quality-check.yml",
        "run: uvx nox@2026.10.20 -t quality",
        "run: uvx nox@2026.10.20 -s nosuchsession",
    )
    _red(run_tooling("paf", "--root", paf_copy), "[GATE-001]", "nosuchsession")


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        (
            ".github/workflows/quality-check.yml",
            "uv python install 3.11",
            "uv python install 3.10",
            "[PY-001] Python 3.10 is not a supported",
        ),
        (
            "tooling/pyproject.toml",
            'requires-python = ">=3.11"',
            'requires-python = ">=3.10"',
            "[PY-001] requires-python '>=3.10' admits 3.10",
        ),
        (
            "pyproject.toml",
            'requires-python = ">=3.11"',
            'requires-python = ">=3.12"',
            "[PY-001] requires-python '>=3.12' excludes 3.11",
        ),
    ],
)
def test_python_versions_that_disagree_are_located(
    paf_copy: Path, run_tooling: RunTooling, relative: str, old: str, new: str, expected: str
) -> None:
    plant(paf_copy / relative, old, new)
    lines = (paf_copy / relative).read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, start=1) if new in text)
    _red(run_tooling("paf", "--root", paf_copy), f"\n{relative}:{line}: {expected}")


def test_a_supported_version_no_workflow_installs(paf_copy: Path, run_tooling: RunTooling) -> None:
    ci = paf_copy / ".github/workflows/ci.yml"
    text = ci.read_text(encoding="utf-8")
    assert "${{ matrix.session.python }}" in text
    ci.write_text(text.replace("${{ matrix.session.python }}", "3.11"), encoding="utf-8")
    _red(run_tooling("paf", "--root", paf_copy), "no workflow installs Python 3.12, 3.13")


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_a_nox_matrix_installs_every_catalog_version(
    paf_copy: Path, run_tooling: RunTooling
) -> None:
    plant(
        paf_copy / "pyproject.toml",
        '"Programming Language :: Python :: 3.13",',
        '"Programming Language :: Python :: 3.13",\n    "Programming Language :: Python :: 3.14",',
    )
    done = run_tooling("paf", "--root", paf_copy)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_package_without_a_stage(paf_copy: Path, run_tooling: RunTooling) -> None:
    plant(paf_copy / "tooling/pyproject.toml", 'stage = "staging"', 'stage = "beta"')
    _red(run_tooling("paf", "--root", paf_copy), "tooling/pyproject.toml: [STAGE-001]", "'beta'")


def test_a_module_over_the_size_limit(paf_copy: Path, run_tooling: RunTooling) -> None:
    _plant(paf_copy, f"{PRIMITIVES}/planted.py", "x = 1\n" * 501)
    _red(run_tooling("paf", "--root", paf_copy), "planted.py:501: [SIZE-001] 501 lines")
