// The dictionary's pages: play a word (recording or server audio, else the browser's own speech), pick a
// transcription variant, record a pronunciation in the browser, and review with the keyboard (space, 1–4).
import "./dictionary.css";

const SPEECH_LANG = { en: "en-US", zh: "zh-CN" };

function speak(button) {
  if (!("speechSynthesis" in window)) return;
  const utterance = new SpeechSynthesisUtterance(button.dataset.speak);
  utterance.lang = SPEECH_LANG[button.dataset.speakLang] || button.dataset.speakLang;
  utterance.rate = 0.85;
  window.speechSynthesis.speak(utterance);
}

let playing = null;
function play(button) {
  if (playing) playing.pause();
  const sound = new Audio(button.dataset.play);
  playing = sound;
  sound.addEventListener("error", () => speak(button), { once: true });
  sound.play().catch(() => speak(button));
}

document.addEventListener("click", (event) => {
  const player = event.target.closest("[data-play]");
  if (player) {
    play(player);
    return;
  }
  const variant = event.target.closest("[data-pick-variant]");
  if (variant) {
    const input = document.getElementById(variant.dataset.target);
    input.value = variant.dataset.pickVariant;
    input.focus();
  }
});

// Review: the time from showing the card to rating it goes into the review log (FSRS's review_duration).
const review = document.querySelector("[data-review]");
if (review) {
  const answer = review.querySelector("[data-review-answer]");
  const ratings = review.querySelector(".review-ratings");
  const started = Date.now();
  ratings.addEventListener("submit", () => {
    ratings.querySelector("[data-duration]").value = String(Date.now() - started);
  });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select")) return;
    if (event.key === " " && !answer.open) {
      event.preventDefault();
      answer.open = true;
      answer.querySelector(".review-ratings button")?.focus();
    } else if (answer.open && ["1", "2", "3", "4"].includes(event.key)) {
      event.preventDefault();
      ratings.querySelector(`button[value="${event.key}"]`)?.click();
    }
  });
}

// Recording in the browser (MediaRecorder); the plain file field stays for browsers without it.
const recorder = document.querySelector("[data-recorder]");
if (recorder && navigator.mediaDevices && window.MediaRecorder) {
  const controls = recorder.querySelector("[data-recorder-controls]");
  const start = recorder.querySelector("[data-record-start]");
  const stop = recorder.querySelector("[data-record-stop]");
  const status = recorder.querySelector("[data-record-status]");
  controls.hidden = false;
  let media = null;
  let chunks = [];
  start.addEventListener("click", async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      media = new MediaRecorder(stream);
      chunks = [];
      media.addEventListener("dataavailable", (event) => chunks.push(event.data));
      media.addEventListener("stop", () => {
        stream.getTracks().forEach((track) => track.stop());
        const blob = new Blob(chunks, { type: media.mimeType || "audio/webm" });
        const data = new FormData(recorder);
        data.set("recording", blob, "recording.webm");
        fetch(recorder.action, { method: "POST", body: data, credentials: "same-origin" }).then((response) => {
          if (response.ok) window.location.assign(response.url);
          else status.textContent = recorder.dataset.failed || "×";
        });
      });
      media.start();
      start.disabled = true;
      stop.disabled = false;
      status.textContent = "●";
    } catch (error) {
      status.textContent = String(error.message || error);
    }
  });
  stop.addEventListener("click", () => {
    if (media && media.state === "recording") media.stop();
    stop.disabled = true;
    start.disabled = false;
  });
}
