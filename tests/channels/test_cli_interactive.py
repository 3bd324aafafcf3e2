"""The interactive chat on a (pipe-fed) terminal: prompt, colour, history, numbered buttons."""

from __future__ import annotations

import io
import re
from pathlib import Path

from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from calendar_assistant.channels.cli.chat import run_interactive
from calendar_assistant.config import Settings
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.runtime import open_runtime
from support import NOW

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


async def test_interactive_chat_colours_replies_and_keeps_history(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=None)
    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=40, columns=120), term="xterm")
    history = tmp_path / "chat-history.txt"
    async with open_runtime(settings) as runtime:
        user = await runtime.user("test:tty")

        async def respond(inbound: Inbound) -> list[Reply]:
            return await runtime.assistant.handle(UserRef(user.key), inbound, NOW)

        with create_pipe_input() as keys:
            keys.send_text("Запланируй встречу с командой завтра в 10:00\r")
            keys.send_text("Какие у меня встречи на завтра?\r")
            keys.send_text("/quit\r")
            code = await run_interactive(
                respond,
                history_file=history,
                greeting="Привет!",
                terminal_input=keys,
                terminal_output=output,
            )
        listed = await runtime.calendar(user.id).list_events(NOW, NOW.replace(day=26))
    assert code == 0
    raw = screen.getvalue()
    text = _ANSI.sub("", raw)
    assert "Привет!" in text
    assert text.count("Встреча с командой") >= 2
    assert "\x1b[" in raw  # coloured
    assert [e.title for e in listed] == ["Встреча с командой"]
    saved = history.read_text(encoding="utf-8")
    assert "Запланируй встречу с командой завтра в 10:00" in saved
    assert "Какие у меня встречи на завтра?" in saved
