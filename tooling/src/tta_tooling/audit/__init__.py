"""The dependency audit gate: pip-audit over the hashed, locked dependency set, with an
ignore file whose entries carry an id, a reason and an expiry date."""

from tta_tooling.audit.ignores import Ignore, load_ignores
from tta_tooling.audit.pip_audit import AuditFailed, Vulnerability, run_pip_audit

__all__ = ["AuditFailed", "Ignore", "Vulnerability", "load_ignores", "run_pip_audit"]
