"""Errors a user can cause; the CLI prints them on one line and exits 2.

:class:`InputError` is the workspace's one class (:mod:`tta_process_support.input_files`),
so the CLI catches what the shared bounded reader raises as well as what the parsers
and validators here raise.
"""

from __future__ import annotations

from tta_process_support.input_files import InputError

__all__ = ["InputError"]
