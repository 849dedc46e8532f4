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
OBSERVABILITY = Path("packages/tta-observability-integration/src/observability_integration")
TTA_API = Path("packages/tta-api/src/tta_api")
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


def test_ci_config_goes_red_on_a_direct_tool_call(repo_copy: Path) -> None:
    _plant(
        repo_copy / ".github/workflows/quality-check.yml",
        "run: uvx nox -t quality",
        "run: uv run mypy",
    )
    _assert_red(_nox(repo_copy, "-s", "ci-config"), "runs `uv run mypy` directly")


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


def test_observability_goes_red_when_the_process_wide_provider_is_not_set(
    repo_copy: Path,
) -> None:
    _plant(
        repo_copy / OBSERVABILITY / "process_wide.py",
        "        trace.set_tracer_provider(TRACER_PROVIDER)\n",
        "        pass  # planted: the process-wide tracer provider is never set\n",
    )
    _assert_red(
        _nox(repo_copy, "-s", "observability"),
        "opentelemetry.trace.get_tracer_provider() is ProxyTracerProvider",
    )


def test_benchmarks_go_red_on_a_slow_sequential_primitive(repo_copy: Path) -> None:
    _plant(
        repo_copy / PRIMITIVES / "composition/sequential.py",
        "            value = await step.execute(value, context)\n",
        "            value = await step.execute(value, context)\n"
        "            sum(range(2_000))  # planted: wasted work per step\n",
    )
    done = _nox(repo_copy, "-s", "benchmarks", "--", "-k", "sequential")
    _assert_red(done, "SequentialPrimitive of 3 async steps", "the target is <= 5.0x")


def test_efficiency_goes_red_on_an_llm_call_in_a_loop(repo_copy: Path) -> None:
    (repo_copy / PRIMITIVES / "planted.py").write_text(
        '"""Planted."""\n\nimport litellm\n\n\n'
        "def answer_all(questions: list[str]) -> list[object]:\n"
        '    return [litellm.completion(model="m", messages=[q], max_tokens=9) for q in questions]'
        "\n"
    )
    done = _nox(repo_copy, "-s", "efficiency")
    _assert_red(done, f"{PRIMITIVES.as_posix()}/planted.py:7:13: EFF001 LLM call inside a loop")


def test_paf_goes_red_when_primitives_import_opentelemetry(repo_copy: Path) -> None:
    (repo_copy / PRIMITIVES / "planted.py").write_text(
        '"""Planted."""\n\nfrom opentelemetry import trace\n', encoding="utf-8"
    )
    _assert_red(
        _nox(repo_copy, "-s", "paf"),
        f"{PRIMITIVES.as_posix()}/planted.py:3: [ARCH-002]",
        "tta_dev_primitives.planted imports opentelemetry",
    )


def test_mcp_goes_red_on_instructions_that_apply_to_nothing(repo_copy: Path) -> None:
    (repo_copy / ".github/instructions/planted.instructions.md").write_text(
        '---\napplyTo: "src/**/*.rb"\n---\nPlanted.\n', encoding="utf-8"
    )
    _assert_red(
        _nox(repo_copy, "-s", "mcp"),
        ".github/instructions/planted.instructions.md:2:",
        "applyTo glob 'src/**/*.rb' matches no file",
    )


def test_mcp_goes_red_on_a_tool_with_an_invalid_input_schema(repo_copy: Path) -> None:
    _plant(
        repo_copy / "tooling/src/tta_tooling/mcp/schemas/tools/run_gate.json",
        '"type": "array",',
        '"type": "list",',
    )
    _assert_red(
        _nox(repo_copy, "-s", "mcp"),
        "tool run_gate: invalid input schema at properties.args.type",
    )


def test_api_goes_red_on_a_renamed_response_field(repo_copy: Path) -> None:
    _plant(
        repo_copy / TTA_API / "schemas.py",
        "    hit_ratio: float\n",
        '    hit_ratio: float = Field(serialization_alias="hit_rate")\n',
    )
    done = _nox(repo_copy, "-s", "api")
    _assert_red(done, "body.hit_ratio: expected", "body.hit_rate: unexpected field", "FAILED")


def test_api_record_goes_red_and_keeps_the_suite_when_the_service_misbehaves(
    repo_copy: Path,
) -> None:
    suite = repo_copy / "tests" / "api"
    before = {p.relative_to(suite): p.read_bytes() for p in suite.rglob("*") if p.is_file()}
    _plant(repo_copy / TTA_API / "service.py", "                404,\n", "                400,\n")
    done = _nox(repo_copy, "-s", "api-record")
    _assert_red(done, "/api/v1/workflows/no-such-workflow/run: expected 404, got 400")
    after = {p.relative_to(suite): p.read_bytes() for p in suite.rglob("*") if p.is_file()}
    assert after == before, "a failed recording changed tests/api"


def test_cost_goes_red_when_the_router_sends_everything_to_premium(repo_copy: Path) -> None:
    routing = repo_copy / "packages/tta-api/src/tta_api/routing.py"
    _plant(routing, "_CHEAP_BELOW = 32", "_CHEAP_BELOW = 0")
    _plant(routing, "_BALANCED_BELOW = 256", "_BALANCED_BELOW = 0")
    done = _nox(repo_copy, "-s", "cost")
    _assert_red(done, "cost: FAIL: savings ", "are below the 40.0% threshold")
    assert "quality guard:" not in done.stderr, done.stderr


def test_cost_goes_red_when_the_router_sends_everything_to_cheap(repo_copy: Path) -> None:
    _plant(
        repo_copy / "packages/tta-api/src/tta_api/routing.py",
        "_CHEAP_BELOW = 32",
        "_CHEAP_BELOW = 10**9",
    )
    done = _nox(repo_copy, "-s", "cost")
    _assert_red(done, "cost: FAIL: quality guard: 0.0% of complex requests")


def test_e2e_goes_red_on_a_recording_rule_over_a_misspelt_metric(repo_copy: Path) -> None:
    _plant(
        repo_copy / "monitoring/rules/primitives.yml",
        "rate(tta_primitive_duration_seconds_bucket[5m])",
        "rate(tta_primitive_duration_second_bucket[5m])",
    )
    done = _nox(repo_copy, "-s", "e2e", "--", "-k", "rule_file_has_unit_tests")
    _assert_red(
        done,
        'expr: "tta:primitive_duration_seconds:p95_5m", time: 10m',
        "alertname: PrimitiveLatencyP95AboveSLO",
        "FAILED tests/e2e/test_monitoring_rules.py::test_every_rule_file_has_unit_tests",
    )


def test_e2e_goes_red_when_prometheus_scrapes_a_dead_port(repo_copy: Path) -> None:
    _plant(
        repo_copy / "tooling/src/tta_tooling/stack/prometheus_config.py",
        "APP_JOB: app_port}",
        "APP_JOB: 1}",
    )
    done = _nox(repo_copy, "-s", "e2e", "--", "-k", "prometheus_scrapes_tta_api")
    _assert_red(
        done,
        "tta-api target 127.0.0.1:1 (http://127.0.0.1:1/metrics) is down",
        "FAILED tests/e2e/test_served_stack.py::test_prometheus_scrapes_tta_api",
    )
