"""Validators and checkers run by the monorepo's quality gates.

Every checker reads files of the repository; none imports the packages it
protects. The command line entry point is ``tta-tooling`` (``python -m tta_tooling``).
"""

from tta_tooling.errors import InputError
from tta_tooling.findings import Finding

__all__ = ["Finding", "InputError"]
