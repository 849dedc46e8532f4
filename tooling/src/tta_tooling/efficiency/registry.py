"""The efficiency rules: stable codes, one-line messages, rationale and fix.

The rationale and fix texts are the rules reference (tooling/README.md repeats
them) and the SARIF rule descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["RULES", "Rule", "Violation"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One efficiency rule."""

    code: str
    name: str
    message: str
    rationale: str
    fix: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "EFF001",
            "llm-call-in-loop",
            "LLM call inside a loop or comprehension runs once per item, one after another",
            "Each iteration waits for a full model round trip, so latency grows with the "
            "number of items, and per-request overhead is paid for every item. Loops whose "
            "next call depends on the previous answer (agent or refinement loops) are not "
            "reported.",
            "Send the items as one batch (`.batch()`, `litellm.batch_completion`), or start "
            "the calls concurrently (`asyncio.gather`, `TaskGroup.create_task`, "
            "`ParallelPrimitive`) and await them together.",
        ),
        Rule(
            "EFF002",
            "uncached-repeated-call",
            "LLM call site is reached with repeated inputs and is not behind a cache",
            "A call site whose inputs are all constants sends the same request on every "
            "execution, and a helper called twice with the same arguments sends the same "
            "request twice: each repeat is paid for again.",
            "Wrap the step in a `CachePrimitive` (or decorate the function with "
            "`functools.cache` / an async cache), or compute the answer once and reuse it.",
        ),
        Rule(
            "EFF003",
            "models-without-routing",
            "module uses more than one model name without a routing decision",
            "Hard-coding several models in one module means the choice between a cheap and "
            "an expensive model is made by whoever wrote each call, not by a policy that can "
            "be measured, tested and tuned.",
            "Choose the model in one place: a `RouterPrimitive` (or `litellm.Router`, "
            "LangChain `RunnableBranch`), a `FallbackPrimitive` chain, or a function that "
            "records its decision with `WorkflowContext.record_route`.",
        ),
        Rule(
            "EFF004",
            "unbounded-context",
            "context grown in a loop is sent whole to the model",
            "A message list or prompt string that only grows is sent in full on each call: "
            "token cost and latency grow without limit until the context window overflows.",
            "Bound it: keep the last N messages (`history[-N:]`, `deque(maxlen=N)`), trim or "
            "summarise when `len(...)` passes a limit, or pass it through a truncation "
            "helper (`trim_messages`).",
        ),
        Rule(
            "EFF005",
            "whole-document-prompt",
            "whole file or document read straight into a prompt",
            "`read()` / `read_text()` return the entire document, whatever its size; sending "
            "it as context pays for every token and fails on documents larger than the "
            "context window.",
            "Read a bounded amount (`read(n)`, `text[:limit]`), or split the document into "
            "chunks and retrieve or summarise only the relevant ones.",
        ),
        Rule(
            "EFF006",
            "missing-max-tokens",
            "LLM call sets no output-token limit",
            "Without a limit the model may generate up to its maximum output length: the "
            "cost and latency of one call have no upper bound.",
            "Pass the provider's limit on the call or on the model object: `max_tokens`, "
            "`max_completion_tokens` (OpenAI), `max_output_tokens` (OpenAI Responses, "
            "Gemini), or `.bind(max_tokens=...)` for LangChain models.",
        ),
        Rule(
            "EFF900",
            "unanalysable-file",
            "file cannot be read or parsed, so no rule checked it",
            "A file that is not text in its declared encoding, or uses syntax the running "
            "Python does not know, is invisible to every other rule; it is reported on its "
            "own and the rest of the scan goes on.",
            "Save the file as UTF-8 (or declare its encoding in a `# -*- coding: ... -*-` "
            "comment), run the gate on a Python that knows its syntax, or exclude it in "
            '`[tool.tta.efficiency] exclude` (`ignore = ["EFF900"]` switches the rule off).',
        ),
    )
}


class Violation(NamedTuple):
    """One rule broken at one place: 1-based line and column (in characters).

    A named tuple: immutable and hashable like a frozen dataclass, and made in half the
    time (a scan makes one per finding, 800 on an 800-call module)."""

    code: str
    file: str
    line: int
    column: int
    detail: str

    @property
    def message(self) -> str:
        """The rule's one-line message and what this occurrence is about."""
        return f"{RULES[self.code].message} ({self.detail})"

    def as_text(self) -> str:
        """``file:line:col: CODE message``."""
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"
