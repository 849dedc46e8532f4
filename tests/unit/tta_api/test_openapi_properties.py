"""Property-based API tests: schemathesis against the app's own OpenAPI schema, in-process.

Bounded: a few dozen generated requests per operation, no per-example
deadline, well under a minute in total. Every response must be documented
(status, content type, body schema) and none may be a 5xx.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from tta_api import Settings, create_app

_app = create_app(
    Settings(
        TTA_OBSERVABILITY="off",
        TTA_WORKFLOW_TIMEOUT_SECONDS=0.05,
        REDIS_URL=None,
        TTA_MODELS_FILE=None,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_conforms_to_the_schema(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()
