"use strict";
// The calendar beside the chat: FullCalendar (vendored, MIT) showing the signed-in user's
// events from /api/calendar/events, in the user's time zone (their setting), refetched
// after every chat turn (chat.js fires "assistant:turn") and when the calendar's change
// stamp says it changed elsewhere. Titles are data: FullCalendar puts them in as text.
(function () {
  const element = document.getElementById("calendar");
  const status = document.getElementById("calendar-status");
  if (!element || !window.FullCalendar) return;
  const narrow = window.matchMedia("(max-width: 800px)");

  async function getJson(url) {
    const response = await fetch(url, {credentials: "same-origin"});
    if (response.status === 401) { location.replace("/signin"); throw new Error("signed out"); }
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  // The API gives times with the user's offset; FullCalendar, given a named zone and no
  // time-zone plugin, shows wall-clock times as they are: so the offset is dropped.
  function wall(value) { return value.length > 19 ? value.slice(0, 19) : value; }

  function toEvent(e) {
    return {
      id: e.id, groupId: e.event_id, title: e.title, allDay: e.all_day,
      start: wall(e.start), end: wall(e.end),
      extendedProps: {
        location: e.location, recurring: e.recurring, eventId: e.event_id,
        occurrence: e.occurrence
      }
    };
  }

  // FullCalendar's dates in a named zone without a plugin are "UTC-coerced": their UTC
  // fields are the wall clock in that zone, which is what the API reads without an offset.
  function asked(date) { return date.toISOString().slice(0, 19); }

  function events(info, success, failure) {
    const query = new URLSearchParams({start: asked(info.start), end: asked(info.end)});
    getJson("/api/calendar/events?" + query.toString())
      .then((data) => { status.textContent = ""; success(data.events.map(toEvent)); })
      .catch((error) => { status.textContent = "The calendar could not be loaded."; failure(error); });
  }

  function toolbar(small) {
    return small
      ? {left: "prev,next today", center: "title", right: "listWeek,timeGridDay,dayGridMonth"}
      : {left: "prev,next today", center: "title",
         right: "timeGridDay,timeGridWeek,dayGridMonth,listWeek"};
  }

  // "Now" is the server's (the assistant reads "tomorrow" by it), kept ticking here.
  let skew = 0;
  function setNow(settings) { skew = Date.parse(wall(settings.now) + "Z") - Date.now(); }

  function businessHours(settings) {
    return settings.business_hours.map((h) => ({
      daysOfWeek: h.days_of_week, startTime: h.start_time, endTime: h.end_time
    }));
  }

  // After a turn the user's zone, language or working hours may have changed (/timezone…).
  async function follow(calendar, shown) {
    const settings = await getJson("/api/calendar/settings");
    setNow(settings);
    if (settings.timezone !== shown.timezone) calendar.setOption("timeZone", settings.timezone);
    if (settings.language !== shown.language) calendar.setOption("locale", settings.language);
    if (JSON.stringify(settings.business_hours) !== JSON.stringify(shown.business_hours)) {
      calendar.setOption("businessHours", businessHours(settings));
    }
    return settings;
  }

  function start(settings) {
    setNow(settings);
    let shown = settings;
    const calendar = new FullCalendar.Calendar(element, {
      timeZone: settings.timezone,
      locale: settings.language,  // "ru" is vendored (fullcalendar-ru.js); English built in
      now: () => new Date(Date.now() + skew),
      initialView: narrow.matches ? "listWeek" : "timeGridWeek",
      headerToolbar: toolbar(narrow.matches),
      firstDay: 1,
      // The bundle's arrow icons are a data: font, which the CSP (font-src) refuses.
      buttonIcons: false,
      buttonText: {prev: "‹", next: "›"},
      listDaySideFormat: narrow.matches ? false : undefined,
      height: "100%",
      nowIndicator: true,
      scrollTime: "08:00:00",
      businessHours: businessHours(settings),
      events: events,
      // A click (or Enter on a focused event) opens the event's dialog (event_dialog.js).
      eventInteractive: true,
      eventClick: (info) => {
        info.jsEvent.preventDefault();
        document.dispatchEvent(new CustomEvent("calendar:event", {detail: info.event}));
      },
      eventDidMount: (info) => {
        const place = info.event.extendedProps.location;
        info.el.title = place ? info.event.title + " — " + place : info.event.title;
      }
    });
    calendar.render();
    function refresh() {
      calendar.refetchEvents();
      follow(calendar, shown).then((now) => { shown = now; }).catch(() => {});
    }
    document.addEventListener("assistant:turn", refresh);
    // Back to the tab: what changed meanwhile (in Telegram, say) shows too.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") refresh();
    });
    // Changes made elsewhere (Telegram, another tab): a cheap stamp is asked for while the
    // tab is visible, and the events are fetched again only when it changed.
    let version = null;
    async function changed() {
      if (document.visibilityState !== "visible") return;
      try {
        const now = (await getJson("/api/calendar/version")).version;
        if (version !== null && now !== version) calendar.refetchEvents();
        version = now;
      } catch (error) { /* the server may be restarting */ }
    }
    changed();
    setInterval(changed, Math.max(0.2, settings.poll_seconds || 20) * 1000);
    narrow.addEventListener("change", (query) => {
      calendar.setOption("headerToolbar", toolbar(query.matches));
      calendar.setOption("listDaySideFormat", query.matches ? false : undefined);
      if (query.matches && calendar.view.type === "timeGridWeek") calendar.changeView("listWeek");
    });
    window.assistantCalendar = calendar;  // for the browser tests
  }

  getJson("/api/calendar/settings")
    .then(start)
    .catch(() => { status.textContent = "The calendar could not be loaded."; });
})();
