"""Run a command-line ``main(argv)`` in this process, as the unit tier calls every CLI.

The result is what a child process would give: the exit code (an argparse
error's ``SystemExit`` included), stdout and stderr. ``env``, when given,
replaces the environment for the call, as a child's would be, and the temp
directory is looked up afresh from it.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

Main = Callable[[Sequence[str]], int]


def run_main(
    main: Main, program: str, *args: str | int | Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``program <args>`` through ``main``: its exit code and what it printed."""
    argv = [str(arg) for arg in args]
    out, err = io.StringIO(), io.StringIO()
    with _environment(env), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    return subprocess.CompletedProcess([program, *argv], code, out.getvalue(), err.getvalue())


@contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    if env is None:
        yield
        return
    saved, saved_tempdir = dict(os.environ), tempfile.tempdir
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # a child would read TMPDIR afresh; so does this call
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        tempfile.tempdir = saved_tempdir
