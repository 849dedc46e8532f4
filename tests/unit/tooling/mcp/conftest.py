"""Fixtures: a tiny repository whose noxfile has sessions that run no tool but Python."""

from __future__ import annotations

from pathlib import Path

import pytest

NOXFILE = '''\
import sys
from pathlib import Path

import nox


@nox.session(python=False, tags=["quality"])
def hello(session):
    """Say hello and exit with the status given as the first argument."""
    for number in range(100):
        print(f"line {number}")
    print("args:", session.posargs)
    status = int(session.posargs[0]) if session.posargs else 0
    session.run(sys.executable, "-c", f"raise SystemExit({status})")


@nox.session(python=False)
def touch(session):
    """Create the file named by the arguments."""
    Path(session.posargs[0] if session.posargs else "touched").write_text("ran")


@nox.session(python=False, default=False, tags=["slow"])
def sleepy(session):
    """Sleep far longer than any test waits."""
    code = "import os, time; open('sleepy.pid', 'w').write(str(os.getpid())); time.sleep(600)"
    session.run(sys.executable, "-c", code)
'''


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    """A repository with only a noxfile: sessions hello, touch and (not default) sleepy."""
    (tmp_path / "noxfile.py").write_text(NOXFILE, encoding="utf-8")
    return tmp_path
