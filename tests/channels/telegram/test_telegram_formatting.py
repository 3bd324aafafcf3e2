"""Escaping, splitting and keyboards, without a network."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from calendar_assistant.channels.telegram.formatting import (
    MESSAGE_LIMIT,
    escape,
    keyboard,
    split_message,
)
from calendar_assistant.domain.messages import Button


def test_every_markup_character_is_escaped() -> None:
    assert escape('<b>Ужин</b> & "тост"') == "&lt;b&gt;Ужин&lt;/b&gt; &amp; &quot;тост&quot;"


def test_short_text_is_one_piece_and_empty_text_one_empty_piece() -> None:
    assert split_message("Привет") == ["Привет"]
    assert split_message("") == [""]


@given(st.text(alphabet="ab <&>\n", min_size=0, max_size=12000))
def test_pieces_fit_the_limit_and_never_cut_an_entity(text: str) -> None:
    pieces = split_message(text, limit=500)
    assert all(len(p) <= 500 for p in pieces)
    for piece in pieces:
        for index, char in enumerate(piece):
            if char == "&":
                assert ";" in piece[index : index + 6], piece
    joined = "".join(pieces).replace("\n", "").replace(" ", "")
    assert joined == escape(text).replace("\n", "").replace(" ", "")


def test_the_telegram_limit_is_4096() -> None:
    assert MESSAGE_LIMIT == 4096
    pieces = split_message("слово " * 2000)
    assert len(pieces) == 3
    assert all(len(p) <= 4096 for p in pieces)


def test_keyboards_keep_rows_and_drop_payloads_telegram_would_refuse() -> None:
    markup = keyboard(
        (
            (Button("Да", "ab12:yes"), Button("Нет", "ab12:no")),
            (Button("Слишком", "x" * 65),),
        )
    )
    assert markup is not None
    rows = markup.inline_keyboard
    assert [[b.callback_data for b in row] for row in rows] == [["ab12:yes", "ab12:no"]]
    assert keyboard(()) is None
