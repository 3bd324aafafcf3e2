"""The account desk's routers: their order, and what none of them answers.

The order is the one the account desk's docstring and docs/architecture.md give; a typed
request or another part's button is not the desk's and reaches the conversation, while a
slash command it does not know is answered by the commands router (the assistant itself
knows nothing of slash commands).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation import account_commands
from calendar_assistant.conversation.account_commands import ROUTERS, AccountDesk
from calendar_assistant.conversation.account_routes import Incoming
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.conversation.routing import Handler, Router, first_answer
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.runtime import assistant_config, open_runtime
from calendar_assistant.storage.database import Database
from support import NOW, local_desk

ANNA = UserRef(key="test:anna", language_hint="en")
DOCUMENTED = (
    "requests",
    "buttons",
    "commands",
    "connection",
    "phrases",
    "prompt",
    "account phrases",
)


def _assistant(database: Database, tmp_path: Path) -> Assistant:
    config = assistant_config(Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    return Assistant(database, config, lambda uid: LocalCalendar(database, uid))


async def test_the_routers_are_tried_in_the_documented_order(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=None)  # type: ignore[call-arg]
    async with open_runtime(settings) as runtime:
        assert tuple(router.name for router in runtime.front.routers) == DOCUMENTED
        assert runtime.front.routers is runtime.desk.routers
    assert DOCUMENTED == ROUTERS
    _listed_in_order(account_commands.__doc__ or "", "{n}. {name}:")
    architecture = Path(__file__).parents[2] / "docs" / "architecture.md"
    _listed_in_order(architecture.read_text(encoding="utf-8"), "{n}. {name}:")


def _listed_in_order(text: str, pattern: str) -> None:
    places = [text.find(pattern.format(n=n, name=name)) for n, name in enumerate(DOCUMENTED, 1)]
    assert -1 not in places
    assert places == sorted(places)


async def test_what_no_router_answers_reaches_the_conversation(
    database: Database, tmp_path: Path
) -> None:
    assistant = _assistant(database, tmp_path)
    desk = local_desk(database, assistant)
    request = Inbound("Schedule lunch with Masha tomorrow at 13")
    routed = await first_answer(desk.routers, _message(desk, assistant, request))
    assert routed is None  # no router takes a request: it goes on to the assistant
    [made] = await desk.handle(ANNA, request, NOW)
    record = await desk.user(ANNA)
    [event] = await LocalCalendar(database, record.id).list_events(NOW, NOW + timedelta(days=2))
    assert event.title in made.text
    # Another part's button (the assistant's own) is not the desk's either.
    pressed = _message(desk, assistant, Inbound(button="x:1"))
    assert await first_answer(desk.routers, pressed) is None


async def test_an_unknown_slash_command_is_answered_by_the_commands_router(
    database: Database, tmp_path: Path
) -> None:
    desk = local_desk(database, _assistant(database, tmp_path))
    [reply] = await desk.handle(ANNA, Inbound("/teleport now"), NOW)
    assert reply.text.startswith("I do not know the command /teleport")


def _message(desk: AccountDesk, assistant: Assistant, inbound: Inbound) -> Incoming:
    return Incoming(ANNA, inbound, NOW, desk.user, assistant.dialogue)


async def _yes(_message: str) -> bool:
    return True


async def _no(_message: str) -> bool:
    return False


def _say(text: str, seen: list[str]) -> Handler[str]:
    async def handler(message: str) -> list[Reply] | None:
        seen.append(text)
        return None if text.startswith("decline") else [Reply(f"{text}: {message}")]

    return handler


async def test_the_first_handler_that_matches_and_does_not_decline_answers() -> None:
    seen: list[str] = []
    router = Router[str]("one")
    router.add(_say("filtered out", seen), _no)
    router.add(_say("decline", seen), _yes)
    router.add(_say("first", seen))
    router.add(_say("second", seen))
    assert await router.route("hi") == [Reply("first: hi")]
    assert seen == ["decline", "first"]


async def test_a_router_whose_filter_refuses_is_passed_over() -> None:
    seen: list[str] = []
    closed = Router[str]("closed", _no)
    closed.add(_say("closed", seen))
    opened = Router[str]("open", _yes)
    opened.add(_say("open", seen))
    assert await first_answer([closed, opened], "hi") == [Reply("open: hi")]
    assert seen == ["open"]
    assert await first_answer([closed], "hi") is None
