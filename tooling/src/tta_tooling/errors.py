"""Errors a user can cause: unreadable, oversized or malformed input.

The files are read by :mod:`tta_process_support.input_files` (and parsed by
:mod:`tta_tooling.text_files`); what fails there, or in a parser after it, is an
:class:`InputError` naming the file (and line) at fault: the workspace's one class,
so the CLI catches what the shared reader raises.
"""

from __future__ import annotations

from tta_process_support.input_files import InputError

__all__ = ["InputError"]
