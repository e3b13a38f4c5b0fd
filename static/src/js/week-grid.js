// The trial form's weekly grid by keyboard: one Tab stop for the whole grid, arrow keys (and Home/End)
// move between times, Space ticks (native); quick ranges tick whole groups ("weekday evenings").
const RANGES = {
  "weekday-evenings": (day, hour) => day < 5 && hour >= 18,
  "weekday-days": (day, hour) => day < 5 && hour < 18,
  weekends: (day) => day >= 5,
  none: () => false,
};

function cells(grid) {
  return [...grid.querySelectorAll("tbody tr")].map((row) => [...row.querySelectorAll("input[type=checkbox]")]);
}

function roving(grid) {
  const rows = cells(grid);
  const all = rows.flat();
  if (!all.length) return;
  const first = all.find((box) => box.checked) || all[0];
  for (const box of all) box.tabIndex = box === first ? 0 : -1;
  grid.addEventListener("keydown", (event) => {
    const r = rows.findIndex((row) => row.includes(event.target));
    if (r < 0) return;
    const c = rows[r].indexOf(event.target);
    const moves = {
      ArrowUp: [r - 1, c], ArrowDown: [r + 1, c], ArrowLeft: [r, c - 1], ArrowRight: [r, c + 1],
      Home: [r, 0], End: [r, rows[r].length - 1],
    };
    const to = moves[event.key];
    if (!to) return;
    event.preventDefault();
    const next = rows[Math.max(0, Math.min(rows.length - 1, to[0]))]?.[Math.max(0, Math.min(rows[r].length - 1, to[1]))];
    if (!next) return;
    event.target.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}

function ranges(grid, buttons) {
  buttons.hidden = false;
  buttons.addEventListener("click", (event) => {
    const test = RANGES[event.target.closest("[data-range]")?.dataset.range];
    if (!test) return;
    for (const box of grid.querySelectorAll("input[type=checkbox]")) {
      const [day, at] = box.value.split("-");
      const hit = test(Number(day), Number(at.slice(0, 2)));
      box.checked = event.target.dataset.range === "none" ? false : box.checked || hit;
    }
  });
}

export function enhanceWeekGrids() {
  for (const grid of document.querySelectorAll("[data-week-grid]")) {
    roving(grid);
    const buttons = grid.closest("fieldset")?.querySelector("[data-week-ranges]");
    if (buttons) ranges(grid, buttons);
  }
  // A form sent back with errors: its summary takes focus, so the first thing heard is what to fix.
  document.querySelector("[data-error-summary]")?.focus();
}
