"""Every nox gate goes red (exit 1) on a defect planted in a copy of the repository.

Each test copies the repository, plants one defect, and runs the real session
with nox, as a developer or CI would (`nox -s <session>`). They live with the
integration tests because the integration and benchmarks sessions they run
need a real redis-server and a quiet machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
PRIMITIVES = Path("packages/tta-dev-primitives/src/tta_dev_primitives")
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".nox", ".venv", "*_cache", "__pycache__", ".benchmarks", ".coverage*"
)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the repository (sources, tests, configuration, lock file)."""
    copy = tmp_path / "repo"
    shutil.copytree(REPO_ROOT, copy, ignore=_NOT_COPIED)
    return copy


def _nox(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Coverage's subprocess measurement must not follow into the copy's sessions.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    return subprocess.run(
        [sys.executable, "-m", "nox", "--noxfile", str(root / "noxfile.py"), *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _plant(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _assert_red(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    for text in expected:
        assert text in output, output


def test_lint_goes_red_on_an_unused_import(repo_copy: Path) -> None:
    (repo_copy / PRIMITIVES / "planted.py").write_text('"""Planted."""\n\nimport os\n')
    _assert_red(_nox(repo_copy, "-s", "lint"), "planted.py", "F401")


def test_format_goes_red_on_unformatted_code(repo_copy: Path) -> None:
    (repo_copy / PRIMITIVES / "planted.py").write_text('"""Planted."""\n\nx = {  "a":1 }\n')
    _assert_red(_nox(repo_copy, "-s", "format"), "planted.py", "Session format failed")


def test_typecheck_goes_red_on_a_type_error(repo_copy: Path) -> None:
    (repo_copy / PRIMITIVES / "planted.py").write_text(
        '"""Planted."""\n\n\ndef answer() -> int:\n    return "42"\n'
    )
    _assert_red(_nox(repo_copy, "-s", "typecheck"), "planted.py:5: error", "[return-value]")


def test_tests_go_red_on_a_failing_test(repo_copy: Path) -> None:
    planted = repo_copy / "tests/unit/tooling/test_planted.py"
    planted.write_text('"""Planted."""\n\n\ndef test_planted() -> None:\n    assert 1 + 1 == 3\n')
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    done = _nox(repo_copy, "-s", f"tests-{python}", "--", str(planted))
    _assert_red(done, "1 failed")


def test_ci_config_goes_red_on_a_masked_gate(repo_copy: Path) -> None:
    workflow = repo_copy / ".github/workflows/quality-check.yml"
    text = workflow.read_text(encoding="utf-8")
    pinned = text.split("run: uvx nox@", 1)[1].split()[0]
    _plant(
        workflow, f"run: uvx nox@{pinned} -t quality", f"run: uvx nox@{pinned} -t quality || true"
    )
    _assert_red(
        _nox(repo_copy, "-s", "ci-config"),
        "quality-check.yml:",
        "is followed by `||`, which swallows its failure",
    )


def test_integration_goes_red_when_redis_ttl_is_dropped(repo_copy: Path) -> None:
    _plant(
        repo_copy / PRIMITIVES / "cache/redis_backend.py",
        "px=max(1, math.ceil(ttl_seconds * 1000))",
        "keepttl=False",
    )
    done = _nox(repo_copy, "-s", "integration", "--", "-k", "test_ttl_is_set_and_honoured")
    _assert_red(done, "FAILED tests/integration/test_redis_cache_backend.py::test_ttl_is_set")


def test_observability_goes_red_on_an_uninstrumented_primitive(repo_copy: Path) -> None:
    init = repo_copy / PRIMITIVES / "__init__.py"
    init.write_text(
        init.read_text(encoding="utf-8")
        + "\n\nclass PlantedPrimitive(LambdaPrimitive):  # type: ignore[type-arg]\n"
        "    def execute(self, input_data, context):  # type: ignore[no-untyped-def]\n"
        "        return self._execute(input_data, context)\n\n\n"
        '__all__ += ["PlantedPrimitive"]\n',
        encoding="utf-8",
    )
    _assert_red(_nox(repo_copy, "-s", "observability"), "PlantedPrimitive: no span observed")


def test_benchmarks_go_red_on_a_slow_sequential_primitive(repo_copy: Path) -> None:
    _plant(
        repo_copy / PRIMITIVES / "composition/sequential.py",
        "            value = await step.execute(value, context)\n",
        "            value = await step.execute(value, context)\n"
        "            sum(range(2_000))  # planted: wasted work per step\n",
    )
    done = _nox(repo_copy, "-s", "benchmarks", "--", "-k", "sequential")
    _assert_red(done, "SequentialPrimitive of 3 async steps", "the target is <= 5.0x")
