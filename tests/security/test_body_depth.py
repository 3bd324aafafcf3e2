"""The nesting measure that guards every JSON body, and the text cleaning of messages."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_assistant.channels.bodies import BodyRejected, json_depth, parse_json
from calendar_assistant.domain.messages import printable

VALUES = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=15,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@given(VALUES)
def test_the_measure_agrees_with_the_parsed_value(value: object) -> None:
    # Brackets and escaped quotes inside strings do not count.
    assert json_depth(json.dumps(value).encode()) == _depth(value)


def test_too_deep_is_refused_without_recursing() -> None:
    with pytest.raises(BodyRejected):
        parse_json(b"[" * 1_000_000)
    assert parse_json(b"[" * 32 + b"]" * 32) is not None


def test_printable_keeps_text_and_line_breaks() -> None:
    assert (
        printable("Встреча\x00 в\tпереговорке\n\x1b[31m\x7f\x85") == "Встреча в\tпереговорке\n[31m"
    )
    assert printable("🙂 café") == "🙂 café"
