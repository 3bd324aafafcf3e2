"""The message catalogues: both languages say every message, with the same values, and every
message the code can ask for exists (and nothing in them is dead)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel import Locale

from calendar_assistant.actions.outcomes import Problem
from calendar_assistant.domain.commands import Intent
from calendar_assistant.domain.events import Scope
from calendar_assistant.domain.language import LANGS, Lang
from calendar_assistant.replies import catalogue

SOURCE = Path(catalogue.__file__).resolve().parents[1]

#: Messages whose wording counts differently per language: Russian names the noun ("…и ещё
#: 5 встреч"), English only the number ("…and 5 more"); the renderer passes both values.
COUNTED_DIFFERENTLY = {"event.more", "slots.more"}


def _keys(lang: Lang) -> set[str]:
    return {k for k in catalogue.messages(lang) if not k.startswith("nouns.")}


def _nouns(lang: Lang) -> dict[str, set[str]]:
    nouns: dict[str, set[str]] = {}
    for key in catalogue.messages(lang):
        if key.startswith("nouns."):
            _, noun, category = key.split(".")
            nouns.setdefault(noun, set()).add(category)
    return nouns


def test_both_languages_have_the_same_messages_and_nouns() -> None:
    assert _keys("ru") == _keys("en")
    assert _nouns("ru").keys() == _nouns("en").keys()


@pytest.mark.parametrize("lang", LANGS)
def test_every_noun_has_every_plural_form_of_its_language(lang: Lang) -> None:
    categories = set(Locale.parse(lang).plural_form.tags) | {"other"}
    for noun, forms in _nouns(lang).items():
        assert forms == categories, noun


def test_both_languages_fill_in_the_same_values() -> None:
    for key in _keys("en") - COUNTED_DIFFERENTLY:
        ru, en = catalogue.messages("ru")[key], catalogue.messages("en")[key]
        assert catalogue.fields(ru) == catalogue.fields(en), key


class _Uses:
    """What the source asks of the catalogues: literal keys, and prefixes of keys it
    completes at run time (`f"problem.{problem.value}"`); every string constant, too, as
    keys also sit in tables (`{Scope.ALL: "deleted.series"}`)."""

    def __init__(self) -> None:
        self.asked: set[str] = set()
        self.prefixes: set[str] = set()
        self.constants: set[str] = set()
        for path in SOURCE.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    self.constants.add(node.value)
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    self._call(node.func.attr, node.args)

    def _call(self, name: str, args: list[ast.expr]) -> None:
        """`v.say(key, …)`, `catalogue.text(lang, key, …)`, `v.button(name, …)`."""
        position = {"say": 0, "text": 1, "button": 0}.get(name)
        if position is None or len(args) <= position:
            return
        key = args[position]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.asked.add(f"button.{key.value}" if name == "button" else key.value)
        elif isinstance(key, ast.JoinedStr) and isinstance(key.values[0], ast.Constant):
            self.prefixes.add(str(key.values[0].value))
        elif isinstance(key, ast.BinOp) and isinstance(key.left, ast.Constant):
            self.prefixes.add(str(key.left.value))


def test_every_message_is_used_and_every_key_the_code_names_exists() -> None:
    uses = _Uses()
    keys = _keys("ru")
    used = uses.asked | uses.constants
    assert not {k for k in keys if k not in used and not k.startswith(tuple(uses.prefixes))}
    assert not {k for k in uses.asked if k not in keys}


def test_keys_completed_at_run_time_exist() -> None:
    keys = _keys("en")
    assert {f"problem.{p.value}" for p in Problem} <= keys
    assert {f"scope.{s.value}" for s in Scope} <= keys
    assert {f"reading.{i.value}" for i in Intent if i is not Intent.UNKNOWN} <= keys
    kinds = ("create", "update", "delete", "delete_many", "move_many", "reminder")
    assert {f"undo.{k}" for k in kinds} <= keys
    assert {f"rrule.{f}" for f in ("monthly", "yearly")} <= keys
    assert {f"weekday.{d}" for d in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")} <= keys
