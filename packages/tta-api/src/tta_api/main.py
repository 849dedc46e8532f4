"""The ASGI app served by ``uvicorn tta_api.main:app``, configured from the environment.

A bad variable or model catalog stops start-up with one line on stderr naming
it (exit code 2), not a traceback.
"""

from __future__ import annotations

import sys

from fastapi import FastAPI

from tta_api.app import create_app
from tta_api.catalog import CatalogError
from tta_api.settings import ConfigError

__all__ = ["app"]


def _create_app_or_exit() -> FastAPI:
    try:
        return create_app()
    except (ConfigError, CatalogError) as error:
        print(f"tta-api: {error}", file=sys.stderr)
        raise SystemExit(2) from None


app = _create_app_or_exit()
