"""Generate the reference workload that ``python -m tta_api.gates.cost`` replays.

``python -m tta_api.gates.cost.generator [--seed N] [--requests N] [--out FILE]``
writes a JSONL file, one request per line: ``id``, ``prompt``, ``label``
(``simple`` or ``complex``) and ``template`` (the template the prompt came from).
With the defaults it rewrites the shipped reference workload byte for byte
(a unit test checks that the shipped file is exactly this output).

The label is the template's, fixed when the template was written: it says
how hard the task is for a person, not what :mod:`tta_api.routing` would do
with the prompt, so the replay's quality guard can catch a router that sends
hard prompts to a cheap model. Simple templates are short questions
(facts, definitions, translations, unit conversions) and one-line summaries
of a short note; complex ones are code reviews, system designs and incident
analyses with their material pasted in, and short but hard questions (proofs,
algorithm derivations) that a length-based router under-rates.

Repeats are modelled per label: with probability ``repeat`` a request
re-sends an earlier prompt of its label, picked in proportion to how often
it was already sent (popular questions get more popular); otherwise it is
a new prompt. Everything comes from one ``random.Random(seed)``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tta_process_support.atomic import write_text_atomically

__all__ = [
    "REFERENCE_REQUESTS",
    "REFERENCE_SEED",
    "REFERENCE_WORKLOAD",
    "generate",
    "main",
    "render_jsonl",
]

REFERENCE_WORKLOAD = Path(__file__).with_name("data") / "reference_workload.jsonl"
"""The shipped reference workload."""

REFERENCE_SEED = 20261127
REFERENCE_REQUESTS = 600

_COMPLEX_SHARE = 0.3
"""Share of requests labelled complex."""
_REPEAT = {"simple": 0.45, "complex": 0.15}
"""Probability that a request re-sends an earlier prompt of its label."""

_COUNTRIES = (
    "France", "Japan", "Kenya", "Peru", "Norway", "Vietnam", "Canada", "Egypt",
    "Chile", "Poland", "Ghana", "Nepal", "Portugal", "Mexico", "Finland", "Morocco",
)  # fmt: skip
_TERMS = (
    "idempotency", "a race condition", "backpressure", "a bloom filter", "eventual consistency",
    "a memory leak", "tail latency", "a deadlock", "sharding", "a content hash",
    "a circuit breaker", "jitter", "a write-ahead log", "a vector clock", "rate limiting",
)  # fmt: skip
_FACTS = ("capital", "currency", "population", "official language", "largest city")
_AUDIENCES = ("in one sentence", "for a beginner", "with one example", "in plain words")
_PHRASES = (
    "good morning", "thank you very much", "where is the station", "the meeting is moved",
    "please close the door", "see you tomorrow", "how much does it cost", "I am lost",
)  # fmt: skip
_LANGUAGES = ("French", "Spanish", "German", "Italian", "Japanese", "Portuguese")
_CONVERSIONS = (
    ("miles", "kilometres"), ("pounds", "kilograms"), ("Fahrenheit", "Celsius"),
    ("gallons", "litres"), ("inches", "centimetres"), ("hours", "seconds"),
)  # fmt: skip
_NOTE_SENTENCES = (
    "The deployment window moved from Tuesday to Thursday evening.",
    "Finance approved the budget for two extra build agents.",
    "The on-call rotation now starts on Mondays at nine.",
    "Customers in the EU region saw slower checkouts for an hour.",
    "The design review for the search page is postponed by a week.",
    "Please rotate the staging database password before Friday.",
    "The mobile release is blocked on the new consent screen.",
    "Support tickets about login loops dropped by half after the fix.",
    "The team agreed to freeze dependencies until the audit ends.",
    "Load tests will run nightly against the shadow cluster.",
)
_CODE_LINES = (
    "def merge_intervals(intervals):",
    "    intervals.sort()",
    "    merged = [intervals[0]]",
    "    for start, end in intervals[1:]:",
    "        if start < merged[-1][1]:",
    "            merged[-1][1] = max(merged[-1][1], end)",
    "        else:",
    "            merged.append([start, end])",
    "    return merged",
    "async def fetch_all(session, urls):",
    "    results = {}",
    "    for url in urls:",
    "        response = await session.get(url, timeout=None)",
    "        results[url] = response.json()",
    "    return results",
    "class LRU:",
    "    def __init__(self, size):",
    "        self.size = size",
    "        self.data = {}",
    "    def get(self, key):",
    "        return self.data.get(key)",
    "    def put(self, key, value):",
    "        if len(self.data) > self.size:",
    "            self.data.pop(next(iter(self.data)))",
    "        self.data[key] = value",
    "def parse_price(text):",
    "    amount = float(text.strip('$'))",
    "    return round(amount * 100)",
)
_SYSTEMS = (
    "a URL shortener", "a rate limiter shared by many API gateways", "a job scheduler",
    "a chat message store", "a feature-flag service", "an image thumbnail pipeline",
    "a payments ledger", "a search autocomplete service",
)  # fmt: skip
_CURRENT_SYSTEMS = (
    "a single PostgreSQL instance behind a Flask app on one virtual machine, backed up "
    "nightly, with a cron job that cleans old rows and no metrics beyond the host's CPU",
    "a Node.js monolith on three containers behind a managed load balancer, sharing one "
    "Redis for sessions and queues, deployed by hand from a laptop every Friday",
    "a set of AWS Lambda functions writing to DynamoDB, with no tracing, a dead-letter "
    "queue nobody reads, and alarms that page the whole team at once",
)
_REQUIREMENTS = (
    "it must serve 20,000 reads per second at a p99 latency under 50 ms",
    "writes must survive the loss of one availability zone",
    "the monthly infrastructure budget is 4,000 US dollars",
    "data of EU customers must stay in the EU",
    "deployments must not cause downtime",
    "the team has two backend engineers and no dedicated operations staff",
    "it must expose metrics and traces to the existing Prometheus and Jaeger",
    "old entries expire after 90 days and must then be deleted everywhere",
    "clients retry aggressively, so every write must be idempotent",
    "traffic doubles during a two-hour evening peak",
)
_INCIDENT_EVENTS = (
    "At 14:02 the error rate of the checkout API rose from 0.1% to 7%.",
    "At 14:05 the database connection pool reported 100% utilisation.",
    "At 14:07 an engineer restarted two API pods; errors dropped briefly, then returned.",
    "At 14:11 a deploy of the recommendations service finished in the same cluster.",
    "At 14:15 the cache hit ratio fell from 92% to 40%.",
    "At 14:18 the on-call engineer rolled back the recommendations deploy.",
    "At 14:22 the error rate returned to normal; the pool stayed above 80% for an hour.",
    "At 14:30 customers reported duplicate order confirmation emails.",
    "At 14:40 a retry storm from the mobile client was visible in the gateway logs.",
    "At 15:10 the cache hit ratio recovered to 90%.",
)
_LOG_LINES = (
    "14:03:11 WARN pool=checkout-db waiting=48 active=50 max=50",
    "14:04:52 ERROR POST /orders 503 upstream_timeout=2.0s client=ios/5.2.1",
    "14:06:30 INFO retry attempt=4 POST /orders idempotency_key=missing",
    "14:09:17 WARN cache=recommendations evictions=12034/min",
    "14:12:44 ERROR POST /orders 500 deadlock detected on table orders",
    "14:16:05 INFO deploy recommendations v2.14.0 -> v2.13.2 (rollback)",
    "14:31:58 WARN email duplicate_suppression=off order_id=88213",
)
_THEOREMS = (
    "there are infinitely many primes",
    "the square root of 2 is irrational",
    "every tree with n nodes has n - 1 edges",
    "a graph is bipartite iff it has no odd cycle",
    "comparison sorting needs n log n comparisons",
    "the halting problem is undecidable",
)
_ALGORITHMS = (
    "Dijkstra's algorithm fails with negative edges",
    "quickselect runs in expected linear time",
    "union-find with path compression is nearly constant time",
    "two-phase commit can block",
)


@dataclass(frozen=True, slots=True)
class _Template:
    name: str
    make: Callable[[random.Random], str]


def _fact(rng: random.Random) -> str:
    return f"What is the {rng.choice(_FACTS)} of {rng.choice(_COUNTRIES)}?"


def _define(rng: random.Random) -> str:
    return f"Define {rng.choice(_TERMS)} {rng.choice(_AUDIENCES)}."


def _translate(rng: random.Random) -> str:
    return f"Translate '{rng.choice(_PHRASES)}' into {rng.choice(_LANGUAGES)}."


def _convert(rng: random.Random) -> str:
    source, target = rng.choice(_CONVERSIONS)
    return f"Convert {rng.randint(1, 500)} {source} to {target}."


def _summarize_note(rng: random.Random) -> str:
    note = " ".join(rng.sample(_NOTE_SENTENCES, rng.randint(2, 5)))
    return f"Summarize this note in one line: {note}"


def _code_review(rng: random.Random) -> str:
    start = rng.randrange(len(_CODE_LINES))
    length = rng.randint(len(_CODE_LINES), 2 * len(_CODE_LINES))
    code = "\n".join(_CODE_LINES[(start + i) % len(_CODE_LINES)] for i in range(length))
    return (
        "Review the following Python code. For each bug, explain why it is a bug and "
        "what input triggers it, then give a corrected version and a test that would "
        f"have caught it.\n\n{code}"
    )


def _system_design(rng: random.Random) -> str:
    requirements = rng.sample(_REQUIREMENTS, rng.randint(8, len(_REQUIREMENTS)))
    listed = "\n".join(f"- {requirement}" for requirement in requirements)
    return (
        f"Design {rng.choice(_SYSTEMS)}. Today it is {rng.choice(_CURRENT_SYSTEMS)}; "
        f"it has outgrown that. Requirements:\n{listed}\n"
        "Compare two architectures that meet them, justify the one you choose, and list "
        "the failure modes you would test first."
    )


def _incident_analysis(rng: random.Random) -> str:
    count = rng.randint(7, len(_INCIDENT_EVENTS))
    timeline = "\n".join(_INCIDENT_EVENTS[:count])
    logs = "\n".join(rng.sample(_LOG_LINES, rng.randint(3, len(_LOG_LINES))))
    return (
        "Analyze this incident timeline. Derive the most likely root cause, explain which "
        "events are symptoms rather than causes, and propose three follow-up actions "
        f"ranked by impact.\n\n{timeline}\n\nGateway log excerpt:\n{logs}"
    )


def _proof(rng: random.Random) -> str:
    return f"Prove that {rng.choice(_THEOREMS)}."


def _derivation(rng: random.Random) -> str:
    return f"Show step by step why {rng.choice(_ALGORITHMS)}."


_TEMPLATES: dict[str, tuple[tuple[_Template, float], ...]] = {
    "simple": (
        (_Template("fact", _fact), 3),
        (_Template("define", _define), 3),
        (_Template("translate", _translate), 2),
        (_Template("convert", _convert), 2),
        (_Template("summarize-note", _summarize_note), 2),
    ),
    "complex": (
        (_Template("code-review", _code_review), 4),
        (_Template("system-design", _system_design), 4),
        (_Template("incident-analysis", _incident_analysis), 3),
        (_Template("proof", _proof), 0.1),
        (_Template("derivation", _derivation), 0.05),
    ),
}


def generate(
    seed: int = REFERENCE_SEED, requests: int = REFERENCE_REQUESTS
) -> list[dict[str, str]]:
    """The workload's requests, in order (see the module docstring for the model)."""
    rng = random.Random(seed)  # noqa: S311 -- a reproducible workload, not a secret
    sent: dict[str, list[tuple[str, str]]] = {"simple": [], "complex": []}
    records: list[dict[str, str]] = []
    for index in range(requests):
        label = "complex" if rng.random() < _COMPLEX_SHARE else "simple"
        history = sent[label]
        if history and rng.random() < _REPEAT[label]:
            name, prompt = rng.choice(history)
        else:
            templates = _TEMPLATES[label]
            template = rng.choices(
                [template for template, _ in templates], [weight for _, weight in templates]
            )[0]
            name, prompt = template.name, template.make(rng)
        history.append((name, prompt))
        records.append(
            {"id": f"r{index + 1:04d}", "label": label, "template": name, "prompt": prompt}
        )
    return records


def render_jsonl(records: Sequence[dict[str, str]]) -> str:
    """One JSON object per line, keys in a fixed order."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the workload; exit 0, or 2 when the file cannot be written."""
    parser = argparse.ArgumentParser(
        prog="python -m tta_api.gates.cost.generator", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--seed", type=int, default=REFERENCE_SEED)
    parser.add_argument("--requests", type=int, default=REFERENCE_REQUESTS)
    parser.add_argument("--out", type=Path, default=REFERENCE_WORKLOAD)
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests: must be at least 1")
    try:
        write_text_atomically(args.out, render_jsonl(generate(args.seed, args.requests)))
    except OSError as error:
        print(f"{parser.prog}: {error.filename}: cannot write: {error.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
