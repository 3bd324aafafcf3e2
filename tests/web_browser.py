"""The web app in a real browser: the app under uvicorn on a loopback port, and Debian's
Chromium, headless, driven by Playwright (it cannot download a browser of its own here).

A test without Chromium is skipped with the reason, except on CI, where it fails: CI must
run the browser tests. The fixtures that use these (`served`) are marked slow by
tests/conftest.py.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from fakes.telegram import free_port

CHROMIUM = "/usr/bin/chromium"


def chromium_missing() -> str | None:
    """Why no browser test can run here, or None."""
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return None
    return "Debian's chromium is not installed (make system-deps)"


def skip_without_chromium() -> None:
    reason = chromium_missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI must run the browser test)")
        pytest.skip(reason)


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """`app` under a real uvicorn on a free loopback port (its lifespan run by uvicorn); the
    base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn offers no event to await its start
        if server.started:
            break
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def chromium(*flags: str) -> AsyncIterator[Any]:
    """Headless Chromium (a Playwright Browser) with `flags` besides --no-sandbox; closed
    at the end. Skips the test (fails it on CI) where Chromium is missing."""
    skip_without_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", *flags]
        )
        try:
            yield browser
        finally:
            await browser.close()
