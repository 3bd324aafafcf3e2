"""Replies as Telegram sends them: HTML with every character of text escaped, long texts split
at line ends below the 4,096-character limit, buttons as an inline keyboard."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from calendar_assistant.domain.messages import Button

#: Telegram's limit on one message's text, counted after entities are parsed.
MESSAGE_LIMIT = 4096
#: Telegram's limit on a button's callback data, in bytes.
CALLBACK_DATA_LIMIT = 64


def escape(text: str) -> str:
    """Reply text as Telegram HTML: `<`, `>`, `&` (and quotes) can never become markup."""
    return html.escape(text, quote=True)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Escaped HTML in pieces of at most `limit` characters, cut at line ends or spaces.

    The limit counts the visible text, but cutting the escaped form by its own length keeps
    every piece within it and never cuts an entity such as `&amp;` in two.
    """
    escaped = escape(text)
    pieces: list[str] = []
    while len(escaped) > limit:
        window = escaped[:limit]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
            amp = window.rfind("&", limit - 10)
            if amp != -1 and ";" not in window[amp:]:
                cut = amp
        pieces.append(escaped[:cut].rstrip())
        escaped = escaped[cut:].lstrip("\n ")
    if escaped or not pieces:
        pieces.append(escaped)
    return pieces


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """The reply's buttons; a payload too long for Telegram is left out rather than sent."""
    markup = [
        [
            InlineKeyboardButton(button.label, callback_data=button.payload)
            for button in row
            if len(button.payload.encode()) <= CALLBACK_DATA_LIMIT
        ]
        for row in rows
    ]
    markup = [row for row in markup if row]
    return InlineKeyboardMarkup(markup) if markup else None
