// Panda's small front-end: htmx for partial updates, plus a few progressive enhancements.
import htmx from "htmx.org";
import { connectBell } from "./bell.js";
import { startCountdowns } from "./countdown.js";
import { enhanceWeekGrids } from "./week-grid.js";

window.htmx = htmx;

// The language switcher submits on change (a button is shown without JavaScript).
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});

// Slow forms show progress and cannot be submitted twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-progress]")) return;
  const button = form.querySelector("[data-busy-label]");
  if (!button) return;
  if (button.getAttribute("aria-busy") === "true") {
    event.preventDefault();
    return;
  }
  button.setAttribute("aria-busy", "true");
  button.textContent = button.dataset.busyLabel;
});

// A lesson room that is not open yet lets the person in by itself when it opens (if within a day).
const closedRoom = document.querySelector("[data-room-closed][data-opens-in]");
if (closedRoom) {
  const seconds = Number(closedRoom.dataset.opensIn);
  if (seconds < 86400) setTimeout(() => window.location.reload(), (seconds + 1) * 1000);
}

const bell = document.querySelector("[data-bell]");
if (bell) connectBell(bell);

startCountdowns();
enhanceWeekGrids();

// The section menu on a phone: one button opens and closes it (CSS folds it only when this runs).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-nav-toggle]");
  if (!toggle) return;
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  toggle.closest(".side-nav").classList.toggle("is-open", open);
});
