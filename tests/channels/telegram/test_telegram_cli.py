"""`calendar-assistant telegram set-webhook/delete-webhook` and `serve`'s argument checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from calendar_assistant.cli import main
from fakes.telegram import TOKEN, WEBHOOK_SECRET, FakeTelegram


@pytest.fixture(autouse=True)
def _logs_back_to_default() -> Iterator[None]:
    """The commands point structlog at this test's captured stderr: undo that afterwards."""
    yield
    structlog.reset_defaults()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake: FakeTelegram) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET)


@pytest.mark.usefixtures("env")
def test_set_and_delete_webhook(fake: FakeTelegram, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["telegram", "set-webhook", "https://bot.example.org/telegram/webhook"]) == 0
    assert fake.webhook["url"] == "https://bot.example.org/telegram/webhook"
    assert fake.webhook["secret_token"] == WEBHOOK_SECRET
    assert main(["telegram", "delete-webhook"]) == 0
    assert fake.webhook == {}
    assert "webhook deleted" in capsys.readouterr().out


def test_set_webhook_without_a_secret_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    assert main(["telegram", "set-webhook", "https://x.example/telegram/webhook"]) == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err


@pytest.mark.usefixtures("env")
def test_serve_refuses_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
