"""Refresh the vendored FullCalendar of the web app's calendar view (`make vendor-fullcalendar`).

FullCalendar (MIT) comes from the npm registry; its standard bundle (`index.global.min.js`:
core, day grid, time grid, list, multi-month) is copied into the package's static folder
with its licence, and its locales for the assistant's other languages (`locale-ru.min.js`,
from the `@fullcalendar/core` package it depends on). The bundle injects its CSS through a
<style> element, which the app's Content-Security-Policy (style-src 'self') blocks; so its
CSS is taken out of the bundle here and served as a file (`fullcalendar.css`), and the page
links it.

    python scripts/vendor_fullcalendar.py [VERSION]     # default: the version in VERSION

Needs `npm` (and network access to the npm registry); nothing else is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

STATIC = (
    Path(__file__).resolve().parents[1] / "src/calendar_assistant/channels/web/static/fullcalendar"
)
#: FullCalendar locales vendored besides its built-in English (the assistant's languages).
LOCALES = ("ru",)
_CSS = re.compile(r'^\s*var css_248z(?:\$\d+)? = ("(?:[^"\\]|\\.)*");$', re.MULTILINE)
#: The icon font is a data: URL, which the CSP (font-src 'self') refuses; the page uses text
#: arrows instead (calendar.js: buttonIcons false), so the font is left out.
_ICON_FONT = re.compile(r"@font-face\{font-family:fcicons;[^}]*\}")


def main() -> None:
    version = sys.argv[1] if len(sys.argv) > 1 else (STATIC / "VERSION").read_text().strip()
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--ignore-scripts",
                "--prefix",
                work,
                f"fullcalendar@{version}",
            ],
            check=True,
        )
        package = Path(work) / "node_modules/fullcalendar"
        installed = json.loads((package / "package.json").read_text())["version"]
        bundle = (package / "index.global.js").read_text(encoding="utf-8")
        css = [_ICON_FONT.sub("", json.loads(found)) for found in _CSS.findall(bundle)]
        if not css:
            raise SystemExit("no CSS found in the bundle: has FullCalendar changed how it ships?")
        STATIC.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package / "index.global.min.js", STATIC / "fullcalendar.min.js")
        shutil.copyfile(package / "LICENSE.md", STATIC / "LICENSE.txt")
        # The assistant's languages besides English (built in): FullCalendar's labels.
        locales = Path(work) / "node_modules/@fullcalendar/core/locales"
        for code in LOCALES:
            shutil.copyfile(locales / f"{code}.global.min.js", STATIC / f"locale-{code}.min.js")
        header = f"/* FullCalendar {installed} (MIT, see LICENSE.txt): the bundle's CSS */\n"
        (STATIC / "fullcalendar.css").write_text(header + "\n".join(css) + "\n", encoding="utf-8")
        (STATIC / "VERSION").write_text(installed + "\n")
    print(f"FullCalendar {installed} vendored into {STATIC}")


if __name__ == "__main__":
    main()
