"use strict";
// The event dialog: a click on an event of the calendar (calendar.js fires
// "calendar:event") shows it and offers move, rename, delete and a reminder. Each posts a
// small typed body to /api/calendar/events/{id}/change; the server builds the command and
// the assistant answers as in the chat, so its replies (a question to confirm, what was
// done, "undo" afterwards) show in the chat log, where their buttons work, and the
// calendar is fetched again. Titles and places are set as text, never as markup.
(function () {
  const WORDS = {
    en: {
      when: "When", place: "Place", repeats: "Repeats", yes: "yes",
      move: "Move", rename: "Rename", remove: "Delete", remind: "Reminder", close: "Close",
      save: "Save", date: "Date", time: "Time", title: "New title",
      minutes: "Minutes before", allDay: "all day",
      gone: "This event is no longer in your calendar.",
      refused: "That was not accepted: ", unreachable: "The server cannot be reached.",
      saidMove: "Move", saidRename: "Rename", saidDelete: "Delete",
      saidRemind: (m) => "Remind me " + m + " min before"
    },
    ru: {
      when: "Когда", place: "Где", repeats: "Повторяется", yes: "да",
      move: "Перенести", rename: "Переименовать", remove: "Удалить", remind: "Напомнить",
      close: "Закрыть", save: "Сохранить", date: "Дата", time: "Время",
      title: "Новое название", minutes: "За сколько минут", allDay: "весь день",
      gone: "Этого события больше нет в календаре.",
      refused: "Не принято: ", unreachable: "Сервер недоступен.",
      saidMove: "Перенести", saidRename: "Переименовать", saidDelete: "Удалить",
      saidRemind: (m) => "Напомнить за " + m + " мин"
    }
  };

  function el(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const dialog = el("dialog", {id: "event-dialog", "aria-labelledby": "event-dialog-title"});
  const heading = el("h2", {id: "event-dialog-title"});
  const facts = el("dl", {class: "event-facts"});
  const actions = el("div", {class: "event-actions"});
  const form = el("form", {id: "event-dialog-form", hidden: ""});
  const status = el("p", {id: "event-dialog-status", role: "status"});
  const close = el("button", {type: "button", class: "event-close"});
  dialog.append(heading, facts, actions, form, status, close);
  document.body.appendChild(dialog);
  close.addEventListener("click", () => dialog.close());

  let current = null;  // the FullCalendar event shown
  let words = WORDS.en;

  function language() {
    const calendar = window.assistantCalendar;
    const locale = calendar ? String(calendar.getOption("locale") || "en") : "en";
    return locale.startsWith("ru") ? "ru" : "en";
  }

  // The view's dates are "UTC-coerced": their UTC fields are the wall clock in the user's
  // zone. So they are formatted, and read back for the inputs, in UTC.
  function when(event) {
    const locale = language();
    if (event.allDay) {
      const day = new Intl.DateTimeFormat(locale, {
        timeZone: "UTC", weekday: "short", day: "numeric", month: "long", year: "numeric"
      });
      const last = event.end ? new Date(event.end.getTime() - 86400000) : event.start;
      const span = last > event.start ? day.formatRange(event.start, last) : day.format(event.start);
      return span + " (" + words.allDay + ")";
    }
    const moment = new Intl.DateTimeFormat(locale, {
      timeZone: "UTC", weekday: "short", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit"
    });
    const text = event.end ? moment.formatRange(event.start, event.end) : moment.format(event.start);
    const zone = window.assistantCalendar ? window.assistantCalendar.getOption("timeZone") : "";
    return zone ? text + " (" + zone + ")" : text;
  }

  function fact(name, value) {
    facts.append(el("dt", {}, name), el("dd", {}, value));
  }

  function field(label, input) {
    const wrap = el("label", {}, label);
    wrap.appendChild(input);
    return wrap;
  }

  function button(text, handler) {
    const node = el("button", {type: "button"}, text);
    node.addEventListener("click", handler);
    return node;
  }

  function url(event) {
    return "/api/calendar/events/" + encodeURIComponent(event.extendedProps.eventId) + "/change";
  }

  // Posts the change; the replies go to the chat log (chat.js's show), as a turn there.
  async function change(body, said) {
    const event = current;
    if (event.extendedProps.occurrence) body.occurrence = event.extendedProps.occurrence;
    status.textContent = "";
    let response;
    try {
      response = await post(url(event), body);
    } catch (error) {
      status.textContent = words.unreachable;
      return;
    }
    if (response.status === 404) {
      status.textContent = words.gone;
      document.dispatchEvent(new CustomEvent("assistant:turn"));
      return;
    }
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      const detail = typeof data.detail === "string" ? data.detail : "HTTP " + response.status;
      status.textContent = words.refused + detail;
      return;
    }
    const data = await response.json();
    dialog.close();
    show(said, "user");
    for (const reply of data.replies) show(reply.text, "bot", reply.buttons);
    document.dispatchEvent(new CustomEvent("assistant:turn"));
    // A question (delete: "sure?"): its first button gets the focus, in view on a phone.
    const asked = document.querySelector("#log .msg:last-child .buttons button");
    if (asked) asked.focus();
  }

  function ask(fields, submit) {
    form.replaceChildren(...fields, el("button", {type: "submit"}, words.save));
    form.hidden = false;
    form.onsubmit = (event) => { event.preventDefault(); submit(); };
    const first = form.querySelector("input");
    if (first) first.focus();
  }

  function move() {
    const event = current;
    const date = el("input", {type: "date", name: "date", required: ""});
    date.value = event.start.toISOString().slice(0, 10);
    const time = el("input", {type: "time", name: "time", required: ""});
    time.value = event.start.toISOString().slice(11, 16);
    const fields = [field(words.date, date)];
    if (!event.allDay) fields.push(field(words.time, time));
    ask(fields, () => {
      const clock = event.allDay ? "00:00" : time.value;
      const start = date.value + "T" + clock;
      const shown = event.allDay ? date.value : date.value + " " + clock;
      change({action: "move", start: start}, words.saidMove + " «" + event.title + "» → " + shown);
    });
  }

  function rename() {
    const event = current;
    const title = el("input", {type: "text", name: "title", required: "", maxlength: "1000"});
    title.value = event.title;
    ask([field(words.title, title)], () => {
      const said = words.saidRename + " «" + event.title + "» → «" + title.value + "»";
      change({action: "rename", title: title.value}, said);
    });
  }

  function remind() {
    const minutes = el("input", {
      type: "number", name: "minutes", required: "", min: "0", max: "40320", step: "1"
    });
    minutes.value = "15";
    ask([field(words.minutes, minutes)], () => {
      const count = parseInt(minutes.value, 10);
      change({action: "remind", minutes_before: count},
             words.saidRemind(count) + ": «" + current.title + "»");
    });
  }

  function remove() {
    form.hidden = true;
    change({action: "delete"}, words.saidDelete + " «" + current.title + "»");
  }

  function open(event) {
    current = event;
    words = WORDS[language()];
    heading.textContent = event.title;
    facts.replaceChildren();
    fact(words.when, when(event));
    if (event.extendedProps.location) fact(words.place, event.extendedProps.location);
    if (event.extendedProps.recurring) fact(words.repeats, words.yes);
    actions.replaceChildren(
      button(words.move, move), button(words.rename, rename),
      button(words.remove, remove), button(words.remind, remind)
    );
    form.hidden = true;
    form.replaceChildren();
    status.textContent = "";
    close.textContent = words.close;
    if (!dialog.open) dialog.showModal();
    actions.querySelector("button").focus();
  }

  document.addEventListener("calendar:event", (message) => open(message.detail));
})();
