"""``[tool.tta.secrets]``: the repository's own section, and malformed ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.secrets.config import SecretsConfig, load_config
from tta_tooling.secrets.names import load_names

from ....common.repository_files import REPO_ROOT
from .conftest import NAMES_FILE


def test_the_repository_scans_artifacts_with_the_recorder_names() -> None:
    config = load_config(REPO_ROOT)
    assert config.names == NAMES_FILE
    assert load_names(REPO_ROOT / config.names).marker == "[REDACTED]"
    assert {".nox/reports", "tests/api"} <= set(config.artifacts)
    assert (REPO_ROOT / config.baseline).is_file()


def test_no_section_means_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert load_config(tmp_path) == SecretsConfig()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("paths = []", r"\[tool.tta.secrets\].paths: unknown key"),
        ('names = ""', r"\.names: expected a non-empty path string"),
        ("baseline = 3", r"\.baseline: expected a non-empty path string"),
        ('exclude = [""]', r"\.exclude: expected a list of non-empty strings"),
        ('artifacts = ["../elsewhere"]', r"\.artifacts: '../elsewhere' is not inside the root"),
        ('artifacts = ["/tmp"]', r"\.artifacts: '/tmp' is not inside the root"),
    ],
)
def test_malformed_sections_name_the_field(tmp_path: Path, section: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.tta.secrets]\n{section}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_config(tmp_path)


def test_a_section_that_is_not_a_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tta]\nsecrets = 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a table"):
        load_config(tmp_path)
