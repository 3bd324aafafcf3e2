"""Known CalDAV servers: the user picks a name instead of typing a URL.

Each needs an app password (not the account password): see docs/calendars.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CalDavPreset:
    name: str
    url: str
    app_password_help: str


PRESETS: dict[str, CalDavPreset] = {
    "yandex": CalDavPreset(
        "Yandex", "https://caldav.yandex.ru/", "id.yandex.ru → Security → App passwords → Calendar"
    ),
    "icloud": CalDavPreset(
        "iCloud",
        "https://caldav.icloud.com/",
        "account.apple.com → Sign-In and Security → App-Specific Passwords",
    ),
    "fastmail": CalDavPreset(
        "Fastmail",
        "https://caldav.fastmail.com/dav/",
        "Settings → Privacy & Security → Connected apps & API tokens → App password (CalDAV)",
    ),
    "nextcloud": CalDavPreset(
        "Nextcloud",
        "https://{host}/remote.php/dav/",
        "Settings → Security → Devices & sessions → Create new app password",
    ),
}


def server_url(preset_or_url: str, *, host: str | None = None) -> str:
    """The server URL for a preset name (Nextcloud needs its host) or a URL given as is."""
    key = preset_or_url.strip().lower()
    if key in PRESETS:
        url = PRESETS[key].url
        if "{host}" in url:
            if not host:
                raise ValueError(f"{PRESETS[key].name} needs the server's host name")
            url = url.format(host=host.strip().removeprefix("https://").strip("/"))
        return url
    if not key.startswith(("https://", "http://")):
        raise ValueError("give a preset (yandex, icloud, fastmail, nextcloud) or an https:// URL")
    return preset_or_url.strip()
