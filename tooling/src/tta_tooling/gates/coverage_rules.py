"""Coverage thresholds weakened from inside: coverage.py's options and each package's stage.

coverage-gate holds each package to the threshold of its ``[tool.tta] stage``
(:mod:`~tta_tooling.gates.packages_config`); the README's package table states
each stage, so a package whose pyproject.toml declares another stage than the
README, with a lower threshold, is a finding (a demotion is a documented
decision, never a quiet edit; a promotion may run ahead of the README).
coverage.py applies ``fail_under`` after every report command (coverage,
cmdline.py: CoverageScript.command_line, ``should_fail_under``), so a value
below the lowest stage's threshold, given in ``[tool.coverage.report]`` or as
``--fail-under`` in noxfile.py, states a weaker gate than the stages and is a
finding. A coverage command in noxfile.py may not narrow what is measured or
reported (``--omit``, ``--include``, ``--source``, ``--skip-covered``,
``--skip-empty``) nor read another configuration (``--rcfile``); nor may the
``report`` / ``xml`` / ``json`` sections skip files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.gates.packages_config import STAGE_THRESHOLDS, package_manifests, read_package
from tta_tooling.reporting import Finding

README = "README.md"
LOWEST_THRESHOLD = min(STAGE_THRESHOLDS.values())
_NARROWING_OPTIONS = ("--omit", "--include", "--source", "--rcfile", "--skip-covered")
_SKIPPING_KEYS = ("skip_covered", "skip_empty")
_README_ROW = re.compile(
    r"^\|\s*\[`(?P<folder>[\w./-]+)`\]\([^)]*\)\s*\|[^|]*\|\s*(?P<stage>\w+)\s*\|"
)


def coverage_command_problems(words: list[str]) -> Iterator[str]:
    """Why a ``coverage ...`` command's options weaken the coverage gate."""
    for index, word in enumerate(words):
        option, equals, value = word.partition("=")
        if option in (*_NARROWING_OPTIONS, "--skip-empty"):
            yield f"runs coverage with `{word}`, which narrows what is measured or reported"
        elif option == "--fail-under":
            value = value if equals else (words[index + 1] if index + 1 < len(words) else "")
            problem = _fail_under_problem(value)
            if problem:
                yield f"runs coverage with `--fail-under {value}`: {problem}"


def check_coverage_settings(coverage: dict[str, object], text: str) -> Iterator[Finding]:
    """``fail_under`` and the skipping keys of ``[tool.coverage.report|xml|json]``."""
    for section in ("report", "xml", "json"):
        block = coverage.get(section, {})
        if not isinstance(block, dict):
            continue
        if "fail_under" in block:
            problem = _fail_under_problem(str(block["fail_under"]))
            if problem:
                yield Finding(
                    "pyproject.toml",
                    f"coverage `{section}.fail_under = {block['fail_under']}`: {problem}",
                    _line_of(text, "fail_under"),
                )
        for key in _SKIPPING_KEYS:
            if block.get(key) not in (None, False):
                yield Finding(
                    "pyproject.toml",
                    f"coverage `{section}.{key}` leaves files out of the reports",
                    _line_of(text, key),
                )


def check_stages(root: Path) -> Iterator[Finding]:
    """Each package's declared stage equals the README's package table."""
    readme = root / README
    if not readme.is_file():
        return
    stated = {
        match["folder"].rstrip("/"): match["stage"]
        for match in map(_README_ROW.match, read_input(readme).splitlines())
        if match
    }
    for manifest_path in package_manifests(root):
        try:
            package = read_package(manifest_path)
        except InputError:
            continue  # not a workspace package with a stage: coverage-gate reports it
        folder = package.source_dir.parent.relative_to(root).as_posix()
        required = STAGE_THRESHOLDS.get(stated.get(folder, ""), 0.0)
        if package.threshold < required:
            manifest = f"{folder}/pyproject.toml"
            yield Finding(
                manifest,
                f"declares stage {package.stage!r} ({package.threshold:.0f}% coverage) but "
                f"{README} states {stated[folder]!r} "
                f"({required:.0f}%): a lower stage is changed in both, on purpose",
                _line_of(read_input(root / manifest), "stage"),
            )


def _fail_under_problem(value: str) -> str | None:
    try:
        number = float(value)
    except ValueError:
        return "not a number"
    if number < LOWEST_THRESHOLD:
        return (
            f"below the lowest stage's threshold ({LOWEST_THRESHOLD:.0f}%): "
            "thresholds come from each package's stage"
        )
    return None


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None
