"""``tta-tooling secrets`` end to end on a throw-away repository: canaries planted in a
tracked source file, a recorded Keploy test case and a report each turn it red, naming
file and line, and the output never contains the canary."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from ..conftest import RunTooling
from .conftest import Canaries, git

KEPLOY_CASE = """\
version: api.keploy.io/v1beta1
kind: Http
name: test-1
spec:
    req:
        method: POST
        url: http://127.0.0.1:8000/login?api_key={key}
        header:
            Authorization: Bearer {token}
            Content-Type: application/json
        body: '{{"user": "ada", "password": "{password}"}}'
    resp:
        status_code: 200
        header:
            Set-Cookie: "[REDACTED]"
        body: '{{"token": "[REDACTED]"}}'
"""


def _assert_red(done: subprocess.CompletedProcess[str], canaries: Canaries, *where: str) -> None:
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    for text in where:
        assert text in output, output
    for canary in canaries.all():
        assert canary not in output


def test_a_clean_repository_passes(secrets_repo: Path, run_tooling: RunTooling) -> None:
    done = run_tooling("secrets", "--root", secrets_repo)
    assert done.returncode == 0, done.stderr
    assert "no secrets in" in done.stderr


def test_canaries_in_a_tracked_source_file(
    secrets_repo: Path, run_tooling: RunTooling, canaries: Canaries
) -> None:
    (secrets_repo / "settings.py").write_text(
        f'"""Planted."""\n\nAWS = "{canaries.aws_key}"\nGH = "{canaries.github_token}"\n'
        f'KEY = """{canaries.pem_header}"""\n',
        encoding="utf-8",
    )
    git(secrets_repo, "add", "settings.py")
    done = run_tooling("secrets", "--root", secrets_repo)
    _assert_red(
        done,
        canaries,
        "settings.py:3: AWS Access Key",
        "settings.py:4: GitHub Token",
        "settings.py:5: Private Key",
    )


def test_an_untracked_source_file_is_not_read(
    secrets_repo: Path, run_tooling: RunTooling, canaries: Canaries
) -> None:
    (secrets_repo / "scratch.py").write_text(f'AWS = "{canaries.aws_key}"\n', encoding="utf-8")
    assert run_tooling("secrets", "--root", secrets_repo).returncode == 0


def test_canaries_in_a_recorded_keploy_test_case(
    secrets_repo: Path, run_tooling: RunTooling, canaries: Canaries
) -> None:
    case = secrets_repo / "tests/api/test-set-0/tests/test-1.yaml"
    case.parent.mkdir(parents=True)
    case.write_text(
        KEPLOY_CASE.format(
            key=canaries.aws_key, token=canaries.github_token, password=canaries.login
        ),
        encoding="utf-8",
    )
    done = run_tooling("secrets", "--root", secrets_repo)
    name = "tests/api/test-set-0/tests/test-1.yaml"
    _assert_red(
        done,
        canaries,
        f"{name}:7: Sensitive Name: value under 'api_key'",
        f"{name}:9: Sensitive Name: value under 'authorization'",
        f"{name}:11: Sensitive Name: value under 'password'",
    )
    assert ":14:" not in done.stdout  # redacted values pass
    assert ":16:" not in done.stdout


def test_a_password_in_a_json_report(
    secrets_repo: Path, run_tooling: RunTooling, canaries: Canaries
) -> None:
    report = secrets_repo / ".nox/reports/replay.json"
    report.parent.mkdir(parents=True)
    body = json.dumps({"request": {"password": canaries.login}})
    report.write_text(
        json.dumps({"cases": [{"name": "login", "body": body}]}, indent=2), encoding="utf-8"
    )
    done = run_tooling("secrets", "--root", secrets_repo)
    _assert_red(done, canaries, ".nox/reports/replay.json:5: Sensitive Name")


def test_a_secret_in_a_json_lines_log(
    secrets_repo: Path, run_tooling: RunTooling, canaries: Canaries
) -> None:
    log = secrets_repo / ".nox/reports/api.log"
    log.parent.mkdir(parents=True)
    lines = ['{"event": "start"}', json.dumps({"headers": {"X-Api-Key": canaries.login}})]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_tooling("secrets", "--root", secrets_repo)
    _assert_red(done, canaries, ".nox/reports/api.log:2: Sensitive Name")


def test_an_audited_false_positive_is_accepted_and_an_unaudited_one_is_not(
    secrets_repo: Path, run_tooling: RunTooling, canaries: Canaries
) -> None:
    (secrets_repo / "example.py").write_text(f'AWS = "{canaries.aws_key}"\n', encoding="utf-8")
    git(secrets_repo, "add", "example.py")
    found = json.loads(run_tooling("secrets", "--root", secrets_repo, "--format=json").stdout)
    assert [(f["file"], f["line"], f["detector"]) for f in found] == [
        ("example.py", 1, "AWS Access Key")
    ]
    baseline_file = secrets_repo / ".secrets.baseline"
    baseline = json.loads(baseline_file.read_text(encoding="utf-8"))
    entry = {"type": "AWS Access Key", "hashed_secret": found[0]["hashed_secret"]}
    baseline["results"] = {"example.py": [entry]}
    baseline_file.write_text(json.dumps(baseline), encoding="utf-8")
    assert run_tooling("secrets", "--root", secrets_repo).returncode == 1
    entry["is_secret"] = False
    baseline_file.write_text(json.dumps(baseline), encoding="utf-8")
    assert run_tooling("secrets", "--root", secrets_repo).returncode == 0


def test_bad_configuration_exits_2_naming_the_field(
    secrets_repo: Path, run_tooling: RunTooling
) -> None:
    pyproject = secrets_repo / "pyproject.toml"
    pyproject.write_text("[tool.tta.secrets]\nartifacts = 3\n", encoding="utf-8")
    done = run_tooling("secrets", "--root", secrets_repo)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {pyproject}: [tool.tta.secrets].artifacts: expected a list of non-empty strings"
    ]


def test_a_missing_names_file_exits_2(secrets_repo: Path, run_tooling: RunTooling) -> None:
    (secrets_repo / "pyproject.toml").write_text(
        '[tool.tta.secrets]\nnames = "nowhere.json"\n', encoding="utf-8"
    )
    done = run_tooling("secrets", "--root", secrets_repo)
    assert done.returncode == 2
    assert "nowhere.json: cannot read" in done.stderr
    assert "Traceback" not in done.stderr


def test_outside_a_git_work_tree_exits_2(tmp_path: Path, run_tooling: RunTooling) -> None:
    (tmp_path / ".secrets.baseline").write_text(
        (Path(__file__).resolve().parents[4] / ".secrets.baseline").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    done = run_tooling("secrets", "--root", tmp_path)
    assert done.returncode == 2
    assert "git ls-files failed" in done.stderr


def test_an_allowlisted_yaml_line_passes(secrets_repo: Path, run_tooling: RunTooling) -> None:
    fixture = secrets_repo / "tests/api/fixture.yaml"
    fixture.parent.mkdir(parents=True)
    fixture.write_text(
        "header:\n  Authorization: Basic ZGVtbw==  # pragma: allowlist secret\n", encoding="utf-8"
    )
    assert run_tooling("secrets", "--root", secrets_repo).returncode == 0


def test_an_unreadable_baseline_exits_2(secrets_repo: Path, run_tooling: RunTooling) -> None:
    (secrets_repo / ".secrets.baseline").write_text('{"results": {}}', encoding="utf-8")
    done = run_tooling("secrets", "--root", secrets_repo)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("baseline: plugins_used: expected a non-empty list")


def test_excluded_paths_are_not_read(
    secrets_repo: Path, run_tooling: RunTooling, canaries: Canaries
) -> None:
    vendored = secrets_repo / "vendor/lib.py"
    vendored.parent.mkdir()
    vendored.write_text(f'AWS = "{canaries.aws_key}"\n', encoding="utf-8")
    git(secrets_repo, "add", "vendor/lib.py")
    assert run_tooling("secrets", "--root", secrets_repo).returncode == 1
    pyproject = secrets_repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + 'exclude = ["vendor/*"]\n', encoding="utf-8"
    )
    assert run_tooling("secrets", "--root", secrets_repo).returncode == 0


def test_git_commit_ids_in_benchmark_and_perf_results_are_not_secrets(
    secrets_repo: Path, run_tooling: RunTooling
) -> None:
    commit = hashlib.sha1(b"a commit", usedforsecurity=False).hexdigest()
    reports = secrets_repo / ".nox/reports"
    reports.mkdir(parents=True)
    # pytest-benchmark's commit_info and perf-regression's baseline, as they are written.
    latest = {"commit_info": {"id": commit, "dirty": False}, "benchmarks": []}
    (reports / "latest.json").write_text(json.dumps(latest, indent=4), encoding="utf-8")
    perf = {"baseline": {"commit": commit, "source": "merge-base with main"}}
    (reports / "perf-regression.json").write_text(json.dumps(perf, indent=2), encoding="utf-8")
    assert run_tooling("secrets", "--root", secrets_repo).returncode == 0
    # The same value under any other key is still a finding.
    (reports / "other.json").write_text(json.dumps({"digest": commit}, indent=2), "utf-8")
    done = run_tooling("secrets", "--root", secrets_repo)
    assert done.returncode == 1, done.stdout
    assert ".nox/reports/other.json:2: Hex High Entropy String" in done.stdout


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("tests/api/test-set-0/tests/test-2.yaml", "kind: Http\n# key: {aws}\nname: t\n", 2),
        ("tests/api/test-set-0/config.yml", "a: 1\nb: 2  # {aws}\n", 2),
        (".nox/reports/replay.json", '{{\n  // {aws}\n  "cases": []\n}}\n', 2),
        (".nox/reports/notes.txt", "run 1\nleaked {aws} here\n", 2),
        (".nox/reports/api.log", '{{"event": "start"}}\nplain text {aws}\n', 2),
    ],
)
def test_a_canary_in_a_comment_or_plain_line_of_an_artifact(
    secrets_repo: Path,
    run_tooling: RunTooling,
    canaries: Canaries,
    name: str,
    text: str,
    line: int,
) -> None:
    path = secrets_repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.format(aws=canaries.aws_key), encoding="utf-8")
    done = run_tooling("secrets", "--root", secrets_repo)
    _assert_red(done, canaries, f"{name}:{line}: AWS Access Key")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deploy/values.yaml", "replicas: 2\n# aws: {aws}\n"),
        ("settings.py", '"""Planted."""\n# {aws}\n'),
        ("deploy/app.json", '{{"a": 1,\n "note": "{aws}"}}\n'),
    ],
)
def test_a_canary_in_a_comment_of_a_tracked_file(
    secrets_repo: Path, run_tooling: RunTooling, canaries: Canaries, name: str, text: str
) -> None:
    path = secrets_repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.format(aws=canaries.aws_key), encoding="utf-8")
    git(secrets_repo, "add", name)
    done = run_tooling("secrets", "--root", secrets_repo)
    _assert_red(done, canaries, f"{name}:2: AWS Access Key")


def test_a_yaml_value_and_a_comment_are_both_reported(
    secrets_repo: Path, run_tooling: RunTooling, canaries: Canaries
) -> None:
    name = "tests/api/test-set-0/tests/test-3.yaml"
    path = secrets_repo / name
    path.parent.mkdir(parents=True)
    path.write_text(
        f"token: {canaries.github_token}\n# old: {canaries.aws_key}\n", encoding="utf-8"
    )
    done = run_tooling("secrets", "--root", secrets_repo)
    _assert_red(done, canaries, f"{name}:1: GitHub Token", f"{name}:2: AWS Access Key")
