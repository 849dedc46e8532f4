"""Run detect-secrets' detectors and the sensitive-name detector over the chosen files."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from detect_secrets.core.scan import _is_filtered_out, _process_line_based_plugins, scan_file
from detect_secrets.settings import transient_settings
from detect_secrets.transformers import get_transformed_file
from detect_secrets.types import NamedIO
from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.secrets.baseline import load_baseline
from tta_tooling.secrets.config import SecretsConfig
from tta_tooling.secrets.detection import Detection
from tta_tooling.secrets.files import files_to_scan
from tta_tooling.secrets.names import SensitiveNames, load_names
from tta_tooling.secrets.structured import STRUCTURED_SUFFIXES, sensitive_values
from tta_tooling.secrets.workers import map_files

__all__ = ["ScanResult", "scan"]

# detect-secrets' inline allowlist comment, honoured by the sensitive-name detector too.
_ALLOWLIST = "pragma: allowlist secret"


@dataclass(frozen=True)
class ScanResult:
    """Detections not accepted by the baseline, and how many files were read."""

    detections: list[Detection]
    files: int


def scan(root: Path, config: SecretsConfig) -> ScanResult:
    """Scan ``root``'s tracked files and artifacts as ``config`` says."""
    baseline = load_baseline(root / config.baseline)
    names = load_names(root / config.names) if config.names else None
    exclude = (config.baseline, *config.exclude)
    files = files_to_scan(root, config.artifacts, exclude)
    with transient_settings(baseline.settings):
        per_file = map_files(_FileScan(root, names), files)
    found = [detection for detections in per_file for detection in detections]
    unique = {(d.key, d.line): d for d in found if d.key not in baseline.accepted}
    ordered = sorted(unique.values(), key=lambda d: (d.file, d.line, d.detector))
    return ScanResult(ordered, len(files))


@dataclass(frozen=True)
class _FileScan:
    """Every detection in one file: detect-secrets' plugins, then the sensitive names."""

    root: Path
    names: SensitiveNames | None

    def __call__(self, name: str) -> list[Detection]:
        path = self.root / name
        text = _text(path)
        found = list(_detect_secrets(name, path, text))
        if (
            self.names is not None
            and text is not None
            and path.suffix.lower() in STRUCTURED_SUFFIXES
        ):
            lines = text.splitlines()
            found.extend(
                d
                for d in sensitive_values(name, text, self.names)
                if not _allowlisted(lines, d.line)
            )
        return found


def _detect_secrets(name: str, path: Path, text: str | None) -> Iterator[Detection]:
    """detect-secrets' plugins on every raw line (comments included) and on its own view.

    ``scan_file`` reads a YAML or INI file through a transformer that keeps parsed values
    and drops comments (detect_secrets/core/scan.py ``_get_lines_from_file``), so the raw
    lines go through the same per-line engine (``_process_line_based_plugins``) first.
    """
    filename = str(path)
    if (
        text is not None
        and _first_view_is_parsed(filename, text)
        and not _is_filtered_out(required_filter_parameters=["filename"], filename=filename)
    ):
        raw = list(enumerate(text.splitlines(), start=1))
        for secret in _process_line_based_plugins(lines=raw, filename=filename):
            yield Detection(name, secret.line_number, secret.type, secret.secret_hash)
    for secret in scan_file(filename):
        yield Detection(name, secret.line_number, secret.type, secret.secret_hash)


def _first_view_is_parsed(filename: str, text: str) -> bool:
    """Whether ``scan_file``'s first view of the file is a parse, not its raw lines.

    ``scan_file`` first reads a file through the first non-eager transformer that
    parses it into some lines (YAML, INI), else as its raw lines
    (detect_secrets/core/scan.py ``_get_lines_from_file``). Only a file so parsed
    needs the raw-line pass of its own; every other file's raw lines are already
    what ``scan_file`` scans.
    """
    return bool(get_transformed_file(cast(NamedIO, _NamedText(text, filename))))


class _NamedText(io.StringIO):
    """A file's text with the name detect-secrets' transformers choose by."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name


def _allowlisted(lines: list[str], line: int) -> bool:
    return 0 < line <= len(lines) and _ALLOWLIST in lines[line - 1]


def _text(path: Path) -> str | None:
    try:
        return read_input(path)
    except InputError:  # binary or unreadable: scan_file skips it the same way
        return None
