"""/calendars for a Google account: the list comes from the live calendarList, so a calendar
added at Google after connecting can be chosen; new events follow the chosen calendar.

The server runs for real with the Google client pointed at the fake OAuth and Calendar
servers (as in test_connect_google).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI

from calendar_assistant.calendars.google.oauth_routes import CALLBACK_PATH
from calendar_assistant.conversation.calendar_choice import calendar_tag
from calendar_assistant.domain.messages import UserRef
from calendars.google.conftest import google as google  # the fake Calendar v3 server
from calendars.google.conftest import google_oauth as google_oauth  # the fake OAuth server
from conversation.test_connect_google import payloads, say
from conversation.test_connect_google import server as server
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import FakeGoogleOAuth


async def connect(app: FastAPI, ref: UserRef, oauth: FakeGoogleOAuth) -> None:
    offer = await say(app, ref, button="acct:conn:google")
    (link,) = [word for word in offer.text.split() if word.startswith(oauth.auth_url)]
    async with httpx.AsyncClient() as browser:  # the user consents at "Google"
        consent = await browser.get(link)
    params = {k: v[0] for k, v in parse_qs(urlsplit(consent.headers["Location"]).query).items()}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        assert (await http.get(CALLBACK_PATH, params=params)).status_code == 200


async def test_a_google_calendar_added_later_is_offered_read_and_chosen(
    server: FastAPI, google: FakeGoogleCalendar, google_oauth: FakeGoogleOAuth
) -> None:
    google.add_calendar("eva@example.org", "Eva", "America/New_York", primary=True)
    eva = UserRef(key="test:eva", language_hint="en")
    await connect(server, eva, google_oauth)
    team = "team-1234@group.calendar.google.com"
    google.add_calendar(team, "Team", "America/New_York")  # added at Google afterwards

    listing = await say(server, eva, "/calendars")
    assert "Google: eva@example.org" in listing.text
    assert "Eva — read, new events go here" in listing.text
    assert "Team — not read" in listing.text
    (offer,) = [p for p in payloads(listing) if p.startswith("acct:cal:read:")]
    account_id = offer.split(":")[3]
    assert offer.endswith(calendar_tag(team))
    read = await say(server, eva, button=f"acct:cal:read:{account_id}:{calendar_tag(team)}")
    assert "“Team” is read" in read.text
    assert "Team — read" in read.text

    chosen = await say(server, eva, button=f"acct:cal:new:{account_id}:{calendar_tag(team)}")
    assert "Team — read, new events go here" in chosen.text
    await say(server, eva, "Schedule a meeting tomorrow at 10")
    (stored,) = google.stored(team).values()
    assert stored["start"]["dateTime"].startswith("2027-03-14T10:00:00")  # the DST day
    assert google.stored("eva@example.org") == {}
