"""PostgreSQL going away mid-run (issue 11): the real server process, the fake Bot API, and
a TCP proxy between the server and PostgreSQL that drops every connection and refuses new
ones for 3 s in the middle of a stream of updates, as a database restart looks from the app.
The shared PostgreSQL server itself is never restarted. Afterwards every update is answered
exactly once, every meeting is stored once, and the process is alive and ready."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from calendar_assistant.storage.database import Database
from fakes.tcp_proxy import TcpProxy
from fakes.telegram import FakeTelegram
from serving import (
    ServerProcess,
    meeting_updates,
    scalar,
    send_updates,
    server_env,
    tally,
    until_settled,
)

pytestmark = pytest.mark.postgres

OUTAGE_SECONDS = 3.0
_HOUR = re.compile(r"(\d{1,2}):00")


@pytest.fixture
async def proxy(own_database: str) -> AsyncIterator[TcpProxy]:
    url = make_url(own_database)
    async with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as running:
        yield running


async def test_postgres_away_for_3_s_mid_stream_loses_and_repeats_nothing(
    tmp_path: Path, fake: FakeTelegram, own_database: str, proxy: TcpProxy
) -> None:
    await (await Database.open(own_database)).close()  # migrated before the server starts
    through_proxy = make_url(own_database).set(host="127.0.0.1", port=proxy.port)
    env = server_env(
        tmp_path,
        fake,
        through_proxy.render_as_string(hide_password=False),
        INBOX_LEASE_SECONDS="10",  # longer than the outage: no lapsed claims
    )
    server = ServerProcess(env, tmp_path / "server.log").start()
    try:
        await server.wait_ready()
        load = meeting_updates(fake, users=50, each=4, first_user=11_000)
        sending = asyncio.create_task(send_updates([server.webhook], load, connections=2))
        await fake.until(lambda: len(fake.calls_of("sendMessage")) >= 20, within=120)
        dropped = proxy.cut()
        await asyncio.sleep(OUTAGE_SECONDS)
        proxy.restore()
        sent = await sending
        assert sent.statuses == {200: 200}
        assert dropped > 0  # the server's pool really lost its connections
        assert sent.resent > 0  # and the webhook answered 503 (or nothing) meanwhile
        assert await until_settled(own_database, 200, within=120) == {"done": 200}
        counted = tally(fake, load)
        assert counted.replies == 200  # one answer per update: none lost, none twice
        assert counted.lost == counted.duplicated == 0
        assert _confirmed_in_order(fake, load)
        retry_later = _retry_later_answers(fake, load)
        assert retry_later == 0  # in hand during the outage: rolled back and tried again
        events = await scalar(own_database, "SELECT count(*) FROM events")
        assert events == 200  # one meeting per update: none missing, none stored twice
        retried = await scalar(own_database, "SELECT count(*) FROM inbox WHERE attempts > 1")
        assert server.process is not None
        assert server.process.poll() is None
        async with httpx.AsyncClient(timeout=10) as http:
            ready = await http.get(f"http://127.0.0.1:{server.port}/readyz")
        assert ready.status_code == 200, ready.text
        print(  # the figures docs/server.md quotes (pytest -s)
            f"updates 200, outage {OUTAGE_SECONDS} s, dropped {dropped} connections, "
            f"refused {proxy.refused}, re-sent {sent.resent}, retried by the inbox {retried}, "
            f"told to retry {retry_later}, events {events}"
        )
    finally:
        server.stop_quietly()


#: What the assistant answers when the database failed under a message: on the inbox's
#: path it must never be sent, the update is tried again instead.
_NOTHING_CHANGED = ("ничего не изменено", "nothing was changed")


def _retry_later_answers(fake: FakeTelegram, load: list[list[dict[str, object]]]) -> int:
    texts = [
        text
        for sequence in load
        for text in fake.texts_to(sequence[0]["message"]["chat"]["id"])  # type: ignore[index]
    ]
    return sum(any(phrase in text for phrase in _NOTHING_CHANGED) for text in texts)


def _confirmed_in_order(fake: FakeTelegram, load: list[list[dict[str, object]]]) -> bool:
    """Per chat, the hours of the confirmed meetings rise as the updates were sent."""
    for sequence in load:
        chat = sequence[0]["message"]["chat"]["id"]  # type: ignore[index]
        hours = [int(m.group(1)) for t in fake.texts_to(chat) if (m := _HOUR.search(t))]
        if hours != sorted(set(hours)):
            return False
    return True
