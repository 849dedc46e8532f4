"""``tta-tooling audit`` against a fake OSV service on loopback, and with none at all.

The audit runs the real pip-audit, whose start-up alone takes over a second, so
the cases that reach it are the audit family's smoke tier.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ....common.ports import refused_port
from ..conftest import RunTooling
from .conftest import ALIAS, VULN_ID


def _ignore_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "audit-ignore.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.smoke
def test_an_unreachable_service_fails_with_one_line(
    tmp_path: Path, requirements: Path, run_tooling: RunTooling
) -> None:
    with refused_port() as port:
        url = f"http://127.0.0.1:{port}/v1/query"
        done = run_tooling(
            "audit",
            "--requirements",
            requirements,
            "--ignore-file",
            tmp_path / "none.toml",
            "--osv-url",
            url,
            "--timeout=3",
        )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"audit: the vulnerability service {url} is unreachable (no network?)"
    ]


@pytest.mark.smoke
def test_a_known_vulnerability_fails_naming_package_and_id(
    tmp_path: Path, requirements: Path, osv_url: str, run_tooling: RunTooling
) -> None:
    done = run_tooling(
        "audit", "--requirements", requirements, "--ignore-file", tmp_path / "none.toml",
        "--osv-url", osv_url,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert f"anyio 4.16.0: {VULN_ID} (fixed in 99.0)" in done.stdout
    assert "idna" not in done.stdout


@pytest.mark.smoke
def test_an_ignore_entry_by_alias_accepts_the_vulnerability_until_it_expires(
    tmp_path: Path, requirements: Path, osv_url: str, run_tooling: RunTooling
) -> None:
    entry = f'[[ignore]]\nid = "{ALIAS}"\nreason = "parser never used"\nexpires = {{}}\n'
    live = _ignore_file(tmp_path, entry.format("2999-01-01"))
    args = ("audit", "--requirements", requirements, "--osv-url", osv_url, "--ignore-file")
    done = run_tooling(*args, live)
    assert done.returncode == 0, done.stdout + done.stderr
    expired = _ignore_file(tmp_path, entry.format("2020-01-01"))
    done = run_tooling(*args, expired)
    assert done.returncode == 1
    assert f"ignore entry {ALIAS} expired on 2020-01-01 (parser never used)" in done.stdout
    assert VULN_ID in done.stdout


@pytest.mark.smoke
def test_an_expired_entry_fails_even_without_a_matching_vulnerability(
    tmp_path: Path, requirements: Path, osv_url: str, run_tooling: RunTooling
) -> None:
    stale = _ignore_file(
        tmp_path,
        f'[[ignore]]\nid = "{ALIAS}"\nreason = "r"\nexpires = 2020-01-01\n'
        '[[ignore]]\nid = "GHSA-0000-0000-0000"\nreason = "gone"\nexpires = 2021-02-03\n',
    )
    done = run_tooling(
        "audit", "--requirements", requirements, "--osv-url", osv_url, "--ignore-file", stale
    )
    assert done.returncode == 1
    assert "ignore entry GHSA-0000-0000-0000 expired on 2021-02-03" in done.stdout


def test_a_malformed_ignore_entry_exits_2_naming_it(
    tmp_path: Path, requirements: Path, run_tooling: RunTooling
) -> None:
    bad = _ignore_file(tmp_path, '[[ignore]]\nid = "X"\nexpires = 2030-01-01\n')
    done = run_tooling("audit", "--requirements", requirements, "--ignore-file", bad)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: {bad}: ignore[0]: missing reason (each entry needs id, reason, expires)"
    ]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"anyio==4.16.0 \xff\n", "not UTF-8 text: invalid start byte at byte 14"),
        (b"\xfe\xffanyio\n", "not UTF-8 text"),
        (b"anyio==4.16.0 # caf\xe9\n", "not UTF-8 text"),
    ],
)
def test_a_requirements_file_that_is_not_utf8_is_named(
    tmp_path: Path, run_tooling: RunTooling, content: bytes, needle: str
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_bytes(content)
    done = run_tooling("audit", "--requirements", requirements, "--ignore-file", tmp_path / "n")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {requirements}: {needle}")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "expected 1-3600 seconds, got '0'"),
        ("-3", "expected 1-3600 seconds, got '-3'"),
        ("3601", "expected 1-3600 seconds, got '3601'"),
        ("abc", "not a whole number: 'abc'"),
    ],
)
def test_a_bad_timeout_is_one_line_exit_2(
    tmp_path: Path, run_tooling: RunTooling, value: str, problem: str
) -> None:
    done = run_tooling("audit", "--requirements", tmp_path / "r.txt", f"--timeout={value}")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"tta-tooling audit: error: argument --timeout: {problem}"]
