"use strict";
// The sign-in page: redeems a one-time link (its token is in the #fragment, which no
// server ever sees), or the Telegram Login Widget's answer (in the ?query), by POSTing it
// with this browser's CSRF token; shows the widget when the server names a bot.
const statusLine = document.getElementById("status");

function say(text) { statusLine.textContent = text; }

async function signIn(url, body, csrf) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
    body: JSON.stringify(body)
  });
  if (response.ok) { location.replace("/"); return; }
  let detail = "Error " + response.status;
  try { detail = (await response.json()).detail || detail; } catch (error) { /* not JSON */ }
  say(detail);
}

function showWidget(bot) {
  const box = document.getElementById("widget");
  const script = document.createElement("script");
  script.async = true;
  script.src = "https://telegram.org/js/telegram-widget.js?22";
  script.setAttribute("data-telegram-login", bot);
  script.setAttribute("data-size", "large");
  script.setAttribute("data-auth-url", location.origin + "/signin");
  script.setAttribute("data-request-access", "write");
  box.appendChild(script);
  box.hidden = false;
}

async function main() {
  const link = new URLSearchParams(location.hash.slice(1)).get("link");
  const query = new URLSearchParams(location.search);
  history.replaceState(null, "", "/signin");  // the token leaves the address bar at once
  const data = await (await fetch("/auth/session", {credentials: "same-origin"})).json();
  // A link or a widget answer signs in as its user, even over a session already here
  // (on a laptop: the local user's).
  if (link) { await signIn("/auth/link", {token: link}, data.csrf); return; }
  if (query.has("hash") && query.has("id")) {
    await signIn("/auth/telegram", {fields: Object.fromEntries(query)}, data.csrf);
    return;
  }
  if (data.user) { location.replace("/"); return; }
  for (const el of document.querySelectorAll(".minutes")) el.textContent = data.link_minutes;
  if (!data.links) {
    document.getElementById("nobot").hidden = false;
    for (const el of document.querySelectorAll(".howto")) el.hidden = true;
  }
  if (data.telegram_bot && !document.querySelector("#widget script")) showWidget(data.telegram_bot);
}
function start() { main().catch(() => say("The server cannot be reached.")); }
start();
// A link opened while this page is already showing only changes the #fragment.
window.addEventListener("hashchange", () => { if (location.hash) start(); });
