"""A FastAPI service running LLM workflows built from tta-dev-primitives.

Serve it with ``uvicorn tta_api.main:app``; build an app with your own
settings with :func:`create_app`.
"""

from tta_api.app import create_app
from tta_api.catalog import CatalogError, ModelCatalog, ModelSpec, load_catalog
from tta_api.settings import ConfigError, Settings, load_settings

__all__ = [
    "CatalogError",
    "ConfigError",
    "ModelCatalog",
    "ModelSpec",
    "Settings",
    "create_app",
    "load_catalog",
    "load_settings",
]
