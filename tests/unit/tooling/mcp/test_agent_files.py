"""mcp.json and instruction front matter: schema errors exit 2, globs matching nothing are red."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tta_tooling.cli import main
from tta_tooling.errors import InputError
from tta_tooling.mcp.agent_files import check_agent_files, glob_regex, split_globs

from ....common.repository_files import REPO_ROOT

INSTRUCTIONS = ".github/instructions"


@pytest.fixture
def agent_copy(tmp_path: Path) -> Path:
    """The repository's agent files, plus one file each of their applyTo globs can match."""
    shutil.copytree(REPO_ROOT / ".vscode", tmp_path / ".vscode")
    shutil.copytree(REPO_ROOT / INSTRUCTIONS, tmp_path / INSTRUCTIONS)
    for name in (
        "noxfile.py",
        "PAFCORE.md",
        ".importlinter",
        "packages/p/src/p/__init__.py",
        "tooling/x.py",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / ".github/workflows").mkdir()
    (tmp_path / ".github/workflows/ci.yml").write_text("")
    return tmp_path


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_the_repository_agent_files_pass(agent_copy: Path) -> None:
    assert check_agent_files(agent_copy) == []


def test_an_apply_to_glob_matching_nothing_is_a_finding(agent_copy: Path) -> None:
    _write(
        agent_copy / INSTRUCTIONS / "ghost.instructions.md",
        '---\napplyTo: "**/*.py,docs/**/*.rst"\n---\nBe kind.\n',
    )
    findings = check_agent_files(agent_copy)
    assert [f.as_text() for f in findings] == [
        f"{INSTRUCTIONS}/ghost.instructions.md:2: applyTo glob 'docs/**/*.rst' matches no file "
        "in the repository"
    ]


def test_files_in_tool_folders_do_not_count_as_matches(agent_copy: Path) -> None:
    (agent_copy / ".nox/lint/lib").mkdir(parents=True)
    _write(agent_copy / ".nox/lint/lib/site.rst", "")
    _write(agent_copy / INSTRUCTIONS / "ghost.instructions.md", '---\napplyTo: "**/*.rst"\n---\n')
    assert len(check_agent_files(agent_copy)) == 1


def test_mcp_json_must_register_the_gate_server(agent_copy: Path) -> None:
    _write(
        agent_copy / ".vscode/mcp.json",
        '{"servers": {"other": {"type": "stdio", "command": "npx", "args": ["x"]}}}',
    )
    assert (
        "no server in `servers` runs `tta-tooling mcp`" in check_agent_files(agent_copy)[0].message
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"servers": {"g": {"type": "stdio", "args": []}}}',
            "field servers.g: 'command' is a required property",
        ),
        (
            '{"servers": {"g": {"type": "stdio", "command": 3}}}',
            "field servers.g.command: 3 is not of type 'string'",
        ),
        ('{"servers": {"g": {"command": "uv"}}}', "field servers.g: 'type' is a required"),
        ('{"servers": {}}', "field servers: {} should be non-empty"),
        ('{"server": {}}', "field (top level): 'servers' is a required property"),
        ('{"servers": {"g": {"type": "http", "url": "ftp://x"}}}', "field servers.g.url:"),
        ('{"servers": ', "not JSON with comments"),
    ],
)
def test_malformed_mcp_json_names_the_field(agent_copy: Path, text: str, expected: str) -> None:
    _write(agent_copy / ".vscode/mcp.json", text)
    with pytest.raises(InputError) as raised:
        check_agent_files(agent_copy)
    assert str(raised.value).startswith(str(agent_copy / ".vscode/mcp.json"))
    assert expected in str(raised.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No front matter.\n", "field applyTo: no front matter"),
        ("---\ndescription: x\n---\n", "field (top level): 'applyTo' is a required property"),
        ('---\napplyTo: "**"\napplyto: "x"\n---\n', "field (top level): Additional properties"),
        ("---\napplyTo: 3\n---\n", "field applyTo: 3 is not of type 'string'"),
        ('---\napplyTo: "  "\n---\n', "field applyTo:"),
        ("---\napplyTo: [unclosed\n---\n", "front matter is not YAML"),
    ],
)
def test_malformed_front_matter_names_the_field(agent_copy: Path, text: str, expected: str) -> None:
    path = agent_copy / INSTRUCTIONS / "bad.instructions.md"
    _write(path, text)
    with pytest.raises(InputError) as raised:
        check_agent_files(agent_copy)
    assert str(raised.value).startswith(f"{path}: ")
    assert expected in str(raised.value)


@pytest.mark.parametrize(
    ("relative", "text", "message"),
    [
        (
            f"{INSTRUCTIONS}/bad.instructions.md",
            "---\napplyTo: 3\n---\n",
            "field applyTo: 3 is not of type 'string' "
            "(schema instructions-front-matter.schema.json)",
        ),
        (
            ".vscode/mcp.json",
            '{"servers": {"tta": {"type": "stdio", "command": ""}}}',
            "field servers.tta.command: '' should be non-empty (schema vscode-mcp.schema.json)",
        ),
    ],
)
def test_the_command_exits_2_with_one_line(
    agent_copy: Path, capsys: pytest.CaptureFixture[str], relative: str, text: str, message: str
) -> None:
    _write(agent_copy / relative, text)
    assert main(["mcp-check", "--root", str(agent_copy)]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [f"error: {agent_copy / relative}: {message}"]
    assert captured.out == ""


@pytest.mark.parametrize(
    ("glob", "matches", "misses"),
    [
        ("**/*.py", ["a.py", "x/y/z.py"], ["a.pyc", "x/py"]),
        ("*.py", ["a.py"], ["x/a.py"]),
        ("packages/**", ["packages/a", "packages/a/b/c.py"], ["packagesX/a", "x/packages/a"]),
        ("src/?.py", ["src/a.py"], ["src/ab.py", "src/a/b.py"]),
        ("**/*.{py,pyi}", ["a.pyi", "b/c.py"], ["a.pyx"]),
        ("./noxfile.py", ["noxfile.py"], ["x/noxfile.py"]),
        ("a+b(c).md", ["a+b(c).md"], ["aab(c).md"]),
    ],
)
def test_globs_match_like_vs_code(glob: str, matches: list[str], misses: list[str]) -> None:
    pattern = glob_regex(glob)
    assert all(pattern.match(m) for m in matches)
    assert not any(pattern.match(m) for m in misses)


def test_apply_to_splits_on_commas_outside_braces() -> None:
    assert split_globs(" a/**, **/*.{py,pyi} ,,b ") == ["a/**", "**/*.{py,pyi}", "b"]
