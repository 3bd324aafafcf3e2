"""The real anthropic and openai SDKs against fake servers: tool calls, look-ups, errors."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from wires import Wire

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.commands import Intent, Missing
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.understanding.llm.claude import ClaudeModel
from calendar_assistant.understanding.llm.interpreter import Interpreter
from calendar_assistant.understanding.llm.lookups import CalendarLookups
from calendar_assistant.understanding.llm.openai_compatible import OpenAICompatibleModel
from calendar_assistant.understanding.llm.prompt import PromptContext, build_prompt
from calendar_assistant.understanding.llm.resolving import TimeReader
from fakes.anthropic import FakeAnthropic, Reply
from fakes.openai import FakeOpenAI

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)  # a Tuesday


@pytest.fixture(params=["anthropic", "openai"])
def wire(request: pytest.FixtureRequest) -> Wire:
    """The same script over each provider's SDK and wire format."""
    if request.param == "anthropic":
        server, model = "fake_anthropic", "claude"
    else:
        server, model = "fake_openai", "gpt"
    return Wire(request.param, request.getfixturevalue(server), request.getfixturevalue(model))


async def _ask(wire: Wire, text: str, *, lookups: CalendarLookups | None = None, steps: int = 4):  # type: ignore[no-untyped-def]
    lang = "en" if text.isascii() else "ru"
    prompt = build_prompt(PromptContext(NOW, MOSCOW, lang))
    interpreter = Interpreter(wire.model, max_steps=steps)
    return await interpreter.interpret(text, prompt, TimeReader(NOW, MOSCOW, lang), lookups)


async def test_a_tool_call_becomes_a_command_with_times_read_by_our_grammar(wire: Wire) -> None:
    wire.server.script(
        wire.calls(
            (
                "create_event",
                {"title": "Обед с Анной", "start": "в пятницу в 13", "duration_minutes": 90},
            )
        )
    )
    answer = await _ask(wire, "обед с Анной в пятницу в час дня, часа полтора")
    assert answer.problem is None
    assert answer.steps == 1
    (command,) = answer.commands
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == "Обед с Анной"
    assert command.start == datetime(2026, 11, 27, 13, 0, tzinfo=MOSCOW)
    assert command.end == datetime(2026, 11, 27, 14, 30, tzinfo=MOSCOW)
    assert command.missing == ()
    assert answer.usage.input_tokens == 900
    assert answer.usage.output_tokens == 40


async def test_the_request_carries_tools_system_prompt_and_the_message(wire: Wire) -> None:
    wire.server.script(wire.text("I can only help with your calendar."))
    answer = await _ask(wire, "Tell me a joke")
    assert answer.text == "I can only help with your calendar."
    assert not answer.commands
    request = wire.server.requests[0]
    body = request.body
    assert "look_up_events" in wire.tool_names_sent()
    assert "create_event" in wire.tool_names_sent()
    if wire.provider == "anthropic":
        assert request.path == "/v1/messages"
        # The key goes as x-api-key or as a bearer token, depending on the SDK version.
        sent = request.headers.get("x-api-key") or request.headers["authorization"]
        assert sent.endswith("test-key")
        assert "anthropic-version" in request.headers
        instructions, context = body["system"]
        assert instructions["cache_control"] == {"type": "ephemeral"}  # prompt caching
        assert "Now: 2026-11-24T14:00+03:00 (Tuesday)" in context["text"]
        assert body["messages"] == [{"role": "user", "content": "Tell me a joke"}]
        assert body["max_tokens"] == 512
    else:
        assert request.path == "/v1/chat/completions"
        assert request.headers["authorization"] == "Bearer test-key"
        first, second, user = body["messages"]
        assert first["role"] == second["role"] == "system"  # fixed part first: a cached prefix
        assert "Time zone: Europe/Moscow" in second["content"]
        assert user == {"role": "user", "content": "Tell me a joke"}


async def test_several_actions_in_one_answer(wire: Wire) -> None:
    wire.server.script(
        wire.calls(
            (
                "delete_event",
                {"target": {"title": "Созвон с Петей", "range_start": "на этой неделе"}},
            ),
            ("create_event", {"title": "Встреча с Петей", "start": "в четверг в 15:00"}),
        )
    )
    answer = await _ask(
        wire, "отмени созвон с Петей на этой неделе и поставь встречу в четверг в 15"
    )
    delete, create = answer.commands
    assert delete.intent is Intent.DELETE_EVENT
    assert delete.target is not None
    assert delete.target.title == "Созвон с Петей"
    assert delete.target.range_start == datetime(2026, 11, 23, tzinfo=MOSCOW)
    assert delete.target.range_end == datetime(2026, 11, 30, tzinfo=MOSCOW)
    assert create.start == datetime(2026, 11, 26, 15, 0, tzinfo=MOSCOW)


async def test_look_up_then_act_reads_the_real_calendar(
    wire: Wire, calendar: LocalCalendar
) -> None:
    friday = datetime(2026, 11, 27, tzinfo=MOSCOW)
    for hour, title in ((10, "Standup"), (14, "Design review"), (16, "1:1 with Anna")):
        start = friday.replace(hour=hour)
        await calendar.create_event(
            NewEvent(title, start, start + timedelta(hours=1), "Europe/Moscow")
        )
    wire.server.script(
        wire.calls(("look_up_events", {"range_start": "friday 13:00", "range_end": "saturday"})),
        wire.calls(
            ("update_event", {"target": {"title": "Design review", "start": "2026-11-27T14:00"},
                              "changes": {"start": "next monday at 14:00"}}),
            ("update_event", {"target": {"title": "1:1 with Anna", "start": "2026-11-27T16:00"},
                              "changes": {"start": "next monday at 16:00"}}),
        ),
    )  # fmt: skip
    lookups = CalendarLookups(calendar, tz=MOSCOW, now=NOW)
    answer = await _ask(
        wire, "move everything after lunch on Friday to next Monday", lookups=lookups
    )
    assert answer.steps == 2
    assert answer.lookups == 1
    ((data, is_error),) = wire.tool_results()
    assert not is_error
    titles = [event["title"] for event in json.loads(data)["events"]]
    assert titles == ["Design review", "1:1 with Anna"]  # the morning standup is not "after lunch"
    first, second = answer.commands
    assert first.intent is Intent.UPDATE_EVENT
    assert first.target is not None
    assert first.target.start == datetime(2026, 11, 27, 14, 0, tzinfo=MOSCOW)
    assert first.changes is not None
    assert first.changes.start == datetime(2026, 11, 30, 14, 0, tzinfo=MOSCOW)
    assert second.changes is not None
    assert second.changes.start == datetime(2026, 11, 30, 16, 0, tzinfo=MOSCOW)


async def test_look_ups_are_bounded_by_the_step_budget(wire: Wire) -> None:
    looking = wire.calls(("look_up_free_slots", {"range_start": "tomorrow"}))
    wire.server.script(looking, looking, looking, looking)
    answer = await _ask(wire, "find a good time sometime", steps=3)
    assert answer.problem == "step budget used up"
    assert not answer.usable
    assert len(wire.server.requests) == 3
    # Without a calendar the look-up is answered with an error the model can act on.
    assert wire.tool_results()[0][1] is True


async def test_an_unknown_tool_name_is_answered_and_the_model_recovers(wire: Wire) -> None:
    wire.server.script(
        wire.calls(("delete_everything", {"confirm": True})),
        wire.calls(("list_events", {"range_start": "today"})),
    )
    answer = await _ask(wire, "what have I got today")
    (command,) = answer.commands
    assert command.intent is Intent.LIST_EVENTS
    assert command.range_start == datetime(2026, 11, 24, tzinfo=MOSCOW)
    ((error, is_error),) = wire.tool_results()
    assert is_error
    assert "unknown tool 'delete_everything'" in error


async def test_invalid_arguments_of_an_action_become_a_question_not_a_write(wire: Wire) -> None:
    wire.server.script(wire.calls(("create_event", {"when": "tomorrow", "title": ""})))
    answer = await _ask(wire, "put something in tomorrow")
    (command,) = answer.commands
    assert command.intent is Intent.CREATE_EVENT
    assert command.start is None
    assert set(command.missing) == {
        Missing.TITLE,
        Missing.DATE,
        Missing.TIME,
    }


async def test_a_partial_create_asks_for_the_time(wire: Wire) -> None:
    wire.server.script(wire.calls(("create_event", {"title": "Dentist", "start": "on Friday"})))
    answer = await _ask(wire, "dentist on friday")
    (command,) = answer.commands
    assert command.start is None
    assert command.day == datetime(2026, 11, 27).date()
    assert command.missing == (Missing.TIME,)


@pytest.mark.parametrize("status", [429, 529, 500, 503])
async def test_rate_limits_overload_and_server_errors_are_retried(wire: Wire, status: int) -> None:
    wire.server.script(wire.error(status), wire.error(status), wire.text("Done thinking."))
    answer = await _ask(wire, "hello there")
    assert answer.text == "Done thinking."
    assert len(wire.server.requests) == 3  # two retries with backoff, then the answer


async def test_errors_after_the_retries_end_in_a_problem_not_a_crash(wire: Wire) -> None:
    wire.server.script(*(wire.error(529) for _ in range(3)))
    answer = await _ask(wire, "hello there")
    assert answer.problem is not None
    assert "HTTP" in answer.problem
    assert not answer.commands


async def test_a_client_error_is_not_retried(wire: Wire) -> None:
    wire.server.script(wire.error(400))
    answer = await _ask(wire, "hello there")
    assert answer.problem == "HTTP 400"
    assert len(wire.server.requests) == 1


@pytest.mark.parametrize(
    "body",
    [b"{not json at all", b"[]", b'{"content": "nope"}', b'{"choices": []}'],
    ids=["broken", "array", "wrong-shape", "no-choices"],
)
async def test_a_garbled_body_is_a_problem(wire: Wire, body: bytes) -> None:
    wire.server.script(Reply(body))
    answer = await _ask(wire, "hello there")
    assert answer.problem is not None
    assert not answer.usable


async def test_a_timeout_is_a_problem(fake_anthropic: FakeAnthropic) -> None:
    model = ClaudeModel(
        "claude-test", api_key="k", base_url=fake_anthropic.base_url,
        max_tokens=64, timeout_seconds=0.3, max_retries=0,
    )  # fmt: skip
    fake_anthropic.script(Reply({"never": "sent"}, delay=3.0))
    try:
        answer = await _ask(Wire("anthropic", fake_anthropic, model), "hello there")
    finally:
        await model.close()
    assert answer.problem == "timeout"


async def test_malformed_json_arguments_are_sent_back_and_corrected(
    fake_openai: FakeOpenAI, gpt: OpenAICompatibleModel
) -> None:
    wire = Wire("openai", fake_openai, gpt)
    wire.server.script(
        wire.calls(("search_events", '{"target": {"title": "dentist"')),
        wire.calls(("search_events", {"target": {"title": "dentist"}})),
    )
    answer = await _ask(wire, "when is my dentist")
    (command,) = answer.commands
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.title == "dentist"
    ((error, _),) = wire.tool_results()
    assert "JSON object" in error
    # The broken string goes back to the endpoint exactly as it came.
    assistant = fake_openai.bodies[-1]["messages"][-2]
    assert assistant["tool_calls"][0]["function"]["arguments"] == '{"target": {"title": "dentist"'


async def test_cache_figures_are_read_from_usage(
    fake_anthropic: FakeAnthropic, claude: ClaudeModel
) -> None:
    wire = Wire("anthropic", fake_anthropic, claude)
    wire.server.script(wire.calls(("help", {}), input_tokens=120, cache_read=1500, cache_write=0))
    answer = await _ask(wire, "what can you do?")
    assert answer.commands[0].intent is Intent.HELP
    assert answer.usage.cache_read_tokens == 1500
    assert answer.usage.input_tokens == 120


@pytest.mark.parametrize(
    "arguments",
    [
        {"title": "Forever", "start": "tomorrow at 9", "duration_minutes": 10**12},
        {"title": "Last", "start": "9999-12-31T23:30"},
        {"title": "Nope", "start": "2026-02-30T10:00"},
    ],
    ids=["huge-duration", "end-of-time", "impossible-date"],
)
async def test_values_no_calendar_can_hold_become_a_question(
    wire: Wire, arguments: dict[str, object]
) -> None:
    wire.server.script(wire.calls(("create_event", arguments)))
    answer = await _ask(wire, "book it")
    (command,) = answer.commands
    assert command.intent is Intent.CREATE_EVENT
    assert command.start is None
    assert Missing.DATE in command.missing
    assert Missing.TIME in command.missing
