"""The errors the CLI prints on one line: a user's input (exit 2) or a run that failed
(exit 1). They live here, not beside the code raising them, so that the CLI catches
them without importing that code (the recorder's and replayer's HTTP stacks).

:class:`InputError` is the workspace's one class (:mod:`tta_process_support.input_files`),
so the CLI catches what the shared bounded reader raises as well as what the parsers
and validators here raise.
"""

from __future__ import annotations

from tta_process_support.input_files import InputError

__all__ = ["AppError", "CaseWriterError", "EngineUnavailable", "InputError"]


class EngineUnavailable(Exception):
    """``--engine keploy`` was asked for but no usable binary is installed (exit 2)."""


class AppError(Exception):
    """The application could not be started or never became healthy (exit 1)."""


class CaseWriterError(RuntimeError):
    """The writer process failed; cases handed to it may be missing (exit 1)."""
