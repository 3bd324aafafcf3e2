"use strict";
const log = document.getElementById("log");
const form = document.getElementById("form");
const input = document.getElementById("text");

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

async function send(body) {
  try {
    const response = await fetch("/api/chat", {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)
    });
    if (!response.ok) { show("Error " + response.status, "bot"); return; }
    const data = await response.json();
    for (const r of data.replies) show(r.text, "bot", r.buttons);
  } catch (error) {
    show("The server cannot be reached.", "bot");
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

async function poll() {
  try {
    const response = await fetch("/api/chat/outbox");
    if (response.ok) {
      const data = await response.json();
      for (const r of data.replies) show(r.text, "bot");
    }
  } catch (error) { /* the server may be restarting */ }
}
setInterval(poll, 5000);
