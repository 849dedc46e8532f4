"""Composable async workflow primitives for LLM applications.

Every primitive is a :class:`WorkflowPrimitive`; ``a >> b`` chains two,
``a | b`` runs them concurrently. Instrumentation plugs in through
:mod:`tta_dev_primitives.hooks`.
"""

from tta_dev_primitives import hooks
from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.cache.backend import MISSING, CacheBackend
from tta_dev_primitives.cache.codec import Codec, JsonCodec, UncacheableValueError
from tta_dev_primitives.cache.fallback import FallbackBackend
from tta_dev_primitives.cache.keys import UnkeyableInputError
from tta_dev_primitives.cache.memory import InMemoryBackend
from tta_dev_primitives.cache.primitive import CachePrimitive, CacheStats
from tta_dev_primitives.cache.redis_backend import RedisBackend
from tta_dev_primitives.composition.conditional import ConditionalPrimitive
from tta_dev_primitives.composition.parallel import ParallelPrimitive
from tta_dev_primitives.composition.router import RouterPrimitive
from tta_dev_primitives.composition.sequential import SequentialPrimitive
from tta_dev_primitives.context import RouteDecision, WorkflowContext
from tta_dev_primitives.errors import UnknownRouteError, secondary_errors
from tta_dev_primitives.hooks import (
    ExecutionHook,
    PrimitiveEvent,
    get_hook,
    get_hooks,
    install_hook,
    uninstall_hook,
)
from tta_dev_primitives.lambda_primitive import LambdaPrimitive
from tta_dev_primitives.recovery.fallback import FallbackPrimitive
from tta_dev_primitives.recovery.retry import RetryPrimitive
from tta_dev_primitives.recovery.timeout import TimeoutPrimitive
from tta_dev_primitives.testing import MockCall, MockPrimitive, RecordingHook

__all__ = [
    "MISSING",
    "CacheBackend",
    "CachePrimitive",
    "CacheStats",
    "Codec",
    "ConditionalPrimitive",
    "ExecutionHook",
    "FallbackBackend",
    "FallbackPrimitive",
    "InMemoryBackend",
    "JsonCodec",
    "LambdaPrimitive",
    "MockCall",
    "MockPrimitive",
    "ParallelPrimitive",
    "PrimitiveEvent",
    "RecordingHook",
    "RedisBackend",
    "RetryPrimitive",
    "RouteDecision",
    "RouterPrimitive",
    "SequentialPrimitive",
    "TimeoutPrimitive",
    "UncacheableValueError",
    "UnkeyableInputError",
    "UnknownRouteError",
    "WorkflowContext",
    "WorkflowPrimitive",
    "get_hook",
    "get_hooks",
    "hooks",
    "install_hook",
    "secondary_errors",
    "uninstall_hook",
]
