"""``tta-tooling audit --lock``: the audited set is exported from uv.lock by the real uv.

Exporting starts uv, so those cases are the audit family's smoke tier; the
argument checks run in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_tooling.audit.lock_export import export_locked
from tta_tooling.errors import InputError

from ....common.repository_files import REPO_ROOT
from ..conftest import RunTooling


@pytest.mark.smoke
def test_the_repositorys_lock_exports_hashed_third_party_requirements(tmp_path: Path) -> None:
    output = tmp_path / "requirements.txt"
    export_locked(REPO_ROOT / "uv.lock", output)
    lines = output.read_text(encoding="utf-8").splitlines()
    pins = [line.split("==")[0] for line in lines if "==" in line and not line.startswith(" ")]
    assert {"pytest", "coverage", "pip-audit"} <= set(pins)
    assert not {"tta-tooling", "tta-api", "keploy-framework"} & set(pins), "workspace emitted"
    assert all(line.endswith("\\") for line in lines if "==" in line and not line.startswith("#"))
    assert any("--hash=sha256:" in line for line in lines)


@pytest.mark.smoke
def test_an_unreadable_lock_is_named_with_uvs_reason(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "tiny"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n',
        encoding="utf-8",
    )
    lock = tmp_path / "uv.lock"
    lock.write_text('version = "x"\n', encoding="utf-8")
    with pytest.raises(InputError) as raised:
        export_locked(lock, tmp_path / "requirements.txt")
    assert str(raised.value) == f"{lock}: `uv export --locked` failed: Failed to parse `uv.lock`"


def test_a_missing_lock_exits_2_naming_it(tmp_path: Path, run_tooling: RunTooling) -> None:
    lock = tmp_path / "uv.lock"
    done = run_tooling("audit", "--lock", lock, "--ignore-file", tmp_path / "none.toml")
    assert done.returncode == 2
    assert done.stderr == f"error: {lock}: not found: expected the project's uv.lock\n"


def test_lock_and_requirements_are_exclusive(tmp_path: Path, run_tooling: RunTooling) -> None:
    done = run_tooling("audit", "--lock", tmp_path, "--requirements", tmp_path)
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr
