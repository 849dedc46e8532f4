"""The rules for one script (a ``run:`` step or a VS Code task): what it may do and what it runs.

A script may only set up the environment (install a tool, set a harmless
variable, write ``$GITHUB_OUTPUT`` / ``$GITHUB_ENV`` in the one literal form
check-gates reads, write ``$GITHUB_STEP_SUMMARY``) and run nox, pinned to the
locked version, selecting sessions that exist, with posargs the session allows,
where a failure fails the step. ``${{ }}`` text is substituted into the script
before the shell reads it (actions/runner, ScriptHandler: the expression is
evaluated, then the file is written), so it is code unless it resolves to plain words.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from tta_tooling.gates.env_policy import SELECTING_VARIABLES, TOOL_VARIABLE, unlisted_variables
from tta_tooling.gates.gh_expressions import MaskedScript, mask_expressions, whole_expression
from tta_tooling.gates.lock_installs import unlocked_install
from tta_tooling.gates.nox_invocations import NoxCall, parse_nox
from tta_tooling.gates.nox_sessions import Session, SessionCatalog
from tta_tooling.gates.shell_script import ParsedScript, ShellCommand, parse_script
from tta_tooling.posargs_policy import refused_posargs
from tta_tooling.reporting import Finding

_VARIABLE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")
_OUTPUT_LINE = re.compile(r"^(?P<name>[A-Za-z_][\w-]*)=(?P<value>[^\n]*)$")
_SUBSTITUTION = re.compile(r"^\$\((?P<command>.*)\)$", re.DOTALL)
_ASSIGNING_EXPANSION = re.compile(r"\$\{#?\w+:?[=?]")
_SAFE_WORD = re.compile(r"^[\w.@%+=:,/-]*$")
# Contexts whose values GitHub sets to plain words (no text a pull request controls).
RUNNER_VALUES = frozenset(
    {
        "runner.os",
        "runner.arch",
        "github.sha",
        "github.run_id",
        "github.run_number",
        "github.run_attempt",
        "github.event_name",
        "github.job",
        "github.repository",
        "github.workspace",
    }
)
# Runner variables that differ between a pull request and a push (the others are constant).
_EVENT_VARIABLE = re.compile(
    r"\$\{?(GITHUB_(EVENT_NAME|EVENT_PATH|REF|REF_NAME|REF_TYPE|HEAD_REF|BASE_REF)|CI_EVENT)\b"
)
_GITHUB_FILES = frozenset({"GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY"})
_DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})
_INPUT_REDIRECTS = frozenset({"<", "<<", "<<-", "<<<", "<&"})
_SETUP_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("true",),
    (":",),
    ("[",),
    ("test",),
    ("apt-get", "update"),
    ("apt-get", "install"),
    ("brew", "install"),
    ("pip", "install"),
    ("pipx", "install"),
    ("python", "-m", "pip", "install"),
    ("python3", "-m", "pip", "install"),
    ("uv", "python", "install"),
    ("uv", "sync"),
    ("uv", "pip", "install"),
    ("uv", "pip", "sync"),
    ("uv", "--version"),
    ("pyenv", "install"),
    ("pyenv", "global"),
    ("pyenv", "versions"),
    ("pyenv", "version"),
    ("pyenv", "rehash"),
)
# apt-get options that run commands (`-o APT::Update::Post-Invoke::=...`) or read a config.
_APT_HOOKS = re.compile(r"^(-o|--option|-c|--config-file)(=|$)|::")

Resolver = Callable[[str], list[object] | None]
Listing = list[dict[str, object]]


@dataclass(frozen=True, slots=True)
class Rules:
    """What every script is checked against: the catalog, posargs allow-lists, the nox pin."""

    catalog: SessionCatalog
    posargs: Mapping[str, tuple[re.Pattern[str], ...]]
    nox_version: str


@dataclass(slots=True)
class ScriptResult:
    """Findings of one script, the sessions it runs and the outputs it writes."""

    findings: list[Finding] = field(default_factory=list)
    runs: set[str] = field(default_factory=set)
    outputs: dict[str, Listing | str] = field(default_factory=dict)
    nox_calls: int = 0


def check_script(
    script: str,
    at: Finding,
    rules: Rules,
    *,
    env: Mapping[str, str],
    resolve: Resolver,
    posix: bool = True,
) -> ScriptResult:
    """Check ``script`` (bash/sh when ``posix``, else one plain pwsh/cmd command line)."""
    result = ScriptResult()
    masked = mask_expressions(script)
    for expression in masked.expressions.values():
        if expression in RUNNER_VALUES:
            continue
        values = resolve(expression)
        if values is None or not all(_SAFE_WORD.match(str(v)) for v in values):
            result.findings.append(
                _at(
                    at,
                    f"substitutes `${{{{ {expression} }}}}` into the script as code: "
                    "pass it through `env:` and use the variable",
                )
            )
    if _ASSIGNING_EXPANSION.search(masked.text):
        result.findings.append(_at(at, "assigns a variable inside an expansion (`${NAME:=value}`)"))
    parsed = parse_script(masked.text) if posix else _single_command(masked.text)
    for problem in parsed.problems:
        result.findings.append(_at(at, problem))
    checker = _Checker(at, rules, env, resolve, masked, result)
    for command in parsed.commands:
        checker.command(command)
    return result


@dataclass(slots=True)
class _Checker:
    at: Finding
    rules: Rules
    env: Mapping[str, str]
    resolve: Resolver
    masked: MaskedScript
    result: ScriptResult

    def finding(self, message: str) -> None:
        self.result.findings.append(_at(self.at, message))

    def command(self, command: ShellCommand) -> None:
        names = [a.partition("=")[0] for a in command.assignments]
        if command.argv:  # `NAME=value command` exports NAME to the command
            self.result.findings.extend(unlisted_variables(names, self.at))
        else:
            self.shell_variables(names)
        for operator, target in command.redirects:
            self.redirect(command, operator, target)
        if not command.argv:
            return
        call = parse_nox(command.argv)
        if call is not None:
            self.nox(command, call)
        else:
            self.setup(command)

    def shell_variables(self, names: Collection[str]) -> None:
        for name in names:
            if TOOL_VARIABLE.match(name):
                self.finding(f"sets {name}, which the shell or the gates' tools read")

    def redirect(self, command: ShellCommand, operator: str, target: str) -> None:
        if operator in _INPUT_REDIRECTS or target in _DEVICES:
            return
        variable = _variable(target)
        if variable == "GITHUB_PATH":
            self.finding(f"`{command}` adds to $GITHUB_PATH: later steps could run another nox")
        elif variable not in _GITHUB_FILES:
            self.finding(
                f"`{command}` writes to {target} (`{operator}`): only $GITHUB_OUTPUT, "
                "$GITHUB_ENV, $GITHUB_STEP_SUMMARY and /dev/null"
            )

    def nox(self, command: ShellCommand, call: NoxCall) -> None:
        self.result.nox_calls += 1
        text = self.masked_text(command)
        for problem in call.problems:
            self.finding(f"`{text}` {problem}")
        if not call.locked and call.pin != self.rules.nox_version:
            pinned = f"pins nox {call.pin}" if call.pin else "runs an unpinned nox"
            self.finding(
                f"`{text}` {pinned}; uv.lock has {self.rules.nox_version}: "
                f"use `uvx nox@{self.rules.nox_version}`"
            )
        if command.exposure and not call.lists:
            self.finding(f"`{text}` {command.exposure}")
        elif command.nesting and not call.lists and _EVENT_VARIABLE.search(self.masked.text):
            self.finding(
                f"`{text}` runs {command.nesting} in a script that reads the event or ref "
                "($GITHUB_EVENT_NAME, $GITHUB_REF, ...): it may be skipped on pull requests"
            )
        selected = self.selection(text, call)
        if selected is None:
            return
        if not call.lists:
            self.result.runs.update(s.name for s in selected)
            self.check_posargs(text, call, selected)

    def selection(self, text: str, call: NoxCall) -> list[Session] | None:
        if call.sessions is not None and call.tags is not None:
            self.finding(f"`{text}` gives both -s and -t: nox ignores -s when -t is given")
        known_names, names = self.values(text, call.sessions, "session")
        known_tags, tags = self.values(text, call.tags, "tag")
        if not (known_names and known_tags):
            return None
        catalog = self.rules.catalog
        for name in names or []:
            if not catalog.has_session(name):
                self.finding(f"`{text}` names session {name!r}, which noxfile.py does not define")
        for tag in tags or []:
            if tag not in catalog.tags:
                self.finding(f"`{text}` names tag {tag!r}, which no session in noxfile.py has")
        selected = catalog.select(names, tags)
        if not selected:
            self.finding(f"`{text}` selects no session")
            return None
        return selected

    def values(
        self, text: str, words: list[str] | None, kind: str
    ) -> tuple[bool, list[str] | None]:
        """Whether the names ``words`` stand for are known, and those names."""
        if words is None:
            return True, None
        values: list[str] = []
        for word in words:
            resolved = self.word(word)
            if resolved is None:
                shown = self.masked.expressions.get(word, word)
                self.finding(
                    f"`{text}`: cannot tell which {kind} {shown!r} names; use a literal, "
                    "or a matrix from a literal list or `nox --list --json`"
                )
                return False, None
            values.extend(resolved)
        if not values:
            self.finding(f"`{text}` selects no session: -{kind[0]} is given no {kind}")
            return False, None
        return True, values

    def word(self, word: str) -> list[str] | None:
        expression = self.masked.expression_in(word)
        match = _VARIABLE.match(word)
        if expression is None and match:
            value = self.env.get(match[1] or match[2])
            if value is None:
                return None
            expression = whole_expression(value)
            if expression is None:
                return [value] if "$" not in value else None
        if expression is not None:
            values = self.resolve(expression)
            if values is None or not all(isinstance(v, str) for v in values):
                return None
            return [str(v) for v in values]
        return None if "$" in word or "__gh_expression_" in word else [word]

    def check_posargs(self, text: str, call: NoxCall, selected: list[Session]) -> None:
        for base in sorted({s.base_name for s in selected}):
            for arg in refused_posargs(call.posargs, self.rules.posargs.get(base, ())):
                self.finding(
                    f"`{text}` passes {arg!r} to session {base!r}, which does not allow it "
                    "(see its @ci_posargs in noxfile.py)"
                )

    def setup(self, command: ShellCommand) -> None:
        argv = command.argv[1:] if command.argv[0] == "sudo" else command.argv
        program = argv[0] if argv else ""
        text = self.masked_text(command)
        unlocked = unlocked_install(argv)
        targets = {_variable(t) for _, t in command.redirects}
        if unlocked is not None:
            self.finding(f"`{text}` {unlocked}")
        elif targets & {"GITHUB_ENV", "GITHUB_OUTPUT"}:
            self.plumbing(command, argv, targets)
        elif program in {"echo", "printf"} or (
            program == "cat" and targets == {"GITHUB_STEP_SUMMARY"}
        ):
            return
        elif program == "set":
            self.set_options(text, argv[1:])
        elif program == "export":
            if any(a.startswith("-") for a in argv[1:]):
                self.finding(f"`{text}`: export takes no options here (`-f` exports a function)")
            names = [a.partition("=")[0] for a in argv[1:] if not a.startswith("-")]
            self.result.findings.extend(unlisted_variables(names, self.at))
        elif program == "apt-get" and any(_APT_HOOKS.search(a) for a in argv[1:]):
            self.finding(f"`{text}` gives apt-get an option that can run commands")
        elif program in {"cd", "pushd"}:
            self.finding(f"`{text}` changes directory: nox would read another noxfile")
        elif not any(tuple(argv[: len(p)]) == p for p in _SETUP_PREFIXES):
            self.finding(
                f"runs `{text}` directly: only environment setup and "
                "`nox -s <session>` / `nox -t <tag>` are allowed (define the gate in noxfile.py)"
            )

    def set_options(self, text: str, options: tuple[str, ...]) -> None:
        if any(a.startswith("+") and ("e" in a or "o" in a) for a in options):
            self.finding(f"`{text}` turns off exit-on-error: a failing gate would not fail")
        if any(a.startswith("-") and "a" in a and not a.startswith("--") for a in options) or (
            "allexport" in options
        ):
            self.finding(f"`{text}` exports every variable the script sets (`set -a`)")

    def plumbing(
        self, command: ShellCommand, argv: tuple[str, ...], targets: set[str | None]
    ) -> None:
        """``echo "name=value" >> "$GITHUB_ENV"`` / ``"$GITHUB_OUTPUT"``, one line, literal name.

        The runner reads these files after the step, line by line, later lines winning
        (actions/runner, FileCommandManager.cs: SetEnvFileCommand / SetOutputFileCommand,
        which also accept a ``NAME<<DELIMITER`` multi-line form); only the single-line
        form written by a plain ``echo`` is read here, anything else is a finding.
        """
        text = self.masked_text(command)
        match = _OUTPUT_LINE.match(argv[1]) if argv[0] == "echo" and len(argv) == 2 else None
        if match is None or len(targets) != 1:
            self.finding(
                f"`{text}` writes {' and '.join(sorted(f'${t}' for t in targets if t))} in a "
                'form check-gates cannot read: use one `echo "name=value" >> "$GITHUB_..."`'
            )
            return
        if "GITHUB_ENV" in targets:
            if match["name"] in SELECTING_VARIABLES:
                self.finding(
                    f"`{text}` sets {match['name']} for later steps: a later step's value "
                    "would not be the one check-gates resolves"
                )
            self.result.findings.extend(unlisted_variables([match["name"]], self.at))
            return
        substitution = _SUBSTITUTION.match(match["value"])
        listing = self.listing(substitution["command"]) if substitution else None
        if listing is not None:
            self.result.outputs[match["name"]] = listing
        elif "$" not in match["value"] and "__gh_expression_" not in match["value"]:
            self.result.outputs[match["name"]] = match["value"]
        else:  # a later write wins: the earlier value no longer holds
            self.result.outputs.pop(match["name"], None)

    def listing(self, command_text: str) -> Listing | None:
        """The sessions a ``nox --list --json ...`` substitution prints."""
        try:
            call = parse_nox(shlex.split(command_text))
        except ValueError:
            return None
        if call is None or not call.lists or call.problems:
            return None
        known_names, names = self.values(command_text, call.sessions, "session")
        known_tags, tags = self.values(command_text, call.tags, "tag")
        if not (known_names and known_tags):
            return None
        return [s.as_listed() for s in self.rules.catalog.select(names, tags)]

    def masked_text(self, command: ShellCommand) -> str:
        text = str(command)
        for key, expression in self.masked.expressions.items():
            text = text.replace(key, "${{ " + expression + " }}")
        return text


def _single_command(text: str) -> ParsedScript:
    parsed = ParsedScript()
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) > 1 or any(c in text for c in ";|&`<>"):
        parsed.problems.append(
            "a pwsh/cmd step may hold one plain command only (its exit status is the step's)"
        )
        return parsed
    if lines:
        parsed.commands.append(ShellCommand(tuple(shlex.split(lines[0], posix=False))))
    return parsed


def _variable(target: str) -> str | None:
    match = _VARIABLE.match(target)
    return (match[1] or match[2]) if match else None


def _at(template: Finding, message: str) -> Finding:
    return Finding(template.file, message, template.line, template.where)
