"""Outcome → Reply in Russian or English: short, exact about what was done, dates written out."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.actions.context import PendingReminder
from calendar_assistant.actions.outcomes import (
    BackendFailed,
    Cancelled,
    ChangedMeanwhile,
    ConflictFound,
    Created,
    Deleted,
    HelpShown,
    Invalid,
    Listed,
    NeedsChoice,
    NeedsConfirmation,
    NeedsDetails,
    NeedsReminderChoice,
    NeedsReminderConfirmation,
    NeedsScope,
    NoReminderFound,
    NothingFound,
    NothingToUndo,
    NotUnderstood,
    Outcome,
    Problem,
    ReminderDeleted,
    ReminderSet,
    RemindersListed,
    SearchFound,
    SlotsFound,
    Undone,
    UndoSummary,
    Updated,
)
from calendar_assistant.domain.commands import Intent, Missing
from calendar_assistant.domain.events import Event, Scope
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Button, Reply
from calendar_assistant.replies import catalogue, dates
from calendar_assistant.replies.payloads import Answer, payload
from calendar_assistant.replies.plurals import duration, plural

_LIST_LIMIT = 20
_SLOT_LIMIT = 8
_GROUP_FROM = 4


@dataclass(frozen=True, slots=True)
class View:
    """How to write for this user now: language, zone, today, and the question's token."""

    lang: Lang
    zone: ZoneInfo
    now: datetime
    token: str = ""

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def say(self, key: str, **values: object) -> str:
        """The catalogue's message `key` in this user's language, filled with `values`."""
        return catalogue.text(self.lang, key, **values)

    def count(self, count: int, noun: str) -> str:
        """`count` with its noun in the right plural form: "3 встречи", "1 meeting"."""
        return plural(count, noun, self.lang)

    def when(self, start: datetime, end: datetime, all_day: bool = False) -> str:
        return dates.when(
            start, end, all_day=all_day, zone=self.zone, lang=self.lang, today=self.today
        )

    def event_when(self, event: Event) -> str:
        return self.when(event.start, event.end, event.all_day)

    def span(self, start: datetime, end: datetime) -> str:
        return dates.span(start, end, zone=self.zone, lang=self.lang, today=self.today)

    def day(self, moment: datetime) -> str:
        """The day of `moment` written out in the user's zone ("завтра", "Friday 4 December")."""
        return dates.day_label(moment.astimezone(self.zone).date(), self.lang, self.today)

    def quote(self, title: str) -> str:
        return self.say("quote", title=title)

    def button(self, key: str, answer: Answer, n: int | None = None) -> Button:
        """A button labelled with the catalogue's `button.<key>`, carrying this question's token."""
        return Button(self.say(f"button.{key}"), payload(self.token, answer, n))


def describe_rrule(rule: str, v: View) -> str:
    """A short human reading of the common RRULEs; the rule itself for unusual ones."""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    freq, interval = parts.get("FREQ", ""), int(parts.get("INTERVAL", "1") or 1)
    days = [d[-2:] for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "HOURLY":
        text = (
            v.say("rrule.hourly")
            if interval == 1
            else v.say("rrule.every_n_hours", hours=v.count(interval, "hour"))
        )
    elif freq == "DAILY":
        text = (
            v.say("rrule.daily")
            if interval == 1
            else v.say("rrule.every_n_days", days=v.count(interval, "day"))
        )
    elif freq == "WEEKLY":
        text = _weekly(interval, days, v)
    elif freq in ("MONTHLY", "YEARLY"):
        text = v.say(f"rrule.{freq.lower()}")
    else:
        return rule
    if "COUNT" in parts:
        text += v.say("rrule.count", times=v.count(int(parts["COUNT"]), "time"))
    return text


_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _weekly(interval: int, days: list[str], v: View) -> str:
    if days == ["MO", "TU", "WE", "TH", "FR"]:
        return v.say("rrule.weekdays")
    if interval == 2:
        text = v.say("rrule.every_other_week")
    elif interval > 2:
        text = v.say("rrule.every_n_weeks", weeks=v.count(interval, "week"))
    else:
        text = v.say("rrule.weekly")
    names = ", ".join(v.say(f"weekday.{d}") for d in days if d in _WEEKDAY_CODES)
    return f"{text} ({names})" if names else text


def _event_line(event: Event, v: View, with_day: bool = True) -> str:
    if with_day:
        time_text = v.event_when(event)
    elif event.all_day:
        time_text = v.say("event.all_day")
    else:
        start, end = event.start.astimezone(v.zone), event.end.astimezone(v.zone)
        if start.date() == end.date():
            time_text = dates.time_range(start, end, v.lang)
        else:
            time_text = f"{dates.clock(start, v.lang)}–{dates.clock(end, v.lang)}"
    where = f" ({event.location})" if event.location else ""
    return f"{time_text} — {event.title}{where}{_people(event, v)}"


def _unsaid_attendees(event: Event) -> list[str]:
    """Attendees the title does not already name («Обед с Анной» names Анна): a name is
    said when a word of the title starts with all of it but its last letter (its case
    endings vary), ё read as е."""
    words = event.title.casefold().replace("ё", "е").split()
    unsaid = []
    for name in event.attendees:
        stem = name.casefold().replace("ё", "е")
        stem = stem[: max(3, len(stem) - 1)]
        if not any(word.strip(".,;:!?«»\"'“”").startswith(stem) for word in words):
            unsaid.append(name)
    return unsaid


def _people(event: Event, v: View) -> str:
    """Who the event is with, for "who am I meeting today", «с кем я встречаюсь»."""
    unsaid = _unsaid_attendees(event)
    return v.say("event.people", names=", ".join(unsaid)) if unsaid else ""


def _about(event: Event, v: View) -> str:
    """What the one event found is about: place, people, notes ("what's my 3pm about")."""
    parts: list[str] = []
    if event.location:
        parts.append(v.say("event.where", place=event.location))
    unsaid = _unsaid_attendees(event)
    if unsaid:
        parts.append(v.say("event.with", names=", ".join(unsaid)))
    if event.description:
        parts.append(event.description.strip()[:300])
    return (" " + " ".join(parts)) if parts else ""


def _listing(events: tuple[Event, ...], v: View, day_said: date | None = None) -> list[str]:
    """Events one per line; grouped under day headings when there are many or several days.

    When the heading already names the one day they are all on (`day_said`), lines carry
    times only.
    """
    shown = events[:_LIST_LIMIT]
    days = {e.start.astimezone(v.zone).date() for e in shown}
    lines: list[str] = []
    if days == {day_said}:
        lines.extend(_event_line(e, v, with_day=False) for e in shown)
    elif len(shown) >= _GROUP_FROM or len(days) > 1:
        current: date | None = None
        for event in shown:
            day = event.start.astimezone(v.zone).date()
            if day != current:
                current = day
                lines.append(f"{dates.day_label(day, v.lang, v.today)}:")
            lines.append(f"  {_event_line(event, v, with_day=False)}")
    else:
        lines.extend(_event_line(e, v) for e in shown)
    if len(events) > len(shown):
        rest = len(events) - len(shown)
        lines.append(v.say("event.more", count=rest, meetings=v.count(rest, "meeting")))
    return lines


def _ask(missing: tuple[Missing, ...], intent: Intent, day: date | None, v: View) -> str:
    if Missing.TITLE in missing:
        return v.say("ask.reminder_what" if intent is Intent.CREATE_REMINDER else "ask.title")
    if Missing.TARGET in missing:
        return v.say("ask.target")
    if intent is Intent.UPDATE_EVENT:
        return v.say("ask.move_when")
    if intent is Intent.CREATE_REMINDER:
        return v.say("ask.reminder_when")
    if Missing.DATE in missing:
        return v.say("ask.day_and_time" if Missing.TIME in missing else "ask.day")
    if day is not None:
        return v.say("ask.time_on", day=dates.day_label(day, v.lang, v.today))
    return v.say("ask.time")


def _scope_note(scope: Scope | None, v: View) -> str:
    return v.say(f"scope.{scope.value}") if scope is not None else ""


def _undo_text(summary: UndoSummary, v: View) -> str:
    """What an undo put back, from the typed summary kept in the undo log."""
    title = v.quote(summary.title)
    meetings = v.count(summary.count, "meeting")
    match summary.kind:
        case "reminder":
            return v.say("undo.reminder", title=title)
        case "reminder_deleted" if summary.start is not None:
            return v.say("undo.reminder_restored_at", title=title, at=_due(summary.start, v))
        case "reminder_deleted":
            return v.say("undo.reminder_restored", title=title)
        case "delete_many" | "move_many":
            return v.say(f"undo.{summary.kind}", meetings=meetings)
    if summary.start is None or summary.end is None or summary.kind not in _UNDONE_EVENT:
        return v.say("undo.generic")
    when = v.when(summary.start, summary.end, summary.all_day)
    return v.say(f"undo.{summary.kind}", title=title, when=when)


_UNDONE_EVENT = frozenset({"create", "update", "delete"})


def _due(due: datetime, v: View) -> str:
    """When a reminder rings: the day written out and the clock time, in the user's zone."""
    return f"{v.day(due)}, {dates.clock(due.astimezone(v.zone), v.lang)}"


def _reminder_line(reminder: PendingReminder, v: View) -> str:
    line = f"{_due(reminder.due, v)} — {reminder.text}"
    if reminder.rrule:
        line += f" · {describe_rrule(reminder.rrule, v)}"
    return line


def _picks(count: int, v: View) -> tuple[tuple[Button, ...], ...]:
    """A numbered button per candidate, and Cancel."""
    numbers = tuple(Button(str(i), payload(v.token, Answer.PICK, i)) for i in range(1, count + 1))
    return (numbers, (v.button("cancel", Answer.NO),))


def _yes_no(v: View) -> tuple[tuple[Button, ...], ...]:
    return ((v.button("yes", Answer.YES), v.button("no", Answer.NO)),)


def _reminder_reply(outcome: Outcome, v: View) -> Reply | None:
    """Replies about the reminders the user set: listed, which one, sure?, deleted."""
    match outcome:
        case RemindersListed(reminders=()):
            return Reply(v.say("reminders.none"))
        case RemindersListed(reminders=reminders):
            lines = [v.say("reminders.head", count=len(reminders))]
            lines.extend(f"• {_reminder_line(r, v)}" for r in reminders[:_LIST_LIMIT])
            if len(reminders) > _LIST_LIMIT:
                lines.append(v.say("reminders.more", count=len(reminders) - _LIST_LIMIT))
            return Reply("\n".join(lines))
        case NeedsReminderChoice(candidates=candidates):
            lines = [v.say("reminders.which")]
            lines.extend(f"{i}. {_reminder_line(r, v)}" for i, r in enumerate(candidates, 1))
            return Reply("\n".join(lines), _picks(len(candidates), v))
        case NeedsReminderConfirmation(reminder=r):
            text = v.say("reminders.confirm_delete", title=v.quote(r.text), due=_due(r.due, v))
            return Reply(text, _yes_no(v))
        case ReminderDeleted(reminder=r):
            return Reply(v.say("reminders.deleted", title=v.quote(r.text), due=_due(r.due, v)))
        case NoReminderFound(gone=True, query=query):
            return Reply(v.say("reminders.gone", title=v.quote(query or "")))
        case NoReminderFound(query=query, at=at):
            said = " ".join(
                part
                for part in (
                    v.quote(query) if query else "",
                    dates.clock(at.astimezone(v.zone), v.lang) if at is not None else "",
                )
                if part
            )
            if said:
                return Reply(v.say("reminders.not_found", said=said))
            return Reply(v.say("reminders.none_upcoming"))
    return None


def _created(e: Event, v: View) -> Reply:
    text = v.say("created.text", title=v.quote(e.title), when=v.event_when(e))
    if e.rrule:
        text += v.say("created.repeats", rule=describe_rrule(e.rrule, v))
    if e.location:
        text += v.say("created.where", place=e.location)
    if e.reminders:
        text += v.say("created.reminder", ahead=duration(e.reminders[0], v.lang))
    return Reply(text)


def _conflict(outcome: ConflictFound, v: View) -> Reply:
    others = "; ".join(_event_line(c, v) for c in outcome.conflicts[:3])
    text = v.say("conflict.text", when=v.when(outcome.start, outcome.end), others=others)
    rows: list[tuple[Button, ...]] = [(v.button("create_anyway", Answer.FORCE),)]
    rows.extend(
        (Button(v.when(s.start, s.end), payload(v.token, Answer.PICK, i)),)
        for i, s in enumerate(outcome.slots, 1)
    )
    if not outcome.slots:
        text += v.say("conflict.no_slots")
    rows.append((v.button("cancel", Answer.NO),))
    return Reply(text, tuple(rows))


def _found_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Created events, conflicts, lists."""
    match outcome:
        case Created(event=e):
            return _created(e, v)
        case ConflictFound():
            return _conflict(outcome, v)
        case Listed(events=()):
            return Reply(v.say("listed.empty", span=v.span(outcome.range_start, outcome.range_end)))
        case Listed(events=events):
            span = v.span(outcome.range_start, outcome.range_end)
            head = v.say("listed.head", span=span, meetings=v.count(len(events), "meeting"))
            local_start = outcome.range_start.astimezone(v.zone)
            last_moment = (outcome.range_end - timedelta(microseconds=1)).astimezone(v.zone)
            one_day = local_start.date() if local_start.date() == last_moment.date() else None
            return Reply("\n".join([head, *_listing(events, v, one_day)]))
    return None


def _slots(outcome: SlotsFound, v: View) -> Reply:
    span = v.span(outcome.range_start, outcome.range_end)
    if not outcome.slots:
        minutes = int(outcome.min_length.total_seconds() // 60)
        return Reply(v.say("slots.none", span=span, length=duration(minutes, v.lang)))
    lines = [v.say("slots.head", span=span)]
    lines.extend(f"• {v.when(s.start, s.end)}" for s in outcome.slots[:_SLOT_LIMIT])
    if len(outcome.slots) > _SLOT_LIMIT:
        more = len(outcome.slots) - _SLOT_LIMIT
        lines.append(v.say("slots.more", count=more, slots=v.count(more, "slot")))
    return Reply("\n".join(lines))


def _search_found(events: tuple[Event, ...], v: View, looking_back: bool = False) -> Reply:
    """The next occurrences found ("Next: …. Then: …"), or, looking back, the latest ones
    gone by ("Last time: …. Before that: …")."""
    first, rest = events[0], events[1:]
    head, then = (
        ("search.last", "search.before") if looking_back else ("search.next", "search.then")
    )
    text = v.say(head, title=v.quote(first.title), when=v.event_when(first))
    text += _about(first, v)
    if rest:
        later = (
            v.event_when(e) if e.title == first.title else f"{v.quote(e.title)}, {v.event_when(e)}"
            for e in rest
        )
        text += v.say(then, later="; ".join(later))
    return Reply(text)


def _nothing_found(outcome: NothingFound, v: View) -> Reply:
    where = ""
    if outcome.at is not None:
        where = f" ({v.day(outcome.at)}, {dates.clock(outcome.at.astimezone(v.zone), v.lang)})"
    elif outcome.range_start and outcome.range_end:
        where = f" ({v.span(outcome.range_start, outcome.range_end)})"
    if outcome.title:
        return Reply(v.say("search.not_found", title=v.quote(outcome.title), where=where))
    return Reply(v.say("search.nothing", where=where))


def _search_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Free slots, search results, nothing found."""
    match outcome:
        case SlotsFound():
            return _slots(outcome, v)
        case SearchFound(events=events, looking_back=looking_back):
            return _search_found(events, v, looking_back)
        case NothingFound():
            return _nothing_found(outcome, v)
    return None


def _scope_question(e: Event, deleting: bool, v: View) -> Reply:
    key = "scope.ask_delete" if deleting else "scope.ask_change"
    text = v.say(key, title=v.quote(e.title), when=v.event_when(e))
    row = (
        v.button("this_one", Answer.THIS),
        v.button("this_and_following", Answer.FOLLOWING),
        v.button("all", Answer.ALL),
    )
    return Reply(text, (row, (v.button("cancel", Answer.NO),)))


def _confirm_delete(events: tuple[Event, ...], scope: Scope | None, v: View) -> Reply:
    if len(events) > 1:
        head = v.say("confirm.delete_many", meetings=v.count(len(events), "meeting"))
        return Reply("\n".join([head, *_listing(events, v)]), _yes_no(v))
    e = events[0]
    key = {Scope.ALL: "confirm.delete_series", Scope.FOLLOWING: "confirm.delete_following"}
    text = v.say(key.get(scope, "confirm.delete_one"), title=v.quote(e.title), when=v.event_when(e))  # type: ignore[arg-type]
    return Reply(text, _yes_no(v))


def _question_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """The questions: details missing, which event, which occurrences, confirm."""
    match outcome:
        case NeedsDetails():
            return Reply(_ask(outcome.missing, intent, outcome.command.day, v))
        case NeedsChoice(candidates=candidates):
            lines = [v.say("choice.which")]
            lines.extend(f"{i}. {_event_line(e, v)}" for i, e in enumerate(candidates, 1))
            return Reply("\n".join(lines), _picks(len(candidates), v))
        case NeedsScope(occurrence=e, deleting=deleting):
            return _scope_question(e, deleting, v)
        case NeedsConfirmation(events=events, deleting=False, new_start=new_start) if new_start:
            meetings = v.count(len(events), "meeting_object")
            if outcome.shift_minutes:
                head = _shifted("confirm", meetings, outcome.shift_minutes, v)
            else:
                head = v.say("confirm.move_many", meetings=meetings, day=v.day(new_start))
            return Reply("\n".join([head, *_listing(events, v)]), _yes_no(v))
        case NeedsConfirmation(events=events, scope=scope):
            return _confirm_delete(events, scope, v)
    return None


_SHIFT_KEYS = {
    ("confirm", True): "confirm.shift_many_later",
    ("confirm", False): "confirm.shift_many_earlier",
    ("updated", True): "updated.shift_many_later",
    ("updated", False): "updated.shift_many_earlier",
}


def _shifted(section: str, meetings: str, minutes: int, v: View) -> str:
    """ "Move 2 meetings 1 hour later?", «Сдвинул 2 встречи на 30 минут раньше.»"""
    key = _SHIFT_KEYS[(section, minutes > 0)]
    return v.say(key, meetings=meetings, amount=duration(abs(minutes), v.lang))


def _updated(outcome: Updated, v: View) -> Reply:
    b, a = outcome.before, outcome.after
    # The occurrence the user meant, where it is now (`a` may be a series' master).
    shown = dataclasses.replace(b, title=a.title, start=outcome.start, end=outcome.end)
    parts: list[str] = []
    if a.title != b.title:
        parts.append(v.say("updated.renamed", old=v.quote(b.title), new=v.quote(a.title)))
    if a.location != b.location and a.location:
        parts.append(v.say("updated.relocated", title=v.quote(a.title), place=a.location))
    if (shown.start, shown.end) != (b.start, b.end) or not parts:
        key = "updated.moved" if shown.start != b.start else "updated.now"
        parts.append(v.say(key, title=v.quote(a.title), when=v.event_when(shown)))
    text = "; ".join(parts) + _scope_note(outcome.scope, v) + "."
    if outcome.overlaps:
        others = "; ".join(_event_line(e, v) for e in outcome.overlaps[:3])
        text += v.say("updated.overlaps", others=others)
    return Reply(text)


def _deleted(events: tuple[Event, ...], scope: Scope | None, v: View) -> Reply:
    if len(events) > 1:
        return Reply(v.say("deleted.many", meetings=v.count(len(events), "meeting")))
    e = events[0]
    key = {Scope.ALL: "deleted.series", Scope.FOLLOWING: "deleted.following"}
    return Reply(v.say(key.get(scope, "deleted.one"), title=v.quote(e.title), when=v.event_when(e)))  # type: ignore[arg-type]


def _change_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Events changed or deleted."""
    match outcome:
        case Updated(count=count) if count > 1:
            meetings = v.count(count, "meeting_object")
            if outcome.shift_minutes:
                return Reply(_shifted("updated", meetings, outcome.shift_minutes, v))
            return Reply(v.say("updated.many", meetings=meetings, day=v.day(outcome.start)))
        case Updated():
            return _updated(outcome, v)
        case Deleted(events=events, scope=scope):
            return _deleted(events, scope, v)
    return None


def _reminder_set(outcome: ReminderSet, v: View) -> Reply:
    due = _due(outcome.due, v)
    if outcome.event is not None and outcome.minutes_before is not None:
        ahead = duration(outcome.minutes_before, v.lang)
        title = v.quote(outcome.event.title)
        return Reply(v.say("reminders.set_before", ahead=ahead, title=title, due=due))
    if outcome.event is not None:  # "the night before <event>": the moment and the event
        return Reply(v.say("reminders.set_for", due=due, title=v.quote(outcome.event.title)))
    if outcome.rrule:
        rule = describe_rrule(outcome.rrule, v)
        return Reply(v.say("reminders.set_repeating", rule=rule, due=due, text=outcome.text))
    return Reply(v.say("reminders.set_at", due=due, text=outcome.text))


def _done_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Reminders set, undo, cancellations, a calendar changed meanwhile."""
    match outcome:
        case ReminderSet():
            return _reminder_set(outcome, v)
        case Undone(summary=summary):
            return Reply(_undo_text(summary, v))
        case NothingToUndo():
            return Reply(v.say("undo.nothing"))
        case Cancelled(had_pending=had):
            return Reply(v.say("cancelled.pending" if had else "cancelled.nothing"))
        case ChangedMeanwhile(current=None):
            return Reply(v.say("meanwhile.gone"))
        case ChangedMeanwhile(current=current) if current is not None:
            title = v.quote(current.title)
            return Reply(v.say("meanwhile.changed", title=title, when=v.event_when(current)))
    return None


def _invalid(problem: Problem, limit: int | None, v: View) -> str:
    if problem is Problem.BAD_DATE and limit is not None:
        return v.say("problem.bad_date_days", days=v.count(limit, "day"))
    return v.say(f"problem.{problem.value}", limit=limit)


def _problem_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Failures, refusals, help and what was not understood."""
    match outcome:
        case BackendFailed(detail="ReconnectNeeded"):
            return Reply(v.say("problem.backend_reconnect"))
        case BackendFailed():
            return Reply(v.say("problem.backend_failed"))
        case Invalid(problem=problem, limit=limit):
            return Reply(_invalid(problem, limit, v))
        case HelpShown():
            return Reply(v.say("problem.help"))
        case NotUnderstood():
            return Reply(v.say("problem.not_understood", help=v.say("problem.help")))
    return None


def render(outcome: Outcome, v: View, intent: Intent = Intent.UNKNOWN) -> Reply:
    """The reply for one outcome; buttons carry `v.token` so stale presses are recognised.

    The kinds of outcome are answered by one function each, asked in turn (the first
    reply wins, as the cases of one `match` would). The words come from the message
    catalogues (`replies/messages/<lang>.toml`).
    """
    parts = (
        _found_reply,
        _search_reply,
        _question_reply,
        _change_reply,
        _done_reply,
        _problem_reply,
    )
    for part in parts:
        reply = part(outcome, v, intent)
        if reply is not None:
            return reply
    about_reminders = _reminder_reply(outcome, v)
    if about_reminders is not None:
        return about_reminders
    raise AssertionError(f"no reply for {outcome!r}")
