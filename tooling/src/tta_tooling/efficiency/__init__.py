"""Static LLM- and context-efficiency rules (EFF001-EFF006) over the packages' sources.

Pure AST: files are parsed, never imported. Which calls are LLM calls, caches,
routers and concurrency primitives is configured by call patterns
(:mod:`~tta_tooling.efficiency.patterns`, defaults in
:mod:`~tta_tooling.efficiency.defaults`, additions in ``[tool.tta.efficiency]``).
"""

from tta_tooling.efficiency.config import EfficiencyConfig, load_config
from tta_tooling.efficiency.registry import RULES, Rule, Violation
from tta_tooling.efficiency.runner import ScanResult, scan
from tta_tooling.efficiency.sarif import sarif_log, write_sarif

__all__ = [
    "RULES",
    "EfficiencyConfig",
    "Rule",
    "ScanResult",
    "Violation",
    "load_config",
    "sarif_log",
    "scan",
    "write_sarif",
]
