"""The server's timing defaults, in one place (read without importing the SDK).

``KILL_GRACE_SECONDS`` stays under the 2 s the MCP SDKs' stdio clients wait after
closing stdin before they send SIGTERM: a gate that ignores SIGTERM is killed
and the server has exited by then.
"""

PROGRESS_SECONDS = 5.0
KILL_GRACE_SECONDS = 1.5
