"""``python -m tta_api --port`` is checked before anything binds: exit 2 naming the option."""

from __future__ import annotations

import pytest
from tta_api.__main__ import main

from ...common.cli_in_process import run_main


@pytest.mark.parametrize(
    ("port", "problem"),
    [
        ("70000", "a TCP port is 0-65535, got '70000'"),
        ("-1", "a TCP port is 0-65535, got '-1'"),
        ("65536", "a TCP port is 0-65535, got '65536'"),
        ("eighty", "not a whole number: 'eighty'"),
    ],
)
def test_a_bad_port_exits_2_naming_it(port: str, problem: str) -> None:
    done = run_main(main, "python -m tta_api", "--port", port)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"python -m tta_api: error: argument --port: {problem}"
    assert "Traceback" not in done.stderr
