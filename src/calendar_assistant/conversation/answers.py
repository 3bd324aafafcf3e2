"""Typed answers to a question: «да», "no", «2», «только эту», "all of them".

Buttons are the first way to answer; these let a user type the same thing, in either
language, with any case, ё/е and trailing punctuation.
"""

from __future__ import annotations

import re

from calendar_assistant.replies.payloads import Answer

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)

_YES = frozenset(
    [
        "да",
        "ага",
        "угу",
        "конечно",
        "давай",
        "ок",
        "окей",
        "хорошо",
        "подтверждаю",
        "верно",
        "точно",
        "удаляй",
        "удали",
        "создай",
        "yes",
        "y",
        "yeah",
        "yep",
        "yup",
        "sure",
        "ok",
        "okay",
        "confirm",
        "please",
        "go",
        "ahead",
        "do",
        "it",
    ]
) | frozenset({"да удали", "да давай", "yes please", "go ahead", "do it", "да конечно"})
_NO = frozenset(
    ["нет", "не", "неа", "no", "n", "nope", "cancel", "отмена", "отмени", "стоп", "stop"]
) | frozenset({"не надо", "не нужно", "no thanks", "never mind", "nevermind", "не удаляй"})
_FORCE = frozenset(
    {"все равно", "создай все равно", "создать все равно", "anyway", "create anyway",
     "book anyway", "add anyway", "оставь", "всё равно"}
)  # fmt: skip
_THIS = frozenset(
    {"только это", "только эту", "только этот", "только его", "только ее", "это", "эту",
     "этот", "одну", "только сегодня", "this", "this one", "only this", "only this one",
     "just this one", "just this", "only this occurrence"}
)  # fmt: skip
_FOLLOWING = frozenset(
    {"это и следующие", "эту и следующие", "этот и следующие", "и следующие", "все следующие",
     "следующие", "начиная с этой", "начиная с этого", "this and following", "following",
     "this and the following", "all following", "from now on", "and following"}
)  # fmt: skip
_ALL = frozenset(
    {"все", "всю серию", "все повторения", "всю", "всё", "серию", "все встречи", "вся серия",
     "all", "all of them", "the whole series", "whole series", "the series", "every one",
     "all occurrences"}
)  # fmt: skip
_ORDINALS = {
    **dict.fromkeys(("первый", "первое", "первую", "первая", "first"), 1),
    **dict.fromkeys(("второй", "второе", "вторую", "вторая", "second"), 2),
    **dict.fromkeys(("третий", "третье", "третью", "третья", "third"), 3),
    **dict.fromkeys(("четвертый", "четвертое", "четвертую", "четвертая", "fourth"), 4),
    **dict.fromkeys(("пятый", "пятое", "пятую", "пятая", "fifth"), 5),
    **dict.fromkeys(("шестой", "шестое", "шестую", "шестая", "sixth"), 6),
}


def normalise(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower().replace("ё", "е")).split())


def yes_or_no(text: str) -> Answer | None:
    words = normalise(text)
    if words in _YES:
        return Answer.YES
    if words in _NO:
        return Answer.NO
    return None


def forced(text: str) -> bool:
    return normalise(text) in {normalise(f) for f in _FORCE}


def scope_answer(text: str) -> Answer | None:
    """THIS / FOLLOWING / ALL from words, or 1-3 in the order the buttons show them."""
    words = normalise(text)
    if words in _FOLLOWING:
        return Answer.FOLLOWING
    if words in _THIS:
        return Answer.THIS
    if words in {normalise(a) for a in _ALL}:
        return Answer.ALL
    return {1: Answer.THIS, 2: Answer.FOLLOWING, 3: Answer.ALL}.get(number(text) or 0)


def number(text: str) -> int | None:
    """A choice number: «2», "#2", «№ 2», «второй», "second", «вариант 2»."""
    words = normalise(text).removeprefix("вариант ").removeprefix("option ").removeprefix("номер ")
    words = words.removeprefix("number ").strip()
    if words.isdigit() and len(words) <= 2:
        return int(words)
    return _ORDINALS.get(words)
