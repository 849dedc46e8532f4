"""The audit family's command: ``tta-tooling audit``."""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
from pathlib import Path

from tta_process_support.arguments import whole_number
from tta_process_support.input_files import read_input

from tta_tooling.audit.ignores import Ignore, load_ignores
from tta_tooling.audit.lock_export import export_locked
from tta_tooling.audit.pip_audit import AuditFailed, run_pip_audit
from tta_tooling.reporting import append_step_summary, markdown_table

__all__ = ["register"]

_HELP = "known vulnerabilities of the locked dependencies (pip-audit, OSV); ignores expire"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``audit`` to the ``tta-tooling`` parser."""
    command = commands.add_parser("audit", help=_HELP, description=_HELP)
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--lock",
        type=Path,
        help="audit what this uv.lock installs (exported with `uv export --locked`)",
    )
    source.add_argument(
        "--requirements",
        type=Path,
        help="audit these hashed requirements (uv export --locked --format requirements-txt)",
    )
    command.add_argument(
        "--ignore-file", type=Path, default=Path(".github/audit-ignore.toml"), help="ignores"
    )
    command.add_argument("--osv-url", help="OSV query endpoint (default: pip-audit's, api.osv.dev)")
    command.add_argument(
        "--timeout",
        type=whole_number(1, 3600, "expected 1-3600 seconds"),
        default=15,
        help="seconds per request, 1-3600 (default 15)",
    )
    command.set_defaults(handler=_audit)


def _audit(args: argparse.Namespace) -> int:
    ignores = load_ignores(args.ignore_file)  # a bad ignore file fails before any export
    if args.lock is None:
        return _audit_requirements(args, ignores, args.requirements)
    with tempfile.TemporaryDirectory(prefix="tta-audit-") as folder:
        requirements = Path(folder, "requirements.txt")
        export_locked(args.lock, requirements)
        return _audit_requirements(args, ignores, requirements)


def _audit_requirements(args: argparse.Namespace, ignores: list[Ignore], requirements: Path) -> int:
    read_input(requirements)  # unreadable, oversized or not UTF-8: named here, exit 2
    today = datetime.datetime.now(datetime.UTC).date()
    expired = [entry for entry in ignores if entry.expired(today)]
    active = [entry.id for entry in ignores if not entry.expired(today)]
    for entry in expired:
        print(
            f"{args.ignore_file}: ignore entry {entry.id} expired on {entry.expires}"
            f" ({entry.reason}): fix, upgrade or renew it"
        )
    try:
        found = run_pip_audit(requirements, active, args.osv_url, args.timeout)
    except AuditFailed as failure:
        print(f"audit: {failure}", file=sys.stderr)
        return 1
    for vuln in found:
        fix = f"fixed in {', '.join(vuln.fix_versions)}" if vuln.fix_versions else "no fix yet"
        print(f"{vuln.package} {vuln.version}: {vuln.id} ({fix})")
    if found:
        rows = [(v.package, v.version, v.id, ", ".join(v.fix_versions)) for v in found]
        append_step_summary(
            "### Dependency audit\n\n"
            + markdown_table(("package", "version", "vulnerability", "fixed in"), rows)
        )
    verdict = f"{len(found)} vulnerability(ies)" if found else "no known vulnerabilities"
    print(f"audit: {verdict}, {len(expired)} expired ignore(s)", file=sys.stderr)
    return 1 if found or expired else 0
