"""The files that point agents at the gates: ``.vscode/mcp.json`` and Copilot's
``.github/instructions/*.instructions.md``, checked against schemas kept here."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import json5
import jsonschema
import yaml
from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.reporting import Finding

MCP_JSON = Path(".vscode/mcp.json")
INSTRUCTIONS_DIR = Path(".github/instructions")
SERVER_COMMAND = ("tta-tooling", "mcp")
_NOT_WALKED = {".git", ".nox", ".venv", "node_modules", "__pycache__", ".benchmarks"}
_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)^---[ \t]*\r?$", re.DOTALL | re.MULTILINE
)


def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema kept in ``tta_tooling/mcp/schemas/``."""
    text = resources.files("tta_tooling.mcp").joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def check_agent_files(root: Path) -> list[Finding]:
    """Schema-invalid files raise :class:`InputError`; files pointing nowhere are findings."""
    findings = _check_mcp_json(root)
    instructions = sorted((root / INSTRUCTIONS_DIR).glob("*.instructions.md"))
    if not instructions:
        findings.append(Finding(INSTRUCTIONS_DIR.as_posix(), "no *.instructions.md file"))
    files = list(_repository_files(root)) if instructions else []
    for path in instructions:
        findings += _check_instructions(root, path, files)
    return findings


def _check_mcp_json(root: Path) -> list[Finding]:
    path = root / MCP_JSON
    try:
        config = json5.loads(read_input(path))
    except ValueError as error:
        raise InputError(path, f"not JSON with comments: {error}") from error
    _validate(path, config, "vscode-mcp.schema.json")
    runs_server = any(_runs_gate_server(server) for server in config["servers"].values())
    if runs_server:
        return []
    command = " ".join(SERVER_COMMAND)
    return [Finding(MCP_JSON.as_posix(), f"no server in `servers` runs `{command}`")]


def _runs_gate_server(server: dict[str, Any]) -> bool:
    argv = [server.get("command", ""), *server.get("args", [])]
    return any(tuple(argv[i : i + len(SERVER_COMMAND)]) == SERVER_COMMAND for i in range(len(argv)))


def _check_instructions(root: Path, path: Path, files: list[str]) -> list[Finding]:
    text = read_input(path)
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise InputError(path, "field applyTo: no front matter (--- applyTo: '<globs>' ---)")
    try:
        front = yaml.safe_load(match["yaml"])
    except yaml.YAMLError as error:
        raise InputError(path, f"front matter is not YAML: {error}") from error
    _validate(path, front, "instructions-front-matter.schema.json")
    relative = path.relative_to(root).as_posix()
    return [
        Finding(relative, f"applyTo glob {glob!r} matches no file in the repository", line=2)
        for glob in split_globs(front["applyTo"])
        if not any(glob_regex(glob).match(name) for name in files)
    ]


def _validate(path: Path, document: object, schema_name: str) -> None:
    schema = load_schema(schema_name)
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(document)
    )
    if error is not None:
        field = ".".join(map(str, error.absolute_path)) or "(top level)"
        raise InputError(path, f"field {field}: {error.message} (schema {schema_name})")


def split_globs(apply_to: str) -> list[str]:
    """The comma-separated globs of an ``applyTo`` (commas inside ``{a,b}`` do not split)."""
    globs, depth, current = [], 0, ""
    for char in apply_to:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            globs.append(current.strip())
            current = ""
        else:
            current += char
    return [g for g in [*globs, current.strip()] if g]


def glob_regex(glob: str) -> re.Pattern[str]:
    """A VS Code / Copilot glob as a regex over repository-relative POSIX paths.

    ``**`` spans directories, ``*`` and ``?`` stay within one, ``{a,b}`` is either.
    """
    out, i = [], 0
    pattern = glob.removeprefix("./").removeprefix("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] in "*?":
            out.append("[^/]*" if pattern[i] == "*" else "[^/]")
            i += 1
        elif pattern[i] == "{" and "}" in pattern[i:]:
            end = pattern.index("}", i)
            options = pattern[i + 1 : end].split(",")
            out.append("(?:" + "|".join(glob_regex(o).pattern[:-2] for o in options) + ")")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _repository_files(root: Path) -> Iterator[str]:
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _NOT_WALKED and not d.endswith("_cache")]
        base = Path(folder).relative_to(root)
        for name in names:
            yield (base / name).as_posix()
