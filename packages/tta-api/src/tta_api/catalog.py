"""The catalog of stand-in LLM models: a TOML file, validated when the service starts.

The package ships ``models.toml``; ``TTA_MODELS_FILE`` names another file of
the same format. A catalog has one ``[[models]]`` table per model (``name``,
``tier``, ``price_per_1k_input``, ``price_per_1k_output``, ``context_window``,
``latency_ms``) and exactly one model of each tier: ``cheap``, ``balanced``,
``premium``. Any other shape raises :class:`CatalogError` with one line naming
the file and the field.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = ["DEFAULT_CATALOG", "CatalogError", "ModelCatalog", "ModelSpec", "Tier", "load_catalog"]

DEFAULT_CATALOG = "models.toml"
"""The catalog shipped in the package."""


class CatalogError(ValueError):
    """The model catalog cannot be used; the message is one line naming the file and field."""


class Tier(StrEnum):
    """A model's price/quality class; routing picks one of these."""

    CHEAP = "cheap"
    BALANCED = "balanced"
    PREMIUM = "premium"


class ModelSpec(BaseModel):
    """One simulated model: prices per 1000 tokens, context window and simulated latency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    tier: Tier
    price_per_1k_input: float = Field(ge=0, le=1000, allow_inf_nan=False)
    price_per_1k_output: float = Field(ge=0, le=1000, allow_inf_nan=False)
    context_window: int = Field(ge=1, le=10_000_000, strict=True)
    latency_ms: float = Field(ge=0, le=60_000, allow_inf_nan=False)

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        """The price in US dollars of a call with these token counts."""
        return round(
            tokens_in * self.price_per_1k_input / 1000
            + tokens_out * self.price_per_1k_output / 1000,
            10,
        )


class ModelCatalog(BaseModel):
    """The models by tier; model names are unique."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models: tuple[ModelSpec, ...] = Field(min_length=3)

    @model_validator(mode="after")
    def _one_model_per_tier(self) -> ModelCatalog:
        names = [model.name for model in self.models]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"model names must be unique, repeated: {', '.join(duplicates)}")
        for tier in Tier:
            count = sum(1 for model in self.models if model.tier is tier)
            if count != 1:
                raise ValueError(f"needs exactly one model of tier {tier.value!r}, found {count}")
        return self

    def for_tier(self, tier: Tier) -> ModelSpec:
        """The model of ``tier``."""
        return next(model for model in self.models if model.tier is tier)


def load_catalog(path: Path | None = None) -> ModelCatalog:
    """Read and validate the catalog at ``path`` (default: the shipped one)."""
    if path is None:
        source = files("tta_api").joinpath(DEFAULT_CATALOG)
        label = DEFAULT_CATALOG
        read = source.read_text
    else:
        label = str(path)
        read = path.read_text
    try:
        data = tomllib.loads(read(encoding="utf-8"))
    except OSError as error:
        raise CatalogError(f"{label}: cannot read the model catalog: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CatalogError(f"{label}: the model catalog is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{label}: not valid TOML: {error}") from None
    try:
        return ModelCatalog.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = _field_path(first["loc"])
        raise CatalogError(f"{label}: {field}: {first['msg']}") from None


def _field_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path or "models"
