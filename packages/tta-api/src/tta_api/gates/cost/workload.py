"""Workload files: JSONL requests labelled ``simple`` or ``complex``, read and validated.

Each non-blank line is one JSON object: ``id`` (unique, non-empty string),
``prompt`` (non-empty string), ``label`` (``simple`` or ``complex``) and
optionally ``template`` (the generator's template name). Anything else raises
:class:`WorkloadError`, one line naming the file, the line and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["WorkloadError", "WorkloadRequest", "load_workload"]


class WorkloadError(ValueError):
    """The workload file cannot be used; the message is one line naming the file and field."""


class WorkloadRequest(BaseModel):
    """One request of a workload."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    label: Literal["simple", "complex"]
    template: str | None = None


def load_workload(path: Path) -> list[WorkloadRequest]:
    """The requests of ``path``, in order; at least one must be labelled complex."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise WorkloadError(f"{path}: cannot read the workload: {error.strerror}") from None
    except UnicodeDecodeError:
        raise WorkloadError(f"{path}: the workload is not UTF-8 text") from None
    requests: list[WorkloadRequest] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        request = _parse_line(path, number, line)
        if request.id in seen:
            raise WorkloadError(
                f"{path}:{number}: id: {request.id!r} already used on line {seen[request.id]}"
            )
        seen[request.id] = number
        requests.append(request)
    if not requests:
        raise WorkloadError(f"{path}: the workload has no requests")
    if not any(request.label == "complex" for request in requests):
        raise WorkloadError(
            f"{path}: label: no request is labelled 'complex', so the quality guard cannot run"
        )
    return requests


def _parse_line(path: Path, number: int, line: str) -> WorkloadRequest:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise WorkloadError(f"{path}:{number}: not valid JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise WorkloadError(f"{path}:{number}: expected a JSON object")
    try:
        return WorkloadRequest.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "request"
        raise WorkloadError(f"{path}:{number}: {field}: {first['msg']}") from None
