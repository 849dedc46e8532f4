"""What every check receives: one file, its LLM call sites and the configuration."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tta_tooling.efficiency.call_sites import LlmCall
from tta_tooling.efficiency.config import EfficiencyConfig
from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.project import HelperCall, Project
from tta_tooling.efficiency.registry import Violation

__all__ = ["FileScan"]


@dataclass(frozen=True)
class FileScan:
    """One file under analysis.

    ``cached_names`` are the qualified names of the functions, methods and classes
    that a cache wraps anywhere in the scanned files (a workflow may wrap a step
    defined elsewhere); ``helper_calls`` are the calls of scanned functions that
    reach a model call.
    """

    module: SourceModule
    config: EfficiencyConfig
    llm_calls: list[LlmCall]
    cached_names: frozenset[str]
    helper_calls: list[HelperCall]
    project: Project

    def violation(self, code: str, node: ast.expr | ast.stmt, detail: str) -> Violation:
        """A violation of ``code`` at ``node``."""
        return Violation(code, self.module.relpath, node.lineno, self.module.column(node), detail)
