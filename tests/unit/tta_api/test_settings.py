from __future__ import annotations

import pytest
from tta_api import ConfigError, Settings, load_settings


def test_defaults_when_nothing_is_set() -> None:
    settings = load_settings()
    assert settings.redis_url is None
    assert settings.models_file is None
    assert settings.observability_enabled
    assert settings.workflow_timeout_seconds == 2.0
    assert settings.service_name == "tta-api"


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6390/2")
    monkeypatch.setenv("TTA_OBSERVABILITY", "off")
    monkeypatch.setenv("TTA_WORKFLOW_TIMEOUT_SECONDS", "0.25")
    monkeypatch.setenv("TTA_MODELS_FILE", "/etc/models.toml")
    settings = load_settings()
    assert str(settings.redis_url) == "redis://127.0.0.1:6390/2"
    assert not settings.observability_enabled
    assert settings.workflow_timeout_seconds == 0.25
    assert str(settings.models_file) == "/etc/models.toml"


def test_an_empty_variable_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "")
    monkeypatch.setenv("REDIS_URL", "")
    settings = load_settings()
    assert settings.service_name == "tta-api"
    assert settings.redis_url is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("REDIS_URL", "not a url"),
        ("TTA_OBSERVABILITY", "maybe"),
        ("TTA_OBSERVABILITY", "ON "),
        ("TTA_WORKFLOW_TIMEOUT_SECONDS", "0"),
        ("TTA_WORKFLOW_TIMEOUT_SECONDS", "nan"),
        ("TTA_WORKFLOW_TIMEOUT_SECONDS", "inf"),
        ("TTA_WORKFLOW_TIMEOUT_SECONDS", "ten"),
        ("TTA_CACHE_TTL_SECONDS", "-1"),
        ("TTA_CACHE_TTL_SECONDS", "1e99"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"invalid configuration: {variable}=")
    assert repr(value) in message


def test_a_huge_value_is_cut_in_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTA_OBSERVABILITY", "x" * 10_000)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert len(str(raised.value)) < 200


def test_settings_accept_variable_names_as_keywords() -> None:
    assert Settings(TTA_OBSERVABILITY="off").observability == "off"
