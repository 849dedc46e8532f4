"""tests/api: one recording of its traffic script, every API operation, no secret."""

from __future__ import annotations

from urllib.parse import urlsplit

from keploy_framework.coverage import endpoint_coverage
from keploy_framework.redaction import MARKER
from keploy_framework.storage import list_test_sets, read_test_set
from tta_api import Settings, create_app

from ...common.module_from_path import load_module
from ...common.repository_files import REPO_ROOT

SUITE = REPO_ROOT / "tests" / "api"
traffic = load_module(SUITE / "traffic.py", "api_traffic")
cases = [case for path in list_test_sets(SUITE) for case in read_test_set(path).cases]


def test_the_suite_is_one_recording_of_the_traffic_script_in_order() -> None:
    recorded = [
        (c.request.method, urlsplit(c.request.url).path, c.response.status_code) for c in cases
    ]
    scripted = [(call.method, call.path, call.status) for call in traffic.TRAFFIC]
    assert recorded == scripted, (
        "tests/api is stale: re-record it with `uvx nox@2026.10.20 -s api-record`"
    )


def test_the_suite_covers_every_operation_of_the_openapi_schema() -> None:
    app = create_app(Settings(TTA_OBSERVABILITY="off", REDIS_URL=None, TTA_MODELS_FILE=None))
    coverage = endpoint_coverage(app.openapi(), cases)
    assert coverage.uncovered == ()
    assert {(e.method, e.path) for e in coverage.covered} == {
        ("GET", "/health"),
        ("GET", "/metrics"),
        ("GET", "/api/v1/workflows"),
        ("POST", "/api/v1/workflows/{name}/run"),
        ("POST", "/api/v1/route"),
        ("GET", "/api/v1/cache/stats"),
    }


def test_no_canary_secret_reaches_a_recorded_file() -> None:
    # Every recorded file; not the traffic script itself nor Python's bytecode cache of it.
    files = [
        p
        for p in SUITE.rglob("*")
        if p.is_file() and p.name != "traffic.py" and "__pycache__" not in p.parts
    ]
    assert files
    for path in files:
        assert traffic.CANARY.encode() not in path.read_bytes(), f"secret written to {path}"
    credentials = next(c for c in cases if "Authorization" in c.request.header)
    for name in ("Authorization", "Cookie", "X-Llm-Api-Key"):
        assert credentials.request.header[name] == MARKER
    echoed = next(c for c in cases if '"password"' in str(c.request.body))
    assert MARKER in str(echoed.request.body)
    assert MARKER in str(echoed.response.body)
