"""The standard ``OTEL_*`` environment variables, read and validated in one place.

:func:`read_settings` turns the environment into :class:`Settings` or raises
:class:`ConfigurationError` naming the first bad variable, before anything is
set up. Supported variables:

* ``OTEL_SDK_DISABLED`` (``true`` / ``false``);
* ``OTEL_SERVICE_NAME`` and ``OTEL_RESOURCE_ATTRIBUTES`` (``key=value,...``,
  values percent-decoded);
* ``OTEL_TRACES_SAMPLER`` (``always_on``, ``always_off``, ``traceidratio``,
  ``parentbased_always_on`` (default), ``parentbased_always_off``,
  ``parentbased_traceidratio``) and ``OTEL_TRACES_SAMPLER_ARG`` (a ratio in 0..1);
* ``OTEL_TRACES_EXPORTER`` (``otlp``, ``console``, ``none``; default ``none``)
  and ``OTEL_METRICS_EXPORTER`` (``prometheus`` (default), ``otlp``, ``console``,
  ``none``), comma-separated;
* when ``otlp`` is chosen: ``OTEL_EXPORTER_OTLP_[TRACES_|METRICS_]ENDPOINT``
  (an ``http(s)://host[:port]`` URL), ``OTEL_EXPORTER_OTLP_[TRACES_|METRICS_]PROTOCOL``
  (only ``http/protobuf``), ``OTEL_EXPORTER_OTLP_TIMEOUT`` and
  ``OTEL_EXPORTER_OTLP_COMPRESSION``; the OTLP exporter reads them (and the
  headers and certificate variables) itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import unquote, urlsplit

from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    DEFAULT_OFF,
    DEFAULT_ON,
    ParentBasedTraceIdRatio,
    Sampler,
    TraceIdRatioBased,
)

__all__ = [
    "METRICS_EXPORTERS",
    "SAMPLERS",
    "TRACES_EXPORTERS",
    "ConfigurationError",
    "Settings",
    "read_settings",
]

SAMPLERS: Final[tuple[str, ...]] = (
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
)
TRACES_EXPORTERS: Final[tuple[str, ...]] = ("otlp", "console", "none")
METRICS_EXPORTERS: Final[tuple[str, ...]] = ("prometheus", "otlp", "console", "none")

_OTLP_PROTOCOL: Final = "http/protobuf"
_COMPRESSIONS: Final = ("gzip", "deflate", "none")


class ConfigurationError(ValueError):
    """An ``OTEL_*`` variable holds a value this package cannot use."""

    def __init__(self, variable: str, value: str, expected: str) -> None:
        super().__init__(f"{variable}={value!r} is not valid: {expected}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """What the environment asks for (explicit arguments are applied on top by the caller)."""

    disabled: bool = False
    service_name: str | None = None
    resource_attributes: Mapping[str, str] = field(default_factory=dict)
    sampler: Sampler = DEFAULT_ON
    traces_exporters: tuple[str, ...] = ()
    metrics_exporters: tuple[str, ...] = ("prometheus",)


def read_settings(environ: Mapping[str, str]) -> Settings:
    """Read the ``OTEL_*`` variables of ``environ``; raises :class:`ConfigurationError`."""
    disabled = _boolean(environ, "OTEL_SDK_DISABLED")
    traces = _exporters(environ, "OTEL_TRACES_EXPORTER", TRACES_EXPORTERS, default=())
    metrics = _exporters(
        environ, "OTEL_METRICS_EXPORTER", METRICS_EXPORTERS, default=("prometheus",)
    )
    if "otlp" in traces:
        _check_otlp(environ, "TRACES_")
    if "otlp" in metrics:
        _check_otlp(environ, "METRICS_")
    return Settings(
        disabled=disabled,
        service_name=environ.get("OTEL_SERVICE_NAME", "").strip() or None,
        resource_attributes=_resource_attributes(environ),
        sampler=_sampler(environ),
        traces_exporters=traces,
        metrics_exporters=metrics,
    )


def _boolean(environ: Mapping[str, str], variable: str) -> bool:
    value = environ.get(variable, "")
    normalised = value.strip().lower()
    if normalised not in ("", "true", "false"):
        raise ConfigurationError(variable, value, "expected true or false")
    return normalised == "true"


def _exporters(
    environ: Mapping[str, str], variable: str, known: tuple[str, ...], default: tuple[str, ...]
) -> tuple[str, ...]:
    value = environ.get(variable)
    if value is None or not value.strip():
        return default
    names = [name.strip().lower() for name in value.split(",")]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ConfigurationError(variable, value, f"expected a comma list of {', '.join(known)}")
    if "none" in names and len(names) > 1:
        raise ConfigurationError(variable, value, "none cannot be combined with an exporter")
    return tuple(dict.fromkeys(name for name in names if name != "none"))


def _resource_attributes(environ: Mapping[str, str]) -> dict[str, str]:
    variable = "OTEL_RESOURCE_ATTRIBUTES"
    value = environ.get(variable, "")
    attributes: dict[str, str] = {}
    for item in value.split(","):
        if not item.strip():
            continue
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError(variable, value, f"{item.strip()!r} is not key=value")
        attributes[key.strip()] = unquote(raw.strip())
    return attributes


def _sampler(environ: Mapping[str, str]) -> Sampler:
    variable = "OTEL_TRACES_SAMPLER"
    value = environ.get(variable, "")
    name = value.strip().lower() or "parentbased_always_on"
    if name not in SAMPLERS:
        raise ConfigurationError(variable, value, f"expected one of {', '.join(SAMPLERS)}")
    if name == "always_on":
        return ALWAYS_ON
    if name == "always_off":
        return ALWAYS_OFF
    if name == "parentbased_always_on":
        return DEFAULT_ON
    if name == "parentbased_always_off":
        return DEFAULT_OFF
    ratio = _ratio(environ, "OTEL_TRACES_SAMPLER_ARG")
    return TraceIdRatioBased(ratio) if name == "traceidratio" else ParentBasedTraceIdRatio(ratio)


def _ratio(environ: Mapping[str, str], variable: str) -> float:
    value = environ.get(variable, "")
    if not value.strip():
        return 1.0
    try:
        ratio = float(value)
    except ValueError:
        ratio = math.nan
    if not 0.0 <= ratio <= 1.0:  # also rejects nan
        raise ConfigurationError(variable, value, "expected a sampling ratio from 0 to 1")
    return ratio


def _check_otlp(environ: Mapping[str, str], signal: str) -> None:
    for variable in ("OTEL_EXPORTER_OTLP_PROTOCOL", f"OTEL_EXPORTER_OTLP_{signal}PROTOCOL"):
        value = environ.get(variable)
        if value is not None and value.strip().lower() != _OTLP_PROTOCOL:
            raise ConfigurationError(variable, value, f"only {_OTLP_PROTOCOL} is supported")
    for variable in ("OTEL_EXPORTER_OTLP_ENDPOINT", f"OTEL_EXPORTER_OTLP_{signal}ENDPOINT"):
        value = environ.get(variable)
        if value is not None:
            _check_endpoint(variable, value)
    for variable in ("OTEL_EXPORTER_OTLP_TIMEOUT", f"OTEL_EXPORTER_OTLP_{signal}TIMEOUT"):
        value = environ.get(variable)
        if value is not None:
            try:
                timeout = float(value)
            except ValueError:
                timeout = math.nan
            if not 0 < timeout < math.inf:
                raise ConfigurationError(variable, value, "expected a positive number")
    for variable in ("OTEL_EXPORTER_OTLP_COMPRESSION", f"OTEL_EXPORTER_OTLP_{signal}COMPRESSION"):
        value = environ.get(variable)
        if value is not None and value.strip().lower() not in _COMPRESSIONS:
            raise ConfigurationError(variable, value, f"expected one of {', '.join(_COMPRESSIONS)}")


def _check_endpoint(variable: str, value: str) -> None:
    expected = "expected an http:// or https:// URL with a host, e.g. http://127.0.0.1:4318"
    if value != value.strip() or any(character.isspace() for character in value):
        raise ConfigurationError(variable, value, expected)
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError:
        raise ConfigurationError(variable, value, expected) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise ConfigurationError(variable, value, expected)
