"""The terminal chat's adapter: numbered choices for buttons, numbers pressing them."""

from __future__ import annotations

from calendar_assistant.channels.cli.chat import ChatTranscript, plain_text
from calendar_assistant.domain.messages import Button, Inbound, Reply


def _conflict_reply() -> Reply:
    return Reply(
        text="В это время уже есть «Обед».",
        buttons=(
            (
                Button("Создать всё равно", "create:force"),
                Button("Свободное время", "create:slots"),
            ),
            (Button("Отмена", "cancel"),),
        ),
    )


def test_buttons_are_numbered_across_rows_and_replies() -> None:
    transcript = ChatTranscript()
    text = plain_text(transcript.render([Reply("Готово."), _conflict_reply()]))
    assert text == (
        "Готово.\n"
        "В это время уже есть «Обед».\n"
        "  1. Создать всё равно\n"
        "  2. Свободное время\n"
        "  3. Отмена\n"
    )


def test_typing_a_shown_number_presses_that_button() -> None:
    transcript = ChatTranscript()
    transcript.render([_conflict_reply()])
    assert transcript.inbound(" 2 ") == Inbound(text="Свободное время", button="create:slots")
    assert transcript.inbound("3") == Inbound(text="Отмена", button="cancel")


def test_numbers_without_a_matching_button_stay_text() -> None:
    transcript = ChatTranscript()
    assert transcript.inbound("1") == Inbound(text="1")
    transcript.render([_conflict_reply()])
    assert transcript.inbound("4") == Inbound(text="4")
    assert transcript.inbound("0") == Inbound(text="0")
    assert transcript.inbound("в 3") == Inbound(text="в 3")
    transcript.render([Reply("Хорошо.")])  # new replies without buttons clear the choices
    assert transcript.inbound("1") == Inbound(text="1")


def test_styles_mark_replies_and_choices() -> None:
    pieces = ChatTranscript().render([_conflict_reply()])
    assert {style for style, _ in pieces} == {"reply", "choice"}
