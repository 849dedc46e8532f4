"""Run a per-file scan on every core; the worker processes die with the command.

detect-secrets scans each line with every plugin, single-threaded: the repository's
full scan is CPU-bound and splits cleanly by file. detect-secrets parallelises the same
way (``SecretsCollection.scan_files``: a process pool mapping ``scan_file`` over files,
each worker configured with the caller's settings). Here the workers are forked on
Linux, so they inherit the settings, the plugins and the caller's loaded tables, and
ask the kernel to kill them when the command dies (``dies_with_parent``); Ctrl-C is
the command's to handle, not theirs. Elsewhere, and for a handful of files where a
pool costs more than it saves, the files are scanned in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from tta_process_support.child_lifetime import dies_with_parent

__all__ = ["map_files"]

T = TypeVar("T")

# Below this many files per worker, forking and pickling cost more than the scan saves.
_FILES_PER_WORKER = 64


def map_files(scan_one: Callable[[str], T], files: Sequence[str]) -> list[T]:
    """``[scan_one(f) for f in files]``, in order, spread over the machine's cores."""
    workers = min(os.cpu_count() or 1, len(files) // _FILES_PER_WORKER)
    if workers < 2 or not sys.platform.startswith("linux"):
        return [scan_one(name) for name in files]
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_setup,
        initargs=(dies_with_parent(),),
    ) as pool:
        return list(pool.map(scan_one, files, chunksize=max(1, len(files) // (workers * 8))))


def _worker_setup(die_with_parent: Callable[[], None] | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if die_with_parent is not None:
        die_with_parent()
