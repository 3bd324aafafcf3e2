"""Which language a message is in, from its letters: Cyrillic means Russian.

One count of letters, two questions asked of it. `clear_language` answers only when the
letters say so plainly (the conversation keeps the user's language for «1», "ok?" or a
mix); `detect_language` always answers (a spoken reply must be in some voice), falling
back to the clearer side of the count. Both read the same sample, so they never disagree
where the first one answers.
"""

from __future__ import annotations

from calendar_assistant.domain.language import Lang

#: Enough letters to tell a language; a huge message costs no more than a short one.
SAMPLE = 400


def _letters(text: str) -> tuple[int, int]:
    """(Cyrillic, Latin) letters in the first `SAMPLE` characters."""
    cyrillic = latin = 0
    for ch in text[:SAMPLE]:
        lower = ch.lower()
        if "а" <= lower <= "я" or lower == "ё":
            cyrillic += 1
        elif "a" <= lower <= "z":
            latin += 1
    return cyrillic, latin


def clear_language(text: str) -> Lang | None:
    """The message's language when its letters say so plainly (one kind outnumbers the
    other twice over); None for «1», "ok?" or an even mix."""
    cyrillic, latin = _letters(text)
    if cyrillic and cyrillic > latin * 2:
        return "ru"
    if latin >= 2 and latin > cyrillic * 2:
        return "en"
    return None


def detect_language(text: str) -> Lang:
    """Always a language: the clear one, else whichever letters are more (Russian on a tie
    or with no letters at all, the project's first language)."""
    clear = clear_language(text)
    if clear is not None:
        return clear
    cyrillic, latin = _letters(text)
    return "en" if latin > cyrillic else "ru"
