"""Writes recorded cases from a child process, so YAML output never holds the proxy's GIL.

The proxy names each case and pickles it onto the child's stdin from a feeder
thread; the child writes each case atomically and, when its stdin ends, prints how
many it wrote and exits. Cases already handed over are therefore written even when
the proxy is killed. The child runs in its own session and ignores SIGINT and
SIGTERM: the proxy, not a signal to the process group, decides when recording ends.

Run as ``python -c "<import main; main()>" SET_DIR`` by :class:`CaseWriter`: ``-m`` would
run this module a second time beside the copy the package's ``__init__`` imports (runpy
warns about that on stderr, and the warning would end up in the recorder's output).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import site
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import keploy_framework
from keploy_framework.dedup import case_signature
from keploy_framework.errors import CaseWriterError
from keploy_framework.storage import write_test_case
from keploy_framework.testcase import TestCase

__all__ = ["CaseWriter", "CaseWriterError"]

_LENGTH_BYTES = 4
_WRITE_FAILED = 2  # the child could not write a case: its stdout says where and why
_CHILD = "from keploy_framework.case_writer import main; main()"


class CaseWriter:
    """Names cases ``test-1``, ``test-2``... and has a child process write them."""

    def __init__(self, set_dir: Path, *, dedup: bool = False) -> None:
        self.set_dir = set_dir
        self.dedup = dedup
        self.written = 0
        self.skipped = 0
        self._next = 0
        self._seen: set[tuple[Any, ...]] = set()
        self._queue: queue.Queue[TestCase | None] = queue.Queue()
        self._child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(set_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_env_finding_this_package(),
            start_new_session=True,  # a Ctrl-C to the terminal stops the proxy, not the writer
        )
        self._feeder = threading.Thread(target=self._feed, name="keploy-case-feeder", daemon=True)
        self._feeder.start()

    def submit(self, case: TestCase) -> bool:
        """Queue ``case`` (named here); ``False`` when ``--dedup`` already has its kind."""
        if self.dedup:
            signature = case_signature(case)
            if signature in self._seen:
                self.skipped += 1
                return False
            self._seen.add(signature)
        self._next += 1
        case.name = f"test-{self._next}"
        self._queue.put(case)
        return True

    def _feed(self) -> None:
        pipe = self._child.stdin
        assert pipe is not None
        with contextlib.suppress(BrokenPipeError):  # the child died: close() reports it
            try:
                while (case := self._queue.get()) is not None:
                    data = pickle.dumps(case, protocol=pickle.HIGHEST_PROTOCOL)
                    pipe.write(len(data).to_bytes(_LENGTH_BYTES, "big") + data)
                    pipe.flush()  # on its way now: a killed proxy loses nothing handed over
            finally:
                pipe.close()

    def close(self) -> None:
        """Hand over everything queued, wait for the child to write it, then count it."""
        self._queue.put(None)
        self._feeder.join()
        assert self._child.stdout is not None
        with self._child.stdout as counted:
            output = counted.read()
        self._child.wait()
        if self._child.returncode == _WRITE_FAILED:
            number, filename, reason = output.decode("utf-8", "replace").rstrip("\n").split("\t", 2)
            raise OSError(int(number), reason, filename)
        self.written = int(output or 0)
        if self._child.returncode != 0 or self.written != self._next:
            raise CaseWriterError(
                f"the case writer wrote {self.written} of {self._next} cases to "
                f"{self.set_dir} (exit {self._child.returncode})"
            )


def _env_finding_this_package() -> dict[str, str]:
    """The environment; a source checkout's import root goes first on ``PYTHONPATH``.

    An installed package needs nothing (and a site-packages folder on
    ``PYTHONPATH`` would shadow the standard library), so only a root outside the
    interpreter's site folders is added.
    """
    root = Path(keploy_framework.__file__).resolve().parents[1]
    site_dirs = {Path(p).resolve() for p in [*site.getsitepackages(), site.getusersitepackages()]}
    if root in site_dirs:
        return dict(os.environ)
    current = os.environ.get("PYTHONPATH")
    path = str(root) if not current else f"{root}{os.pathsep}{current}"
    return {**os.environ, "PYTHONPATH": path}


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    data = stream.read(size)
    if len(data) < size:
        return None  # the stream ended (a partial frame is a proxy killed mid-write)
    return data


def write_cases(set_dir: Path, stream: IO[bytes]) -> int:
    """Write every case framed on ``stream`` until it ends; returns how many."""
    written = 0
    while (header := _read_exactly(stream, _LENGTH_BYTES)) is not None:
        data = _read_exactly(stream, int.from_bytes(header, "big"))
        if data is None:
            break
        case: TestCase = pickle.loads(data)  # noqa: S301 - framed by our own parent process
        write_test_case(set_dir, case)
        written += 1
    return written


def main() -> None:
    """Child entry point (:data:`_CHILD`); ``sys.argv[1]`` is SET_DIR."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        written = write_cases(Path(sys.argv[1]), sys.stdin.buffer)
    except OSError as error:  # the parent raises it again, for its CLI to print on one line
        print(f"{error.errno or 0}\t{error.filename or sys.argv[1]}\t{error.strerror}")
        sys.exit(_WRITE_FAILED)
    print(written)
