"""Every default nox gate goes red (exit 1) on a defect planted in a copy of the repository.

Each row copies the repository, plants one defect, and runs the real session
with nox, as a developer or CI would (`nox -s <session>`). They live with the
integration tests because the integration and benchmarks sessions they run
need a real redis-server and a quiet machine. Rows of opt-in gates are in
tests/selftest/ (see tests/common/gate_rows.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..common.gate_rows import OBSERVABILITY, PRIMITIVES, TTA_API, assert_red, run_nox
from ..common.repository_files import REPO_ROOT, plant

pytestmark = pytest.mark.integration


def test_lint_goes_red_on_an_unused_import(repo_copy: Path) -> None:
    (repo_copy / PRIMITIVES / "planted.py").write_text('"""Planted."""\n\nimport os\n')
    assert_red(run_nox(repo_copy, "-s", "lint"), "planted.py", "F401")


def test_format_goes_red_on_unformatted_code(repo_copy: Path) -> None:
    (repo_copy / PRIMITIVES / "planted.py").write_text('"""Planted."""\n\nx = {  "a":1 }\n')
    assert_red(run_nox(repo_copy, "-s", "format"), "planted.py", "Session format failed")


def test_typecheck_goes_red_on_a_type_error(repo_copy: Path) -> None:
    # A warm mypy cache, as a developer has: mypy re-checks what the copy changed (the
    # planted module) and validates the rest by content hash, instead of a cold 40 s run.
    warm_cache = REPO_ROOT / ".mypy_cache"
    if warm_cache.is_dir():
        shutil.copytree(warm_cache, repo_copy / ".mypy_cache")
    (repo_copy / PRIMITIVES / "planted.py").write_text(
        '"""Planted."""\n\n\ndef answer() -> int:\n    return "42"\n'
    )
    assert_red(run_nox(repo_copy, "-s", "typecheck"), "planted.py:5: error", "[return-value]")


def test_tests_go_red_on_a_failing_test(repo_copy: Path) -> None:
    planted = repo_copy / "tests/unit/tooling/test_planted.py"
    planted.write_text('"""Planted."""\n\n\ndef test_planted() -> None:\n    assert 1 + 1 == 3\n')
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    # One test file: one pytest process (-n 0) collects it faster than workers start.
    done = run_nox(repo_copy, "-s", f"tests-{python}", "--", "-n", "0", str(planted))
    assert_red(done, "1 failed")


def test_coverage_goes_red_when_a_package_loses_its_tests(repo_copy: Path) -> None:
    # Coverage data from the measured Python (the first, which runs this session) whose
    # run kept only the context tests: every other module of the primitives, and every
    # other package, is barely measured.
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    kept = "tests/unit/tta_dev_primitives/test_context.py"
    tested = run_nox(repo_copy, "-s", f"tests-{python}", "--", "-n", "0", kept)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    # Outside CI, coverage accepts the tests session's data without integration's.
    done = run_nox(repo_copy, "-s", "coverage", unset=("CI",))
    assert_red(done, "FAIL tta-dev-primitives:", "is below the production threshold of 80%")


def test_ci_config_goes_red_on_a_masked_gate(repo_copy: Path) -> None:
    workflow = repo_copy / ".github/workflows/quality-check.yml"
    text = workflow.read_text(encoding="utf-8")
    pinned = text.split("run: uvx nox@", 1)[1].split()[0]
    plant(
        workflow, f"run: uvx nox@{pinned} -t quality", f"run: uvx nox@{pinned} -t quality || true"
    )
    assert_red(
        run_nox(repo_copy, "-s", "ci-config"),
        "quality-check.yml:",
        "is followed by `||`, which swallows its failure",
    )


def test_integration_goes_red_when_redis_ttl_is_dropped(repo_copy: Path) -> None:
    plant(
        repo_copy / PRIMITIVES / "cache/redis_backend.py",
        "px=max(1, math.ceil(ttl_seconds * 1000))",
        "keepttl=False",
    )
    # -n 0: one process collects the tiers once, where each xdist worker would again.
    done = run_nox(
        repo_copy, "-s", "integration", "--", "-n", "0", "-k", "test_ttl_is_set_and_honoured"
    )
    assert_red(done, "FAILED tests/integration/test_redis_cache_backend.py::test_ttl_is_set")


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
    assert_red(run_nox(repo_copy, "-s", "observability"), "PlantedPrimitive: no span observed")


def test_observability_goes_red_when_the_process_wide_provider_is_not_set(
    repo_copy: Path,
) -> None:
    plant(
        repo_copy / OBSERVABILITY / "process_wide.py",
        "        trace.set_tracer_provider(TRACER_PROVIDER)\n",
        "        pass  # planted: the process-wide tracer provider is never set\n",
    )
    assert_red(
        run_nox(repo_copy, "-s", "observability"),
        "opentelemetry.trace.get_tracer_provider() is ProxyTracerProvider",
    )


def test_benchmarks_go_red_on_a_slow_sequential_primitive(repo_copy: Path) -> None:
    plant(
        repo_copy / PRIMITIVES / "composition/sequential.py",
        "            value = await step.execute(value, context)\n",
        "            value = await step.execute(value, context)\n"
        "            sum(range(2_000))  # planted: wasted work per step\n",
    )
    done = run_nox(repo_copy, "-s", "benchmarks", "--", "-k", "sequential")
    assert_red(done, "SequentialPrimitive of 3 async steps", "the target is <= 5.0x")


def test_efficiency_goes_red_on_an_llm_call_in_a_loop(repo_copy: Path) -> None:
    (repo_copy / PRIMITIVES / "planted.py").write_text(
        '"""Planted."""\n\nimport litellm\n\n\n'
        "def answer_all(questions: list[str]) -> list[object]:\n"
        '    return [litellm.completion(model="m", messages=[q], max_tokens=9) for q in questions]'
        "\n"
    )
    done = run_nox(repo_copy, "-s", "efficiency")
    assert_red(done, f"{PRIMITIVES.as_posix()}/planted.py:7:13: EFF001 LLM call inside a loop")


def test_paf_goes_red_when_primitives_import_opentelemetry(repo_copy: Path) -> None:
    (repo_copy / PRIMITIVES / "planted.py").write_text(
        '"""Planted."""\n\nfrom opentelemetry import trace\n', encoding="utf-8"
    )
    assert_red(
        run_nox(repo_copy, "-s", "paf"),
        f"{PRIMITIVES.as_posix()}/planted.py:3: [ARCH-002]",
        "tta_dev_primitives.planted imports opentelemetry",
    )


def test_mcp_goes_red_on_instructions_that_apply_to_nothing(repo_copy: Path) -> None:
    (repo_copy / ".github/instructions/planted.instructions.md").write_text(
        '---\napplyTo: "src/**/*.rb"\n---\nPlanted.\n', encoding="utf-8"
    )
    assert_red(
        run_nox(repo_copy, "-s", "mcp"),
        ".github/instructions/planted.instructions.md:2:",
        "applyTo glob 'src/**/*.rb' matches no file",
    )


def test_mcp_goes_red_on_a_tool_with_an_invalid_input_schema(repo_copy: Path) -> None:
    plant(
        repo_copy / "tooling/src/tta_tooling/mcp/schemas/tools/run_gate.json",
        '"type": "array",',
        '"type": "list",',
    )
    assert_red(
        run_nox(repo_copy, "-s", "mcp"),
        "tool run_gate: invalid input schema at properties.args.type",
    )


def test_api_goes_red_on_a_renamed_response_field(repo_copy: Path) -> None:
    plant(
        repo_copy / TTA_API / "schemas.py",
        "    hit_ratio: float\n",
        '    hit_ratio: float = Field(serialization_alias="hit_rate")\n',
    )
    done = run_nox(repo_copy, "-s", "api")
    assert_red(done, "body.hit_ratio: expected", "body.hit_rate: unexpected field", "FAILED")


def test_cost_goes_red_when_the_router_sends_everything_to_premium(repo_copy: Path) -> None:
    routing = repo_copy / "packages/tta-api/src/tta_api/routing.py"
    plant(routing, "_CHEAP_BELOW = 32", "_CHEAP_BELOW = 0")
    plant(routing, "_BALANCED_BELOW = 256", "_BALANCED_BELOW = 0")
    done = run_nox(repo_copy, "-s", "cost")
    assert_red(done, "cost: FAIL: savings ", "are below the 40.0% threshold")
    assert "quality guard:" not in done.stderr, done.stderr


def test_cost_goes_red_when_the_router_sends_everything_to_cheap(repo_copy: Path) -> None:
    plant(
        repo_copy / "packages/tta-api/src/tta_api/routing.py",
        "_CHEAP_BELOW = 32",
        "_CHEAP_BELOW = 10**9",
    )
    done = run_nox(repo_copy, "-s", "cost")
    assert_red(done, "cost: FAIL: quality guard: 0.0% of complex requests")


def _canaries() -> dict[str, str]:
    # Built from fragments at run time: no literal secret is ever tracked.
    return {
        "aws": "AKIA" + "Z7Q4" + "M2XR" + "T9VB" + "K3HW",
        "github": "gh" + "p_" + "c4nAry" * 6,
        "pem": "-----BEGIN " + "RSA PRIVATE KEY" + "-----",
        "login": "c4nary-" + "pw-" + "Xq9" * 4,  # the password in a JSON body
    }


def test_secrets_goes_red_on_canaries_in_source_recording_and_report(repo_copy: Path) -> None:
    canary = _canaries()
    body = json.dumps({"user": "ada", "password": canary["login"]})
    source = repo_copy / PRIMITIVES / "planted.py"
    source.write_text(
        f'"""Planted."""\n\nAWS = "{canary["aws"]}"\nGH = "{canary["github"]}"\n'
        f'PEM = """{canary["pem"]}"""\nBODY = {body!r}\n',
        encoding="utf-8",
    )
    recording = repo_copy / "tests/api/planted-set/tests/test-1.yaml"
    recording.parent.mkdir(parents=True)
    recording.write_text(
        "version: api.keploy.io/v1beta1\nkind: Http\nname: test-1\nspec:\n    req:\n"
        "        method: POST\n        url: http://127.0.0.1:8000/login\n        header:\n"
        f"            Authorization: Bearer {canary['github']}\n"
        f"            X-Aws-Access-Key-Id: {canary['aws']}\n"
        f"        body: '{body}'\n    resp:\n        body: '{canary['pem']}'\n",
        encoding="utf-8",
    )
    report = repo_copy / ".nox/reports/planted-report.json"
    report.parent.mkdir(parents=True)
    cases = [{"aws": canary["aws"], "gh": canary["github"], "key": canary["pem"], "body": body}]
    report.write_text(json.dumps({"cases": cases}, indent=1), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo_copy, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo_copy, check=True)
    done = run_nox(repo_copy, "-s", "secrets")
    planted = f"{PRIMITIVES.as_posix()}/planted.py"
    assert_red(
        done,
        f"{planted}:3: AWS Access Key",
        f"{planted}:4: GitHub Token",
        f"{planted}:5: Private Key",
        f"{planted}:6: Secret Keyword",
        "tests/api/planted-set/tests/test-1.yaml:9: GitHub Token",
        "tests/api/planted-set/tests/test-1.yaml:9: Sensitive Name",
        "tests/api/planted-set/tests/test-1.yaml:10: AWS Access Key",
        "tests/api/planted-set/tests/test-1.yaml:11: Sensitive Name",
        "tests/api/planted-set/tests/test-1.yaml:13: Private Key",
        ".nox/reports/planted-report.json:4: AWS Access Key",
        ".nox/reports/planted-report.json:5: GitHub Token",
        ".nox/reports/planted-report.json:6: Private Key",
        ".nox/reports/planted-report.json:7: Sensitive Name",
    )
    output = done.stdout + done.stderr
    assert not [name for name, value in canary.items() if value in output]
