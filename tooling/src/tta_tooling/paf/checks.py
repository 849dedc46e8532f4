"""The checks a fact can name, and running every fact of PAFCORE.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.paf.facts import Fact
from tta_tooling.paf.gate_definitions import ToolingMain, check_gate_definitions
from tta_tooling.paf.import_contracts import CONTRACTS_FILE, ImportContracts
from tta_tooling.paf.module_size import check_module_size
from tta_tooling.paf.package_stages import check_package_stages
from tta_tooling.paf.python_versions import check_python_versions
from tta_tooling.reporting import Finding

Outcome = tuple[list[Finding], str]
_PLAIN: dict[str, Callable[[Path], list[Finding]]] = {
    "package-stages": check_package_stages,
    "python-versions": check_python_versions,
}
IMPORT_CONTRACT, MODULE_SIZE = "import-contract", "module-size"
CHECK_GATES = "check-gates"
KNOWN_CHECKS = (CHECK_GATES, *_PLAIN, f"{IMPORT_CONTRACT}:<id>", f"{MODULE_SIZE}:<lines>")


@dataclass(frozen=True, slots=True)
class FactResult:
    """A fact and what its check found (no findings: it holds)."""

    fact: Fact
    findings: tuple[Finding, ...] = ()
    note: str = ""

    @property
    def status(self) -> str:
        """``manual``, ``holds`` or ``VIOLATED``."""
        if self.fact.manual:
            return "manual"
        return "VIOLATED" if self.findings else "holds"


def check_facts(
    root: Path, facts: list[Fact], pafcore: Path, tooling: ToolingMain
) -> list[FactResult]:
    """Validate every fact's check name first (exit 2 material), then run each check.

    ``tooling`` is ``tta-tooling``'s own ``main``, which the ``check-gates`` check runs.
    """
    contracts = ImportContracts(root) if (root / CONTRACTS_FILE).is_file() else None
    runners = {fact.id: _runner(root, fact, pafcore, contracts, tooling) for fact in facts}
    if contracts is not None:
        named = {f.check.partition(":")[2] for f in facts if f.check.startswith(IMPORT_CONTRACT)}
        unnamed = sorted(contracts.ids - named)
        if unnamed:
            raise InputError(
                root / CONTRACTS_FILE,
                f"contract {', '.join(unnamed)} is named by no fact of {pafcore.name}",
            )
    results = []
    for fact in facts:
        runner = runners[fact.id]
        if runner is None:
            results.append(FactResult(fact, note=fact.reason))
            continue
        findings, note = runner()
        results.append(FactResult(fact, tuple(findings), note))
    return results


def _runner(
    root: Path, fact: Fact, pafcore: Path, contracts: ImportContracts | None, tooling: ToolingMain
) -> Callable[[], Outcome] | None:
    if fact.manual:
        return None
    name, _, argument = fact.check.partition(":")
    if name == CHECK_GATES and not argument:
        return lambda: (check_gate_definitions(root, tooling), "")
    if name in _PLAIN and not argument:
        plain = _PLAIN[name]
        return lambda: (plain(root), "")
    if name == IMPORT_CONTRACT:
        if contracts is None:
            raise InputError(
                root / CONTRACTS_FILE, f"file not found ({fact.id} names {fact.check})"
            )
        if argument not in contracts.ids:
            raise InputError(
                pafcore,
                f"field check: {fact.id} names contract {argument!r}, not in {CONTRACTS_FILE} "
                f"({', '.join(sorted(contracts.ids))})",
                line=fact.line,
            )
        return lambda: contracts.check(argument)
    if name == MODULE_SIZE and argument.isdecimal() and int(argument) > 0:
        limit = int(argument)
        return lambda: (check_module_size(root, limit), f"limit {limit} lines")
    raise InputError(
        pafcore,
        f"field check: {fact.id} names unknown check {fact.check!r} "
        f"(known: {', '.join(KNOWN_CHECKS)}, manual: <reason>)",
        line=fact.line,
    )
