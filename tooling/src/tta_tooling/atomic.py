"""Atomic file writes for tta-tooling: the workspace's one helper, in ``tta_process_support``.

The names stay importable here for the modules of ``perf/``, which import them from
this module.
"""

from __future__ import annotations

from tta_process_support.atomic import (
    check_writable,
    describe_os_error,
    replace_atomically,
    write_text_atomically,
)

__all__ = [
    "check_writable",
    "describe_os_error",
    "replace_atomically",
    "write_text_atomically",
]
