"""The message the account desk's routers see, and the filters they are registered with.

`Incoming` reads the user and their dialogue state once, when a filter or a handler first
asks, so a message that the first router answers costs no more than it did before the
routers; the filters are the three kinds the desk routes by: a command (typed as a slash
command or as words), a button of the desk's, and what the dialogue state holds open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from calendar_assistant.conversation.dialogue_state import DialogueState, DialogueStates
from calendar_assistant.conversation.routing import Filter
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.storage.users import UserRecord
from calendar_assistant.understanding.parser import account_command

#: The desk's own buttons carry this prefix; every other button is the assistant's.
PREFIX = "acct:"
_ACCOUNT_SAMPLE = 300  # an account command is short; a long message is a request


class Incoming:
    """One message on its way through the desk's routers."""

    __slots__ = (
        "_dialogue",
        "_phrase",
        "_phrase_read",
        "_record",
        "_state",
        "_users",
        "args",
        "command",
        "inbound",
        "now",
        "ref",
        "text",
    )

    def __init__(
        self,
        ref: UserRef,
        inbound: Inbound,
        now: datetime,
        users: Callable[[UserRef], Awaitable[UserRecord]],
        dialogue: DialogueStates,
    ) -> None:
        self.ref = ref
        self.inbound = inbound
        self.now = now
        self.text = inbound.text.strip()
        #: The slash command's name (`/settings@bot zone Berlin` → settings), or None.
        self.command: str | None = None
        #: What follows the command's name (`zone Berlin`).
        self.args = ""
        if inbound.command is None and inbound.button is None and self.text.startswith("/"):
            name, _, rest = self.text[1:].partition(" ")
            self.command = name.split("@", 1)[0].lower()
            self.args = rest.strip()
        self._users = users
        self._dialogue = dialogue
        self._record: UserRecord | None = None
        self._state: DialogueState | None = None
        self._phrase: str | None = None
        self._phrase_read = False

    @property
    def typed(self) -> bool:
        """Words typed: no typed Command, no button, no slash command."""
        return self.inbound.command is None and self.inbound.button is None and self.command is None

    @property
    def action(self) -> str | None:
        """What a press of one of the desk's buttons asks for (`keep-zone`), else None."""
        button = self.inbound.button
        return button.removeprefix(PREFIX) if button and button.startswith(PREFIX) else None

    async def user(self) -> UserRecord:
        if self._record is None:
            self._record = await self._users(self.ref)
        return self._record

    async def state(self) -> DialogueState:
        """The user's dialogue state as it was when first asked for in this message."""
        if self._state is None:
            self._state = await self._dialogue.load((await self.user()).id)
        return self._state

    async def phrase_command(self) -> str | None:
        """The account command typed as words («подключи календарь», "delete all my
        data"), read by the parser once; None for anything else."""
        if not self._phrase_read:
            self._phrase_read = True
            if self.text:
                settings = (await self.user()).settings
                # The language as the assistant's parse leaves it (found in the words), and
                # the user's settings: the same reading, handed on to that parse.
                self._phrase = account_command(
                    self.text[:_ACCOUNT_SAMPLE],
                    now=self.now,
                    tz=settings.zone,
                    default_duration_minutes=settings.default_duration_minutes,
                    month_first=settings.month_first,
                )
        return self._phrase

    def as_command(self, name: str) -> Incoming:
        """The same message as the command `name` with nothing after it (words typed for
        an account command are answered as the command is)."""
        same = Incoming(self.ref, self.inbound, self.now, self._users, self._dialogue)
        same.command, same.args = name, ""
        same._record, same._state = self._record, self._state
        return same


def command(*names: str) -> Filter[Incoming]:
    """A command with one of these names (none given: any command)."""

    async def accepts(message: Incoming) -> bool:
        return message.command is not None and (not names or message.command in names)

    return accepts


def action(*names: str, prefixes: tuple[str, ...] = ()) -> Filter[Incoming]:
    """A press of one of the desk's buttons: one of these actions, or one starting with a
    prefix (none of either given: any of the desk's buttons)."""

    async def accepts(message: Incoming) -> bool:
        pressed = message.action
        if pressed is None:
            return False
        if not names and not prefixes:
            return True
        return pressed in names or pressed.startswith(prefixes)

    return accepts


def phrase(matches: Callable[[str], object]) -> Filter[Incoming]:
    """Typed words that `matches` recognises («мои календари»)."""

    async def accepts(message: Incoming) -> bool:
        return bool(matches(message.text))

    return accepts


def prompt(field: str) -> Filter[Incoming]:
    """The desk asked for this setting (/start asks for the zone) and waits for it."""

    async def accepts(message: Incoming) -> bool:
        asked = (await message.state()).settings_prompt
        return asked is not None and asked.field == field

    return accepts


async def typed(message: Incoming) -> bool:
    return message.typed


async def carries_request(message: Incoming) -> bool:
    """A Command the channel built (a menu button, the web calendar's dialog)."""
    return message.inbound.command is not None


async def connection_open(message: Incoming) -> bool:
    """A CalDAV question of /connect is in the dialogue state (it may have expired)."""
    return (await message.state()).connection is not None


async def account_phrase(message: Incoming) -> bool:
    return await message.phrase_command() is not None
