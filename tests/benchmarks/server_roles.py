"""The benchmarks' servers, each in its own process: a bench script starts itself again with
`--serve-ROLE PORT` (spawn) and waits until that server answers (wait_up). The real
server's role, configured by the environment as in production, is the same in every bench
(serve_app); the other roles (a bare FastAPI app, the fake Bot API) are each bench's own.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from fakes.telegram import free_port

__all__ = ["free_port", "serve_app", "spawn", "wait_up"]


def serve_app(port: int, **uvicorn_options: Any) -> None:
    """The real server from the environment's settings, logging as configured, under uvicorn
    on loopback (run in the child process; returns when it stops)."""
    import uvicorn

    from calendar_assistant.config import Settings
    from calendar_assistant.logging_setup import configure_logging
    from calendar_assistant.runtime import logging_config
    from calendar_assistant.server import create_app

    settings = Settings()
    configure_logging(logging_config(settings))
    uvicorn.run(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", **uvicorn_options
    )


def spawn(
    script: Path, role: str, port: int, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """`python SCRIPT --ROLE PORT` with `env`, its output appended to `log`."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, str(script), f"--{role}", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


async def wait_up(
    url: str, answered: Callable[[httpx.AsyncClient], Awaitable[bool]], within: float = 60.0
) -> None:
    """Until `answered` (a request to the server at `url`) says it is up; a refused
    connection means not yet."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            try:
                if await answered(http):
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")
