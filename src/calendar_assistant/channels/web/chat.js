"use strict";
const log = document.getElementById("log");
const form = document.getElementById("form");
const input = document.getElementById("text");

// Who is signed in and the CSRF token every POST carries (the session cookie itself is
// HttpOnly). No session: the sign-in page.
const session = fetch("/auth/session", {credentials: "same-origin"})
  .then((response) => response.json())
  .then((data) => {
    if (!data.user) { location.replace("/signin"); return null; }
    document.getElementById("who").textContent = data.user.name || "";
    return data;
  });

async function post(url, body) {
  const data = await session;
  if (!data) throw new Error("not signed in");
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": data.csrf},
    body: JSON.stringify(body || {})
  });
  if (response.status === 401) location.replace("/signin");
  return response;
}

function show(text, who, buttons) {
  const div = document.createElement("div");
  div.className = "msg " + who;
  div.textContent = text;
  if (buttons && buttons.length) {
    for (const row of buttons) {
      const line = document.createElement("div");
      line.className = "buttons";
      for (const b of row) {
        const el = document.createElement("button");
        el.type = "button";
        el.textContent = b.label;
        el.addEventListener("click", () => { show(b.label, "user"); send({button: b.payload}); });
        line.appendChild(el);
      }
      div.appendChild(line);
    }
  }
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
}

// What went wrong, as the server said it ("busy, try again in a moment", 503), if it did.
async function problem(response) {
  try {
    const data = await response.json();
    if (typeof data.detail === "string") return data.detail;
  } catch (error) { /* not JSON */ }
  return "Error " + response.status;
}

async function send(body) {
  try {
    const response = await post("/api/chat", body);
    if (!response.ok) { show(await problem(response), "bot"); return; }
    const data = await response.json();
    for (const r of data.replies) show(r.text, "bot", r.buttons);
  } catch (error) {
    show("The server cannot be reached.", "bot");
  } finally {
    // A turn may have changed the calendar: the calendar view (calendar.js) refetches.
    document.dispatchEvent(new CustomEvent("assistant:turn"));
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  show(text, "user");
  send({text});
});

async function signOut(url) {
  try { await post(url); } finally { location.replace("/signin"); }
}
document.getElementById("signout").addEventListener("click", () => signOut("/auth/signout"));
document.getElementById("signout-all").addEventListener(
  "click", () => signOut("/auth/signout-everywhere"));

async function poll() {
  try {
    const response = await fetch("/api/chat/outbox", {credentials: "same-origin"});
    if (response.status === 401) { location.replace("/signin"); return; }
    if (response.ok) {
      const data = await response.json();
      for (const r of data.replies) show(r.text, "bot");
    }
  } catch (error) { /* the server may be restarting */ }
}
setInterval(poll, 5000);
