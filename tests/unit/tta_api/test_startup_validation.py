"""A bad variable or catalog stops ``uvicorn tta_api.main:app`` (and ``python -m tta_api``)
with one line on stderr, exit code 2, no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CONFIG_VARIABLES

pytestmark = pytest.mark.smoke  # starts real processes

UVICORN = ("-m", "uvicorn", "tta_api.main:app")
SUPERVISED = ("-m", "tta_api")


def _start(
    env: dict[str, str], command: tuple[str, ...] = UVICORN
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    return subprocess.run(
        [sys.executable, *command, "--host", "127.0.0.1", "--port", "0"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value", "command"),
    [
        ("REDIS_URL", "http://127.0.0.1:6379", UVICORN),
        ("TTA_OBSERVABILITY", "sometimes", SUPERVISED),
    ],
)
def test_a_bad_variable_stops_start_up_naming_it(
    variable: str, value: str, command: tuple[str, ...]
) -> None:
    result = _start({variable: value}, command)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tta-api: invalid configuration: {variable}={value!r}")
    assert "Started server" not in result.stdout


def test_a_bad_catalog_stops_start_up_naming_file_and_field(tmp_path: Path) -> None:
    catalog = tmp_path / "models.toml"
    catalog.write_text('[[models]]\nname = "x"\n', encoding="utf-8")
    result = _start({"TTA_MODELS_FILE": str(catalog)})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"tta-api: {catalog}: models[0].tier: Field required"
    ]
