"use strict";
// Voice input: a microphone button beside "Send". The browser records (MediaRecorder,
// Opus), the recording goes to POST /api/chat/voice and is heard as a Telegram voice note
// is; the replies show as the chat's do. Uses chat.js's `session` and `show`.
(function () {
  const form = document.getElementById("form");
  const canRecord = window.MediaRecorder && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia;
  if (!form || !canRecord) return;

  // Formats the server reads (PyAV): Chromium records WebM, Firefox OGG, Safari MP4.
  const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
  const button = document.createElement("button");
  button.type = "button";
  button.id = "mic";
  button.textContent = "🎤";
  button.title = "Speak your request; press again to send";
  button.setAttribute("aria-label", "Record a voice message");
  button.setAttribute("aria-pressed", "false");
  button.hidden = true;
  form.insertBefore(button, form.querySelector("button[type=submit]"));

  let recorder = null;
  let limitTimer = null;
  let maxSeconds = 120;

  // Shown only when the server can listen (a transcription engine is configured).
  fetch("/api/chat/voice", {credentials: "same-origin"})
    .then((response) => (response.ok ? response.json() : null))
    .then((status) => {
      if (status && status.listening) {
        maxSeconds = status.max_seconds;
        button.hidden = false;
      }
    })
    .catch(() => {});

  function recording(on) {
    button.classList.toggle("recording", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "■" : "🎤";
    button.setAttribute("aria-label", on ? "Stop and send" : "Record a voice message");
  }

  async function upload(blob, type) {
    button.disabled = true;
    try {
      const data = await session;
      if (!data) return;
      const response = await fetch("/api/chat/voice", {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": type, "X-CSRF-Token": data.csrf},
        body: blob
      });
      if (response.status === 401) { location.replace("/signin"); return; }
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) { show(answer.detail || ("Error " + response.status), "bot"); return; }
      for (const r of answer.replies) show(r.text, "bot", r.buttons);
    } catch (error) {
      show("The server cannot be reached.", "bot");
    } finally {
      button.disabled = false;
      document.dispatchEvent(new CustomEvent("assistant:turn"));
    }
  }

  async function start() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({audio: true});
    } catch (error) {
      show("The microphone is not available: " + error.message, "bot");
      return;
    }
    const type = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    const options = {audioBitsPerSecond: 32000};
    if (type) options.mimeType = type;
    const chunks = [];
    recorder = new MediaRecorder(stream, options);
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data.size) chunks.push(event.data);
    });
    recorder.addEventListener("stop", () => {
      stream.getTracks().forEach((track) => track.stop());
      clearTimeout(limitTimer);
      recording(false);
      const kind = (recorder.mimeType || type || "audio/webm").split(";")[0];
      recorder = null;
      if (chunks.length) upload(new Blob(chunks, {type: kind}), kind);
    });
    recorder.start();
    recording(true);
    // The server refuses longer recordings: stop in time.
    limitTimer = setTimeout(() => { if (recorder) recorder.stop(); }, maxSeconds * 1000);
  }

  button.addEventListener("click", () => {
    if (recorder) recorder.stop();
    else start();
  });
})();
