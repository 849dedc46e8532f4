"""Gates weakened from inside pyproject.toml's ruff and mypy configuration.

The lint, format and typecheck sessions run their tool on the whole tree and let
the configuration pick the files, so the configuration may not narrow them:
ruff's ``exclude`` / ``extend-exclude`` hold only folders that are not the
project's code (tool and build folders, and test data folders named ``corpus``,
``fixtures``, ``testdata`` or ``data`` under ``tests/``), mypy stays ``strict`` over every room
(``packages``, ``tooling/src``, ``tests``) and no override sets ``ignore_errors``.
Ruff's per-file ignores apply only under ``tests/`` and never ``ALL``; no ignore
names ``ALL`` or a whole rule family. coverage.py measures every file of the
``source_pkgs`` (no ``omit`` / ``include``) and its exclusion patterns may not match
ordinary code. The configuration stays in pyproject.toml: a ``ruff.toml`` /
``.ruff.toml`` or a nested pyproject.toml with ``[tool.ruff]`` anywhere (ruff uses
the closest configuration), a ``mypy.ini`` / ``.mypy.ini`` / ``setup.cfg [mypy]``
(read before pyproject.toml) or a ``.coveragerc`` / ``setup.cfg`` / ``tox.ini``
coverage section (read before pyproject.toml) is a finding.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.gates.coverage_rules import check_coverage_settings
from tta_tooling.gates.repository_walk import repository_folders
from tta_tooling.parse_once import toml_document
from tta_tooling.reporting import Finding

PYPROJECT = "pyproject.toml"
MYPY_ROOMS = ("packages", "tooling/src", "tests")
# Tool and build folders, and test data folders (code that is wrong on purpose).
_NOT_CODE = re.compile(
    r"^(\.[\w.-]+|build|dist|node_modules|__pycache__"
    r"|tests/([\w.-]+/)*(corpus|fixtures|testdata|data))/?$"
)


# One file of each room: a mypy `exclude` regex that matches one leaves out code.
_CODE_SAMPLES = (
    "packages/tta-api/src/tta_api/main.py",
    "tooling/src/tta_tooling/cli.py",
    "tests/unit/tta_api/test_app.py",
    "tests/integration/conftest.py",
    "noxfile.py",
)
_MYPY_RELAXING_KEYS = frozenset(
    {"disable_error_code", "allow_untyped_defs", "allow_untyped_calls", "implicit_optional"}
)
# pyflakes, syntax errors and bugbear: the rules that find bugs (the self-test plants F401).
_BUG_RULES = ("F", "E9", "B")
_RULE_CODE = re.compile(r"^[A-Z]+[0-9]+$")
_ORDINARY_CODE = (
    "x = 1",
    "    return result",
    "def handle(request):",
    "    if value is None:",
    "        raise ValueError(name)",
    "import os",
)
_PRECEDING_CONFIGS: tuple[tuple[str, str | None], ...] = (
    ("mypy.ini", None),
    (".mypy.ini", None),
    ("setup.cfg", "[mypy"),
    (".coveragerc", None),
    ("setup.cfg", "[coverage:"),
    ("tox.ini", "[coverage:"),
)
_TOOL_OF = {
    (name, marker): ("mypy" if "mypy" in name or marker == "[mypy" else "coverage")
    for name, marker in _PRECEDING_CONFIGS
}


def check_tool_config(root: Path) -> Iterator[Finding]:
    """Findings in ``[tool.ruff]`` and ``[tool.mypy]`` of ``root / pyproject.toml``."""
    path = root / PYPROJECT
    text = read_input(path)
    try:
        tools = toml_document(text).get("tool", {})
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"invalid TOML: {error}") from error
    ruff = tools.get("ruff", {}) if isinstance(tools, dict) else {}
    for block in (ruff, ruff.get("lint", {}), ruff.get("format", {})):
        for key in ("exclude", "extend-exclude"):
            values = block.get(key, []) if isinstance(block, dict) else []
            for value in values if isinstance(values, list) else [values]:
                if not _NOT_CODE.match(str(value)):
                    yield Finding(
                        PYPROJECT,
                        f"ruff `{key}` leaves out {value!r}: lint and format check every file",
                        _line_of(text, key),
                    )
    if isinstance(ruff, dict) and "include" in ruff:
        yield Finding(
            PYPROJECT,
            "ruff `include` replaces the files ruff checks: use `extend-include`",
            _line_of(text, "include"),
        )
    yield from _check_ruff_ignores(ruff, text)
    yield from _plugins_and_extends(root, tools if isinstance(tools, dict) else {}, text)
    yield from _check_coverage(tools.get("coverage", {}) if isinstance(tools, dict) else {}, text)
    yield from _other_configs(root)
    mypy = tools.get("mypy", {}) if isinstance(tools, dict) else {}
    if isinstance(mypy, dict):
        yield from _check_mypy(mypy, text)


# Keys that load code or configuration from elsewhere: ruff's `extend` (another file's
# settings, which the rules here never read), mypy's and coverage's `plugins` (code that
# decides what is reported: mypy, plugin.py; coverage, plugin_support.py). A plugin
# that is an installed distribution (`pydantic.mypy`) is locked in uv.lock; one from
# this repository is a gate rewritten beside it.
_LOADING_KEYS = (("ruff", "extend"), ("mypy", "plugins"), ("coverage.run", "plugins"))


def _plugins_and_extends(root: Path, tools: dict[str, object], text: str) -> Iterator[Finding]:
    local = _local_modules(root)
    for section, key in _LOADING_KEYS:
        block: object = tools
        for part in section.split("."):
            block = block.get(part, {}) if isinstance(block, dict) else {}
        values = block.get(key) if isinstance(block, dict) else None
        loaded = [str(v) for v in (values if isinstance(values, list) else [values])]
        for value in loaded if values is not None else []:
            top = value.replace("\\", "/").split("/")[0].split(".")[0].split(":")[0]
            if key == "extend" or "/" in value or top in local:
                yield Finding(
                    PYPROJECT,
                    f"[tool.{section}] `{key}` loads {value!r} from this repository: its "
                    "settings or code can change what the gate reports",
                    _line_of(text, key),
                )


def _local_modules(root: Path) -> set[str]:
    """The import names this repository's own code has (its packages, tests, noxfile)."""
    names = {"tests", "noxfile", "tasks", "tooling", "packages"}
    for source in [*root.glob("packages/*/src"), root / "tooling" / "src"]:
        names.update(p.name.removesuffix(".py") for p in source.glob("*") if source.is_dir())
    return names


def _check_mypy(mypy: dict[str, object], text: str) -> Iterator[Finding]:
    if mypy.get("strict") is not True:
        yield Finding(PYPROJECT, "mypy must stay `strict = true`", _line_of(text, "strict"))
    files = mypy.get("files", [])
    listed = {str(f).rstrip("/") for f in (files if isinstance(files, list) else [files])}
    missing = [room for room in MYPY_ROOMS if room not in listed]
    if missing:
        yield Finding(
            PYPROJECT,
            f"mypy `files` leaves out {', '.join(missing)}: typecheck covers every room",
            _line_of(text, "files"),
        )
    yield from _check_mypy_relaxing(mypy, text, "the mypy configuration")
    for pattern in _strings(mypy.get("exclude")):
        hit = next((p for p in _CODE_SAMPLES if _searches(pattern, p)), None)
        if hit:
            yield Finding(
                PYPROJECT,
                f"mypy `exclude` {pattern!r} leaves out code such as {hit}",
                _line_of(text, "exclude"),
            )
    overrides = mypy.get("overrides", [])
    for override in overrides if isinstance(overrides, list) else []:
        if not isinstance(override, dict):
            continue
        if override.get("ignore_errors"):
            yield Finding(
                PYPROJECT,
                f"mypy override for {override.get('module')!r} sets `ignore_errors`",
                _line_of(text, "ignore_errors"),
            )
        modules = _strings(override.get("module"))
        if not all(m.startswith("tests.") or m == "tests" for m in modules):
            yield from _check_mypy_relaxing(override, text, f"the mypy override for {modules}")


def _check_mypy_relaxing(block: dict[str, object], text: str, where: str) -> Iterator[Finding]:
    """Keys that switch checks off: a strictness flag set false, skipped imports, codes."""
    for key, value in block.items():
        relaxed = value is False and key not in {"ignore_missing_imports", "ignore_errors"}
        relaxed = relaxed or key in _MYPY_RELAXING_KEYS
        relaxed = relaxed or (key == "follow_imports" and value in {"skip", "silent"})
        if relaxed:
            yield Finding(
                PYPROJECT,
                f"{where} sets `{key} = {value!r}`, which switches checks off",
                _line_of(text, key),
            )


def _searches(pattern: str, path: str) -> bool:
    try:
        return re.search(pattern, path) is not None
    except re.error:
        return True


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _check_ruff_ignores(ruff: object, text: str) -> Iterator[Finding]:
    lint = ruff.get("lint", {}) if isinstance(ruff, dict) else {}
    for block in (ruff, lint):
        if not isinstance(block, dict):
            continue
        for key in ("ignore", "extend-ignore"):
            for code in _strings(block.get(key)):
                if not _RULE_CODE.match(code) or code.startswith(_BUG_RULES):
                    why = "a whole rule family" if not _RULE_CODE.match(code) else "a rule"
                    yield Finding(
                        PYPROJECT,
                        f"ruff `{key}` ignores {code!r}, {why} (rules of {', '.join(_BUG_RULES)} "
                        "find bugs)",
                        _line_of(text, key),
                    )
        for key in ("select",):
            selected = _strings(block.get(key))
            if key in block and "ALL" not in selected and not {"E", "F"} <= set(selected):
                yield Finding(
                    PYPROJECT,
                    f"ruff `{key}` {selected!r} leaves out pycodestyle (E) or pyflakes (F)",
                    _line_of(text, key),
                )
        for key in ("per-file-ignores", "extend-per-file-ignores"):
            table = block.get(key)
            for glob, codes in table.items() if isinstance(table, dict) else []:
                excused = _strings(codes)
                bugs = any(c.startswith(_BUG_RULES) for c in excused)
                if not str(glob).startswith("tests/") or "ALL" in excused or bugs:
                    yield Finding(
                        PYPROJECT,
                        f"ruff `{key}` {glob!r} = {codes!r}: files may be excused from rules "
                        "only under tests/, never from ALL nor a rule that finds bugs",
                        _line_of(text, f'"{glob}"') or _line_of(text, f"'{glob}'"),
                    )


def _check_coverage(coverage: object, text: str) -> Iterator[Finding]:
    if not isinstance(coverage, dict):
        return
    yield from check_coverage_settings(coverage, text)
    for section in ("run", "report"):
        block = coverage.get(section, {})
        for key in ("omit", "include"):
            if isinstance(block, dict) and key in block:
                yield Finding(
                    PYPROJECT,
                    f"coverage `{section}.{key}` narrows the measured files: coverage-gate "
                    "measures every file of source_pkgs",
                    _line_of(text, key),
                )
        for key in ("exclude_lines", "exclude_also", "partial_branches", "partial_also"):
            patterns = _strings(block.get(key)) if isinstance(block, dict) else []
            for pattern in patterns:
                if _matches_code(pattern):
                    yield Finding(
                        PYPROJECT,
                        f"coverage `{section}.{key}` pattern {pattern!r} matches ordinary code",
                        _line_of(text, key),
                    )


def _matches_code(pattern: str) -> bool:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return True
    return any(compiled.search(line) for line in _ORDINARY_CODE)


def _other_configs(root: Path) -> Iterator[Finding]:
    for name, marker in _PRECEDING_CONFIGS:
        path = root / name
        if path.is_file() and (marker is None or marker in read_input(path)):
            yield Finding(name, f"configures {_TOOL_OF[name, marker]} outside {PYPROJECT}", 1)
    for folder, files in repository_folders(root):
        for name in files:
            path = folder / name
            nested = name == PYPROJECT and path != root / PYPROJECT
            if name in ("ruff.toml", ".ruff.toml") or (nested and "[tool.ruff" in read_input(path)):
                yield Finding(
                    path.relative_to(root).as_posix(),
                    "configures ruff for the files under it: the root pyproject.toml's "
                    "settings no longer apply there",
                    1,
                )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []
