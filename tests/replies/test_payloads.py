"""Button payloads round-trip and foreign strings are refused."""

from __future__ import annotations

import pytest

from calendar_assistant.replies.payloads import Answer, payload, read_payload


@pytest.mark.parametrize(
    ("answer", "number"),
    [(Answer.YES, None), (Answer.NO, None), (Answer.PICK, 3), (Answer.FOLLOWING, None)],
)
def test_round_trip(answer: Answer, number: int | None) -> None:
    assert read_payload(payload("a1b2c3", answer, number)) == ("a1b2c3", answer, number)


@pytest.mark.parametrize("text", ["", "yes", ":yes", "t:maybe", "t:pick", "t:yes2", "t:pickx1"])
def test_foreign_payloads_are_refused(text: str) -> None:
    assert read_payload(text) is None
