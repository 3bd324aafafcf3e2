"""The question asked when the words do not settle the request (issue 10, part 2):
«Показать, что у вас завтра после обеда, или создать событие?», one button per reading.

Only what the reading would do is said, in the user's language; pressing a button acts on
that reading, «Нет» drops the question.
"""

from __future__ import annotations

from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.messages import Button, Reply
from calendar_assistant.replies.payloads import Answer, payload
from calendar_assistant.replies.render import View

#: The catalogue key (under `reading.`) of what acting on a command of each intent would do.
_DOING: dict[Intent, str] = {
    intent: intent.value for intent in Intent if intent is not Intent.UNKNOWN
}
_REMINDERS: dict[Intent, str] = {
    Intent.LIST_EVENTS: "list_reminders",
    Intent.DELETE_EVENT: "delete_reminder",
}


def doing(command: Command, v: View) -> str:
    """What acting on `command` would do, as a short phrase («создать событие «Обед»»)."""
    reminders = command.target is not None and command.target.kind == "reminder"
    text = v.say("reading." + (_REMINDERS if reminders else _DOING).get(command.intent, "answer"))
    if command.intent is Intent.CREATE_EVENT and command.title:
        text += f" {v.quote(command.title)}"
    elif command.intent is Intent.LIST_EVENTS and not reminders and command.range_start:
        if command.range_end is not None:
            text += f" {v.span(command.range_start, command.range_end)}"
    elif command.intent is Intent.LIST_EVENTS and not reminders:
        text += v.say("reading.on_calendar")
    return text


def readings_question(readings: tuple[Command, ...], v: View) -> Reply:
    """One question, a button per reading; one reading is asked as a yes-or-no."""
    phrases = [doing(c, v) for c in readings]
    if len(phrases) == 1:
        text = phrases[0][:1].upper() + phrases[0][1:] + "?"
        buttons = (
            Button(v.say("button.yes"), _pick(v, 1)),
            v.button("no", Answer.NO),
        )
        return Reply(text, (buttons,))
    joined = v.say("reading.or").join(phrases)
    text = joined[:1].upper() + joined[1:] + "?"
    row = tuple(Button(p[:1].upper() + p[1:], _pick(v, n)) for n, p in enumerate(phrases, 1))
    return Reply(text, (row, (v.button("neither", Answer.NO),)))


def _pick(v: View, n: int) -> str:
    return payload(v.token, Answer.PICK, n)
