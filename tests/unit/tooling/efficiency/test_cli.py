"""``tta-tooling efficiency`` as a user runs it (in-process, ``main(argv)``): output formats,
exit codes, configuration, suppressions, files that cannot be analysed, ``--stats``, and the
repository's own packages.

``sarif-schema-2.1.0.json`` beside this file is the OASIS SARIF 2.1.0 (errata 01)
JSON Schema, unchanged, from github.com/oasis-tcs/sarif-spec
(``sarif-2.1/schema/sarif-schema-2.1.0.json``).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from tta_tooling.cli import main
from tta_tooling.efficiency import RULES, load_config, scan

from ....common.repository_files import REPO_ROOT

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


@dataclass(frozen=True)
class Done:
    """What one in-process run of the command returned and printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Done]:
    """``run(repo, *args, **env)``: ``tta-tooling efficiency --root repo *args`` in-process,
    with ``env`` set and no GitHub Actions variables inherited."""

    def call(repo: Path, *args: str, **env: str) -> Done:
        for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        code = main(["efficiency", "--root", str(repo), *args])
        out, err = capsys.readouterr()
        return Done(code, out, err)

    return call


def test_text_output_names_file_line_column_and_rule(repo: Path, run: Callable[..., Done]) -> None:
    _write(repo, LOOP)
    done = run(repo)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "pkg/mod.py:8:9: EFF001 LLM call inside a loop or comprehension runs once per item, "
        "one after another (the comprehension at line 7)"
    ]
    assert "efficiency: 1 violation(s) in 2 file(s)" in done.stderr


def test_clean_tree_exits_zero(repo: Path, run: Callable[..., Done]) -> None:
    concurrent = LOOP.replace("return [", "return asyncio.gather(*[").replace("    ]", "    ])")
    _write(repo, concurrent.replace("import litellm", "import asyncio\n\nimport litellm"))
    done = run(repo)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr


def test_json_output(repo: Path, run: Callable[..., Done]) -> None:
    _write(repo, LOOP)
    done = run(repo, "--format", "json")
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
    repo: Path, run: Callable[..., Done]
) -> None:
    _write(repo, LOOP)
    report = repo / "reports" / "efficiency.sarif"
    done = run(repo, "--format", "sarif", "--sarif", str(report))
    assert done.returncode == 1
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(done.stdout)
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    assert json.loads(report.read_text(encoding="utf-8")) == log
    assert [p.name for p in report.parent.iterdir()] == ["efficiency.sarif"]
    sarif_run = log["runs"][0]
    assert [r["id"] for r in sarif_run["tool"]["driver"]["rules"]] == list(RULES)
    (result,) = sarif_run["results"]
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
    repo: Path, run: Callable[..., Done], tmp_path: Path
) -> None:
    _write(repo, LOOP)
    summary = tmp_path / "summary.md"
    done = run(repo, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
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
    repo: Path, run: Callable[..., Done], comment: str, expected: str
) -> None:
    _write(repo, LOOP.replace("for q in questions", f"for q in questions  {comment}"))
    done = run(repo)
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
    repo: Path, run: Callable[..., Done], section: str, expected: str
) -> None:
    (repo / "pyproject.toml").write_text(f'[tool.tta.efficiency]\npaths = ["pkg"]\n{section}\n')
    if section.startswith("paths"):
        (repo / "pyproject.toml").write_text(f"[tool.tta.efficiency]\n{section}\n")
    stale = repo / "efficiency.sarif"
    stale.write_text("{}")
    done = run(repo, "--sarif", str(stale))
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


def test_an_unparsable_file_is_its_own_finding_and_the_scan_goes_on(
    repo: Path, run: Callable[..., Done]
) -> None:
    _write(repo, LOOP)
    _write(repo, LOOP + "\ndef broken(:\n", "pkg/broken.py")
    done = run(repo, "--format", "json")
    assert done.returncode == 1
    found = [(f["code"], f["file"], f["line"]) for f in json.loads(done.stdout)]
    assert found == [("EFF900", "pkg/broken.py", 11), ("EFF001", "pkg/mod.py", 8)]


def test_a_latin_1_file_and_a_python_3_12_f_string_among_valid_files(
    repo: Path, run: Callable[..., Done]
) -> None:
    _write(repo, LOOP)
    (repo / "pkg" / "legacy.py").write_bytes(
        b'"""Caf\xe9 menu."""\n\nimport litellm\n\nlitellm.completion(model="m", messages=[])\n'
    )
    nested = 'def greet(names):\n    return f"{", ".join(f"{n}" for n in names)}"\n'
    _write(repo, LOOP.replace('"""Planted."""', '"""Planted."""\n\n' + nested), "pkg/new.py")
    done = run(repo, "--format", "json")
    assert done.returncode == 1
    found = [(f["code"], f["file"], f["line"]) for f in json.loads(done.stdout)]
    legacy = ("EFF900", "pkg/legacy.py", 1)
    if sys.version_info < (3, 12):
        assert found == [legacy, ("EFF001", "pkg/mod.py", 8), ("EFF900", "pkg/new.py", 4)]
        assert "cannot parse with Python 3.11's grammar" in done.stdout
    else:  # the newer grammar knows the syntax: the file is analysed like the others
        assert found == [legacy, ("EFF001", "pkg/mod.py", 8), ("EFF001", "pkg/new.py", 12)]
    assert "not valid utf-8 text (byte 0xe9)" in done.stdout


def test_a_coding_declaration_is_honoured(repo: Path) -> None:
    (repo / "pkg" / "legacy.py").write_bytes(
        b'# -*- coding: latin-1 -*-\n"""Caf\xe9."""\nimport litellm\n\n'
        b"for q in range(9):\n    litellm.completion(model='m', messages=[q], max_tokens=9)\n"
    )
    found = [(v.code, v.line) for v in scan(repo, load_config(repo)).violations]
    assert found == [("EFF001", 6)]


def test_unanalysable_files_can_be_switched_off_in_configuration(
    repo: Path, run: Callable[..., Done]
) -> None:
    _write(repo, "import litellm\n\nlitellm.completion(\ndef broken(:\n", "pkg/broken.py")
    (repo / "pyproject.toml").write_text(
        '[tool.tta.efficiency]\npaths = ["pkg"]\nignore = ["EFF900"]\n'
    )
    done = run(repo, "--stats")
    assert (done.returncode, done.stdout) == (0, "")
    assert "unparsable or unreadable: 1" in done.stderr


def test_stats_count_files_skips_and_findings_per_rule(
    repo: Path, run: Callable[..., Done]
) -> None:
    _write(repo, LOOP)
    done = run(repo, "--stats", "--format", "json")
    assert done.returncode == 1
    assert len(json.loads(done.stdout)) == 1  # stdout stays the report
    for line in (
        "files scanned: 2",
        "skipped by the pre-filter: 1",
        "unparsable or unreadable: 0",
        "EFF001 llm-call-in-loop: 1",
        "EFF006 missing-max-tokens: 0",
    ):
        assert line in done.stderr.splitlines()


def test_a_folder_without_configuration_is_scanned_whole(
    tmp_path: Path, run: Callable[..., Done]
) -> None:
    _write(tmp_path, LOOP, "excerpt.py")
    done = run(tmp_path, "--format", "json")
    assert [(f["file"], f["line"]) for f in json.loads(done.stdout)] == [("excerpt.py", 8)]


@pytest.mark.smoke
def test_entry_point_exit_codes_and_json(repo: Path) -> None:
    _write(repo, LOOP)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tta_tooling",
            "efficiency",
            "--root",
            str(repo),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": ""},
    )
    assert done.returncode == 1, done.stderr
    assert [f["code"] for f in json.loads(done.stdout)] == ["EFF001"]


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
        f'    return litellm.completion(model="m", messages=[{terms}], max_tokens=5)\n'
        "\n\nf()\nf()\n",
    )
    found = [(v.code, v.line) for v in scan(repo, load_config(repo)).violations]
    assert found == [("EFF002", 5)]


def test_code_too_deep_for_the_parser_is_its_own_finding(
    repo: Path, run: Callable[..., Done]
) -> None:
    terms = "(" * 5000 + "1" + ")" * 5000
    _write(repo, f"import litellm\n\nlitellm.completion(model={terms})\n")
    done = run(repo)
    assert done.returncode == 1
    assert done.stdout.startswith("pkg/mod.py:3:1: EFF900 file cannot be read or parsed")


def test_exclude_globs_and_command_line_paths_choose_the_files(
    repo: Path, run: Callable[..., Done]
) -> None:
    _write(repo, LOOP)
    (repo / "pkg" / "generated").mkdir()
    _write(repo, LOOP, "pkg/generated/client.py")
    (repo / "pyproject.toml").write_text(
        '[tool.tta.efficiency]\npaths = ["pkg"]\nexclude = ["pkg/generated/*"]\n'
    )
    assert [v.file for v in scan(repo, load_config(repo)).violations] == ["pkg/mod.py"]
    done = run(repo, "pkg/generated/client.py")
    assert done.returncode == 0, done.stdout
    assert "in 0 file(s)" in done.stderr
    done = run(repo, "pkg/__init__.py", "pkg/mod.py")
    assert done.returncode == 1
    assert "in 2 file(s)" in done.stderr


@pytest.mark.parametrize("errno_", [errno.ENOSPC, errno.EROFS], ids=["enospc", "erofs"])
def test_a_sarif_log_that_cannot_be_written_keeps_the_previous_one(
    repo: Path, run: Callable[..., Done], monkeypatch: pytest.MonkeyPatch, errno_: int
) -> None:
    _write(repo, LOOP)
    report = repo / "reports" / "efficiency.sarif"
    report.parent.mkdir()
    report.write_text('{"previous": true}\n', encoding="utf-8")

    def replace(*args: object) -> None:
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr(os, "replace", replace)
    done = run(repo, "--sarif", str(report))
    assert done.returncode == 2
    assert done.stderr == f"error: {report}: {os.strerror(errno_)}\n"
    assert report.read_text(encoding="utf-8") == '{"previous": true}\n'
    assert [p.name for p in report.parent.iterdir()] == ["efficiency.sarif"]
