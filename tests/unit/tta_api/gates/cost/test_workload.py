from __future__ import annotations

import json
from pathlib import Path

import pytest
from tta_api.gates.cost.workload import WorkloadError, load_workload

SIMPLE = {"id": "a", "label": "simple", "prompt": "What is 2 + 2?"}
COMPLEX = {"id": "b", "label": "complex", "prompt": "Prove it.", "template": "proof"}


def _write(path: Path, *lines: object) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def test_requests_load_in_order_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    requests = load_workload(_write(tmp_path / "w.jsonl", SIMPLE, "", "   ", COMPLEX))
    assert [(r.id, r.label, r.template) for r in requests] == [
        ("a", "simple", None),
        ("b", "complex", "proof"),
    ]
    assert requests[1].prompt == "Prove it."


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", ":2: not valid JSON"),
        ("[1, 2]", ":2: expected a JSON object"),
        ({"id": "c", "prompt": "p"}, ":2: label: Field required"),
        ({"id": "c", "prompt": "p", "label": "hard"}, ":2: label: Input should be 'simple'"),
        ({"id": "c", "prompt": "", "label": "simple"}, ":2: prompt: String should have"),
        ({"id": "c", "prompt": 7, "label": "simple"}, ":2: prompt: Input should be a valid str"),
        ({"id": "", "prompt": "p", "label": "simple"}, ":2: id: String should have"),
        ({"id": 3, "prompt": "p", "label": "simple"}, ":2: id: Input should be a valid str"),
        ({**SIMPLE, "id": "c", "cost": 1}, ":2: cost: Extra inputs are not permitted"),
        ({**SIMPLE, "prompt": "again"}, ":2: id: 'a' already used on line 1"),
    ],
)
def test_a_bad_line_names_the_file_the_line_and_the_field(
    tmp_path: Path, line: object, expected: str
) -> None:
    path = _write(tmp_path / "w.jsonl", SIMPLE, line, COMPLEX)
    with pytest.raises(WorkloadError) as caught:
        load_workload(path)
    message = str(caught.value)
    assert message.startswith(f"{path}{expected}"), message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the workload has no requests"),
        (b"\n\n", "the workload has no requests"),
        (json.dumps(SIMPLE).encode() + b"\n", "label: no request is labelled 'complex'"),
        (b"\xff\xfe{}", "the workload is not UTF-8 text"),
    ],
)
def test_an_unusable_file_is_named(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "w.jsonl"
    path.write_bytes(content)
    with pytest.raises(WorkloadError, match=rf"^{path}: {expected}"):
        load_workload(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "absent.jsonl"
    with pytest.raises(WorkloadError, match=rf"^{missing}: cannot read the workload: "):
        load_workload(missing)
