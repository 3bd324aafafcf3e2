"""The question asked when the words do not settle the request (issue 10, part 2):
«Показать, что у вас завтра после обеда, или создать событие?», one button per reading.

Only what the reading would do is said, in the user's language; pressing a button acts on
that reading, «Нет» drops the question.
"""

from __future__ import annotations

from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.messages import Button, Reply
from calendar_assistant.replies.payloads import Answer
from calendar_assistant.replies.render import View

_DOING: dict[Intent, tuple[str, str]] = {
    Intent.CREATE_EVENT: ("создать событие", "create an event"),
    Intent.LIST_EVENTS: ("показать, что у вас", "show what you have"),
    Intent.FIND_FREE_SLOTS: ("найти свободное время", "find free time"),
    Intent.UPDATE_EVENT: ("изменить событие", "change an event"),
    Intent.DELETE_EVENT: ("удалить событие", "delete an event"),
    Intent.CREATE_REMINDER: ("поставить напоминание", "set a reminder"),
    Intent.SEARCH_EVENTS: ("найти событие", "find an event"),
    Intent.CANCEL: ("забыть вопрос", "drop the question"),
    Intent.UNDO: ("отменить последнее изменение", "undo the last change"),
    Intent.HELP: ("рассказать, что я умею", "tell what I can do"),
}
_REMINDERS: dict[Intent, tuple[str, str]] = {
    Intent.LIST_EVENTS: ("показать напоминания", "show your reminders"),
    Intent.DELETE_EVENT: ("удалить напоминание", "delete a reminder"),
}


def doing(command: Command, v: View) -> str:
    """What acting on `command` would do, as a short phrase («создать событие «Обед»»)."""
    reminders = command.target is not None and command.target.kind == "reminder"
    ru, en = (_REMINDERS if reminders else _DOING).get(command.intent, ("ответить", "answer"))
    text = v.t(ru, en)
    if command.intent is Intent.CREATE_EVENT and command.title:
        text += f" {v.quote(command.title)}"
    elif command.intent is Intent.LIST_EVENTS and not reminders and command.range_start:
        if command.range_end is not None:
            text += f" {v.span(command.range_start, command.range_end)}"
    elif command.intent is Intent.LIST_EVENTS and not reminders:
        text += v.t(" в календаре", " on your calendar")
    return text


def readings_question(readings: tuple[Command, ...], v: View) -> Reply:
    """One question, a button per reading; one reading is asked as a yes-or-no."""
    phrases = [doing(c, v) for c in readings]
    if len(phrases) == 1:
        text = phrases[0][:1].upper() + phrases[0][1:] + "?"
        buttons = (
            Button(v.t("Да", "Yes"), _pick(v, 1)),
            v.button("Нет", "No", Answer.NO),
        )
        return Reply(text, (buttons,))
    joined = v.t(", или ", ", or ").join(phrases)
    text = joined[:1].upper() + joined[1:] + "?"
    row = tuple(Button(p[:1].upper() + p[1:], _pick(v, n)) for n, p in enumerate(phrases, 1))
    return Reply(text, (row, (v.button("Ни то, ни другое", "Neither", Answer.NO),)))


def _pick(v: View, n: int) -> str:
    return v.button("", "", Answer.PICK, n).payload
