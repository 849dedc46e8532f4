"""Replay recorded cases against a running app and judge each response."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

from keploy_framework.app_process import wait_healthy
from keploy_framework.capture import make_response, rfc3339nano
from keploy_framework.compare import Comparison, compare
from keploy_framework.config import Config
from keploy_framework.noise_match import NoiseSections
from keploy_framework.redaction import MARKER, Redactor
from keploy_framework.request_target import request_target
from keploy_framework.storage import TestSet
from keploy_framework.testcase import HttpResponse, TestCase

__all__ = ["CaseResult", "SetResult", "replay_case", "replay_set", "replay_when_healthy"]

# replay.go isAppConnectionErrorMsg: transport failures, not content regressions.
_CONNECTION_ERRORS = (
    "connection refused",
    "connection reset by peer",
    "broken pipe",
    "no such host",
    ": eof",
)
_NOT_SENT = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})


@dataclass
class CaseResult:
    """One replayed case, as written: the case, the live response and the verdict, redacted.

    The verdict was reached on the live response as received; only these copies are redacted.
    """

    case: TestCase
    actual: HttpResponse
    comparison: Comparison
    started: int
    completed: int
    time_taken: str

    @property
    def passed(self) -> bool:
        return self.comparison.passed


@dataclass
class SetResult:
    """Every case of one test set."""

    test_set: TestSet
    cases: list[CaseResult] = field(default_factory=list)
    time_taken: str = ""

    @property
    def passed(self) -> int:
        return sum(result.passed for result in self.cases)

    @property
    def failed(self) -> int:
        return len(self.cases) - self.passed


def replay_case(
    client: httpx.Client,
    base_url: str,
    case: TestCase,
    config: Config,
    redactor: Redactor,
    *,
    noise: NoiseSections,
) -> CaseResult:
    """Send ``case``'s request (recorded Host kept, redirects not followed) and compare.

    The target is re-checked here (:func:`request_target` raises on one that could
    leave ``base_url``), so no caller can send a case anywhere but the app.
    """
    request = case.request
    headers = [
        (name, value)
        for name, value in request.header.items()
        if name.lower() not in _NOT_SENT and value != MARKER
    ]
    body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body
    started = time.time()
    try:
        response = client.request(
            request.method,
            base_url.rstrip("/") + request_target(request.url),
            headers=headers,
            content=body,
        )
    except httpx.HTTPError as error:
        reason = f"{type(error).__name__}: {error}"
        return _unanswered(case, started, reason, noise=noise, config=config, redactor=redactor)
    elapsed = time.time() - started
    actual = make_response(
        response.status_code,
        # Go's client moves Transfer-Encoding out of resp.Header (net/http transfer.go),
        # so Keploy never sees it among the live headers.
        [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in response.headers.raw
            if k.lower() != b"transfer-encoding"
        ],
        response.content,
        rfc3339nano(),
    )
    # httpx has already removed any content-encoding, so the body is compared decoded.
    # The live response is compared as received (pkg/service/replay/replay.go redacts
    # nothing); only the copies kept for reports and logs are redacted.
    comparison = compare(case, actual, noise, config.match_options())
    return _result(case, actual, comparison, redactor, started=started, elapsed=elapsed)


def _result(
    case: TestCase,
    actual: HttpResponse,
    comparison: Comparison,
    redactor: Redactor,
    *,
    started: float,
    elapsed: float,
) -> CaseResult:
    """The result as written: the case, live response and verdict redacted for writing."""
    written_case, written_actual, written = redactor.for_writing(case, actual, comparison)
    return CaseResult(
        written_case, written_actual, written, int(started), int(time.time()), f"{elapsed:.6f}s"
    )


def _unanswered(
    case: TestCase,
    started: float,
    reason: str,
    *,
    noise: NoiseSections,
    config: Config,
    redactor: Redactor,
) -> CaseResult:
    """A case whose request got no response, judged as Keploy's CreateFailedTestResult does.

    The live side is status 0, no headers and the error as its body; a transport
    failure adds the APP_CONNECTION_ERROR category (isAppConnectionErrorMsg).
    """
    actual = HttpResponse(status_code=0, header={}, body=reason, timestamp=rfc3339nano())
    comparison = compare(case, actual, noise, config.match_options())
    comparison.diffs.insert(0, f"request failed: {reason}")
    if any(text in reason.lower() for text in _CONNECTION_ERRORS):
        categories = comparison.failure_info.setdefault("category", [])
        if "APP_CONNECTION_ERROR" not in categories:
            categories.append("APP_CONNECTION_ERROR")
    elapsed = time.time() - started
    return _result(case, actual, comparison, redactor, started=started, elapsed=elapsed)


def replay_set(test_set: TestSet, base_url: str, config: Config) -> SetResult:
    """Replay every case of ``test_set`` in order."""
    result = SetResult(test_set)
    started = time.monotonic()
    with httpx.Client(
        timeout=config.timeout, follow_redirects=False, trust_env=False, http2=False
    ) as client:
        redactor = Redactor.from_config(config)
        noise = config.noise_for(test_set.name)
        for case in test_set.cases:
            result.cases.append(replay_case(client, base_url, case, config, redactor, noise=noise))
    result.time_taken = f"{time.monotonic() - started:.6f}s"
    return result


def replay_when_healthy(
    sets: list[TestSet], base_url: str, config: Config, delay: float | None = None
) -> list[SetResult]:
    """Wait until the app is healthy and ``delay`` (default: the config's) has passed, then
    replay every set in order."""
    wait_healthy(base_url, config.health_path, config.timeout)
    time.sleep(config.delay if delay is None else delay)
    return [replay_set(test_set, base_url, config) for test_set in sets]
