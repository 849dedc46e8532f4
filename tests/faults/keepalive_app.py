"""A tiny HTTP/1.1 app that closes keep-alive connections: ``python keepalive_app.py PORT``.

It answers every request with 200 and a small JSON body, keeping the connection open,
and closes each connection, without answering, when its fourth request arrives: the
race a proxy meets when an app closes an idle pooled connection as the next request
is sent (a keep-alive timeout or request limit), made certain instead of rare.
"""

from __future__ import annotations

import asyncio
import json
import sys

ANSWERS_PER_CONNECTION = 3


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    served = 0
    try:
        while head := await reader.readuntil(b"\r\n\r\n"):
            lines = head.split(b"\r\n")
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in lines
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            body = await reader.readexactly(length)
            if served == ANSWERS_PER_CONNECTION:
                break  # closed without an answer
            served += 1
            target = lines[0].split(b" ")[1].decode()
            answer = json.dumps({"path": target, "echo": body.decode()}).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(answer)}\r\n\r\n".encode()
                + answer
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
