"""Outcome → Reply in Russian or English: short, exact about what was done, dates written out."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
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
    Updated,
)
from calendar_assistant.domain.commands import Intent, Missing
from calendar_assistant.domain.events import Event, Scope
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Button, Reply
from calendar_assistant.replies import dates
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

    def ru(self) -> bool:
        return self.lang == "ru"

    def t(self, ru: str, en: str) -> str:
        return ru if self.lang == "ru" else en

    def when(self, start: datetime, end: datetime, all_day: bool = False) -> str:
        return dates.when(
            start, end, all_day=all_day, zone=self.zone, lang=self.lang, today=self.today
        )

    def event_when(self, event: Event) -> str:
        return self.when(event.start, event.end, event.all_day)

    def span(self, start: datetime, end: datetime) -> str:
        return dates.span(start, end, zone=self.zone, lang=self.lang, today=self.today)

    def quote(self, title: str) -> str:
        return f"«{title}»" if self.lang == "ru" else f"“{title}”"

    def button(self, label_ru: str, label_en: str, answer: Answer, n: int | None = None) -> Button:
        return Button(self.t(label_ru, label_en), payload(self.token, answer, n))


_WEEKDAYS: dict[str, tuple[str, str]] = {
    "MO": ("пн", "Mon"),
    "TU": ("вт", "Tue"),
    "WE": ("ср", "Wed"),
    "TH": ("чт", "Thu"),
    "FR": ("пт", "Fri"),
    "SA": ("сб", "Sat"),
    "SU": ("вс", "Sun"),
}


def describe_rrule(rule: str, v: View) -> str:
    """A short human reading of the common RRULEs; the rule itself for unusual ones."""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    freq, interval = parts.get("FREQ", ""), int(parts.get("INTERVAL", "1") or 1)
    days = [d[-2:] for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "DAILY":
        text = (
            v.t("каждый день", "every day")
            if interval == 1
            else v.t(f"раз в {interval} дня", f"every {interval} days")
        )
    elif freq == "WEEKLY" and days == ["MO", "TU", "WE", "TH", "FR"]:
        text = v.t("по будням", "every weekday")
    elif freq == "WEEKLY":
        names = ", ".join(_WEEKDAYS[d][0 if v.ru() else 1] for d in days if d in _WEEKDAYS)
        if interval == 2:
            text = v.t("раз в две недели", "every other week")
        elif interval > 2:
            text = v.t(f"раз в {interval} недели", f"every {interval} weeks")
        else:
            text = v.t("каждую неделю", "every week")
        if names:
            text += v.t(f" ({names})", f" ({names})")
    elif freq == "MONTHLY":
        text = v.t("каждый месяц", "every month")
    elif freq == "YEARLY":
        text = v.t("каждый год", "every year")
    else:
        return rule
    if "COUNT" in parts:
        text += v.t(f", {parts['COUNT']} раз", f", {parts['COUNT']} times")
    return text


def _event_line(event: Event, v: View, with_day: bool = True) -> str:
    if with_day:
        time_text = v.event_when(event)
    elif event.all_day:
        time_text = v.t("весь день", "all day")
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
    if not unsaid:
        return ""
    names = ", ".join(unsaid)
    return v.t(f"; участники: {names}", f"; with {names}")


def _about(event: Event, v: View) -> str:
    """What the one event found is about: place, people, notes ("what's my 3pm about")."""
    parts: list[str] = []
    if event.location:
        parts.append(v.t(f"Место: {event.location}.", f"Where: {event.location}."))
    unsaid = _unsaid_attendees(event)
    if unsaid:
        names = ", ".join(unsaid)
        parts.append(v.t(f"Участники: {names}.", f"With: {names}."))
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
        lines.append(v.t(f"…и ещё {plural(rest, 'meeting', 'ru')}", f"…and {rest} more"))
    return lines


def _ask(missing: tuple[Missing, ...], intent: Intent, day: date | None, v: View) -> str:
    if Missing.TITLE in missing:
        if intent is Intent.CREATE_REMINDER:
            return v.t("О чём напомнить?", "What should I remind you about?")
        return v.t("Как назвать событие?", "What should I call it?")
    if Missing.TARGET in missing:
        return v.t("Какое событие вы имеете в виду?", "Which event do you mean?")
    if intent is Intent.UPDATE_EVENT:
        return v.t("На когда перенести?", "When should I move it to?")
    if intent is Intent.CREATE_REMINDER:
        return v.t("Когда напомнить?", "When should I remind you?")
    if Missing.DATE in missing and Missing.TIME in missing:
        return v.t("На какой день и во сколько?", "What day and time?")
    if Missing.DATE in missing:
        return v.t("На какой день?", "Which day?")
    if day is not None:
        label = dates.day_label(day, v.lang, v.today)
        return v.t(f"Во сколько ({label})?", f"What time ({label})?")
    return v.t("Во сколько?", "What time?")


_PROBLEMS: dict[Problem, tuple[str, str]] = {
    Problem.EMPTY: (
        "Сообщение пустое. Напишите, например: «Запланируй встречу завтра в 10».",
        "The message is empty. Try, for example: “Schedule a meeting tomorrow at 10am”.",
    ),
    Problem.TOO_LONG: (
        "Сообщение слишком длинное (больше {limit} символов). Напишите короче, одной просьбой.",
        "That message is too long (over {limit} characters). Please send one short request.",
    ),
    Problem.END_BEFORE_START: (
        "Конец получается раньше начала. Проверьте время, пожалуйста.",
        "The end comes before the start. Please check the times.",
    ),
    Problem.IN_THE_PAST: (
        "Это время уже прошло. Назовите время в будущем.",
        "That time has already passed. Please name a time in the future.",
    ),
    Problem.BAD_DATE: (
        "Такой даты нет{detail}. Проверьте число и месяц.",
        "There is no such date{detail}. Please check the day and month.",
    ),
    Problem.READ_ONLY: (
        "Этот календарь только для чтения, изменить его я не могу.",
        "This calendar is read-only, so I cannot change it.",
    ),
    Problem.NO_RECURRENCE: (
        "Этот календарь не умеет повторяющиеся события.",
        "This calendar does not support recurring events.",
    ),
    Problem.REJECTED: (
        "Календарь не принял это: проверьте название и время.",
        "The calendar refused that: please check the title and the times.",
    ),
    Problem.BAD_RECURRENCE: (
        "Не понял, как повторять событие. Скажите, например: «каждый вторник».",
        "I could not read how it repeats. Try, for example: “every Tuesday”.",
    ),
}

HELP_RU = (
    "Я веду ваш календарь. Например:\n"
    "• «Запланируй встречу с командой завтра в 10:00»\n"
    "• «Какие у меня встречи на сегодня?»\n"
    "• «Какие свободные слоты в пятницу?»\n"
    "• «Перенеси встречу с командой на 11»\n"
    "• «Удали созвон с клиентом в среду»\n"
    "• «Напомни завтра в 9 позвонить маме»\n"
    "• «Когда у меня следующая встреча с Иваном?»\n"
    "«Отмена» — бросить текущий вопрос, «Отмени последнее» — откатить последнее изменение."
)
HELP_EN = (
    "I keep your calendar. For example:\n"
    "• “Schedule a team meeting tomorrow at 10am”\n"
    "• “What's on my calendar next week?”\n"
    "• “Find me a free hour tomorrow afternoon”\n"
    "• “Move my dentist appointment to Thursday”\n"
    "• “Cancel all meetings on Friday”\n"
    "• “Remind me 15 minutes before the standup”\n"
    "• “When is my next dentist appointment?”\n"
    "“Never mind” drops the current question, “undo” reverts the last change."
)


def _scope_note(scope: Scope | None, v: View) -> str:
    if scope is Scope.THIS:
        return v.t(" (только это)", " (this one only)")
    if scope is Scope.FOLLOWING:
        return v.t(" (это и следующие)", " (this and following)")
    if scope is Scope.ALL:
        return v.t(" (вся серия)", " (the whole series)")
    return ""


def _undo_text(summary: dict[str, Any], v: View) -> str:
    """What an undo put back, from the structured summary kept in the undo log."""
    title = v.quote(str(summary.get("title", "")))
    kind = summary.get("kind")
    count = int(summary.get("count", 0) or 0)
    if kind == "reminder":
        return v.t(f"Отменил напоминание {title}.", f"Undone: the reminder {title}.")
    if kind == "reminder_deleted":
        try:
            at = _due(datetime.fromisoformat(str(summary["start"])), v)
        except (KeyError, ValueError):
            return v.t(f"Вернул напоминание {title}.", f"Restored the reminder {title}.")
        return v.t(f"Вернул напоминание {title} ({at}).", f"Restored the reminder {title} ({at}).")
    if kind == "delete_many":
        return v.t(
            f"Вернул {plural(count, 'meeting', 'ru')}.",
            f"Restored {plural(count, 'meeting', 'en')}.",
        )
    if kind == "move_many":
        return v.t(
            f"Вернул {plural(count, 'meeting', 'ru')} на прежнее время.",
            f"Put {plural(count, 'meeting', 'en')} back where they were.",
        )
    try:
        start = datetime.fromisoformat(str(summary["start"]))
        end = datetime.fromisoformat(str(summary["end"]))
        when = v.when(start, end, bool(summary.get("all_day")))
    except (KeyError, ValueError):
        return v.t("Отменил последнее изменение.", "Undid the last change.")
    if kind == "create":
        return v.t(f"Отменил создание {title} ({when}).", f"Undone: created {title} ({when}).")
    if kind == "update":
        return v.t(
            f"Отменил изменение: {title} снова {when}.",
            f"Undone: {title} is back at {when}.",
        )
    if kind == "delete":
        return v.t(f"Вернул {title} ({when}).", f"Restored {title} ({when}).")
    return v.t("Отменил последнее изменение.", "Undid the last change.")


def _due(due: datetime, v: View) -> str:
    """When a reminder rings: the day written out and the clock time, in the user's zone."""
    local = due.astimezone(v.zone)
    return f"{dates.day_label(local.date(), v.lang, v.today)}, {dates.clock(local, v.lang)}"


def _reminder_line(reminder: PendingReminder, v: View) -> str:
    return f"{_due(reminder.due, v)} — {reminder.text}"


def _reminder_reply(outcome: Outcome, v: View) -> Reply | None:
    """Replies about the reminders the user set: listed, which one, sure?, deleted."""
    match outcome:
        case RemindersListed(reminders=()):
            return Reply(v.t("Напоминаний пока нет.", "You have no reminders set."))
        case RemindersListed(reminders=reminders):
            head = v.t(
                f"Ваши напоминания ({len(reminders)}):", f"Your reminders ({len(reminders)}):"
            )
            lines = [f"• {_reminder_line(r, v)}" for r in reminders[:_LIST_LIMIT]]
            if len(reminders) > _LIST_LIMIT:
                rest = len(reminders) - _LIST_LIMIT
                lines.append(v.t(f"…и ещё {rest}.", f"…and {rest} more."))
            return Reply("\n".join([head, *lines]))
        case NeedsReminderChoice(candidates=candidates):
            lines = [
                v.t(
                    "Нашёл несколько напоминаний. Какое удалить?",
                    "I found several reminders. Which one should I delete?",
                )
            ]
            lines.extend(f"{i}. {_reminder_line(r, v)}" for i, r in enumerate(candidates, 1))
            picks = tuple(
                Button(str(i), payload(v.token, Answer.PICK, i))
                for i in range(1, len(candidates) + 1)
            )
            return Reply("\n".join(lines), (picks, (v.button("Отмена", "Cancel", Answer.NO),)))
        case NeedsReminderConfirmation(reminder=r):
            what = f"{v.quote(r.text)} ({_due(r.due, v)})"
            yes_no = (v.button("Да", "Yes", Answer.YES), v.button("Нет", "No", Answer.NO))
            return Reply(
                v.t(f"Удалить напоминание {what}?", f"Delete the reminder {what}?"), (yes_no,)
            )
        case ReminderDeleted(reminder=r):
            what = f"{v.quote(r.text)} ({_due(r.due, v)})"
            return Reply(v.t(f"Удалил напоминание {what}.", f"Deleted the reminder {what}."))
        case NoReminderFound(gone=True, query=query):
            return Reply(
                v.t(
                    f"Напоминания {v.quote(query or '')} уже нет: оно сработало или удалено.",
                    f"The reminder {v.quote(query or '')} is gone: it was sent or removed.",
                )
            )
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
                return Reply(
                    v.t(
                        f"Не нашёл напоминания {said} среди предстоящих.",
                        f"I found no upcoming reminder {said}.",
                    )
                )
            return Reply(v.t("Предстоящих напоминаний нет.", "You have no upcoming reminders."))
    return None


def _found_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Created events, conflicts, lists."""
    match outcome:
        case Created(event=e):
            text = v.t(
                f"Создал {v.quote(e.title)}: {v.event_when(e)}.",
                f"Created {v.quote(e.title)}: {v.event_when(e)}.",
            )
            if e.rrule:
                text += v.t(" Повтор: ", " Repeats: ") + describe_rrule(e.rrule, v) + "."
            if e.location:
                text += v.t(f" Место: {e.location}.", f" Where: {e.location}.")
            if e.reminders:
                text += v.t(
                    f" Напомню за {duration(e.reminders[0], 'ru')}.",
                    f" I'll remind you {duration(e.reminders[0], 'en')} before.",
                )
            return Reply(text)
        case ConflictFound():
            others = "; ".join(_event_line(c, v) for c in outcome.conflicts[:3])
            text = v.t(
                f"{v.when(outcome.start, outcome.end)} уже занято: {others}. "
                "Создать всё равно, выбрать свободное время или отменить?",
                f"{v.when(outcome.start, outcome.end)} is already taken: {others}. "
                "Create it anyway, pick a free slot, or cancel?",
            )
            rows: list[tuple[Button, ...]] = [
                (v.button("Создать всё равно", "Create anyway", Answer.FORCE),)
            ]
            rows.extend(
                (Button(v.when(s.start, s.end), payload(v.token, Answer.PICK, i)),)
                for i, s in enumerate(outcome.slots, 1)
            )
            if not outcome.slots:
                text += v.t(" Свободных окон рядом нет.", " There is no free slot nearby.")
            rows.append((v.button("Отмена", "Cancel", Answer.NO),))
            return Reply(text, tuple(rows))
        case Listed(events=events):
            label = v.span(outcome.range_start, outcome.range_end)
            if not events:
                return Reply(
                    v.t(f"{label}: ничего не запланировано.", f"{label}: nothing planned.")
                )
            head = v.t(
                f"{label}: {plural(len(events), 'meeting', 'ru')}.",
                f"{label}: {plural(len(events), 'meeting', 'en')}.",
            )
            local_start = outcome.range_start.astimezone(v.zone)
            last_moment = (outcome.range_end - timedelta(microseconds=1)).astimezone(v.zone)
            one_day = local_start.date() if local_start.date() == last_moment.date() else None
            return Reply("\n".join([head, *_listing(events, v, one_day)]))
    return None


def _search_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Free slots, search results, nothing found."""
    match outcome:
        case SlotsFound(slots=slots):
            label = v.span(outcome.range_start, outcome.range_end)
            minutes = int(outcome.min_length.total_seconds() // 60)
            if not slots:
                return Reply(
                    v.t(
                        f"{label}: свободных окон от {duration(minutes, 'ru')} нет.",
                        f"{label}: no free slots of {duration(minutes, 'en')} or more.",
                    )
                )
            lines = [v.t(f"Свободно ({label}):", f"Free ({label}):")]
            lines.extend(f"• {v.when(s.start, s.end)}" for s in slots[:_SLOT_LIMIT])
            if len(slots) > _SLOT_LIMIT:
                more = len(slots) - _SLOT_LIMIT
                lines.append(v.t(f"…и ещё {plural(more, 'slot', 'ru')}", f"…and {more} more"))
            return Reply("\n".join(lines))
        case SearchFound(events=events):
            first, rest = events[0], events[1:]
            text = v.t(
                f"Ближайшее: {v.quote(first.title)}, {v.event_when(first)}.",
                f"Next: {v.quote(first.title)}, {v.event_when(first)}.",
            )
            text += _about(first, v)
            if rest:
                later = (
                    v.event_when(e)
                    if e.title == first.title
                    else f"{v.quote(e.title)}, {v.event_when(e)}"
                    for e in rest
                )
                text += v.t(" Потом: ", " Then: ") + "; ".join(later) + "."
            return Reply(text)
        case NothingFound():
            where = ""
            if outcome.at is not None:
                local = outcome.at.astimezone(v.zone)
                label = dates.day_label(local.date(), v.lang, v.today)
                where = f" ({label}, {dates.clock(local, v.lang)})"
            elif outcome.range_start and outcome.range_end:
                where = f" ({v.span(outcome.range_start, outcome.range_end)})"
            if outcome.title:
                return Reply(
                    v.t(
                        f"Не нашёл {v.quote(outcome.title)}{where}.",
                        f"I found no {v.quote(outcome.title)}{where}.",
                    )
                )
            return Reply(v.t(f"Ничего не нашёл{where}.", f"I found nothing{where}."))
    return None


def _question_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """The questions: details missing, which event, which occurrences, confirm."""
    match outcome:
        case NeedsDetails():
            return Reply(_ask(outcome.missing, intent, outcome.command.day, v))
        case NeedsChoice(candidates=candidates):
            lines = [v.t("Нашёл несколько. Какое именно?", "I found several. Which one?")]
            lines.extend(f"{i}. {_event_line(e, v)}" for i, e in enumerate(candidates, 1))
            picks = tuple(
                Button(str(i), payload(v.token, Answer.PICK, i))
                for i in range(1, len(candidates) + 1)
            )
            return Reply("\n".join(lines), (picks, (v.button("Отмена", "Cancel", Answer.NO),)))
        case NeedsScope(occurrence=e, deleting=deleting):
            verb = v.t("Удалить", "Delete") if deleting else v.t("Изменить", "Change")
            text = v.t(
                f"{v.quote(e.title)} повторяется ({v.event_when(e)}). {verb} только это, "
                "это и следующие или все?",
                f"{v.quote(e.title)} repeats ({v.event_when(e)}). {verb} this one only, "
                "this and following, or all of them?",
            )
            row = (
                v.button("Только это", "This one", Answer.THIS),
                v.button("Это и следующие", "This and following", Answer.FOLLOWING),
                v.button("Все", "All", Answer.ALL),
            )
            return Reply(text, (row, (v.button("Отмена", "Cancel", Answer.NO),)))
        case NeedsConfirmation(events=events, deleting=False, new_start=new_start) if new_start:
            day = dates.day_label(new_start.astimezone(v.zone).date(), v.lang, v.today)
            count = len(events)
            text = "\n".join(
                [
                    v.t(
                        f"Перенести {plural(count, 'meeting', 'ru')} на {day}, сохранив время?",
                        f"Move {plural(count, 'meeting', 'en')} to {day}, keeping their times?",
                    ),
                    *_listing(events, v),
                ]
            )
            yes_no = (v.button("Да", "Yes", Answer.YES), v.button("Нет", "No", Answer.NO))
            return Reply(text, (yes_no,))
        case NeedsConfirmation(events=events, scope=scope):
            if len(events) == 1:
                e = events[0]
                what = f"{v.quote(e.title)}, {v.event_when(e)}"
                if scope is Scope.ALL:
                    what = v.t(
                        f"всю серию {v.quote(e.title)}", f"the whole series {v.quote(e.title)}"
                    )
                elif scope is Scope.FOLLOWING:
                    what += v.t(" и все следующие", " and all following")
                text = v.t(f"Удалить {what}?", f"Delete {what}?")
            else:
                text = "\n".join(
                    [
                        v.t(
                            f"Удалить {plural(len(events), 'meeting', 'ru')}?",
                            f"Delete {plural(len(events), 'meeting', 'en')}?",
                        ),
                        *_listing(events, v),
                    ]
                )
            yes_no = (v.button("Да", "Yes", Answer.YES), v.button("Нет", "No", Answer.NO))
            return Reply(text, (yes_no,))
    return None


def _change_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Events changed or deleted."""
    match outcome:
        case Updated(count=count) if count > 1:
            day = dates.day_label(outcome.start.astimezone(v.zone).date(), v.lang, v.today)
            return Reply(
                v.t(
                    f"Перенёс {plural(count, 'meeting', 'ru')} на {day}.",
                    f"Moved {plural(count, 'meeting', 'en')} to {day}.",
                )
            )
        case Updated(before=b, after=a, scope=scope):
            note = _scope_note(scope, v)
            # The occurrence the user meant, where it is now (`a` may be a series' master).
            shown = dataclasses.replace(b, title=a.title, start=outcome.start, end=outcome.end)
            parts: list[str] = []
            if a.title != b.title:
                parts.append(
                    v.t(
                        f"Переименовал {v.quote(b.title)} в {v.quote(a.title)}",
                        f"Renamed {v.quote(b.title)} to {v.quote(a.title)}",
                    )
                )
            if (shown.start, shown.end) != (b.start, b.end) or not parts:
                if shown.start != b.start:
                    parts.append(
                        v.t(
                            f"Перенёс {v.quote(a.title)} на {v.event_when(shown)}",
                            f"Moved {v.quote(a.title)} to {v.event_when(shown)}",
                        )
                    )
                else:
                    parts.append(
                        v.t(
                            f"Теперь {v.quote(a.title)}: {v.event_when(shown)}",
                            f"{v.quote(a.title)} is now {v.event_when(shown)}",
                        )
                    )
            text = "; ".join(parts) + note + "."
            if outcome.overlaps:
                others = "; ".join(_event_line(e, v) for e in outcome.overlaps[:3])
                text += v.t(f" Пересекается с: {others}.", f" It now overlaps: {others}.")
            return Reply(text)
        case Deleted(events=events, scope=scope):
            if len(events) > 1:
                return Reply(
                    v.t(
                        f"Удалил {plural(len(events), 'meeting', 'ru')}.",
                        f"Deleted {plural(len(events), 'meeting', 'en')}.",
                    )
                )
            e = events[0]
            if scope is Scope.ALL:
                return Reply(
                    v.t(
                        f"Удалил всю серию {v.quote(e.title)}.",
                        f"Deleted the whole series {v.quote(e.title)}.",
                    )
                )
            if scope is Scope.FOLLOWING:
                return Reply(
                    v.t(
                        f"Удалил {v.quote(e.title)} начиная с {v.event_when(e)}.",
                        f"Deleted {v.quote(e.title)} from {v.event_when(e)} on.",
                    )
                )
            return Reply(
                v.t(
                    f"Удалил {v.quote(e.title)}, {v.event_when(e)}.",
                    f"Deleted {v.quote(e.title)}, {v.event_when(e)}.",
                )
            )
    return None


def _done_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Reminders set, undo, cancellations, a calendar changed meanwhile."""
    match outcome:
        case ReminderSet():
            local_due = outcome.due.astimezone(v.zone)
            at = f"{dates.day_label(local_due.date(), v.lang, v.today)}, {dates.clock(local_due, v.lang)}"
            if outcome.event is not None and outcome.minutes_before is not None:
                ahead = duration(outcome.minutes_before, v.lang)
                return Reply(
                    v.t(
                        f"Напомню за {ahead} до {v.quote(outcome.event.title)}: {at}.",
                        f"I'll remind you {ahead} before {v.quote(outcome.event.title)}: {at}.",
                    )
                )
            return Reply(
                v.t(f"Напомню {at}: {outcome.text}.", f"I'll remind you on {at}: {outcome.text}.")
            )
        case Undone(summary=summary):
            return Reply(_undo_text(summary, v))
        case NothingToUndo():
            return Reply(
                v.t("Отменять нечего: изменений пока не было.", "There is nothing to undo.")
            )
        case Cancelled(had_pending=had):
            if had:
                return Reply(
                    v.t(
                        "Хорошо, отменил. Ничего не изменено.",
                        "OK, cancelled. Nothing was changed.",
                    )
                )
            return Reply(v.t("Хорошо. Сейчас я ничего не жду.", "OK. There was nothing pending."))
        case ChangedMeanwhile(current=current):
            if current is None:
                return Reply(
                    v.t(
                        "Этого события уже нет: его удалили, пока мы говорили. Я ничего не менял.",
                        "That event is gone: it was deleted meanwhile. I changed nothing.",
                    )
                )
            return Reply(
                v.t(
                    f"Событие изменилось, пока мы говорили, и я его не трогал. Сейчас: "
                    f"{v.quote(current.title)}, {v.event_when(current)}.",
                    f"The event changed meanwhile, so I left it alone. It is now: "
                    f"{v.quote(current.title)}, {v.event_when(current)}.",
                )
            )
    return None


def _problem_reply(outcome: Outcome, v: View, intent: Intent) -> Reply | None:
    """Failures, refusals, help and what was not understood."""
    match outcome:
        case BackendFailed(detail="ReconnectNeeded"):
            return Reply(
                v.t(
                    "Доступ к календарю больше не действует (его отозвали или сменили пароль); "
                    "ничего не изменено. Подключите календарь заново: /connect",
                    "Access to your calendar no longer works (it was revoked or the password "
                    "changed); nothing was changed. Connect the calendar again: /connect",
                )
            )
        case BackendFailed():
            return Reply(
                v.t(
                    "Не получилось обратиться к календарю; ничего не изменено. Попробуйте ещё раз.",
                    "I could not reach the calendar; nothing was changed. Please try again.",
                )
            )
        case Invalid(problem=problem, limit=limit):
            ru, en = _PROBLEMS[problem]
            text = v.t(ru, en).format(limit=limit, detail="")
            if problem is Problem.BAD_DATE and limit is not None:
                text = v.t(ru, en).format(
                    limit=limit,
                    detail=v.t(f" (в этом месяце {limit} дней)", f" (that month has {limit} days)"),
                )
            return Reply(text)
        case HelpShown():
            return Reply(HELP_RU if v.ru() else HELP_EN)
        case NotUnderstood():
            return Reply(
                v.t(
                    "Я не понял просьбу, поэтому ничего не менял. ",
                    "I did not understand that, so I changed nothing. ",
                )
                + (HELP_RU if v.ru() else HELP_EN)
            )
    return None


def render(outcome: Outcome, v: View, intent: Intent = Intent.UNKNOWN) -> Reply:
    """The reply for one outcome; buttons carry `v.token` so stale presses are recognised.

    The kinds of outcome are answered by one function each, asked in turn (the first
    reply wins, as the cases of one `match` would).
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
