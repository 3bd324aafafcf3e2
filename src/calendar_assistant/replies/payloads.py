"""Button payloads: `<question token>:<answer>`, short and opaque to the user.

The token names the question a button belongs to, so a button pressed after its question
was answered or dropped is recognised as stale instead of acting on something else.
"""

from __future__ import annotations

from enum import StrEnum


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    FORCE = "force"
    THIS = "this"
    FOLLOWING = "following"
    ALL = "all"
    PICK = "pick"  # followed by the 1-based number of the choice or slot: "pick2"


def payload(token: str, answer: Answer, number: int | None = None) -> str:
    return f"{token}:{answer.value}{'' if number is None else number}"


def read_payload(text: str) -> tuple[str, Answer, int | None] | None:
    """(token, answer, number) from a payload, or None when it is not one of ours."""
    token, sep, rest = text.partition(":")
    if not sep or not token:
        return None
    digits = rest.lstrip("abcdefghijklmnopqrstuvwxyz")
    word = rest[: len(rest) - len(digits)]
    try:
        answer = Answer(word)
    except ValueError:
        return None
    if digits and not digits.isdigit():
        return None
    number = int(digits) if digits else None
    if (answer is Answer.PICK) != (number is not None):
        return None
    return token, answer, number
