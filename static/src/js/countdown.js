// The home's next lesson: "Starts in 2 hours" kept current, and the Join button shown the moment the
// room opens (15 minutes before the start), without reloading the page.
const UNITS = [
  [60, "minute", 1],
  [48 * 60, "hour", 60],
  [Infinity, "day", 24 * 60],
];

function leftText(minutes, language) {
  const format = new Intl.RelativeTimeFormat(language || undefined, { numeric: "auto" });
  const [, unit, size] = UNITS.find(([limit]) => Math.abs(minutes) < limit);
  return format.format(Math.round(minutes / size), unit);
}

function tick(element) {
  const now = Date.now();
  const starts = Date.parse(element.dataset.countdown);
  const card = element.closest("section") || document;
  if (now >= Date.parse(element.dataset.opens)) {
    const join = card.querySelector("[data-join]");
    if (join) join.hidden = false;
    card.querySelector("[data-join-later]")?.remove();
  }
  const left = element.querySelector("[data-countdown-left]");
  if (!left) return;
  if (now >= starts) element.textContent = element.dataset.startedLabel;
  else left.textContent = leftText(Math.ceil((starts - now) / 60000), document.documentElement.lang);
}

export function startCountdowns() {
  const elements = document.querySelectorAll("[data-countdown]");
  if (!elements.length) return;
  const all = () => elements.forEach(tick);
  all();
  window.setInterval(all, 30000);
}
