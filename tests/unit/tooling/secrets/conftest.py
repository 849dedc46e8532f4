"""Canary secrets, built at run time from fragments so no literal secret is ever tracked,
and a throw-away git repository configured like the real one."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ....common.repository_files import REPO_ROOT

NAMES_FILE = "packages/keploy-framework/src/keploy_framework/sensitive_names.json"


class Canaries:
    """One canary per detector family; each is a fresh, recognisable value."""

    aws_key = "AKIA" + "Z7Q4" + "M2XR" + "T9VB" + "K3HW"
    github_token = "gh" + "p_" + "c4nAry" * 6
    pem_header = "-----BEGIN " + "RSA PRIVATE KEY" + "-----"
    login = "c4nary-" + "pw-" + "Xq9" * 4  # the password in a JSON body

    def all(self) -> tuple[str, ...]:
        return (self.aws_key, self.github_token, self.pem_header, self.login)


@pytest.fixture
def canaries() -> Canaries:
    return Canaries()


@pytest.fixture
def secrets_repo(tmp_path: Path) -> Path:
    """A git repository with the real baseline's detectors, the shared names file and
    an artifact folder configured; nothing in it is a secret yet."""
    root = tmp_path / "repo"
    (root / Path(NAMES_FILE).parent).mkdir(parents=True)
    shutil.copy2(REPO_ROOT / NAMES_FILE, root / NAMES_FILE)
    baseline = json.loads((REPO_ROOT / ".secrets.baseline").read_text(encoding="utf-8"))
    baseline["results"] = {}
    (root / ".secrets.baseline").write_text(json.dumps(baseline), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[tool.tta.secrets]\nnames = "{NAMES_FILE}"\nartifacts = [".nox/reports", "tests/api"]\n',
        encoding="utf-8",
    )
    (root / "app.py").write_text('"""Nothing secret."""\n\nTIMEOUT = 3\n', encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    return root


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
