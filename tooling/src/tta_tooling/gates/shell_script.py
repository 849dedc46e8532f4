"""Parse a ``run:`` script or a VS Code task command as shell, with bashlex.

The supported subset is what a thin CI step needs: simple commands with
assignments and redirections, ``;`` / ``&&`` / ``||`` lists, pipelines,
``if ...; then ...; fi``, ``{ ...; }`` and ``( ... )`` groups,
``[[ ... ]]`` conditionals (a test, like ``[``, unless they hold a
substitution), every redirection operator, and ``$(...)`` substitutions.
Arithmetic (``$(( ))``, ``(( ))``) and array assignments (``name=(...)``)
without a substitution in them are read as the values they are (bashlex
cannot parse them). Loops, functions and ``case`` (read as the
``if`` chain it is, nested ones too) are walked only for a whole script
(``structures=True``, as ``.ci/run``), where each command inside one carries
its ``nesting`` and a function's body is walked again at each call, as bash
runs it; in a step they are problems, as are here-documents and process substitution:
:func:`parse_script` reports them instead of guessing what they run.

Each command carries ``exposure``: why its failure would not fail the script
(``None`` when a failure does fail it, under ``bash -e``), and its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import bashlex  # type: ignore[import-untyped]
import bashlex.errors  # type: ignore[import-untyped]

_GROUPS = frozenset({"{", "}", "(", ")"})
_LOOPS = frozenset({"for", "while", "until"})
# `$((`, a command-position `((`, or `name=(` / `name+=(` (an array).
_VALUE_START = re.compile(r"\$\(\(|(?:^|(?<=[\s;&|!]))\(\(|(?<=\w=)\(|(?<=\w\+=)\(", re.MULTILINE)
_CODE_IN_VALUE = re.compile(r"\$\(|`|<\(")
# bashlex cannot parse `case`: it is read as the `if` chain it is (each branch conditional),
# nested ones too: `case` / `esac` are counted to find where each one ends.
_CASE_START = re.compile(r"(?<![\w$])case\s+[^\n]+?\s+in(?=\s)")
_CASE_TOKEN = re.compile(r"(?<![\w$-])(?P<keyword>case|esac)(?![\w-])|;;&|;;|;&")
_CASE_CLAUSE = re.compile(r"^(?P<space>\s*)\(?[^)\n]*\)(?P<commands>.*)$", re.DOTALL)
# bashlex cannot parse `[[ ]]`; one without a substitution in it only tests, as `[` does.
_CONDITIONAL = re.compile(r"(?<![\w$])\[\[\s(?P<body>[^\n]*?)\s\]\](?=[\s;&|)]|$)")


@dataclass(frozen=True, slots=True)
class ShellCommand:
    """One simple command: its words, ``NAME=value`` prefixes and redirection targets."""

    argv: tuple[str, ...]
    assignments: tuple[str, ...] = ()
    redirects: tuple[tuple[str, str], ...] = ()
    exposure: str | None = None
    in_substitution: bool = False
    line: int = 1
    nesting: str | None = None
    """Why the command does not run at the top level (an ``if`` branch, a loop...)."""
    depth: int = 0
    """How many structures (function, ``if``, loop, group) the command sits in."""
    called_from: int | None = None
    """The line of the call, for a function body's command walked where it is called."""

    def __str__(self) -> str:
        return " ".join([*self.assignments, *self.argv])


@dataclass(slots=True)
class ParsedScript:
    """The commands of a script, and what in it lies outside the supported subset."""

    commands: list[ShellCommand] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    text: str = ""
    structures: bool = False
    nesting: list[str] = field(default_factory=list)
    functions: dict[str, tuple[Any, list[str], int]] = field(default_factory=dict)
    """Each function's body, the structures its definition sits in, and its line."""
    calling: list[str] = field(default_factory=list)

    def line_of(self, node: Any) -> int:
        return self.text.count("\n", 0, node.pos[0]) + 1


def parse_script(script: str, *, structures: bool = False) -> ParsedScript:
    """Every simple command of ``script`` in order, including those in substitutions."""
    text, trees, problem = _syntax_trees(script, structures)
    parsed = ParsedScript(text=text, structures=structures)
    if problem is not None:
        parsed.problems.append(problem)
    for tree in trees:
        _walk(tree, None, parsed)
    return parsed


@lru_cache(maxsize=2048)
def _syntax_trees(script: str, structures: bool) -> tuple[str, tuple[Any, ...], str | None]:
    """The text bashlex parses, its trees, and why it could not parse them (or None).

    bashlex takes milliseconds a script, and CI files repeat their scripts (the
    same set-up step in every job): each distinct script is parsed once per
    process. The trees are shared, so nothing may change them.
    """
    text = _plain_values(_CONDITIONAL.sub(_as_test, script))
    if structures:
        text = _cases_as_ifs(text)
    if not script.strip():
        return text, (), None
    try:
        return text, tuple(bashlex.parse(text)), None
    except (bashlex.errors.ParsingError, NotImplementedError, IndexError, ValueError) as error:
        return text, (), f"cannot parse the script as shell: {_first_line(error)}"


def _cases_as_ifs(text: str) -> str:
    """Every ``case`` of ``text``, nested ones included, as the ``if`` chain it is."""
    out: list[str] = []
    index = 0
    while (start := _CASE_START.search(text, index)) is not None:
        end = _esac(text, start.end())
        if end is None:
            break  # no `esac`: left for bashlex to refuse
        out.append(text[index : start.start()])
        out.append(_case_as_if(text[start.end() : end]))
        index = end + len("esac")
    out.append(text[index:])
    return "".join(out)


def _esac(text: str, start: int) -> int | None:
    """Where the ``esac`` closing the ``case`` whose body starts at ``start`` is."""
    depth = 0
    for token in _CASE_TOKEN.finditer(text, start):
        if token["keyword"] == "case":
            depth += 1
        elif token["keyword"] == "esac":
            if depth == 0:
                return token.start()
            depth -= 1
    return None


def _clauses(body: str) -> list[str]:
    """A ``case`` body split at its own ``;;`` / ``;&`` / ``;;&`` (not a nested case's)."""
    clauses: list[str] = []
    depth = 0
    begin = 0
    for token in _CASE_TOKEN.finditer(body):
        if token["keyword"]:
            depth += 1 if token["keyword"] == "case" else -1
        elif depth == 0:
            clauses.append(body[begin : token.start()])
            begin = token.end()
    return [*clauses, body[begin:]]


def _case_as_if(body: str) -> str:
    """``p) cmds;; ...`` (a case's body) as ``if [ case ]; then cmds; elif ...; fi``.

    Each branch runs only when its pattern matches, as an ``if`` branch does; the
    text keeps its newlines, so every command keeps its line.
    """
    out: list[str] = []
    keyword = "if"
    for clause in _clauses(body):
        branch = _CASE_CLAUSE.match(clause)
        if branch is None:
            out.append(clause)
            continue
        commands = _cases_as_ifs(branch["commands"])
        text = commands.rstrip()
        out.append(f"{branch['space']}{keyword} [ case ]; then {text or ':'}; ")
        out.append(commands[len(text) :])
        keyword = "elif"
    out.append("fi" if keyword == "elif" else "true")
    return "".join(out)


def _as_test(match: re.Match[str]) -> str:
    body = match["body"]
    return match[0] if "$(" in body or "`" in body or "<(" in body else "[ conditional ]"


def _plain_values(script: str) -> str:
    """``$((...))`` as ``0``, ``((...))`` as a test and ``name=(...)`` as a word.

    Only spans on one line without a substitution in them: anything else is
    left for bashlex to refuse.
    """
    out: list[str] = []
    index = 0
    while index < len(script):
        match = _VALUE_START.match(script, index)
        end = _closing(script, match.end()) if match else -1
        span = script[match.end() : end] if match and end != -1 else ""
        if match and end != -1 and not _CODE_IN_VALUE.search(span):
            kind = match[0]
            out.append({"$((": "0", "((": "[ arithmetic ]"}.get(kind, "array"))
            index = end + (2 if "((" in kind else 1)
            continue
        out.append(script[index])
        index += 1
    return "".join(out)


def _closing(script: str, start: int) -> int:
    depth = 0
    for index in range(start, len(script)):
        char = script[index]
        if char == "\n":
            return -1
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return index
            depth -= 1
    return -1


def _walk(node: Any, exposure: str | None, parsed: ParsedScript) -> None:
    kind = node.kind
    if kind == "command":
        _command(node, exposure, parsed)
    elif kind in _LOOPS and parsed.structures:
        _loop(node, exposure, parsed)
    elif kind == "function" and parsed.structures:
        parsed.functions[node.name.word] = (node.body, [*parsed.nesting], parsed.line_of(node))
        parsed.nesting.append(f"inside function {node.name.word}()")
        _walk(node.body, exposure, parsed)
        parsed.nesting.pop()
    elif kind == "list":
        _list(node.parts, exposure, parsed)
    elif kind == "pipeline":
        _pipeline(node.parts, exposure, parsed)
    elif kind == "compound":
        _compound(node, exposure, parsed)
    elif kind == "if":
        _if(node.parts, exposure, parsed)
    elif kind in {"operator", "reservedword", "pipe"}:
        return
    else:
        parsed.problems.append(f"`{kind}` is outside the supported shell subset")


def _list(parts: list[Any], exposure: str | None, parsed: ParsedScript) -> None:
    operators = [p.op for p in parts if p.kind == "operator"]
    items = [p for p in parts if p.kind != "operator"]
    for index, item in enumerate(items):
        after = operators[index] if index < len(operators) else None
        before = operators[index - 1] if index > 0 else None
        reason = exposure
        if after == "||":
            reason = reason or "is followed by `||`, which swallows its failure"
        elif after == "&&":
            reason = reason or "is followed by `&&`: bash -e ignores a failure there"
        elif after == "&":
            reason = reason or "runs in the background (`&`): nothing waits for its exit status"
        elif before == "||":
            before_kind = "test" if _is_test(items[index - 1]) else "command"
            reason = reason or f"runs only when the {before_kind} before `||` fails"
        elif before == "&&" and _is_test(items[index - 1]):
            reason = reason or "runs only when the test before `&&` passes"
        _walk(item, reason, parsed)


def _is_test(node: Any) -> bool:
    words = [p.word for p in getattr(node, "parts", []) if p.kind == "word"]
    return node.kind == "command" and words[:1] in (["["], ["test"], ["false"])


def _pipeline(parts: list[Any], exposure: str | None, parsed: ParsedScript) -> None:
    negated = any(p.kind == "reservedword" and p.word == "!" for p in parts)
    reason = exposure or (
        "is negated with `!`" if negated else "is part of a pipeline, which can hide its status"
    )
    for part in parts:
        _walk(part, reason, parsed)


def _compound(node: Any, exposure: str | None, parsed: ParsedScript) -> None:
    words = [p.word for p in node.list if p.kind == "reservedword"]
    if any(word not in _GROUPS for word in words):
        construct = next(word for word in words if word not in _GROUPS)
        parsed.problems.append(f"`{construct}` is outside the supported shell subset")
        return
    parsed.nesting.extend(["inside a group"] if words else [])  # else it wraps an if / loop
    for part in node.list:
        _walk(part, exposure, parsed)
    del parsed.nesting[len(parsed.nesting) - (1 if words else 0) :]
    for redirect in getattr(node, "redirects", []):
        _walk(redirect, exposure, parsed)


def _loop(node: Any, exposure: str | None, parsed: ParsedScript) -> None:
    parsed.nesting.append(f"inside a `{node.kind}` loop")
    in_condition = False
    for part in node.parts:
        if part.kind == "reservedword":
            in_condition = part.word in {"while", "until"}
        elif part.kind != "word":
            reason = exposure or "is a loop condition: its failure only ends the loop"
            _walk(part, reason if in_condition else exposure, parsed)
    parsed.nesting.pop()


def _if(parts: list[Any], exposure: str | None, parsed: ParsedScript) -> None:
    in_condition = False
    for part in parts:
        if part.kind == "reservedword":
            in_condition = part.word in {"if", "elif"}
            continue
        reason = exposure or ("is an `if` condition: its failure only picks a branch")
        parsed.nesting.append("inside a `case`" if _is_case(parts) else "inside an `if`")
        _walk(part, reason if in_condition else exposure, parsed)
        parsed.nesting.pop()


def _is_case(parts: list[Any]) -> bool:
    condition = parts[1] if len(parts) > 1 else None
    if condition is not None and condition.kind == "list":
        condition = condition.parts[0]
    words = [p.word for p in getattr(condition, "parts", []) if p.kind == "word"]
    return words == ["[", "case", "]"]


def _command(node: Any, exposure: str | None, parsed: ParsedScript) -> None:
    argv: list[str] = []
    assignments: list[str] = []
    redirects: list[tuple[str, str]] = []
    for part in node.parts:
        if part.kind == "word":
            argv.append(part.word)
        elif part.kind == "assignment":
            (argv if argv else assignments).append(part.word)
        elif part.kind == "redirect":
            target = part.output
            if not isinstance(target, int) and target.kind == "word":
                redirects.append((part.type, target.word))
                _substitutions(target, parsed)
            if part.type in {"<<", "<<-", "<<<"}:
                parsed.problems.append("here-documents are outside the supported shell subset")
        _substitutions(part, parsed)
    parsed.commands.append(
        ShellCommand(
            tuple(argv),
            tuple(assignments),
            tuple(redirects),
            exposure,
            line=parsed.line_of(node),
            nesting=parsed.nesting[0] if parsed.nesting else None,
            depth=len(parsed.nesting),
        )
    )
    if argv and argv[0] in parsed.functions and argv[0] not in parsed.calling:
        _call(argv[0], exposure, parsed.line_of(node), parsed)


def _call(name: str, exposure: str | None, line: int, parsed: ParsedScript) -> None:
    """A defined function's body walked again where it is called, as bash runs it.

    Its commands sit where the call sits (top level, or in the call's ``if`` /
    loop...) and in the structures around the definition (a function defined
    in an ``if`` exists only when that branch ran); they share the call's
    exposure (``f || true`` swallows ``f``'s nox) and keep ``called_from``, the
    line of the outermost call. A function calling itself is walked once.
    """
    first = len(parsed.commands)
    body, defined_in, _ = parsed.functions[name]
    parsed.calling.append(name)
    parsed.nesting.extend(f"{n} (where `{name}` is defined)" for n in defined_in)
    parts = body.list if body.kind == "compound" else [body]
    for part in parts:
        if part.kind != "reservedword":
            _walk(part, exposure, parsed)
    del parsed.nesting[len(parsed.nesting) - len(defined_in) :]
    parsed.calling.pop()
    parsed.commands[first:] = [replace(c, called_from=line) for c in parsed.commands[first:]]


def _substitutions(node: Any, parsed: ParsedScript) -> None:
    for part in getattr(node, "parts", []):
        if part.kind == "commandsubstitution":
            inner = ParsedScript(
                text=parsed.text, structures=parsed.structures, functions=parsed.functions
            )
            _walk(part.command, "runs inside `$(...)`, whose status is discarded", inner)
            parsed.commands.extend(
                replace(c, in_substitution=True, nesting=c.nesting or parsed_nesting(parsed))
                for c in inner.commands
            )
            parsed.problems.extend(inner.problems)
        elif part.kind == "processsubstitution":
            parsed.problems.append("process substitution is outside the supported shell subset")
        else:
            _substitutions(part, parsed)


def parsed_nesting(parsed: ParsedScript) -> str | None:
    return parsed.nesting[0] if parsed.nesting else None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
