"""Rules first, the LLM for the long tail: one `understand` call for the conversation.

The grammar answers in a millisecond and offline. The message goes to the model only when
the grammar says unknown, is unsure (the intent classifier's calibrated probability below
`llm_confidence_threshold`, or two readings it would ask between) or the message holds
several actions. The model's commands pass the same guards as the grammar's readings. What the model asks for is validated into the same Commands
the grammar makes and runs through the same executor and confirmations; on any LLM failure
the grammar's answer stands. A delete or change the model proposes must be one the user's
own words ask for (a delete or change cue in the message), so text read back from the
calendar cannot turn into a write the user never asked for.
"""

from __future__ import annotations

import time as clock
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from itertools import pairwise
from typing import Literal
from zoneinfo import ZoneInfo

import structlog

from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.intent.guards import is_question, names_nothing
from calendar_assistant.understanding.intent.model import load_intent_model
from calendar_assistant.understanding.llm.interpreter import Interpreter, LlmAnswer
from calendar_assistant.understanding.llm.llm_config import LlmConfig
from calendar_assistant.understanding.llm.lookups import Lookups
from calendar_assistant.understanding.llm.prompt import PromptContext, build_prompt
from calendar_assistant.understanding.llm.resolving import TimeReader
from calendar_assistant.understanding.llm.turns import ChatModel
from calendar_assistant.understanding.parser import parse
from calendar_assistant.understanding.rules.cues import cues, find_first
from calendar_assistant.understanding.tokens import Token, tokenize

log = structlog.get_logger(__name__)

Source = Literal["rules", "llm", "fallback"]
#: Intents whose cue words mark an action in a message (for "several actions").
ACTION_CUES = ("create", "update", "delete", "reminder", "list", "free", "search")
#: A write the model proposes needs one of these cues in the user's own words.
WRITE_CUES: dict[Intent, tuple[str, ...]] = {
    Intent.DELETE_EVENT: ("delete", "clear"),
    Intent.UPDATE_EVENT: ("update", "rename", "extend"),
}


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a message asks for: commands to run in order, or a text reply to show."""

    commands: tuple[Command, ...]
    text: str | None
    source: Source
    grammar: Command  # the grammar's own reading, kept for the fallback and the metrics


@dataclass(slots=True)
class RouterStats:
    """Running totals for metrics: where answers came from, LLM tokens and latency."""

    messages: int = 0
    by_rules: int = 0
    by_llm: int = 0
    fallbacks: int = 0
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    llm_latency_ms: float = 0.0

    @property
    def grammar_share(self) -> float:
        """Share of messages the grammar answered alone (fallbacks count as the grammar's)."""
        if not self.messages:
            return 1.0
        return (self.by_rules + self.fallbacks) / self.messages

    def add(self, answer: LlmAnswer) -> None:
        self.llm_calls += answer.steps
        self.input_tokens += answer.usage.input_tokens
        self.output_tokens += answer.usage.output_tokens
        self.cache_read_tokens += answer.usage.cache_read_tokens
        self.llm_latency_ms += answer.latency_ms


@dataclass(frozen=True, slots=True)
class UserContext:
    """The user's clock and preferences for one message."""

    now: datetime
    tz: ZoneInfo
    lang: Lang | None = None
    default_duration_minutes: int = 60
    working_hours: tuple[time, time] = (time(9, 0), time(18, 0))
    working_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    # The user's date order for numeric dates (3/4 is March 4 when True); None: the zone's.
    month_first: bool | None = None
    # The last turns of this user's conversation, oldest first, as (role, text): the
    # conversation keeps them in the stored dialogue state, so every replica sees them.
    history: Sequence[tuple[str, str]] = ()


#: Words that join two requests in one message.
JOINERS = frozenset(
    {"и", "а", "потом", "затем", "ещё", "еще", "and", "then", "also", "plus", ";", ","}
)


def _cue_spans(tokens: list[Token], lang: Lang) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    book = cues(lang)
    for key in ACTION_CUES:
        used: frozenset[int] = frozenset()
        while (span := find_first(tokens, book.phrases(key), used)) is not None:
            found.append(span)
            used = used | frozenset(range(span[0], span[1]))
    return found


def several_actions(text: str, lang: Lang) -> bool:
    """True when two action cues stand apart with a joining word between them.

    «удали созвон и поставь встречу», "delete the standup and book a retro"; not
    «какие у меня встречи на …», where two list cues overlap one request.
    """
    tokens = tokenize(text)
    separate: list[tuple[int, int]] = []
    for span in sorted(set(_cue_spans(tokens, lang))):
        if not separate or span[0] >= separate[-1][1]:
            separate.append(span)
    return any(
        any(tokens[k].norm in JOINERS for k in range(first[1], second[0]))
        for first, second in pairwise(separate)
    )


def passes_guards(command: Command, text: str) -> bool:
    """The guards the grammar's readings pass, for the model's too: a question is never a
    create, and a title of question or function words names nothing."""
    if command.intent is not Intent.CREATE_EVENT:
        return True
    book = cues(command.lang)
    if is_question(tokenize(text), book):
        return False
    return not (command.title and names_nothing(command.title, book))


def asked_for(intent: Intent, text: str) -> bool:
    """Whether the user's own words carry a cue for this kind of write (either language)."""
    keys = WRITE_CUES.get(intent)
    if keys is None:
        return True
    tokens = tokenize(text)
    return any(
        find_first(tokens, cues(lang).phrases(key)) is not None
        for lang in ("ru", "en")
        for key in keys
    )


class Router:
    """The understanding the Assistant calls: grammar, then (if configured) the model."""

    def __init__(
        self,
        *,
        model: ChatModel | None = None,
        threshold: float = 0.6,
        max_steps: int = 4,
        history_turns: int = 6,
        always_llm: bool = False,
    ) -> None:
        load_intent_model()  # at start: a missing or damaged model stops here, naming the file
        self.model = model
        self.always_llm = always_llm  # every message to the model (to score it alone)
        self.threshold = threshold
        self.interpreter = Interpreter(model, max_steps=max_steps) if model is not None else None
        self.history_turns = history_turns
        self.stats = RouterStats()

    @classmethod
    def from_config(cls, config: LlmConfig, model: ChatModel | None = None) -> Router:
        """The router the config asks for; the model from the SDKs' env vars unless given."""
        if model is None:
            from calendar_assistant.understanding.llm import chat_model

            model = chat_model(config)
        return cls(
            model=model,
            threshold=config.confidence_threshold,
            max_steps=config.max_steps,
            history_turns=config.history_turns,
        )

    @property
    def llm_enabled(self) -> bool:
        return self.interpreter is not None

    @property
    def keeps_turns(self) -> bool:
        """Whether the conversation should record turns for the prompt (only with a model:
        the grammar alone needs none, and then nothing is written for them)."""
        return self.interpreter is not None and self.history_turns > 0

    async def close(self) -> None:
        """Close the model's HTTP client, if there is one."""
        closing = getattr(self.model, "close", None)
        if closing is not None:
            await closing()

    def wants_llm(self, command: Command, text: str) -> bool:
        """Whether the grammar's reading should be handed to the model."""
        if self.always_llm:
            return True
        if command.intent is Intent.UNKNOWN or command.confidence < self.threshold:
            return True  # the classifier's calibrated probability of its reading
        if command.readings:
            return True  # the grammar would ask which reading is meant: the model may know
        if command.intent in (Intent.CANCEL, Intent.UNDO, Intent.HELP):
            return False
        return several_actions(text, command.lang)

    def rules_only(self, text: str, user: UserContext) -> Command:
        """The grammar's reading (what `parse` says), never calling the model."""
        return parse(
            text,
            now=user.now,
            tz=user.tz,
            lang=user.lang,
            default_duration_minutes=user.default_duration_minutes,
            month_first=user.month_first,
        )

    async def understand(
        self, text: str, user: UserContext, lookups: Lookups | None = None
    ) -> Understanding:
        """What `text` asks for; never raises for anything the user, model or network does."""
        grammar = self.rules_only(text, user)
        self.stats.messages += 1
        if self.interpreter is None or not self.wants_llm(grammar, text):
            self.stats.by_rules += 1
            return Understanding((grammar,), None, "rules", grammar)
        lang = user.lang or grammar.lang
        context = PromptContext(
            now=user.now,
            tz=user.tz,
            lang=lang,
            working_hours=user.working_hours,
            working_days=user.working_days,
            history=tuple(user.history)[-self.history_turns :] if self.history_turns else (),
        )
        reader = TimeReader(
            user.now, user.tz, lang, user.default_duration_minutes, user.month_first
        )
        started = clock.perf_counter()
        try:
            answer = await self.interpreter.interpret(text, build_prompt(context), reader, lookups)
        except Exception as error:  # the boundary promise: the grammar's answer, never a crash
            log.error("llm_interpreter_failed", error=type(error).__name__)
            answer = LlmAnswer(problem=f"internal error ({type(error).__name__})")
        self.stats.add(answer)
        commands = tuple(
            c for c in answer.commands if asked_for(c.intent, text) and passes_guards(c, text)
        )
        dropped = len(answer.commands) - len(commands)
        result: Understanding
        if commands:
            result = Understanding(commands, None, "llm", grammar)
        elif answer.text and answer.problem is None:
            result = Understanding((), answer.text, "llm", grammar)
        else:
            result = Understanding((grammar,), None, "fallback", grammar)
        if result.source == "llm":
            self.stats.by_llm += 1
        else:
            self.stats.fallbacks += 1
        log.info(
            "understood",
            source=result.source,
            grammar_intent=grammar.intent.value,
            grammar_confidence=round(grammar.confidence, 2),
            intents=[c.intent.value for c in result.commands],
            problem=answer.problem,
            refused_writes=dropped,
            steps=answer.steps,
            lookups=answer.lookups,
            input_tokens=answer.usage.input_tokens,
            output_tokens=answer.usage.output_tokens,
            cache_read_tokens=answer.usage.cache_read_tokens,
            latency_ms=round((clock.perf_counter() - started) * 1000, 1),
            grammar_share=round(self.stats.grammar_share, 3),
        )
        return result
