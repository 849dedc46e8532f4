"""Every input file of ``tta-tooling`` is refused over ``TTA_MAX_INPUT_BYTES`` before parsing.

One line naming the file and the limit, exit 2 (the bounded reader itself is tested in
tests/unit/tta_process_support/test_input_files.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.text_files import read_json

from .conftest import run_in_process


def _limited(limit: int) -> dict[str, str]:
    return {**os.environ, "TTA_MAX_INPUT_BYTES": str(limit)}


def _one_line(done_stderr: str, *needles: str) -> None:
    lines = done_stderr.strip().splitlines()
    assert len(lines) == 1, done_stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_an_oversized_state_file_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"backend": "native", "workdir": None, "services": []}) + " " * 200)
    done = run_in_process(
        "stack", "status", f"--root={tmp_path}", f"--state={state}", env=_limited(100)
    )
    assert done.returncode == 2
    _one_line(done.stderr, str(state), "input limit of 100 bytes")


@pytest.mark.parametrize("option", ["--requirements", "--ignore-file"])
def test_oversized_audit_inputs_are_refused(tmp_path: Path, option: str) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("anyio==4.16.0\n")
    big = tmp_path / "big.txt"
    big.write_text("#" * 500 + "\n")
    paths = {"--requirements": requirements, "--ignore-file": tmp_path / "none.toml"}
    paths[option] = big
    done = run_in_process(
        "audit", *(f"{name}={path}" for name, path in paths.items()), env=_limited(100)
    )
    assert done.returncode == 2
    _one_line(done.stderr, str(big), "input limit of 100 bytes")


def test_json_nested_past_the_decoders_recursion_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match="invalid JSON: nested too deeply"):
        read_json(path)
