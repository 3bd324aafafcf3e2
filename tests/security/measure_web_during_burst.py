"""Measure the web chat's latency while a Telegram burst is being answered (docs/security.md).

    .venv/bin/python tests/security/measure_web_during_burst.py [python-of-the-server]

Starts the real server (SQLite, webhook bot on the fake Bot API), posts BURST Telegram
updates from distinct users through the webhook, then sends WEB messages to the web chat
one after another and prints the median and the worst latency. Not a test: a measurement,
to be run by hand on a quiet machine (the figure depends on the machine).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import web_session
from fakes.telegram import TOKEN, FakeTelegram

BURST = 300
WEB = 20
SECRET = "measure-secret"


def main() -> None:
    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    with FakeTelegram() as fake, tempfile.TemporaryDirectory() as folder:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")}
        env.update(
            DATA_DIR=folder,
            DATABASE_URL=f"sqlite:///{folder}/calendar.sqlite3",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake.base_url,
            TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram/webhook",
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            RATE_LIMIT_PER_MINUTE="100000",
            LOG_JSON="true",
        )
        server = subprocess.Popen(
            [python, "-m", "calendar_assistant.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        ready = client.post(
                            "/telegram/webhook", json={"update_id": 1}, headers=headers
                        )
                        if ready.status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    time.sleep(0.2)
                web_session.telegram_sync(client, 999, TOKEN)  # a public server: sign in
                client.post("/api/chat", json={"text": "/help"})  # warm up
                for n in range(BURST):
                    update = fake.text_update(1000 + n, "Запланируй встречу завтра в 10")
                    client.post("/telegram/webhook", content=json.dumps(update), headers=headers)
                latencies = []
                for n in range(WEB):
                    started = time.perf_counter()
                    client.post("/api/chat", json={"text": f"Что у меня завтра? {n}"})
                    latencies.append(time.perf_counter() - started)
                answered = len(fake.calls_of("sendMessage"))
            print(
                f"web during a {BURST}-update burst: median {statistics.median(latencies):.2f} s, "
                f"max {max(latencies):.2f} s; Telegram replies sent meanwhile: {answered}"
            )
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
