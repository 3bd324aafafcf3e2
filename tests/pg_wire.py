"""A TCP relay between our code and PostgreSQL that counts round trips, for tests and benches
that measure what an update costs the database (no pg_stat_statements needed, and it sees
what that does not: BEGIN, COMMIT, the pool's pings, the driver's Parse steps).

A round trip is a burst of the client's messages after which it waits for the server: the
client sends after the server last spoke (or first). Each is labelled by its first message
(the frontend protocol, read as it passes): a simple query's text ("BEGIN", "COMMIT"), a
Parse's SQL ("prepare: SELECT ..."), a Bind's statement ("run: SELECT ..."); a pipelined
Parse + Bind + Sync is one round trip, as on the wire. Bytes are relayed unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections import Counter
from dataclasses import dataclass, field

_SSL_REQUEST = 80877103
_GSS_REQUEST = 80877104


@dataclass
class _ClientStream:
    """The frontend messages of one connection, parsed as they pass."""

    started: bool = False
    buffer: bytearray = field(default_factory=bytearray)
    statements: dict[str, str] = field(default_factory=dict)

    def messages(self, data: bytes) -> list[str]:
        """The labels of the complete messages in what arrived so far."""
        self.buffer += data
        labels: list[str] = []
        while True:
            label = self._next()
            if label is None:
                return labels
            labels.append(label)

    def _next(self) -> str | None:
        buffer = self.buffer
        if not self.started:  # untyped: SSL/GSS request, then the startup message
            if len(buffer) < 8:
                return None
            length, code = struct.unpack("!ii", buffer[:8])
            if len(buffer) < length:
                return None
            del buffer[:length]
            if code not in (_SSL_REQUEST, _GSS_REQUEST):
                self.started = True
            return "startup"
        if len(buffer) < 5:
            return None
        kind = chr(buffer[0])
        length = struct.unpack("!i", buffer[1:5])[0]
        if len(buffer) < 1 + length:
            return None
        body = bytes(buffer[5 : 1 + length])
        del buffer[: 1 + length]
        return self._label(kind, body)

    def _label(self, kind: str, body: bytes) -> str:
        if kind == "Q":
            return body.rstrip(b"\0").decode(errors="replace").strip()
        if kind == "P":
            name, rest = body.split(b"\0", 1)
            sql = rest.split(b"\0", 1)[0].decode(errors="replace").strip()
            self.statements[name.decode()] = sql
            return f"prepare: {sql}"
        if kind == "B":
            statement = body.split(b"\0", 2)[1].decode()
            return f"run: {self.statements.get(statement, '?')}"
        return {"X": "terminate", "S": "sync", "H": "flush"}.get(kind, kind)


@dataclass
class WireCount:
    """What crossed the relay since the last `reset`."""

    round_trips: int = 0
    connections: int = 0
    by_label: Counter[str] = field(default_factory=Counter)

    def reset(self) -> None:
        self.round_trips = 0
        self.connections = 0
        self.by_label.clear()


class CountingRelay:
    """`async with CountingRelay(host, port) as relay:` then connect to relay.port."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.target_port = port
        self.count = WireCount()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> CountingRelay:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.count.connections += 1
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                self.host, self.target_port
            )
        except OSError:
            writer.close()
            self._tasks.discard(task)
            return
        turn = {"client": False}  # whether the client has spoken since the server last did
        stream = _ClientStream()

        async def client_to_server() -> None:
            while data := await reader.read(65536):
                labels = stream.messages(data)
                if not turn["client"] and labels and labels != ["terminate"]:
                    turn["client"] = True
                    self.count.round_trips += 1
                    self.count.by_label[labels[0]] += 1
                upstream_writer.write(data)
                await upstream_writer.drain()
            upstream_writer.close()

        async def server_to_client() -> None:
            while data := await upstream_reader.read(65536):
                turn["client"] = False
                writer.write(data)
                await writer.drain()
            writer.close()

        try:
            await asyncio.gather(client_to_server(), server_to_client())
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for end in (writer, upstream_writer):
                with contextlib.suppress(Exception):
                    end.close()
            self._tasks.discard(task)
