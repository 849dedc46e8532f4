"""Gates switched off for a whole file from inside it, or by an ignore file.

mypy ignores a module whose first statement is preceded by a ``# type: ignore``
comment (PEP 484; mypy, fastparse.py: ASTConverter.translate_stmt_list marks the
module unreachable) and reads ``# mypy: ...`` comments as per-file configuration
(mypy, config_parser.py: parse_mypy_comments); ruff skips every rule in a file
with a bare ``# ruff: noqa`` / ``# flake8: noqa`` (ruff, noqa.rs: ParsedFileExemption);
``# pragma: no cover`` on a block drops it from coverage. ruff walks the tree
with ``.gitignore`` / ``.ignore`` applied (``respect-gitignore``, on by default),
so an ignore pattern that matches one of the project's Python files takes it out
of lint and format. Each is a finding naming the file and line.
"""

from __future__ import annotations

import fnmatch
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.gates.repository_walk import PRUNED, repository_folders
from tta_tooling.reporting import Finding

ROOMS = ("packages", "tooling", "tests", "noxfile.py", "tasks.py")
IGNORE_FILES = frozenset({".gitignore", ".ignore"})
_PRUNED = PRUNED | {"corpus"}
_TYPE_IGNORE = re.compile(r"^#\s*type:\s*ignore\b")
_MYPY_COMMENT = re.compile(r"^\s*#\s*mypy:\s*(?P<settings>.*)$")
_FILE_NOQA = re.compile(r"^\s*#\s*(ruff|flake8)\s*:\s*noqa\s*$", re.IGNORECASE)
_NOT_CODE = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING, tokenize.ENDMARKER}
)
_CANDIDATE = re.compile(
    r"#\s*(mypy\s*:|(ruff|flake8)\s*:\s*noqa\s*$|pragma:\s*no\s*cover)", re.I | re.M
)
_NO_COVER = re.compile(r"#\s*pragma:\s*no\s*cover", re.IGNORECASE)


def check_file_level_ignores(root: Path) -> Iterator[Finding]:
    """Whole-file ignore comments in the project's Python files, and ignore files hiding them."""
    files = list(_python_files(root))
    for path in files:
        yield from _comments(path, path.relative_to(root).as_posix())
    yield from _ignored_by_ignore_files(root, files)


def _python_files(root: Path) -> Iterator[Path]:
    for room in ROOMS:
        start = root / room
        if start.is_file():
            yield start
            continue
        for folder, names in repository_folders(start, pruned=_PRUNED):
            yield from (folder / n for n in names if n.endswith(".py"))


def _comments(path: Path, name: str) -> Iterator[Finding]:
    text = read_input(path)
    if not _CANDIDATE.search(text) and not _leading_type_ignore(text):
        return  # the common case, without tokenizing
    first_code = None
    comments: list[tuple[int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments.append((token.start[0], token.string))
            elif first_code is None and token.type not in _NOT_CODE:
                first_code = token.start[0]
    except (tokenize.TokenError, SyntaxError):
        return  # not Python: ruff reports it
    for number, comment in comments:
        if _TYPE_IGNORE.match(comment) and (first_code is None or number < first_code):
            yield Finding(
                name, "`# type: ignore` before the first statement: mypy skips the file", number
            )
        mypy = _MYPY_COMMENT.match(comment)
        if mypy and not mypy["settings"].strip().startswith("enable-error-code"):
            yield Finding(
                name, f"`# mypy: {mypy['settings'].strip()}` relaxes mypy for the file", number
            )
        if _FILE_NOQA.match(comment):
            yield Finding(name, "a bare file-level `noqa`: ruff checks no rule in the file", number)
        if _NO_COVER.search(comment):
            yield Finding(name, "`# pragma: no cover` leaves code out of the coverage gate", number)


def _leading_type_ignore(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if _TYPE_IGNORE.match(stripped):
            return True
        if stripped and not stripped.startswith("#"):
            return False
    return False


def _ignored_by_ignore_files(root: Path, files: list[Path]) -> Iterator[Finding]:
    for folder, names in repository_folders(root, pruned=_PRUNED):
        for ignore_name in sorted(IGNORE_FILES & set(names)):
            ignore_file = folder / ignore_name
            for number, raw in enumerate(read_input(ignore_file).splitlines(), start=1):
                pattern = raw.strip()
                if not pattern or pattern.startswith(("#", "!")):
                    continue
                hidden = next(
                    (
                        p
                        for p in files
                        if p.is_relative_to(folder) and _matches(pattern, p.relative_to(folder))
                    ),
                    None,
                )
                if hidden is not None:
                    yield Finding(
                        ignore_file.relative_to(root).as_posix(),
                        f"`{pattern}` hides {hidden.relative_to(root).as_posix()} from ruff "
                        "(it honours ignore files): lint and format would skip it",
                        number,
                    )


def _matches(pattern: str, relative: Path) -> bool:
    """Whether a gitignore ``pattern`` matches ``relative`` or one of its parent folders."""
    folder_only = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = "/" in body
    parts = relative.parts
    for depth in range(1, len(parts) + 1):
        if folder_only and depth == len(parts):
            break
        candidate = "/".join(parts[:depth]) if anchored else parts[depth - 1]
        if fnmatch.fnmatchcase(candidate, body) or (
            anchored and fnmatch.fnmatchcase(candidate, body.replace("**/", ""))
        ):
            return True
    return False
