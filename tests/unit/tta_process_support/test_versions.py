"""``installed_version``: the installed distribution's version, ``0.0.0`` without metadata."""

from __future__ import annotations

from importlib.metadata import version

from tta_process_support.versions import UNKNOWN_VERSION, installed_version


def test_an_installed_distribution_reports_its_version() -> None:
    assert installed_version("tta-process-support") == version("tta-process-support") == "0.1.0"


def test_a_distribution_without_metadata_reports_the_unknown_version() -> None:
    assert installed_version("tta-no-such-distribution") == UNKNOWN_VERSION == "0.0.0"
