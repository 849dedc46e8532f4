"""``python -m tta_api [--host H] [--port P]``: serve the app with uvicorn; SIGTERM exits 0.

``uvicorn tta_api.main:app`` shuts down gracefully on SIGTERM too, but then
re-raises the signal, so its exit status is "killed by SIGTERM". This entry
point is for supervisors that expect a requested stop to exit 0: in-flight
requests get up to :data:`GRACEFUL_SHUTDOWN_SECONDS`, the lifespan closes the
Redis pool and the observability pipeline, and the process exits 0. A bad
configuration exits 2 with one line on stderr; a failed start-up exits 3.
"""

from __future__ import annotations

import argparse
import signal
from collections.abc import Sequence
from types import FrameType

import uvicorn
from tta_process_support.arguments import whole_number

__all__ = ["GRACEFUL_SHUTDOWN_SECONDS", "main"]

GRACEFUL_SHUTDOWN_SECONDS = 4.0
_STARTUP_FAILURE = 3
# 0 asks the system for any free port
_BIND_PORT = whole_number(0, 65535, "a TCP port is 0-65535")


def _already_handled(signum: int, frame: FrameType | None) -> None:
    """uvicorn re-raises the stop signal after its graceful shutdown; it needs nothing more."""


def main(argv: Sequence[str] | None = None) -> int:
    """Serve ``tta_api.main:app`` until SIGTERM or SIGINT; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tta_api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument(
        "--port", type=_BIND_PORT, default=8000, help="port to bind, 0 for any (8000)"
    )
    args = parser.parse_args(argv)
    server = uvicorn.Server(
        uvicorn.Config(
            "tta_api.main:app",
            host=args.host,
            port=args.port,
            timeout_graceful_shutdown=int(GRACEFUL_SHUTDOWN_SECONDS),
        )
    )
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, _already_handled)
    server.run()
    return 0 if server.started else _STARTUP_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
