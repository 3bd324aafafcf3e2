"""The terminal chat: a thin adapter that turns lines into Inbound and Replies into text.

On a terminal it is a prompt_toolkit session with history and colour; fed from a pipe it reads
one message per line and prints each reply, so dialogues can be scripted and tested.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from calendar_assistant.domain.messages import Button, Inbound, Reply

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

#: Sends one message to the assistant and returns what it answers.
Respond = Callable[[Inbound], Awaitable[list[Reply]]]

QUIT_WORDS = frozenset({"/quit", "/exit", "выход", "quit", "exit"})


class ChatTranscript:
    """Remembers the buttons last shown, so typing a number presses the matching one."""

    def __init__(self) -> None:
        self._choices: list[Button] = []

    def inbound(self, line: str) -> Inbound:
        """A typed number that names a shown choice presses it; anything else is text."""
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self._choices):
            button = self._choices[int(text) - 1]
            return Inbound(text=button.label, button=button.payload)
        return Inbound(text=text)

    def render(self, replies: Iterable[Reply]) -> list[tuple[str, str]]:
        """(style, text) pieces of the replies; buttons become numbered choices."""
        self._choices = []
        pieces: list[tuple[str, str]] = []
        for reply in replies:
            pieces.append(("reply", reply.text.rstrip() + "\n"))
            for row in reply.buttons:
                for button in row:
                    self._choices.append(button)
                    pieces.append(("choice", f"  {len(self._choices)}. {button.label}\n"))
        return pieces


def plain_text(pieces: Iterable[tuple[str, str]]) -> str:
    return "".join(text for _, text in pieces)


async def run_scripted(lines: Iterable[str], respond: Respond, out: TextIO) -> int:
    """One message per input line, each reply printed after it; blank lines are skipped."""
    transcript = ChatTranscript()
    for line in lines:
        if not line.strip():
            continue
        if line.strip().lower() in QUIT_WORDS:
            break
        replies = await respond(transcript.inbound(line))
        out.write(plain_text(transcript.render(replies)))
        out.flush()
    return 0


async def run_interactive(
    respond: Respond,
    *,
    history_file: Path,
    greeting: str,
    terminal_input: Input | None = None,
    terminal_output: Output | None = None,
) -> int:
    """A prompt with history (kept in the data directory) and coloured replies.

    The terminal is the process's own unless tests hand in a pipe input and an output.
    """
    from prompt_toolkit import PromptSession, print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.styles import Style

    style = Style.from_dict({"reply": "ansicyan", "choice": "ansiyellow", "prompt": "bold"})
    history_file.parent.mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(history_file)), input=terminal_input, output=terminal_output
    )
    transcript = ChatTranscript()

    def show(pieces: list[tuple[str, str]]) -> None:
        print_formatted_text(FormattedText(pieces), style=style, output=session.output)

    show([("class:reply", greeting + "\n")])
    while True:
        try:
            line = await session.prompt_async(FormattedText([("class:prompt", "› ")]), style=style)
        except (EOFError, KeyboardInterrupt):
            return 0
        if not line.strip():
            continue
        if line.strip().lower() in QUIT_WORDS:
            return 0
        replies = await respond(transcript.inbound(line))
        show([(f"class:{kind}", text) for kind, text in transcript.render(replies)])
