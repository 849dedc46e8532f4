"""The coverage session's input: the data files of each expected run, combined into reports.

The tests and integration sessions each leave ``.coverage.<session>.*`` files in one
directory. :func:`check_runs` says which expected runs left none (an error on CI if
any is missing, elsewhere only if all are: a developer may have run one Python);
:func:`combine_and_report` combines them (no other run's files: a session that no longer
measures, or an old run, may have left some), keeping the per-run files, into
``.coverage`` and writes ``coverage.json`` (for the gate) and ``coverage.xml`` (for
Codecov) beside them, through coverage.py's API in this process. coverage.py is
imported only here, so tta-tooling runs in the sessions that do not install it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tta_process_support.atomic import replace_atomically

from tta_tooling.errors import InputError

__all__ = ["DATA_FILE", "JSON_REPORT", "XML_REPORT", "check_runs", "combine_and_report", "on_ci"]

DATA_FILE = ".coverage"
JSON_REPORT = "coverage.json"
XML_REPORT = "coverage.xml"


def on_ci() -> bool:
    """Whether ``$CI`` says this is a CI run (``true`` or ``1``, as the noxfile reads it)."""
    return os.environ.get("CI", "").lower() in {"1", "true"}


def check_runs(data_dir: Path, expected: Sequence[str], *, strict: bool) -> None:
    """Raise an :class:`InputError` naming the runs of ``expected`` without data files.

    ``strict`` (CI): any missing run is an error; otherwise only all of them.
    """
    missing = [name for name in expected if not any(data_dir.glob(f"{DATA_FILE}.{name}.*"))]
    if missing and (strict or len(missing) == len(expected)):
        raise InputError(
            data_dir,
            f"no coverage data from {', '.join(missing)}: run `nox -s tests integration` "
            "first (plain `nox` runs them before coverage)",
        )


def combine_and_report(root: Path, data_dir: Path, runs: Sequence[str]) -> Path:
    """Combine the files of ``runs`` in ``data_dir`` and write its reports; the JSON's path."""
    try:
        import coverage  # noqa: PLC0415  # only this command needs it (docstring)
    except ImportError:
        raise InputError(
            "coverage", "not installed: run coverage-gate with the `test` dependency group"
        ) from None
    config = root / "pyproject.toml"
    measured = coverage.Coverage(
        data_file=str(data_dir / DATA_FILE), config_file=str(config) if config.is_file() else False
    )
    try:
        files = sorted(str(path) for run in runs for path in data_dir.glob(f"{DATA_FILE}.{run}.*"))
        measured.combine(files, strict=True, keep=True)
        measured.save()
        replace_atomically(data_dir / XML_REPORT, lambda out: measured.xml_report(outfile=out))
        report = data_dir / JSON_REPORT
        replace_atomically(report, lambda out: measured.json_report(outfile=out))
    except coverage.CoverageException as error:
        raise InputError(data_dir, f"coverage.py: {error}") from None
    return report
