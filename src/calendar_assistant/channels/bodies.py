"""Inbound bodies, checked before anything handles them: size, nesting depth, then shape.

Python's JSON parser recurses once per nested array or object, so a body of ten thousand
`[` raises RecursionError deep inside a handler (a 500). `json_depth` measures the nesting
in one pass over the bytes, without parsing, and bodies deeper than `MAX_JSON_DEPTH` are
refused with 400 before any parser sees them. Then every webhook body is validated into a
typed model (here: the part of a Telegram update we read), so a `"message": "hello"` or an
`update_id` of 2^63 is a 400, not an AttributeError or an OverflowError after a 200.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

#: Telegram's updates nest about eight levels (update → message → reply → entities → user);
#: nothing we accept needs more than this.
MAX_JSON_DEPTH = 32
#: Ids are stored in signed 64-bit columns.
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


class BodyRejected(ValueError):
    """The body is not acceptable; the text says why (shown in the 400's detail)."""


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in `body`, strings skipped; linear time."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def parse_json(body: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The JSON value of `body`; BodyRejected when too deep or not JSON at all."""
    if json_depth(body) > max_depth:
        raise BodyRejected(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise BodyRejected("the body is not JSON") from error


class _Open(BaseModel):
    """Telegram adds fields over time: unknown ones are kept for the library to read."""

    model_config = ConfigDict(extra="allow", strict=True)


class TelegramUser(_Open):
    id: int = Field(ge=INT64_MIN, le=INT64_MAX)
    is_bot: bool = False
    first_name: str = Field(default="", max_length=1024)
    language_code: str | None = Field(default=None, max_length=35)


class TelegramChat(_Open):
    id: int = Field(ge=INT64_MIN, le=INT64_MAX)
    type: str = Field(max_length=32)


class TelegramMessage(_Open):
    message_id: int = Field(ge=INT64_MIN, le=INT64_MAX)
    date: int = Field(ge=0, le=INT64_MAX)
    chat: TelegramChat
    from_: TelegramUser | None = Field(default=None, alias="from")
    text: str | None = Field(default=None, max_length=20000)


class TelegramCallback(_Open):
    id: str = Field(max_length=256)
    from_: TelegramUser = Field(alias="from")
    data: str | None = Field(default=None, max_length=256)
    message: TelegramMessage | None = None


class TelegramUpdate(_Open):
    """The parts of an update the bot reads; an update with none of them is still valid."""

    update_id: int = Field(ge=0, le=INT64_MAX)
    message: TelegramMessage | None = None
    edited_message: TelegramMessage | None = None
    callback_query: TelegramCallback | None = None


def telegram_update(body: bytes) -> dict[str, Any]:
    """The update as a dict for the library, once it is known to have the expected shape."""
    data = parse_json(body)
    if not isinstance(data, dict):
        raise BodyRejected("not a Telegram update")
    try:
        TelegramUpdate.model_validate(data)
    except ValidationError as error:
        raise BodyRejected("not a Telegram update") from error
    return data
