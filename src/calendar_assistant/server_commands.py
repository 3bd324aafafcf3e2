"""`calendar-assistant serve`, `migrate`, and `telegram set-webhook|delete-webhook`."""

from __future__ import annotations

import argparse
import asyncio
import sys


def add_server_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `serve` and `telegram` on the command line's subcommands."""
    serve = sub.add_parser("serve", help="run the server: web chat, Telegram, reminders, metrics")
    serve.add_argument("--host", help="address to listen on (default: SERVER_HOST)")
    serve.add_argument("--port", type=int, help="port (default: SERVER_PORT)")
    migrate = sub.add_parser(
        "migrate", help="bring the database schema to this version (an explicit deploy step)"
    )
    migrate.add_argument(
        "--downgrade", metavar="REVISION", help="go back to REVISION instead (e.g. 0001, base)"
    )
    migrate.add_argument(
        "--show", action="store_true", help="print the current and the needed revision only"
    )
    telegram = sub.add_parser("telegram", help="register or remove the Telegram webhook")
    actions = telegram.add_subparsers(dest="telegram", required=True, metavar="ACTION")
    set_hook = actions.add_parser("set-webhook", help="send updates to URL (with the secret)")
    set_hook.add_argument("url", nargs="?", help="public HTTPS URL (default: TELEGRAM_WEBHOOK_URL)")
    actions.add_parser("delete-webhook", help="stop webhook delivery (back to long polling)")


def run_server_command(args: argparse.Namespace) -> int:
    """Run `serve` or a `telegram` action; bad settings are one line and exit code 2."""
    from calendar_assistant.config import SettingsError, load_settings
    from calendar_assistant.logging_setup import configure_logging
    from calendar_assistant.runtime import logging_config
    from calendar_assistant.understanding.intent.model import ModelError, load_intent_model

    try:
        settings = load_settings()
        load_intent_model()  # before listening: no model, no start (the file is named)
    except (SettingsError, ModelError) as error:
        print(f"calendar-assistant {error}", file=sys.stderr)
        return 2
    configure_logging(logging_config(settings))
    if args.command == "serve":
        return _serve(settings, args.host, args.port)
    if args.command == "migrate":
        return asyncio.run(_migrate(settings, args.downgrade, args.show))
    return asyncio.run(_webhook(settings, args.telegram, getattr(args, "url", None)))


def _serve(settings: object, host: str | None, port: int | None) -> int:
    from calendar_assistant.config import Settings
    from calendar_assistant.extras import needs

    assert isinstance(settings, Settings)
    _check_extras(settings)
    with needs("server"):
        import uvicorn

        from calendar_assistant.server import create_app

    if port is not None and not 1 <= port <= 65535:
        print("calendar-assistant serve: --port must be 1-65535", file=sys.stderr)
        return 2
    from calendar_assistant.runtime import voice_config
    from calendar_assistant.speech.problems import SpeechSetupError
    from calendar_assistant.speech.voice import check_voice_settings

    try:
        check_voice_settings(
            voice_config(settings)
        )  # a wrong WHISPER_MODEL is one line, not a traceback
    except SpeechSetupError as error:
        print(f"calendar-assistant serve: {error}", file=sys.stderr)
        return 2
    host = host or settings.server_host
    port = port or settings.server_port
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(
        f"Calendar assistant: web chat at http://{shown}:{port}/ "
        f"(API docs at /docs, metrics at /metrics). Ctrl+C stops it.",
        flush=True,
    )
    # log_config=None: uvicorn keeps its hands off logging, so its records and tracebacks
    # go through our JSON handler (logging_setup) like everything else.
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", log_config=None)
    return 0


async def _migrate(settings: object, downgrade: str | None, show: bool) -> int:
    """Upgrade to head (or downgrade); replicas starting meanwhile wait on the same lock."""
    from calendar_assistant.config import Settings
    from calendar_assistant.extras import require
    from calendar_assistant.storage.database import Database, head_revision
    from calendar_assistant.storage.errors import StorageError

    assert isinstance(settings, Settings)
    if settings.resolved_database_url.startswith("postgresql"):
        require("postgres")
    try:
        database = await Database.open(settings.resolved_database_url, migrate=False, check=False)
    except StorageError as error:
        print(f"calendar-assistant migrate: {error}", file=sys.stderr)
        return 1
    try:
        before = await database.revision()
        if show:
            print(
                f"{database.location}: at {before or 'none'}, this version needs {head_revision()}"
            )
            return 0 if before == head_revision() else 3
        if downgrade is not None:
            after = await database.migrate_to(downgrade, down=True)
        else:
            after = await database.migrate_to("head")
    except StorageError as error:
        print(f"calendar-assistant migrate: {error}", file=sys.stderr)
        return 1
    finally:
        await database.close()
    print(f"{database.location}: migrated from {before or 'none'} to {after or 'none'}")
    return 0


async def _webhook(settings: object, action: str, url: str | None) -> int:
    from calendar_assistant.config import Settings
    from calendar_assistant.extras import needs

    with needs("telegram"):
        from telegram import Bot
        from telegram.error import TelegramError

    assert isinstance(settings, Settings)
    token = settings.telegram_bot_token
    if token is None:
        print("calendar-assistant telegram: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    secret = settings.telegram_webhook_secret
    target = url or settings.telegram_webhook_url
    if action == "set-webhook" and (not target or secret is None):
        print(
            "calendar-assistant telegram: set-webhook needs a URL and TELEGRAM_WEBHOOK_SECRET",
            file=sys.stderr,
        )
        return 2
    base = settings.telegram_api_base_url.rstrip("/")
    bot = Bot(token.get_secret_value(), base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
    try:
        async with bot:
            if action == "set-webhook":
                assert target is not None
                assert secret is not None
                await bot.set_webhook(
                    target,
                    secret_token=secret.get_secret_value(),
                    allowed_updates=["message", "edited_message", "callback_query"],
                )
                print(f"webhook set: {target}")
            else:
                await bot.delete_webhook()
                print("webhook deleted: the server will use long polling")
    except (TelegramError, OSError) as error:
        print(f"calendar-assistant telegram: {error}", file=sys.stderr)
        return 1
    return 0


def _check_extras(settings: object) -> None:
    """Before listening: every feature the settings switch on has its extra installed
    (otherwise one line naming the extra, not a failure at the first message)."""
    from calendar_assistant.config import Settings
    from calendar_assistant.extras import require

    assert isinstance(settings, Settings)
    require("server")
    if settings.resolved_database_url.startswith("postgresql"):
        require("postgres")
    if settings.telegram_bot_token is not None:
        require("telegram")
    if settings.credentials_keys is not None:
        feature = "Connected calendars (CREDENTIALS_KEYS)"
        require("caldav", "google", modules=("cryptography",), feature=feature)
    if settings.google_client_id and settings.google_client_secret:
        require("google")
