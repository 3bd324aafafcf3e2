"""No accepted update lost, against the real server process and the fake Bot API:
kill -9 with updates in the inbox, kill -9 while handling, SIGTERM after a burst, and a
malformed update in the inbox."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx

from fakes.telegram import FakeTelegram
from serving import (
    ServerProcess,
    inbox_states,
    meeting_updates,
    scalar,
    send_updates,
    server_env,
    tally,
    until_settled,
)


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'calendar.sqlite3'}"


async def _start(
    servers: list[ServerProcess], tmp_path: Path, fake: FakeTelegram, **extra: str
) -> ServerProcess:
    env = server_env(tmp_path, fake, _url(tmp_path), INBOX_LEASE_SECONDS="3", **extra)
    server = ServerProcess(env, tmp_path / f"server{len(servers)}.log").start()
    servers.append(server)
    await server.wait_ready()
    return server


async def test_kill_9_with_500_updates_in_the_inbox_then_each_is_handled_once(
    tmp_path: Path, fake: FakeTelegram, servers: list[ServerProcess]
) -> None:
    # A replica that only accepts (INBOX_CONCURRENCY=0) takes the burst: all 500 wait.
    taker = await _start(servers, tmp_path, fake, INBOX_CONCURRENCY="0")
    load = meeting_updates(fake, users=100, each=5, first_user=5_000)
    assert (await send_updates([taker.webhook], load)).statuses == {200: 500}
    assert await inbox_states(_url(tmp_path)) == {"queued": 500}
    taker.kill()
    await _start(servers, tmp_path, fake)
    states = await until_settled(_url(tmp_path), 500, within=240)
    assert states == {"done": 500}
    counted = tally(fake, load)
    assert (counted.replies, counted.lost, counted.duplicated) == (500, 0, 0)
    assert counted.out_of_order_chats == 0
    assert await scalar(_url(tmp_path), "SELECT count(*) FROM events") == 500


async def test_kill_9_while_accepting_and_handling_loses_nothing(
    tmp_path: Path, fake: FakeTelegram, servers: list[ServerProcess]
) -> None:
    """Killed in the middle of a burst (requests in flight, updates in hand) and started
    again on the same port while the client keeps re-sending, as Telegram does: every update
    is answered, in order. An update whose change was made but whose answer was not yet kept
    when the process died is acted on again: at most one per update in hand
    (INBOX_CONCURRENCY), as docs/server.md says."""
    first = await _start(servers, tmp_path, fake, INBOX_CONCURRENCY="4")
    load = meeting_updates(fake, users=60, each=5, first_user=6_000)
    sending = asyncio.create_task(send_updates([first.webhook], load))
    await fake.until(lambda: len(fake.calls_of("sendMessage")) >= 40, within=120)
    first.kill()
    done_at_kill = (await inbox_states(_url(tmp_path))).get("done", 0)
    env = server_env(tmp_path, fake, _url(tmp_path), INBOX_LEASE_SECONDS="3")
    again = ServerProcess(env, tmp_path / "again.log", port=first.port).start()
    servers.append(again)
    await again.wait_ready()
    sent = await sending
    assert sent.statuses == {200: 300}
    assert await until_settled(_url(tmp_path), 300, within=240) == {"done": 300}
    counted = tally(fake, load)
    assert counted.lost == 0
    assert counted.duplicated <= 4
    assert counted.out_of_order_chats == 0
    assert done_at_kill < 300


async def test_sigterm_finishes_what_is_in_hand_and_leaves_the_rest_queued(
    tmp_path: Path, fake: FakeTelegram, servers: list[ServerProcess]
) -> None:
    first = await _start(servers, tmp_path, fake, SHUTDOWN_GRACE_SECONDS="20")
    load = meeting_updates(fake, users=80, each=5, first_user=7_000)
    assert (await send_updates([first.webhook], load)).statuses == {200: 400}
    assert first.terminate() in (0, -15)  # uvicorn re-raises SIGTERM once it has stopped
    states = await inbox_states(_url(tmp_path))
    assert set(states) <= {"done", "queued"}  # nothing half-held
    assert sum(states.values()) == 400
    counted = tally(fake, load)
    assert counted.replies == states.get("done", 0)  # done means answered, and only that
    assert counted.duplicated == 0
    (left,) = first.log_events("inbox_left")
    assert left["queued"] == states.get("queued", 0)
    assert left["handed_back"] == 0
    await _start(servers, tmp_path, fake)
    assert await until_settled(_url(tmp_path), 400, within=240) == {"done": 400}
    counted = tally(fake, load)
    assert (counted.replies, counted.lost, counted.duplicated) == (400, 0, 0)
    assert counted.out_of_order_chats == 0


async def test_a_malformed_update_is_dead_lettered_and_the_rest_go_on(
    tmp_path: Path, fake: FakeTelegram, servers: list[ServerProcess]
) -> None:
    server = await _start(servers, tmp_path, fake, INBOX_MAX_ATTEMPTS="2")
    with sqlite3.connect(tmp_path / "calendar.sqlite3") as db:  # as a bad sender left it
        db.execute(
            "INSERT INTO inbox (channel, external_id, chat_key, payload, state, attempts, "
            "received_at) VALUES ('telegram', '999', '8001', "
            '\'{"update_id": 999, "message": {"chat": {"id": 8001}, "text": "hi"}}\', '
            "'queued', 0, '2026-11-24 11:00:00')"
        )
    load = meeting_updates(fake, users=5, each=2, first_user=8_001)
    assert (await send_updates([server.webhook], load)).statuses == {200: 10}
    assert await until_settled(_url(tmp_path), 11, within=120) == {"done": 10, "dead": 1}
    counted = tally(fake, load)
    assert (counted.replies, counted.lost, counted.out_of_order_chats) == (10, 0, 0)
    with sqlite3.connect(tmp_path / "calendar.sqlite3") as db:
        attempts, error = db.execute(
            "SELECT attempts, last_error FROM inbox WHERE state = 'dead'"
        ).fetchone()
    assert attempts == 2
    assert error
    (letter,) = server.log_events("inbox_dead_letter")
    assert letter["update"] == "999"
    async with httpx.AsyncClient() as http:
        metrics = (await http.get(f"http://127.0.0.1:{server.port}/metrics")).text
    assert 'assistant_inbox_dead_letters_total{channel="telegram"} 1.0' in metrics
