"""What channels hand to the assistant and what they get back: channel-agnostic.

In the domain package so that every layer (replies, conversation, channels) can share them
without importing one another.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from calendar_assistant.domain.commands import Command
from calendar_assistant.domain.language import Lang


@dataclass(frozen=True, slots=True)
class UserRef:
    """Who is talking: a stable key per channel account, plus hints from the channel."""

    key: str
    display_name: str | None = None
    language_hint: Lang | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One incoming message: typed text, or a pressed button's payload.

    `command` is set when the channel already knows exactly what is asked (a menu command
    such as /today, the web calendar's event dialog): the assistant acts on it as it is,
    with nothing parsed from `text`, through the same questions, confirmations and undo.
    """

    text: str = ""
    button: str | None = None
    command: Command | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """An inline choice; `payload` comes back as Inbound.button when pressed."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One outgoing message: plain text, optional buttons (rows of choices).

    `delete_inbound` asks the channel to delete the user's message this answers (it carried
    a password); channels that cannot delete ignore it.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    delete_inbound: bool = False


_KEPT_CONTROLS = frozenset("\n\t")


def printable(text: str) -> str:
    """`text` without control characters (NUL and the like) and lone surrogates, which no
    title or place needs and which break terminals, logs and some databases; line breaks
    and tabs stay."""
    return "".join(
        ch for ch in text if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cs")
    )
