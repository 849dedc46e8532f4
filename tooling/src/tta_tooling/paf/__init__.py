"""Permanent architectural facts: PAFCORE.md parsed, each fact's check run."""

from tta_tooling.paf.checks import FactResult, check_facts
from tta_tooling.paf.facts import Fact, parse_facts

__all__ = ["Fact", "FactResult", "check_facts", "parse_facts"]
