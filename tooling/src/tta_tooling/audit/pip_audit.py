"""Run pip-audit over a hashed requirements file and read its JSON verdict."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["AuditFailed", "Vulnerability", "run_pip_audit"]

# What requests/urllib3 say when the service cannot be reached (DNS, refused, timeout).
_UNREACHABLE = re.compile(
    r"ConnectionError|NewConnectionError|NameResolutionError|Max retries exceeded|"
    r"Could not connect|ConnectTimeout|ReadTimeout|Temporary failure in name resolution"
)


@dataclass(frozen=True)
class Vulnerability:
    """A known vulnerability of one locked package."""

    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fix_versions: tuple[str, ...]


class AuditFailed(Exception):
    """pip-audit gave no verdict; the message is one line saying why."""


def run_pip_audit(
    requirements: Path, ignored: Iterable[str], osv_url: str | None, timeout: int
) -> list[Vulnerability]:
    """The vulnerabilities pip-audit finds (ids in ``ignored`` excluded, aliases included)."""
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        f"--requirement={requirements}",
        "--require-hashes",
        "--disable-pip",
        "--vulnerability-service=osv",
        "--format=json",
        "--progress-spinner=off",
        f"--timeout={timeout}",
        *(f"--ignore-vuln={vuln}" for vuln in ignored),
    ]
    if osv_url:
        command.append(f"--osv-url={osv_url}")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        raise AuditFailed(_why(done.stderr, osv_url)) from None
    return [
        Vulnerability(
            dependency["name"],
            dependency.get("version", "?"),
            vuln["id"],
            tuple(vuln.get("aliases", ())),
            tuple(vuln.get("fix_versions", ())),
        )
        for dependency in report.get("dependencies", [])
        for vuln in dependency.get("vulns", [])
    ]


def _why(stderr: str, osv_url: str | None) -> str:
    service = osv_url or "https://api.osv.dev"
    if _UNREACHABLE.search(stderr):
        return f"the vulnerability service {service} is unreachable (no network?)"
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return f"pip-audit gave no verdict: {lines[-1] if lines else 'no output'}"
