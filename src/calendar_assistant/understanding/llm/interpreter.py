"""The bounded tool-use loop: the model may look things up, then acts or answers in text.

Each model call is one step; look-ups are answered and the model called again, at most
`max_steps` times. A call to an unknown tool or with arguments that are not a JSON object
is answered with an error the model can correct on its next step. A known action with
arguments that fail validation becomes a Command with its slots missing, so the user is
asked: never a write.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog
from pydantic import ValidationError

from calendar_assistant.domain.commands import Command, Intent, Missing
from calendar_assistant.understanding.llm.lookups import Lookups, events_result, slots_result
from calendar_assistant.understanding.llm.resolving import TimeReader, to_command
from calendar_assistant.understanding.llm.tools import (
    TOOLS,
    LookUpEventsArguments,
    LookUpFreeSlotsArguments,
    Tool,
    ToolArguments,
    tool_named,
)
from calendar_assistant.understanding.llm.turns import (
    ChatModel,
    Entry,
    ModelUnavailable,
    Prompt,
    ToolCall,
    ToolResult,
    ToolResults,
    Usage,
    UserMessage,
)

log = structlog.get_logger(__name__)

#: What an action lacks when its call did not validate: the user is asked for it.
MISSING_ON_INVALID: dict[Intent, tuple[Missing, ...]] = {
    Intent.CREATE_EVENT: (Missing.TITLE, Missing.DATE, Missing.TIME),
    Intent.CREATE_REMINDER: (Missing.TITLE, Missing.DATE, Missing.TIME),
    Intent.UPDATE_EVENT: (Missing.TARGET,),
    Intent.DELETE_EVENT: (Missing.TARGET,),
    Intent.SEARCH_EVENTS: (Missing.TARGET,),
}


@dataclass(frozen=True, slots=True)
class LlmAnswer:
    """What the model made of one message: commands, a text reply, or a problem."""

    commands: tuple[Command, ...] = ()
    text: str | None = None
    problem: str | None = None  # why nothing usable came back (None when fine)
    steps: int = 0
    usage: Usage = field(default_factory=Usage)
    latency_ms: float = 0.0
    lookups: int = 0

    @property
    def usable(self) -> bool:
        return self.problem is None and (bool(self.commands) or bool(self.text))


def _errors(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "arguments"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


class Interpreter:
    """Runs the loop for one message against one `ChatModel`."""

    def __init__(self, model: ChatModel, *, max_steps: int, tools: Sequence[Tool] = TOOLS) -> None:
        self.model = model
        self.max_steps = max(1, max_steps)
        self.tools = tuple(tools)

    async def interpret(
        self, text: str, prompt: Prompt, reader: TimeReader, lookups: Lookups | None
    ) -> LlmAnswer:
        """Ask the model about `text`; never raises for anything the model or network does."""
        transcript: list[Entry] = [UserMessage(text)]
        usage = Usage()
        started = time.perf_counter()
        looked = 0
        for step in range(1, self.max_steps + 1):
            try:
                turn = await self.model.step(prompt, transcript, self.tools)
            except ModelUnavailable as error:
                log.warning("llm_unavailable", model=self.model.name, step=step, error=str(error))
                return LlmAnswer(
                    problem=str(error), steps=step, usage=usage, latency_ms=_since(started)
                )
            usage = usage + turn.usage
            log.info(
                "llm_call",
                model=self.model.name,
                step=step,
                input_tokens=turn.usage.input_tokens,
                output_tokens=turn.usage.output_tokens,
                cache_read_tokens=turn.usage.cache_read_tokens,
                cache_write_tokens=turn.usage.cache_write_tokens,
                latency_ms=round(turn.latency_ms, 1),
                tool_calls=[call.name for call in turn.tool_calls],
            )
            transcript.append(turn)
            if not turn.tool_calls:
                if not turn.text:
                    return LlmAnswer(
                        problem="empty answer", steps=step, usage=usage, latency_ms=_since(started)
                    )
                return LlmAnswer(
                    text=turn.text, steps=step, usage=usage, latency_ms=_since(started)
                )
            commands: list[Command] = []
            results: list[ToolResult] = []
            for call in turn.tool_calls:
                result, command = await self._answer(call, reader, lookups)
                results.append(result)
                looked += int(command is None and not result.is_error)
                if command is not None:
                    commands.append(command)
            if commands:
                return LlmAnswer(
                    commands=tuple(commands),
                    text=None,
                    steps=step,
                    usage=usage,
                    latency_ms=_since(started),
                    lookups=looked,
                )
            transcript.append(ToolResults(tuple(results)))
        return LlmAnswer(
            problem="step budget used up",
            steps=self.max_steps,
            usage=usage,
            latency_ms=_since(started),
            lookups=looked,
        )

    async def _answer(
        self, call: ToolCall, reader: TimeReader, lookups: Lookups | None
    ) -> tuple[ToolResult, Command | None]:
        """Our reply to one call, and the Command when it was an action."""
        tool = tool_named(call.name)
        if tool is None or tool not in self.tools:
            names = ", ".join(t.name for t in self.tools)
            log.info("llm_unknown_tool", name=call.name[:80])
            return _error(call, f"unknown tool {call.name[:80]!r}; the tools are: {names}"), None
        if call.arguments is None:
            return _error(call, "the arguments must be one JSON object"), None
        try:
            args = tool.arguments.model_validate(call.arguments)
        except ValidationError as error:
            if tool.intent is None:
                return _error(call, _errors(error)), None
            log.info("llm_invalid_call", tool=tool.name, errors=_errors(error))
            missing = MISSING_ON_INVALID.get(tool.intent, ())
            return (
                ToolResult(call.id, "not valid: the user will be asked", is_error=True),
                Command(intent=tool.intent, lang=reader.lang, missing=missing),
            )
        if tool.intent is not None:
            try:
                command = to_command(tool, args, reader)
            except (ValueError, OverflowError) as error:  # a year 9999 end, a huge duration
                log.info("llm_unusable_call", tool=tool.name, error=type(error).__name__)
                missing = MISSING_ON_INVALID.get(tool.intent, ())
                return (
                    ToolResult(call.id, "not usable: the user will be asked", is_error=True),
                    Command(intent=tool.intent, lang=reader.lang, missing=missing),
                )
            return ToolResult(call.id, "accepted"), command
        return await self._look_up(call, args, reader, lookups), None

    async def _look_up(
        self, call: ToolCall, args: ToolArguments, reader: TimeReader, lookups: Lookups | None
    ) -> ToolResult:
        if lookups is None:
            return _error(call, "the calendar cannot be read here; act on what the user said")
        if isinstance(args, (LookUpEventsArguments, LookUpFreeSlotsArguments)):
            start, end = reader.window(args.range_start, args.range_end)
        else:  # pragma: no cover - every look-up tool is listed above
            return _error(call, "not a look-up")
        if start is None or end is None:
            return _error(call, "could not read that window; give dates as the user said them")
        try:
            if isinstance(args, LookUpEventsArguments):
                events = await lookups.events(start, end, args.title)
                return ToolResult(call.id, events_result(events, reader.tz))
            slots = await lookups.free_slots(start, end, args.duration_minutes)
            return ToolResult(call.id, slots_result(slots, reader.tz))
        except Exception as error:  # a calendar failure is the model's data, not our crash
            log.warning("llm_lookup_failed", error=type(error).__name__)
            return _error(call, "the calendar could not be read just now")


def _error(call: ToolCall, message: str) -> ToolResult:
    return ToolResult(call.id, json.dumps({"error": message}, ensure_ascii=False), is_error=True)


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
