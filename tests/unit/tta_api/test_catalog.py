from __future__ import annotations

import re
from pathlib import Path

import pytest
from tta_api import CatalogError, load_catalog
from tta_api.catalog import Tier

_MODEL = """
[[models]]
name = "{name}"
tier = "{tier}"
price_per_1k_input = {price}
price_per_1k_output = 0.002
context_window = {window}
latency_ms = 1
"""


def _catalog_text(**overrides: object) -> str:
    models = [
        {"name": "small", "tier": "cheap", "price": 0.001, "window": 1000},
        {"name": "mid", "tier": "balanced", "price": 0.01, "window": 8000},
        {"name": "big", "tier": "premium", "price": 0.1, "window": 64000},
    ]
    models[0].update(overrides)
    return "".join(_MODEL.format(**model) for model in models)


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "models.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_catalog_has_one_model_per_tier() -> None:
    catalog = load_catalog()
    assert {model.tier for model in catalog.models} == set(Tier)
    cheap, premium = catalog.for_tier(Tier.CHEAP), catalog.for_tier(Tier.PREMIUM)
    assert cheap.price_per_1k_input < premium.price_per_1k_input
    assert cheap.price_per_1k_output < premium.price_per_1k_output


def test_a_file_overrides_the_shipped_catalog(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, _catalog_text()))
    assert catalog.for_tier(Tier.CHEAP).name == "small"
    assert catalog.for_tier(Tier.CHEAP).cost(1000, 500) == pytest.approx(0.002)


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        (_catalog_text(price=-1), "models[0].price_per_1k_input", "greater than or equal to 0"),
        (_catalog_text(price="nan"), "models[0].price_per_1k_input", "finite"),
        (_catalog_text(window='"4096"'), "models[0].context_window", "integer"),
        (_catalog_text(window=0), "models[0].context_window", "greater than or equal to 1"),
        (_catalog_text(tier="free"), "models[0].tier", "cheap"),
        (_catalog_text(name="bad name"), "models[0].name", "pattern"),
        (_catalog_text(name="mid"), "models", "unique, repeated: mid"),
        (_catalog_text(tier="balanced"), "models", "exactly one model of tier 'cheap'"),
        (_catalog_text().replace("latency_ms = 1\n", "", 1), "models[0].latency_ms", "required"),
        (_catalog_text() + "colour = 1\n", "models[2].colour", "not permitted"),
        ("title = 'no models'\n", "models", "required"),
        ("[[models]]\n", "models[0].name", "Field required"),
        ("models = []\n", "models", "at least 3"),
    ],
)
def test_a_bad_catalog_is_one_line_naming_file_and_field(
    tmp_path: Path, text: str, field: str, reason: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}: ")
    assert reason in message


@pytest.mark.parametrize(
    ("content", "reason"),
    [("[[models]\n", "not valid TOML"), (b"\xff\xfe", "the model catalog is not UTF-8")],
)
def test_an_unreadable_catalog_names_the_file(
    tmp_path: Path, content: str | bytes, reason: str
) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(CatalogError, match=f"^{re.escape(str(path))}: {reason}"):
        load_catalog(path)


def test_a_missing_catalog_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.toml"
    with pytest.raises(
        CatalogError, match=f"^{re.escape(str(missing))}: cannot read the model catalog"
    ):
        load_catalog(missing)
