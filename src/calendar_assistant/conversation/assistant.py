"""Assistant.handle: one message in, replies out — the core every channel calls.

Per message: load the user and any pending question, understand the text (an answer to
the question, or a new request), run the command through the executor, keep the pending
question or the undo record, render the replies. `now` is always passed in.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import structlog

from calendar_assistant.actions.context import ActionContext
from calendar_assistant.actions.executor import execute, revert
from calendar_assistant.actions.matching import title_matches
from calendar_assistant.actions.outcomes import (
    WRITES,
    BackendFailed,
    Cancelled,
    ConflictFound,
    Created,
    Deleted,
    Invalid,
    Listed,
    NeedsChoice,
    NeedsConfirmation,
    NeedsDetails,
    NeedsReminderChoice,
    NeedsReminderConfirmation,
    NeedsScope,
    NothingToUndo,
    Outcome,
    Problem,
    ReminderSet,
    Resolution,
    SearchFound,
    Undone,
    UndoRecord,
    UndoSummary,
    Updated,
)
from calendar_assistant.actions.profile import UserProfile
from calendar_assistant.calendars.base import CalendarBackend, CalendarError
from calendar_assistant.conversation import answers
from calendar_assistant.conversation.dialogue_state import (
    DialogueState,
    DialogueStates,
    dialogue_store,
)
from calendar_assistant.conversation.impossible_dates import impossible_day
from calendar_assistant.conversation.state import (
    Pending,
    Stage,
    Turn,
    fresh_last_event,
    fresh_turns,
    reminder_from_json,
    reminder_to_json,
    with_turns,
)
from calendar_assistant.conversation.user_reminders import UserReminders
from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.events import Event, Scope
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.observability.observation import (
    note_outcome,
    note_understanding,
    outcome_label,
)
from calendar_assistant.replies.payloads import Answer, read_payload
from calendar_assistant.replies.readings import readings_question
from calendar_assistant.replies.render import View, render
from calendar_assistant.storage import (
    Database,
    DialogueStateRepository,
    ReminderRepository,
    StorageError,
    UndoLogRepository,
    UserRepository,
    UserSettings,
)
from calendar_assistant.understanding import complete
from calendar_assistant.understanding.lang_detect import clear_language
from calendar_assistant.understanding.llm.lookups import CalendarLookups
from calendar_assistant.understanding.router import Router, UserContext

log = structlog.get_logger(__name__)

# Characters that carry nothing a user meant: zero-width and direction marks, BOM.
_INVISIBLE = str.maketrans(dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")))
_SCOPES = {Answer.THIS: Scope.THIS, Answer.FOLLOWING: Scope.FOLLOWING, Answer.ALL: Scope.ALL}


@dataclass(frozen=True, slots=True)
class AssistantConfig:
    """What the conversation reads: what a new user starts with, the longest message it
    reads, and the keys that seal a half-finished connection's answers (CREDENTIALS_KEYS;
    without them no account can be connected, so there is nothing to seal)."""

    defaults: UserSettings = field(default_factory=UserSettings)
    max_message_chars: int = 4000
    credentials_keys: str | None = field(default=None, repr=False)


class Assistant:
    """The conversation: every channel hands messages here and sends back what it returns."""

    def __init__(
        self,
        database: Database,
        config: AssistantConfig,
        calendars: Callable[[int], CalendarBackend],
        understanding: Router | None = None,
        dialogue: DialogueStates | None = None,
    ) -> None:
        self.config = config
        # Grammar first, the LLM for the long tail when configured (runtime builds it).
        self.understanding = understanding if understanding is not None else Router()
        self.calendars = calendars
        self.database = database
        self.users = UserRepository(database)
        self.states = DialogueStateRepository(database)
        #: Every part of a user's dialogue between messages (also the account desk's): the
        #: store runtime picks (DIALOGUE_STORE), else the SQL one.
        self.dialogue: DialogueStates = (
            dialogue if dialogue is not None else dialogue_store(database, config.credentials_keys)
        )
        self.undo_log = UndoLogRepository(database)
        self.reminders = ReminderRepository(database)
        self.defaults = config.defaults

    async def handle(self, user: UserRef, inbound: Inbound, now: datetime) -> list[Reply]:
        """Answer one message; never raises for anything the user typed.

        A database that cannot be used (locked, damaged, unreachable) gets a short reply,
        and so does a Redis dialogue store that does not answer (its StorageError): each
        change is one transaction, so nothing is half-written. On SQLite a change's
        writes (the event, its undo record, the dialogue state) are that one transaction
        (`Database.together`).
        """
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        lang = user.language_hint or self.defaults.language
        # The channel's language hint only seeds a new user's setting; the setting wins after.
        defaults = replace(self.defaults, language=user.language_hint or self.defaults.language)
        try:
            async with self.database.together():
                record, state = await self.users.get_or_create_with_state(
                    user.key, user.display_name, defaults
                )
                lang = record.settings.language
                profile = _profile(record.id, record.settings)
                dialogue = await self.dialogue.opening(record.id, state)
                return await _Turn(self, profile, now, dialogue).run(inbound)
        except StorageError as error:
            log.error("storage_error", error=str(error), exc_info=error)
            view = View(lang=clear_language(inbound.text) or lang, zone=ZoneInfo("UTC"), now=now)
            return [render(BackendFailed("storage"), view)]


def _profile(user_id: int, stored: UserSettings) -> UserProfile:
    return UserProfile(
        user_id=user_id,
        language=stored.language,
        zone=ZoneInfo(stored.timezone),
        working_hours=stored.working_hours,
        working_days=stored.working_days,
        default_duration=timedelta(minutes=stored.default_duration_minutes),
        default_reminder_minutes=stored.default_reminder_minutes,
        month_first=stored.month_first,
    )


class _Turn:
    """One message being answered: the user's context and the steps of the dialogue."""

    def __init__(
        self,
        assistant: Assistant,
        profile: UserProfile,
        now: datetime,
        stored: DialogueState,
    ) -> None:
        self.assistant = assistant
        self.profile = profile
        self.now = now
        self.fallback_lang: Lang = profile.language
        self.ctx = ActionContext(
            calendar=assistant.calendars(profile.user_id),
            reminders=UserReminders(assistant.reminders, profile.user_id, profile.zone.key),
            profile=profile,
            now=now,
        )
        self.pending: Pending | None = None
        # The dialogue state as stored (read with the user), and what to store after this
        # message (without the turns): written once at the end, and only if it changed.
        # The account desk's parts (settings prompt, connection answers) are kept as read.
        self.stored = stored
        self.state = replace(stored, turns=())
        self.turns: tuple[Turn, ...] = ()  # the recent turns the LLM sees, when there is one
        self.last_event: Event | None = None  # what «её», "it", "that" point at
        self.last_at = now  # when that event was dealt with (kept, not renewed per message)

    @property
    def _default_minutes(self) -> int:
        return int(self.profile.default_duration.total_seconds() // 60)

    def view(self, lang: Lang, token: str = "") -> View:
        return View(lang=lang, zone=self.profile.zone, now=self.now, token=token)

    async def run(self, inbound: Inbound) -> list[Reply]:
        if inbound.command is not None:
            return await self._given(inbound.command, inbound.text.strip())
        text = inbound.text.translate(_INVISIBLE).strip()
        if inbound.button is None:
            problem = self._bad_input(text)
            if problem is not None:
                lang = clear_language(text) or self.fallback_lang
                return [render(problem, self.view(lang))]
        self._load_pending()
        lang = clear_language(text) or (self.pending.lang if self.pending else self.fallback_lang)
        replies = await self._respond(inbound, text, lang)
        await self._store_state(text if inbound.button is None else "", replies)
        return replies

    async def _given(self, command: Command, said: str) -> list[Reply]:
        """A command the channel built (a menu command, the web calendar's event dialog): acted on as a said request would
        be, in the user's language, with nothing parsed; an open question is dropped."""
        self._load_pending()
        lang = self.fallback_lang
        command = command.model_copy(update={"lang": lang})
        note_outcome(command.intent.value, "replied")  # the intent, before any outcome
        replies = await self._act(command, lang)
        await self._store_state(said, replies)
        return replies

    async def _respond(self, inbound: Inbound, text: str, lang: Lang) -> list[Reply]:
        if inbound.button is not None:
            return await self._pressed(inbound.button, lang)
        if self.pending is not None:
            answered = await self._typed_answer(self.pending, text, lang)
            if answered is not None:
                return answered
        return await self._new_request(text, lang)

    def _bad_input(self, text: str) -> Outcome | None:
        if not text:
            return Invalid(Problem.EMPTY)
        limit = self.assistant.config.max_message_chars
        if len(text) > limit:
            return Invalid(Problem.TOO_LONG, limit)
        return None

    def _load_pending(self) -> None:
        stored = self.stored
        if self.assistant.understanding.keeps_turns:
            self.turns = fresh_turns(stored.turns, self.now)
        last = fresh_last_event(stored.last_event, self.now)
        if last is not None:
            self.last_event, self.last_at = last
        pending = stored.pending
        if pending is not None and not pending.expired(self.now):
            self.pending = pending

    # -- understanding -----------------------------------------------------------------

    async def _new_request(self, text: str, lang: Lang) -> list[Reply]:
        days = impossible_day(text)
        if days is not None:
            await self._drop_pending()
            return [render(Invalid(Problem.BAD_DATE, days), self.view(lang))]
        started = time.perf_counter()
        try:
            understood = await self.assistant.understanding.understand(
                text, self._user_context(), self._lookups()
            )
        except Exception:  # the router promises not to raise; if it does, never guess
            log.exception("parse_failed")
            understood = None
        if understood is not None and understood.text is not None:
            note_understanding(Intent.UNKNOWN.value, time.perf_counter() - started)
            await self._drop_pending()  # the model answered in words: a question or a refusal
            return [Reply(understood.text)]
        commands = (
            understood.commands
            if understood is not None and understood.commands
            else (Command(intent=Intent.UNKNOWN, lang=lang),)
        )
        command = commands[0]
        note_understanding(command.intent.value, time.perf_counter() - started)
        if command.readings:
            return await self._ask_readings(command.readings, lang)
        replies = await self._act(command, lang)
        for extra in commands[1:]:  # several requests in one message (the LLM's), in order
            if extra.intent in (Intent.CANCEL, Intent.UNDO, Intent.UNKNOWN) or extra.readings:
                continue
            # Each request is a change of its own: the last one's writes are committed
            # before this one may wait on another calendar server.
            await self.assistant.database.settle()
            if self.state.pending is not None:
                replies.append(Reply(self.view(lang).say("answer.rest_later")))  # a question waits
                break
            replies += await self._run(extra, Resolution(), lang)
        return replies

    async def _ask_readings(self, readings: tuple[Command, ...], lang: Lang) -> list[Reply]:
        """The words do not settle what to do: ask, with a button per likely reading."""
        await self._drop_pending()
        pending = Pending(
            stage=Stage.READING,
            command=readings[0],
            token=secrets.token_hex(3),
            asked_at=self.now,
            lang=lang,
            readings=readings,
        )
        await self._save_state(pending)
        return [readings_question(readings, self.view(lang, pending.token))]

    async def _act(self, command: Command, lang: Lang) -> list[Reply]:
        """Do what one understood command asks (a reading chosen comes here too)."""
        if command.intent is Intent.CANCEL:
            had = self.pending is not None
            await self._drop_pending()
            return [render(Cancelled(had), self.view(lang))]
        if command.intent is Intent.UNDO:
            self.last_event = None  # undone: what it pointed at may no longer be so
            await self._drop_pending()
            return [render(await self._undo_last(), self.view(lang))]
        resolution = Resolution()
        if command.target is not None and command.target.previous:
            if command.intent is Intent.DELETE_EVENT and self.pending is not None:
                # "cancel that" while a question is open: "that" is the request being asked about
                await self._drop_pending()
                return [render(Cancelled(True), self.view(lang))]
            if self.last_event is not None:
                resolution = Resolution(target=self.last_event)
        await self._drop_pending()
        return await self._run(command, resolution, lang)

    def _user_context(self) -> UserContext:
        return UserContext(
            now=self.now,
            tz=self.profile.zone,
            default_duration_minutes=self._default_minutes,
            working_hours=self.profile.working_hours,
            working_days=self.profile.working_days,
            month_first=self.profile.month_first,
            history=[(turn.role, turn.text) for turn in self.turns],
        )

    def _lookups(self) -> CalendarLookups:
        """What the LLM may read before acting: this user's calendar, read-only."""
        return CalendarLookups(
            self.ctx.calendar,
            tz=self.profile.zone,
            now=self.now,
            working_hours=self.profile.working_hours,
            working_days=self.profile.working_days,
        )

    async def _typed_answer(self, pending: Pending, text: str, lang: Lang) -> list[Reply] | None:
        """The reply when `text` answers the pending question; None when it is a new request."""
        stage = pending.stage
        said = answers.yes_or_no(text)
        if said is Answer.NO:
            await self._drop_pending()
            return [render(Cancelled(True), self.view(lang))]
        if stage is Stage.CLARIFY:
            try:
                completed = complete(
                    pending.command,
                    text,
                    now=self.now,
                    tz=self.profile.zone,
                    default_duration_minutes=self._default_minutes,
                    month_first=self.profile.month_first,
                )
            except Exception:  # as for parse: a grammar bug is read as "not an answer"
                log.exception("complete_failed")
                completed = None
            if completed is None:
                return None
            return await self._run(completed, pending.resolution, lang)
        if stage is Stage.READING:
            number = 1 if said is Answer.YES and len(pending.readings) == 1 else None
            number = number or answers.number(text)
            if number is not None:
                return await self._answer(pending, Answer.PICK, number, lang)
            return None
        if stage is Stage.CONFIRM and said is Answer.YES:
            return await self._answer(pending, Answer.YES, None, lang)
        if stage is Stage.SCOPE:
            scope = answers.scope_answer(text)
            if scope is not None:
                return await self._answer(pending, scope, None, lang)
        if stage is Stage.CHOOSE:
            number = answers.number(text) or _named_choice(pending, text)
            if number is not None:
                return await self._answer(pending, Answer.PICK, number, lang)
        if stage is Stage.CONFLICT:
            if answers.forced(text) or said is Answer.YES:
                return await self._answer(pending, Answer.FORCE, None, lang)
            number = answers.number(text)
            if number is not None:
                return await self._answer(pending, Answer.PICK, number, lang)
        return None

    async def _pressed(self, button: str, lang: Lang) -> list[Reply]:
        read = read_payload(button)
        pending = self.pending
        if read is None or pending is None or read[0] != pending.token:
            return [Reply(self.view(lang).say("answer.closed"))]
        _, answer, number = read
        if answer is Answer.NO:
            await self._drop_pending()
            return [render(Cancelled(True), self.view(lang))]
        return await self._answer(pending, answer, number, lang)

    async def _answer(
        self, pending: Pending, answer: Answer, number: int | None, lang: Lang
    ) -> list[Reply]:
        """Fold the user's answer into the pending command and run it again."""
        command, resolution = pending.command, pending.resolution
        if pending.stage is Stage.READING:
            return await self._chosen_reading(pending, answer, number, lang)
        if answer is Answer.YES and pending.stage is Stage.CONFIRM:
            resolution = replace(resolution, confirmed=True)
        elif answer in _SCOPES and pending.stage is Stage.SCOPE:
            # Choosing a scope for a delete is the confirmation: the buttons say what happens.
            resolution = replace(
                resolution,
                scope=_SCOPES[answer],
                confirmed=resolution.confirmed or command.intent is Intent.DELETE_EVENT,
            )
        elif answer is Answer.FORCE and pending.stage is Stage.CONFLICT:
            resolution = replace(resolution, force=True)
        elif answer is Answer.PICK and number is not None and pending.reminder_choices:
            if not 1 <= number <= len(pending.reminder_choices):
                return [self._out_of_range(len(pending.reminder_choices), lang)]
            resolution = replace(resolution, reminder=pending.reminder_choices[number - 1])
        elif answer is Answer.PICK and number is not None and pending.stage is Stage.CHOOSE:
            if not 1 <= number <= len(pending.choices):
                return [self._out_of_range(len(pending.choices), lang)]
            resolution = replace(resolution, target=pending.choices[number - 1])
        elif answer is Answer.PICK and number is not None and pending.stage is Stage.CONFLICT:
            if not 1 <= number <= len(pending.slots):
                return [self._out_of_range(len(pending.slots), lang)]
            slot = pending.slots[number - 1]
            command = command.model_copy(update={"start": slot.start, "end": slot.end})
        else:
            return [Reply(self.view(lang).say("answer.unfit"))]
        return await self._run(command, resolution, lang)

    async def _chosen_reading(
        self, pending: Pending, answer: Answer, number: int | None, lang: Lang
    ) -> list[Reply]:
        """A button of the readings question: act on that reading, as if it had been said."""
        if answer is Answer.YES and len(pending.readings) == 1:
            number = 1
        if number is None:
            return [Reply(self.view(lang).say("answer.unfit"))]
        if not 1 <= number <= len(pending.readings):
            return [self._out_of_range(len(pending.readings), lang)]
        chosen = pending.readings[number - 1].model_copy(update={"readings": (), "confidence": 1.0})
        await self._drop_pending()  # the question is answered: it is not what "that" means
        return await self._act(chosen, lang)

    def _out_of_range(self, count: int, lang: Lang) -> Reply:
        return Reply(self.view(lang).say("answer.out_of_range", count=count))

    # -- acting --------------------------------------------------------------------------

    async def _run(self, command: Command, resolution: Resolution, lang: Lang) -> list[Reply]:
        outcome = await execute(command, self.ctx, resolution)
        if isinstance(outcome, WRITES):
            outcome = await self._record(outcome.undo, outcome)
        note_outcome(command.intent.value, outcome_label(outcome))
        self._remember(outcome)
        stage = _stage_of(outcome)
        if stage is None:
            await self._drop_pending()
            return [render(outcome, self.view(lang), command.intent)]
        asked_command = command
        if isinstance(outcome, NeedsDetails):
            # the question asked is what the answer completes («Какое событие?» → TARGET)
            missing = tuple(dict.fromkeys(outcome.command.missing + outcome.missing))
            asked_command = outcome.command.model_copy(update={"missing": missing})
        resolution = _pinned(outcome, resolution)
        pending = Pending(
            stage=stage,
            command=asked_command,
            token=secrets.token_hex(3),
            asked_at=self.now,
            lang=lang,
            resolution=resolution,
            choices=outcome.candidates if isinstance(outcome, NeedsChoice) else (),
            slots=outcome.slots if isinstance(outcome, ConflictFound) else (),
            reminder_choices=(
                outcome.candidates if isinstance(outcome, NeedsReminderChoice) else ()
            ),
        )
        await self._save_state(pending)
        return [render(outcome, self.view(lang, pending.token), command.intent)]

    async def _record(self, undo: UndoRecord, outcome: Outcome) -> Outcome:
        """Keep the undo record of a change; if that fails, take the change back."""
        entry = {
            "summary": undo.summary.to_json(),
            "events": undo.events,
            "reminders": list(undo.reminders),
            "restore": [reminder_to_json(r) for r in undo.restore],
        }
        try:
            await self.assistant.undo_log.push(self.profile.user_id, undo.summary.kind, [entry])
        except Exception as error:
            log.error("undo_log_failed", error=type(error).__name__)
            try:
                await revert(undo, self.ctx)
            except CalendarError as revert_error:  # pragma: no cover - double failure
                log.error("revert_failed", error=type(revert_error).__name__)
            return BackendFailed("undo log")
        return outcome

    async def _undo_last(self) -> Outcome:
        latest = await self.assistant.undo_log.latest(self.profile.user_id)
        if latest is None:
            return NothingToUndo()
        try:
            stored = latest.entries[0]
            record = UndoRecord(
                summary=UndoSummary.from_json(dict(stored["summary"])),
                events={str(k): list(v) for k, v in dict(stored["events"]).items()},
                reminders=tuple(int(r) for r in stored.get("reminders", ())),
                restore=tuple(reminder_from_json(r) for r in stored.get("restore", ())),
            )
        except (IndexError, KeyError, TypeError, ValueError):
            await self.assistant.undo_log.pop_latest(self.profile.user_id)
            log.error("undo_entry_unreadable", entry_id=latest.id)
            return NothingToUndo()
        try:
            await revert(record, self.ctx)
        except CalendarError as error:
            log.warning("undo_failed", error=type(error).__name__)
            return BackendFailed("undo")
        await self.assistant.undo_log.pop_latest(self.profile.user_id)
        return Undone(record.summary)

    def _remember(self, outcome: Outcome) -> None:
        """The one event this turn created, moved, showed alone or found: "it" next time.

        A turn that shows or asks about several events leaves "it" meaning nothing, so a
        following «перенеси её» asks which one rather than act on an older event.
        """
        match outcome:
            case Created(event=event) | ReminderSet(event=Event() as event):
                self._remember_event(event)
            case Updated(after=after, count=1):
                self._remember_event(after)
            case Listed(events=(event,)) | SearchFound(events=(event,)):
                self._remember_event(event)
            case NeedsScope(occurrence=event) | NeedsConfirmation(events=(event,)):
                self._remember_event(event)
            case Deleted() | Listed() | SearchFound() | NeedsChoice() | Updated():
                self.last_event = None

    def _remember_event(self, event: Event) -> None:
        self.last_event, self.last_at = event, self.now

    def _remembered(self) -> tuple[Event, datetime] | None:
        return None if self.last_event is None else (self.last_event, self.last_at)

    async def _drop_pending(self) -> None:
        """Forget the open question; the event last dealt with stays remembered."""
        self.pending = None
        self.state = replace(self.state, pending=None, last_event=self._remembered())

    async def _save_state(self, pending: Pending) -> None:
        """The question to store once this message is answered."""
        self.state = replace(self.state, pending=pending, last_event=self._remembered())

    async def _store_state(self, said: str, replies: list[Reply]) -> None:
        """Write the dialogue state once per message, and not at all when nothing changed.

        With an LLM configured the message and the reply join the recent turns (the model's
        context on whichever replica answers next); without one no turns are kept.
        """
        state = self.state
        router = self.assistant.understanding
        if router.keeps_turns:
            reply = "\n".join(r.text for r in replies)
            new = [("user", said), ("assistant", reply)]
            self.turns = with_turns(self.turns, new, self.now, router.history_turns)
            state = replace(state, turns=self.turns)
        if state.same_as(self.stored):
            return
        await self.assistant.dialogue.save(self.profile.user_id, state)
        self.stored = state


def _named_choice(pending: Pending, text: str) -> int | None:
    """«с Петром» after «Какое именно?»: the one choice whose title the answer names."""
    named = [i for i, e in enumerate(pending.choices, 1) if title_matches(text, e.title)]
    if pending.reminder_choices:  # «про таблетки» after «Какое удалить?»
        texts = enumerate((r.text for r in pending.reminder_choices), 1)
        named = [i for i, said in texts if title_matches(text, said)]
    return named[0] if len(named) == 1 else None


def _pinned(outcome: Outcome, resolution: Resolution) -> Resolution:
    """Pin the event a question is about, so the answer acts on exactly that version of it."""
    if resolution.target is not None:
        return resolution
    if isinstance(outcome, NeedsScope):
        return replace(resolution, target=outcome.occurrence)
    if isinstance(outcome, NeedsConfirmation) and len(outcome.events) == 1:
        return replace(resolution, target=outcome.events[0])
    if isinstance(outcome, NeedsReminderConfirmation) and resolution.reminder is None:
        return replace(resolution, reminder=outcome.reminder)
    return resolution


def _stage_of(outcome: Outcome) -> Stage | None:
    match outcome:
        case NeedsDetails():
            return Stage.CLARIFY
        case NeedsChoice() | NeedsReminderChoice():
            return Stage.CHOOSE
        case NeedsScope():
            return Stage.SCOPE
        case NeedsConfirmation() | NeedsReminderConfirmation():
            return Stage.CONFIRM
        case ConflictFound():
            return Stage.CONFLICT
    return None
