"""How a cache copes with a failing remote backend: a circuit breaker and rate-limited warnings."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

__all__ = ["BackendHealth"]

_logger = logging.getLogger("tta_dev_primitives.cache")


class BackendHealth:
    """Tracks one cache's backend failures.

    After ``failures`` consecutive failed operations the circuit opens: for
    ``reset_seconds`` :meth:`allow` says no, so calls skip the backend instead
    of waiting for its timeout. Then operations are let through again; the
    first success closes the circuit, a failure opens it for another period.
    Failures are logged at WARNING at most once per ``log_interval`` seconds
    (with the number left unlogged); opening and closing are always logged.
    :attr:`closed` and :attr:`openings` let a health check or a metric read the
    circuit instead of keeping a second opinion about the backend.
    """

    __slots__ = (
        "_clock",
        "_consecutive",
        "_failures",
        "_log_interval",
        "_name",
        "_next_log",
        "_open_until",
        "_openings",
        "_reset_seconds",
        "_unlogged",
    )

    def __init__(
        self,
        name: str,
        *,
        failures: int,
        reset_seconds: float,
        log_interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._name = name
        self._failures = failures
        self._reset_seconds = reset_seconds
        self._log_interval = log_interval
        self._clock = clock
        self._consecutive = 0
        self._open_until: float | None = None
        self._openings = 0
        self._next_log = float("-inf")
        self._unlogged = 0

    @property
    def closed(self) -> bool:
        """Whether the backend is trusted: no failure has opened the circuit since the
        last success (an open circuit stays open, past its reset time, until one)."""
        return self._open_until is None

    @property
    def openings(self) -> int:
        """How many times the circuit went from closed to open."""
        return self._openings

    def allow(self) -> bool:
        """Whether to send the next operation to the backend."""
        open_until = self._open_until
        return open_until is None or self._clock() >= open_until

    def succeeded(self) -> None:
        """The backend answered: reset the failure count and close the circuit."""
        self._consecutive = 0
        if self._open_until is not None:
            self._open_until = None
            _logger.warning("%s: cache backend answers again; circuit closed", self._name)

    def failed(self, operation: str, error: Exception) -> None:
        """The backend failed ``operation``: log (rate-limited) and maybe open the circuit."""
        self._consecutive += 1
        now = self._clock()
        if now >= self._next_log:
            self._next_log = now + self._log_interval
            unlogged, self._unlogged = self._unlogged, 0
            _logger.warning(
                "%s: cache backend %s failed: %s: %s (%d similar failures not logged)",
                self._name,
                operation,
                type(error).__name__,
                error,
                unlogged,
            )
        else:
            self._unlogged += 1
        if self._consecutive >= self._failures:
            reopening = self._open_until is not None
            self._open_until = now + self._reset_seconds
            if not reopening:
                self._openings += 1
                _logger.warning(
                    "%s: cache backend failed %d times in a row; circuit open, "
                    "skipping the backend for %.3g s at a time until it answers",
                    self._name,
                    self._consecutive,
                    self._reset_seconds,
                )
