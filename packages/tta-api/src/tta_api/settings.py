"""The service's configuration, read from environment variables and validated at start-up.

Variables: ``REDIS_URL`` (cache in Redis; unset: in memory), ``TTA_MODELS_FILE``
(model catalog; unset: the catalog shipped with the package),
``TTA_OBSERVABILITY`` (``on`` or ``off``), ``TTA_WORKFLOW_TIMEOUT_SECONDS``
(budget of the ``bounded-answer`` workflow), ``TTA_CACHE_TTL_SECONDS`` and
``OTEL_SERVICE_NAME``. Other standard ``OTEL_*`` variables are read by
``observability_integration``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, RedisDsn, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ConfigError", "Settings", "load_settings"]


class ConfigError(ValueError):
    """A configuration variable has a bad value; the message is one line naming it."""


class Settings(BaseSettings):
    """Validated service configuration; each field is read from the variable in its alias."""

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    redis_url: RedisDsn | None = Field(default=None, alias="REDIS_URL")
    models_file: Path | None = Field(default=None, alias="TTA_MODELS_FILE")
    observability: Literal["on", "off"] = Field(default="on", alias="TTA_OBSERVABILITY")
    workflow_timeout_seconds: float = Field(
        default=2.0, gt=0, le=300, allow_inf_nan=False, alias="TTA_WORKFLOW_TIMEOUT_SECONDS"
    )
    cache_ttl_seconds: float = Field(
        default=3600.0, gt=0, le=30 * 86400, allow_inf_nan=False, alias="TTA_CACHE_TTL_SECONDS"
    )
    service_name: str = Field(default="tta-api", min_length=1, alias="OTEL_SERVICE_NAME")

    @property
    def observability_enabled(self) -> bool:
        """Whether ``TTA_OBSERVABILITY`` is ``on``."""
        return self.observability == "on"


def load_settings() -> Settings:
    """Read and validate the environment; :class:`ConfigError` names the first bad variable."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = ".".join(str(part) for part in first["loc"]) or "configuration"
        given = repr(first.get("input"))
        if len(given) > 80:
            given = given[:77] + "..."
        raise ConfigError(f"invalid configuration: {variable}={given}: {first['msg']}") from None
