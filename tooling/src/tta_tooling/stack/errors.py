"""The stack's own failure: a service that cannot be had or never becomes healthy (exit 1)."""

from __future__ import annotations


class StackError(Exception):
    """A service could not be started or checked; the message says what is missing."""
