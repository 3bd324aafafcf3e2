"""A feature whose extra is missing says which extra to install, in one line.

The real absence is tested in a fresh virtualenv (test_packaging.py); these check the
wording and what is and is not turned into a missing extra.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from calendar_assistant.extras import EXTRAS, MODULES, MissingExtra, needs, require

ROOT = Path(__file__).resolve().parents[1]


def test_a_missing_library_names_the_extra() -> None:
    with pytest.raises(MissingExtra) as caught, needs("telegram"):
        import telegram_library_that_is_not_installed  # type: ignore[import-not-found]  # noqa: F401
    assert str(caught.value) == (
        "Telegram needs: pip install 'calendar-assistant[telegram]' "
        "(telegram_library_that_is_not_installed is not installed)"
    )
    assert isinstance(caught.value, ImportError)


def test_several_extras_and_a_feature_name() -> None:
    with (
        pytest.raises(MissingExtra, match=r"^Connected calendars needs: pip install "),
        needs("caldav", "google", feature="Connected calendars"),
    ):
        raise ModuleNotFoundError("No module named 'cryptography'", name="cryptography")


def test_our_own_missing_module_is_a_bug_not_an_extra() -> None:
    with pytest.raises(ModuleNotFoundError) as caught, needs("server"):
        import calendar_assistant.no_such_module  # type: ignore[import-not-found]  # noqa: F401
    assert not isinstance(caught.value, MissingExtra)


def test_require_checks_before_anything_runs() -> None:
    require("server")  # the test environment has every extra
    with pytest.raises(MissingExtra, match=r"calendar-assistant\[voice\]"):
        require("voice", modules=("a_speech_library_that_is_not_installed",))


def test_every_extra_named_in_messages_exists_in_pyproject() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert set(EXTRAS) <= set(extras)
    assert set(MODULES) == set(EXTRAS)
