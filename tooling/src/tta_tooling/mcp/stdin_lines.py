"""The server's standard input, line by line, read by a daemon thread.

The SDK's stdio transport reads stdin in an AnyIO worker thread, which Python
joins at exit: a server stopped by a signal hung until its client closed stdin,
and a read finishing after the event loop had closed printed ``RuntimeError:
Event loop is closed``. A daemon thread reading the raw descriptor (``os.read``:
no buffered reader whose lock it could hold at exit) never holds up the exit.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import AsyncIterator

import anyio
import anyio.from_thread
import anyio.lowlevel
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

_READ_BYTES = 1 << 16
_BUFFERED_LINES = 16


@contextlib.asynccontextmanager
async def stdin_lines(fd: int = 0) -> AsyncIterator[MemoryObjectReceiveStream[str]]:
    """The lines read from ``fd`` (newline removed) until end of file."""
    send, receive = anyio.create_memory_object_stream[str](_BUFFERED_LINES)
    token = anyio.lowlevel.current_token()
    threading.Thread(target=_pump, args=(fd, send, token), name="mcp-stdin", daemon=True).start()
    with receive:
        yield receive


def _pump(fd: int, send: MemoryObjectSendStream[str], token: anyio.lowlevel.EventLoopToken) -> None:
    buffer = bytearray()
    # Any failure here means the server is going away: end the lines, print nothing.
    with contextlib.suppress(Exception):
        while chunk := os.read(fd, _READ_BYTES):
            buffer += chunk
            if b"\n" not in chunk:
                continue
            *lines, rest = buffer.split(b"\n")
            buffer = bytearray(rest)
            for line in lines:
                anyio.from_thread.run(send.send, line.decode("utf-8", "replace"), token=token)
        if buffer.strip():
            anyio.from_thread.run(send.send, buffer.decode("utf-8", "replace"), token=token)
    with contextlib.suppress(Exception):
        anyio.from_thread.run_sync(send.close, token=token)
