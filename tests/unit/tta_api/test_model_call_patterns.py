"""The root ``[tool.tta.efficiency]`` patterns make tta-api's model calls visible to the rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_api import load_catalog
from tta_api.catalog import Tier
from tta_api.simulated_model import Prompt, SimulatedModel
from tta_dev_primitives import WorkflowContext
from tta_tooling.efficiency.config import load_config
from tta_tooling.efficiency.runner import scan

REPO_ROOT = Path(__file__).resolve().parents[3]

_HEADER = (
    "import asyncio\n"
    "from tta_api.simulated_model import Prompt, SimulatedModel\n"
    "from tta_dev_primitives import WorkflowContext\n\n\n"
)


def _codes(tmp_path: Path, body: str) -> list[tuple[str, int]]:
    module = tmp_path / "packages" / "sample" / "planted.py"
    module.parent.mkdir(parents=True)
    module.write_text(_HEADER + body, encoding="utf-8")
    result = scan(tmp_path, load_config(REPO_ROOT), ["packages"])
    return [(violation.code, violation.line) for violation in result.violations]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "async def answer_all(spec, prompts: list[str], context: WorkflowContext) -> list:\n"
            "    model = SimulatedModel(spec, max_tokens=64)\n"
            "    return [await model.execute(Prompt(p), context) for p in prompts]\n",
            [("EFF001", 8)],
        ),
        (
            "async def answer_all(spec, prompts: list[str], context: WorkflowContext) -> list:\n"
            "    answers = []\n"
            "    for prompt in prompts:\n"
            "        model = SimulatedModel(spec, max_tokens=64)\n"
            "        answers.append(await model.execute(Prompt(prompt), context))\n"
            "    return answers\n",
            [("EFF001", 10)],
        ),
        (
            "async def answer(spec, text: str, context: WorkflowContext) -> object:\n"
            "    return await SimulatedModel(spec).execute(Prompt(text), context)\n",
            [("EFF006", 7)],
        ),
    ],
)
def test_simulated_model_calls_are_llm_calls(
    tmp_path: Path, body: str, expected: list[tuple[str, int]]
) -> None:
    assert _codes(tmp_path, body) == expected


@pytest.mark.parametrize(
    "body",
    [
        # concurrent calls, with an output limit on the model
        "async def answer_all(spec, prompts: list[str], context: WorkflowContext) -> list:\n"
        "    model = SimulatedModel(spec, max_tokens=64)\n"
        "    return await asyncio.gather(*(model.execute(Prompt(p), context) for p in prompts))\n",
        # a workflow primitive's execute in a loop is not a model call (the replay's loop)
        "async def replay(workflow, prompts: list[str]) -> None:\n"
        "    for prompt in prompts:\n"
        "        await workflow.primitive.execute(Prompt(prompt), WorkflowContext())\n",
        # a look-alike method name on another object
        "def render(reports: list) -> list:\n    return [report.execute() for report in reports]\n",
    ],
)
def test_look_alikes_and_batched_calls_are_not_reported(tmp_path: Path, body: str) -> None:
    assert _codes(tmp_path, body) == []


def test_the_packages_pass_with_the_project_patterns() -> None:
    config = load_config(REPO_ROOT)
    assert any("SimulatedModel" in pattern.text for pattern in config.llm_calls)
    assert scan(REPO_ROOT, config).violations == []


async def test_the_limit_the_pattern_names_caps_the_answer() -> None:
    spec = load_catalog().for_tier(Tier.PREMIUM)
    prompt = Prompt("Explain backpressure in a streaming pipeline with one example.")
    whole = await SimulatedModel(spec).execute(prompt, WorkflowContext())
    capped = await SimulatedModel(spec, max_tokens=3).execute(prompt, WorkflowContext())
    assert whole["tokens_out"] > 3
    assert capped["tokens_out"] == 3
    assert whole["text"].startswith(capped["text"])
    assert capped["cost_usd"] < whole["cost_usd"]
    with pytest.raises(ValueError, match="max_tokens must be at least 1, got 0"):
        SimulatedModel(spec, max_tokens=0)
