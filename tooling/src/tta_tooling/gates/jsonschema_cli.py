"""check-jsonschema run in this process, with the argv and working directory of its console script.

Starting ``check-jsonschema`` costs about half a second per process, mostly its
imports; its click command run here costs a tenth of that after one import.
The command is ``check_jsonschema/cli/main_command.py:main``, whose ``execute``
ends in ``click.get_current_context().exit(ret)``; with ``standalone_mode=False``
click's ``Command.main`` (``click/core.py``) returns that code instead of
calling ``sys.exit``, and raises usage errors (``ClickException``) and
``Abort`` instead of printing them, so they are printed here as click would.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path

import click

from tta_tooling.errors import InputError

__all__ = ["run_check_jsonschema"]


def run_check_jsonschema(args: Sequence[str], cwd: Path) -> tuple[int, str]:
    """``check-jsonschema <args>`` run in ``cwd``: its exit code and output (stdout, then stderr).

    A usage error is click's message with its exit code (2); an exception
    inside check-jsonschema (a file that vanished, a bug) is exit code 1 with a
    one-line message naming it, never a traceback; a missing check-jsonschema
    is InputError. The working directory and
    the standard streams are the process's own for the duration of the call,
    so it must not run beside other work in this process.
    """
    try:  # imported on first use: the other commands do not pay its import time
        from check_jsonschema.cli.main_command import main  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError as error:
        message = "not installed; install it with `uv sync --group ci-config`"
        raise InputError("check-jsonschema", message) from error
    command: click.Command = main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = command.main(list(args), "check-jsonschema", standalone_mode=False)
        except click.ClickException as error:
            error.show()
            code = error.exit_code
        except click.Abort:
            err.write("Aborted!\n")
            code = 1
        except Exception as error:  # the checker's failure is a finding, not a crash
            err.write(f"check-jsonschema failed: {type(error).__name__}: {error}\n")
            code = 1
    # ``main`` returns only by ``ctx.exit(code)``; a plain return would be click's success
    return (code if isinstance(code, int) else 0), out.getvalue() + err.getvalue()
