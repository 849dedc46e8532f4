"""``tta-tooling efficiency`` as a user runs it: output formats, exit codes, configuration,
suppressions, and the repository's own packages.

``sarif-schema-2.1.0.json`` beside this file is the OASIS SARIF 2.1.0 (errata 01)
JSON Schema, unchanged, from github.com/oasis-tcs/sarif-spec
(``sarif-2.1/schema/sarif-schema-2.1.0.json``).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
from tta_tooling.efficiency import RULES, load_config, scan

from ..conftest import REPO_ROOT, RunTooling

SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")

LOOP = '''"""Planted."""

import litellm


def answer_all(questions):
    return [
        litellm.completion(model="m", messages=[q], max_tokens=9) for q in questions
    ]
'''


def _write(repo: Path, text: str, name: str = "pkg/mod.py") -> Path:
    path = repo / name
    path.write_text(text, encoding="utf-8")
    return path


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return {**env, **extra}


def _run(
    run_tooling: RunTooling, repo: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return run_tooling("efficiency", "--root", repo, *args, env=_env(**env))


def test_text_output_names_file_line_column_and_rule(repo: Path, run_tooling: RunTooling) -> None:
    _write(repo, LOOP)
    done = _run(run_tooling, repo)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "pkg/mod.py:8:9: EFF001 LLM call inside a loop or comprehension runs once per item, "
        "one after another (the comprehension at line 7)"
    ]
    assert "efficiency: 1 violation(s) in 2 file(s)" in done.stderr


def test_clean_tree_exits_zero(repo: Path, run_tooling: RunTooling) -> None:
    concurrent = LOOP.replace("return [", "return asyncio.gather(*[").replace("    ]", "    ])")
    _write(repo, concurrent.replace("import litellm", "import asyncio\n\nimport litellm"))
    done = _run(run_tooling, repo)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr


def test_json_output(repo: Path, run_tooling: RunTooling) -> None:
    _write(repo, LOOP)
    done = _run(run_tooling, repo, "--format", "json")
    assert done.returncode == 1
    assert json.loads(done.stdout) == [
        {
            "code": "EFF001",
            "rule": "llm-call-in-loop",
            "file": "pkg/mod.py",
            "line": 8,
            "column": 9,
            "message": RULES["EFF001"].message + " (the comprehension at line 7)",
        }
    ]


def test_sarif_output_validates_against_the_sarif_2_1_0_schema(
    repo: Path, run_tooling: RunTooling
) -> None:
    _write(repo, LOOP)
    report = repo / "reports" / "efficiency.sarif"
    done = _run(run_tooling, repo, "--format", "sarif", "--sarif", str(report))
    assert done.returncode == 1
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(done.stdout)
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    assert json.loads(report.read_text(encoding="utf-8")) == log
    assert [p.name for p in report.parent.iterdir()] == ["efficiency.sarif"]
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(RULES)
    (result,) = run["results"]
    assert result["ruleId"] == "EFF001"
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 8,
        "startColumn": 9,
    }
    broken = json.loads(done.stdout)
    del broken["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft4Validator)


def test_github_actions_annotations_and_step_summary(
    repo: Path, run_tooling: RunTooling, tmp_path: Path
) -> None:
    _write(repo, LOOP)
    summary = tmp_path / "summary.md"
    done = _run(run_tooling, repo, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=pkg/mod.py,line=8::EFF001 LLM call inside")
    assert "| pkg/mod.py:8:9 | EFF001 |" in summary.read_text(encoding="utf-8")


def test_suppression_silences_only_its_code_on_its_line(repo: Path) -> None:
    suppressed_loop = LOOP.replace(
        "for q in questions", "for q in questions  # tta: ignore[EFF001] planted"
    )
    one_call = (
        "\n\ndef one(q):\n"
        '    return litellm.completion(model="m", messages=[q, "# tta: ignore[EFF006]"])'
        "  # tta: ignore[EFF001]\n"
    )
    _write(repo, suppressed_loop + one_call)
    found = [(v.code, v.line) for v in scan(repo, load_config(repo)).violations]
    assert found == [("EFF006", 13)]


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# tta: ignore[EFF01]", "pkg/mod.py:8: unknown rule code 'EFF01'"),
        ("# tta: ignore", "pkg/mod.py:8: '# tta: ignore' must name the rule"),
        ("# tta: ignore[]", "pkg/mod.py:8: '# tta: ignore' must name the rule"),
    ],
)
def test_bad_suppressions_are_usage_errors(
    repo: Path, run_tooling: RunTooling, comment: str, expected: str
) -> None:
    _write(repo, LOOP.replace("for q in questions", f"for q in questions  {comment}"))
    done = _run(run_tooling, repo)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {expected}")
    assert len(done.stderr.splitlines()) == 1
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ('ignore = ["EFF007"]', "[tool.tta.efficiency].ignore: unknown rule code 'EFF007'"),
        ('ignores = ["EFF001"]', "[tool.tta.efficiency].ignores: unknown key"),
        ('llm-calls = ["complete"]', "[tool.tta.efficiency].llm-calls: 'complete': name"),
        ("llm-calls = [{ pattern = 'a.B().c', max-tokens = [] }]", "llm-calls[0]: expected"),
        ('routers = ["acme.Router()"]', "[tool.tta.efficiency].routers: 'acme.Router()'"),
        ('paths = "pkg"', "[tool.tta.efficiency].paths: expected a list of strings"),
        ("paths = []", "[tool.tta.efficiency].paths: name at least one file or folder"),
        ('paths = ["nowhere"]', "nowhere: no such file or directory"),
    ],
)
def test_bad_configuration_is_a_usage_error(
    repo: Path, run_tooling: RunTooling, section: str, expected: str
) -> None:
    (repo / "pyproject.toml").write_text(f'[tool.tta.efficiency]\npaths = ["pkg"]\n{section}\n')
    if section.startswith("paths"):
        (repo / "pyproject.toml").write_text(f"[tool.tta.efficiency]\n{section}\n")
    stale = repo / "efficiency.sarif"
    stale.write_text("{}")
    done = _run(run_tooling, repo, "--sarif", str(stale))
    assert done.returncode == 2, done.stdout
    assert not stale.exists()
    assert expected in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_ignore_in_configuration_switches_a_rule_off(repo: Path) -> None:
    _write(repo, LOOP)
    (repo / "pyproject.toml").write_text(
        '[tool.tta.efficiency]\npaths = ["pkg"]\nignore = ["EFF001"]\n'
    )
    assert scan(repo, load_config(repo)).violations == []


def test_unparsable_candidate_file_is_a_usage_error(repo: Path, run_tooling: RunTooling) -> None:
    _write(repo, LOOP + "\ndef broken(:\n")
    done = _run(run_tooling, repo)
    assert done.returncode == 2
    assert done.stderr.startswith("error: pkg/mod.py:11: cannot parse")


def test_project_call_pattern_with_relative_import(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.tta.efficiency]\npaths = ["pkg"]\n'
        'llm-calls = [{ pattern = "pkg.models.Model().complete", max-tokens = ["limit"] }]\n'
    )
    _write(
        repo,
        "class Model:\n    def complete(self, prompt, limit):\n        return prompt\n",
        "pkg/models.py",
    )
    _write(
        repo,
        "from .models import Model\n\nmodel = Model()\n\n"
        "def run(prompts, helper):\n"
        "    helper.complete(prompts)\n"
        "    return [model.complete(p) for p in prompts]\n",
    )
    found = [(v.code, v.line) for v in scan(repo, load_config(repo)).violations]
    assert found == [("EFF001", 7), ("EFF006", 7)]


def test_the_repository_packages_pass_without_suppressions() -> None:
    result = scan(REPO_ROOT, load_config(REPO_ROOT))
    assert result.files > 0
    assert result.violations == []
    suppressed = [
        path
        for entry in load_config(REPO_ROOT).paths
        for path in (REPO_ROOT / entry).rglob("*.py")
        if "tta: ignore[" in path.read_text(encoding="utf-8")
    ]
    assert suppressed == []


def test_rules_reference_documents_every_rule() -> None:
    readme = (REPO_ROOT / "tooling" / "README.md").read_text(encoding="utf-8")
    for code, rule in RULES.items():
        assert f"`{code}` {rule.name}" in readme
        assert rule.rationale in readme
        assert rule.fix in readme


def test_deep_expressions_and_a_byte_order_mark_are_analysed(repo: Path) -> None:
    terms = " + ".join(['"x"'] * 600)
    _write(
        repo,
        "\ufeffimport litellm\n\n\ndef f():\n"
        f'    return litellm.completion(model="m", messages=[{terms}], max_tokens=5)\n',
    )
    found = [(v.code, v.line) for v in scan(repo, load_config(repo)).violations]
    assert found == [("EFF002", 5)]


def test_code_too_deep_for_the_parser_is_a_usage_error(repo: Path, run_tooling: RunTooling) -> None:
    terms = "(" * 5000 + "1" + ")" * 5000
    _write(repo, f"import litellm\n\nlitellm.completion(model={terms})\n")
    done = _run(run_tooling, repo)
    assert done.returncode == 2
    assert done.stderr.startswith("error: pkg/mod.py")
    assert len(done.stderr.splitlines()) == 1


def test_exclude_globs_and_command_line_paths_choose_the_files(
    repo: Path, run_tooling: RunTooling
) -> None:
    _write(repo, LOOP)
    (repo / "pkg" / "generated").mkdir()
    _write(repo, LOOP, "pkg/generated/client.py")
    (repo / "pyproject.toml").write_text(
        '[tool.tta.efficiency]\npaths = ["pkg"]\nexclude = ["pkg/generated/*"]\n'
    )
    assert [v.file for v in scan(repo, load_config(repo)).violations] == ["pkg/mod.py"]
    done = _run(run_tooling, repo, "pkg/generated/client.py")
    assert done.returncode == 0, done.stdout
    assert "in 0 file(s)" in done.stderr
    done = _run(run_tooling, repo, "pkg/__init__.py", "pkg/mod.py")
    assert done.returncode == 1
    assert "in 2 file(s)" in done.stderr
