"""Validators and checkers run by the monorepo's quality gates.

Every checker reads files of the repository; none imports the packages it
protects. Each gate family is a subpackage (``gates``, ``perf``, ``paf``...)
that may import the top-level modules (:mod:`tta_tooling.reporting`,
:mod:`tta_tooling.errors`, :mod:`tta_tooling.posargs_policy`) and its own
modules, never another family. The command line entry point is
``tta-tooling`` (``python -m tta_tooling``); :mod:`tta_tooling.cli` only dispatches.
"""

from tta_tooling.errors import InputError
from tta_tooling.reporting import Finding

__all__ = ["Finding", "InputError"]
