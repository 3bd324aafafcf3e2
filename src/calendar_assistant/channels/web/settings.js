"use strict";
// The settings panel: a dialog opened from the header's "Settings" button. It reads
// /api/settings, sends only the fields the user changed (POST /api/settings with the
// session's CSRF token, as chat.js sends its posts), and connects or disconnects
// calendars. The server checks every value with the chat's own rules and says what it
// refused in the user's language; the panel shows that line. After a change the calendar
// view follows (the same "assistant:turn" event a chat turn fires). Every text from the
// server is put into the page as text.
(function () {
  const opener = document.getElementById("settings-open");
  if (!opener) return;

  const WORDS = {
    en: {
      title: "Settings", close: "Close", language: "Language", timezone: "Time zone",
      hours: "Working hours", from: "from", to: "to", days: "Working days",
      dayNames: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
      duration: "Default event length, minutes",
      reminder: "Default reminder, minutes before (empty: none)",
      voice: "Answer voice messages with voice too", save: "Save",
      calendars: "Calendars", newEvents: "new events go here", disconnect: "Disconnect",
      sure: "Yes, disconnect", connect: "Connect a calendar", kind: "Calendar",
      host: "Server address (e.g. cloud.example.org)", url: "Server URL (https://…)",
      username: "User name", password: "App password (not your account password)",
      appPassword: "Make an app password: ", link: "Get the Google sign-in link",
      openLink: "Open Google to allow access", connectButton: "Connect",
      noConnect: "Connecting calendars is not set up on this server.",
      saving: "Saving…", connecting: "Connecting…", nothing: "Nothing changed.",
      invalid: "Some values are not valid.", failed: "The server cannot be reached.",
      loadFailed: "The settings could not be loaded."
    },
    ru: {
      title: "Настройки", close: "Закрыть", language: "Язык", timezone: "Часовой пояс",
      hours: "Рабочие часы", from: "с", to: "до", days: "Рабочие дни",
      dayNames: ["пн", "вт", "ср", "чт", "пт", "сб", "вс"],
      duration: "Длительность события по умолчанию, минут",
      reminder: "Напоминание по умолчанию, за сколько минут (пусто — нет)",
      voice: "Отвечать на голосовые сообщения голосом", save: "Сохранить",
      calendars: "Календари", newEvents: "сюда идут новые события", disconnect: "Отключить",
      sure: "Да, отключить", connect: "Подключить календарь", kind: "Календарь",
      host: "Адрес сервера (например, cloud.example.org)", url: "Адрес сервера (https://…)",
      username: "Имя пользователя", password: "Пароль приложения (не основной пароль)",
      appPassword: "Создать пароль приложения: ", link: "Получить ссылку для входа в Google",
      openLink: "Открыть Google и разрешить доступ", connectButton: "Подключить",
      noConnect: "Подключение календарей на этом сервере не настроено.",
      saving: "Сохраняю…", connecting: "Подключаю…", nothing: "Ничего не изменилось.",
      invalid: "Некоторые значения неверны.", failed: "Сервер недоступен.",
      loadFailed: "Не удалось загрузить настройки."
    }
  };

  let words = WORDS.en;
  let dialog = null;

  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children || []) node.append(child);
    return node;
  }

  function field(label, input) {
    return el("label", {className: "settings-field"}, [el("span", {textContent: label}), input]);
  }

  // Who is signed in and the session's CSRF token: chat.js's answer when it has one.
  let signedIn = null;
  function whoAmI() {
    if (!signedIn) {
      signedIn = typeof session !== "undefined" ? session
        : fetch("/auth/session", {credentials: "same-origin"}).then((r) => r.json());
    }
    return signedIn;
  }

  async function call(method, url, body) {
    const data = await whoAmI();
    if (!data || !data.user) { location.replace("/signin"); throw new Error("not signed in"); }
    const options = {method, credentials: "same-origin", headers: {"X-CSRF-Token": data.csrf}};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    if (response.status === 401) location.replace("/signin");
    const answer = await response.json().catch(() => ({}));
    return {ok: response.ok, answer};
  }

  // A refusal's detail is the rule in the user's language; a malformed body lists fields.
  function why(answer) {
    return typeof answer.detail === "string" ? answer.detail : words.invalid;
  }

  function say(line, text, bad) {
    line.textContent = text;
    line.classList.toggle("settings-error", Boolean(bad));
  }

  function changed() {
    document.dispatchEvent(new CustomEvent("assistant:turn"));
  }

  function select(options, value) {
    const node = el("select");
    for (const [v, label] of options) node.append(el("option", {value: v, textContent: label}));
    node.value = value;
    return node;
  }

  // -- the form of the settings --------------------------------------------------------

  function settingsForm(s, status) {
    const language = select(s.languages.map((c) => [c.value, c.label]), s.language);
    const zone = select(s.zones.map((z) => [z, z.replace(/_/g, " ")]), s.timezone);
    zone.name = "timezone";
    const start = el("input", {type: "time", value: s.working_hours_start, name: "hours-start"});
    const end = el("input", {type: "time", value: s.working_hours_end, name: "hours-end"});
    const days = words.dayNames.map((name, i) => el("input", {
      type: "checkbox", value: String(i + 1), checked: s.working_days.includes(i + 1)
    }));
    const dayBoxes = el("div", {className: "settings-days"},
      days.map((box, i) => el("label", {}, [box, el("span", {textContent: words.dayNames[i]})])));
    const duration = el("input", {type: "number", min: "1", max: "1440", step: "1",
      value: String(s.default_duration_minutes), name: "duration"});
    const reminder = el("input", {type: "number", min: "0", step: "1", name: "reminder",
      value: s.default_reminder_minutes === null ? "" : String(s.default_reminder_minutes)});
    const voice = el("input", {type: "checkbox", checked: s.voice_replies, name: "voice"});
    const save = el("button", {type: "submit", textContent: words.save});

    function number(input) {
      const text = input.value.trim();
      return text === "" ? null : Number(text);
    }

    // Only what the user changed is sent: a change made meanwhile in the chat stays.
    function patch() {
      const now = {
        language: language.value, timezone: zone.value,
        working_hours_start: start.value, working_hours_end: end.value,
        working_days: days.filter((b) => b.checked).map((b) => Number(b.value)),
        default_duration_minutes: number(duration),
        default_reminder_minutes: number(reminder),
        voice_replies: voice.checked
      };
      const body = {};
      for (const [key, value] of Object.entries(now)) {
        if (JSON.stringify(value) !== JSON.stringify(s[key])) body[key] = value;
      }
      return body;
    }

    const form = el("form", {className: "settings-form"}, [
      field(words.language, language),
      field(words.timezone, zone),
      el("fieldset", {}, [el("legend", {textContent: words.hours}),
        field(words.from, start), field(words.to, end)]),
      el("fieldset", {}, [el("legend", {textContent: words.days}), dayBoxes]),
      field(words.duration, duration),
      field(words.reminder, reminder),
      el("label", {className: "settings-check"}, [voice, el("span", {textContent: words.voice})]),
      el("div", {className: "settings-actions"}, [save])
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = patch();
      if (!Object.keys(body).length) { say(status, words.nothing); return; }
      save.disabled = true;
      say(status, words.saving);
      try {
        const {ok, answer} = await call("POST", "/api/settings", body);
        if (!ok) { say(status, why(answer), true); return; }
        render(answer);
        say(document.getElementById("settings-status"), answer.message);
        changed();
      } catch (error) {
        say(status, words.failed, true);
      } finally {
        save.disabled = false;
      }
    });
    return form;
  }

  // -- calendars -----------------------------------------------------------------------

  function calendarList(s, status) {
    const list = el("ul", {className: "settings-calendars"});
    for (const c of s.calendars) {
      const item = el("li", {}, [el("span", {textContent: c.name})]);
      if (c.default) item.append(el("small", {textContent: " — " + words.newEvents}));
      if (c.id !== null) {
        const off = el("button", {type: "button", textContent: words.disconnect});
        off.dataset.account = String(c.id);
        // Two presses: the first asks, as the chat's /disconnect asks "Disconnect …?".
        off.addEventListener("click", async () => {
          if (!off.classList.contains("settings-sure")) {
            off.classList.add("settings-sure");
            off.textContent = words.sure;
            return;
          }
          off.disabled = true;
          try {
            const {ok, answer} = await call(
              "POST", "/api/settings/calendars/" + c.id + "/disconnect");
            if (!ok) { say(status, why(answer), true); return; }
            await reload(answer.message);
            changed();
          } catch (error) {
            say(status, words.failed, true);
          } finally {
            off.disabled = false;
          }
        });
        item.append(off);
      }
      list.append(item);
    }
    return list;
  }

  function connectForm(s, status) {
    if (!s.can_connect) return el("p", {textContent: words.noConnect});
    const kind = select(s.providers.map((p) => [p.id, p.name]), s.providers[0].id);
    const server = el("input", {type: "text", autocomplete: "off", name: "server"});
    const serverField = field(words.url, server);
    const username = el("input", {type: "text", autocomplete: "username", name: "username"});
    const password = el("input", {type: "password", autocomplete: "new-password",
                                  name: "password"});
    const help = el("p", {className: "settings-help"});
    const caldav = el("div", {}, [serverField, field(words.username, username),
      field(words.password, password), help]);
    const go = el("button", {type: "submit"});
    const link = el("a", {target: "_blank", rel: "noopener noreferrer", hidden: true,
                          textContent: words.openLink});

    function shown() {
      const provider = s.providers.find((p) => p.id === kind.value);
      const google = provider.id === "google";
      caldav.hidden = google;
      serverField.hidden = provider.asks === "nothing";
      serverField.querySelector("span").textContent =
        provider.asks === "host" ? words.host : words.url;
      help.textContent = provider.help ? words.appPassword + provider.help : "";
      go.textContent = google ? words.link : words.connectButton;
      link.hidden = true;
    }
    kind.addEventListener("change", shown);
    shown();

    const form = el("form", {className: "settings-form"}, [
      field(words.kind, kind), caldav, el("div", {className: "settings-actions"}, [go, link])
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      go.disabled = true;
      say(status, words.connecting);
      try {
        if (kind.value === "google") {
          const {ok, answer} = await call("POST", "/api/settings/calendars/google");
          if (!ok) { say(status, why(answer), true); return; }
          if (/^https?:\/\//.test(answer.url)) { link.href = answer.url; link.hidden = false; }
          say(status, answer.message);
          return;
        }
        const {ok, answer} = await call("POST", "/api/settings/calendars/caldav", {
          provider: kind.value, server: server.value, username: username.value,
          password: password.value
        });
        password.value = "";  // never kept in the page
        if (!ok) { say(status, why(answer), true); return; }
        await reload(answer.message);
        changed();
      } catch (error) {
        say(status, words.failed, true);
      } finally {
        go.disabled = false;
      }
    });
    return form;
  }

  // -- the dialog ------------------------------------------------------------------------

  function render(s) {
    words = WORDS[s.language] || WORDS.en;
    opener.textContent = words.title;
    const status = el("p", {id: "settings-status", role: "status"});
    const close = el("button", {type: "button", className: "settings-close",
                                textContent: "×", title: words.close});
    close.setAttribute("aria-label", words.close);
    close.addEventListener("click", () => dialog.close());
    // The title and the status line stay in sight while the panel scrolls (a phone).
    dialog.replaceChildren(
      el("div", {className: "settings-top"}, [
        el("div", {className: "settings-head"}, [el("h2", {textContent: words.title}), close]),
        status
      ]),
      settingsForm(s, status),
      el("h3", {textContent: words.calendars}),
      calendarList(s, status),
      el("h3", {textContent: words.connect}),
      connectForm(s, status)
    );
  }

  async function reload(message) {
    const response = await fetch("/api/settings", {credentials: "same-origin"});
    if (response.status === 401) { location.replace("/signin"); return; }
    if (!response.ok) throw new Error("HTTP " + response.status);
    render(await response.json());
    if (message) say(document.getElementById("settings-status"), message);
  }

  function ensureDialog() {
    if (dialog) return dialog;
    dialog = el("dialog", {id: "settings-dialog"});
    dialog.setAttribute("aria-labelledby", "settings-open");
    document.body.append(dialog);
    return dialog;
  }

  opener.addEventListener("click", async () => {
    ensureDialog();
    try {
      await reload("");
    } catch (error) {
      dialog.replaceChildren(el("p", {className: "settings-error", textContent: words.loadFailed}));
    }
    if (!dialog.open) dialog.showModal();
  });

  // The button speaks the user's language from the start.
  fetch("/api/settings", {credentials: "same-origin"})
    .then((response) => (response.ok ? response.json() : null))
    .then((s) => { if (s) { words = WORDS[s.language] || WORDS.en; opener.textContent = words.title; } })
    .catch(() => {});
})();
