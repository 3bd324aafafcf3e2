"""`says`, the helper the tests use to name the message a reply carries, itself checked."""

from __future__ import annotations

import pytest

from calendar_assistant.replies.catalogue import text
from support import says


def test_says_tells_one_message_from_another() -> None:
    reply = text("ru", "created.text", title="«Обед»", when="завтра, 13:00")
    assert says(reply, "ru", "created.text")
    assert says(reply, "ru", "created.text", title="«Обед»", when="завтра, 13:00")
    assert not says(reply, "ru", "created.text", title="«Ужин»", when="завтра, 13:00")
    assert not says(reply, "ru", "deleted.one")
    assert not says(reply, "en", "created.text")


def test_a_mistyped_key_fails_loudly() -> None:
    with pytest.raises(KeyError):
        says("anything", "ru", "created.txt")
