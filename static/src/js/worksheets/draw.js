// The builder: drag on a page to draw an answer box; the numbers go into the "Add a box" form, which the
// teacher can still adjust (or fill in by keyboard without drawing at all).
export function enableBoxDrawing(root) {
  const form = document.querySelector("[data-box-form]");
  if (!form) return;
  root.querySelectorAll(".ws-page").forEach((page) => {
    let start = null;
    let ghost = null;
    const point = (event) => {
      const rect = page.getBoundingClientRect();
      return { x: Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1),
        y: Math.min(Math.max((event.clientY - rect.top) / rect.height, 0), 1) };
    };
    page.addEventListener("pointerdown", (event) => {
      if (event.target.closest("a")) return;
      start = point(event);
      ghost = document.createElement("div");
      ghost.className = "ws-box ws-box-drawing";
      page.appendChild(ghost);
      page.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    page.addEventListener("pointermove", (event) => {
      if (!start) return;
      const now = point(event);
      Object.assign(ghost.style, { left: `${Math.min(start.x, now.x) * 100}%`, top: `${Math.min(start.y, now.y) * 100}%`,
        width: `${Math.abs(now.x - start.x) * 100}%`, height: `${Math.abs(now.y - start.y) * 100}%` });
    });
    page.addEventListener("pointerup", (event) => {
      if (!start) return;
      const end = point(event);
      const box = { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y), w: Math.abs(end.x - start.x), h: Math.abs(end.y - start.y) };
      start = null;
      if (box.w < 0.01 || box.h < 0.005) { ghost.remove(); return; }
      const set = (name, value) => { form.elements[name].value = (value * 100).toFixed(1); };
      form.elements.page.value = page.dataset.page;
      set("x", box.x); set("y", box.y); set("w", box.w); set("h", box.h);
      form.elements.type.focus();
      form.scrollIntoView({ block: "nearest" });
    });
  });
}
