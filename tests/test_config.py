"""Settings: environment variables, `.env`, and one clear line for each bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendar_assistant.config import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_follow_xdg_and_give_a_sqlite_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    settings = load_settings()
    assert settings.data_dir == tmp_path / "xdg" / "calendar-assistant"
    assert settings.resolved_database_url == (
        f"sqlite+aiosqlite:///{tmp_path / 'xdg' / 'calendar-assistant' / 'calendar.sqlite3'}"
    )
    assert settings.default_timezone == "Europe/Moscow"
    assert settings.working_weekdays == frozenset({1, 2, 3, 4, 5})


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEFAULT_LANGUAGE=en\nDEFAULT_TIMEZONE=Europe/Berlin\n")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "America/New_York")  # the environment wins
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.default_language == "en"
    assert settings.default_timezone == "America/New_York"
    assert settings.log_level == "DEBUG"


def test_postgres_url_gets_the_async_driver() -> None:
    settings = load_settings(database_url="postgresql://postgres@127.0.0.1:5432/calendar")
    assert settings.resolved_database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/calendar"
    sqlite = load_settings(database_url="sqlite:////tmp/x.sqlite3")
    assert sqlite.resolved_database_url == "sqlite+aiosqlite:////tmp/x.sqlite3"


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE: unknown time zone 'Mars/Olympus'"),
        ("DATABASE_URL", "not a url", "DATABASE_URL: is not a database URL"),
        ("DATABASE_URL", "mysql://root@localhost/db", "unsupported database 'mysql'"),
        ("WORKING_DAYS", "1,2,9", "WORKING_DAYS: working_days lists ISO weekdays"),
        ("WORKING_HOURS_START", "19:00", "working_hours_end must be after working_hours_start"),
        ("DEFAULT_DURATION_MINUTES", "0", "DEFAULT_DURATION_MINUTES"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("TELEGRAM_BOT_USERNAME", "no spaces allowed", "TELEGRAM_BOT_USERNAME: is not a bot"),
        ("SESSION_MAX_AGE_HOURS", "0", "SESSION_MAX_AGE_HOURS"),
    ],
)
def test_bad_values_give_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("invalid settings: ")
    assert fragment in message
    assert "\n" not in message


def _readme_table() -> dict[str, str]:
    """Variable → default column of the README's configuration table."""
    readme = Path(__file__).resolve().parents[1] / "README.md"
    section = readme.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ")[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1]
    return rows


def test_readme_documents_every_setting_and_only_those() -> None:
    documented = _readme_table()
    assert set(documented) == {name.upper() for name in Settings.model_fields}


def test_readme_defaults_match_the_settings() -> None:
    documented = _readme_table()
    for name, field in Settings.model_fields.items():
        default = field.default
        if field.default_factory is not None or default is None or default == "":
            assert "empty" in documented[name.upper()] or "$" in documented[name.upper()], name
            continue
        shown = default.strftime("%H:%M") if hasattr(default, "strftime") else str(default)
        assert f"`{shown}`" in documented[name.upper()], name


def test_a_bot_username_may_be_written_with_its_at_sign() -> None:
    assert load_settings(telegram_bot_username="@calendar_bot").telegram_bot_username == (
        "calendar_bot"
    )
