// Worksheets in the browser: boxes placed on PDF pages, autosave, and drag / tap / keyboard placing.
// The page is a plain form that works on its own; this only adds to it. The answers' fields (inputs and
// selects) stay the single source of truth: dragging or tapping sets them, and they are what is saved.
import Sortable from "sortablejs";

import "./worksheets.css";
import { enableBoxDrawing } from "./draw.js";

const SAVE_DELAY_MS = 500;
const RETRY_MS = 5000;

function strings() {
  const node = document.querySelector("template[data-strings]");
  return node ? node.dataset : {};
}

// Boxes on a page: their place comes from data-box (fractions), set through the CSSOM (no inline styles).
function placeBoxes(root) {
  root.querySelectorAll("[data-box]").forEach((box) => {
    const [x, y, w, h] = box.dataset.box.split(",").map(Number);
    Object.assign(box.style, { left: `${x * 100}%`, top: `${y * 100}%`, width: `${w * 100}%`, height: `${h * 100}%` });
  });
}

// Autosave ---------------------------------------------------------------------------------------------------
class Autosave {
  constructor(form) {
    this.form = form;
    this.url = form.dataset.saveUrl;
    this.key = `panda.worksheet.${form.dataset.attempt}`;
    this.status = form.querySelector("[data-save-status]");
    this.text = strings();
    this.timer = null;
    this.busy = false;
    this.dirty = false;
    this.restoreUnsaved();
    form.addEventListener("input", () => this.changed());
    form.addEventListener("change", () => this.changed());
    form.addEventListener("worksheet:changed", () => this.changed());
    window.addEventListener("online", () => this.flush());
    form.addEventListener("submit", () => localStorage.removeItem(this.key));
  }

  fields() {
    return [...new FormData(this.form).entries()].filter(([name]) => name !== "csrfmiddlewaretoken");
  }

  changed() {
    this.dirty = true;
    // Kept on the device first: a lost connection or a closed tab loses nothing.
    try {
      localStorage.setItem(this.key, JSON.stringify(this.fields()));
    } catch (error) {
      // Private mode or a full storage: the server copy still follows.
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  say(message) {
    if (this.status && message) this.status.textContent = message;
  }

  async flush() {
    if (!this.dirty || this.busy) return;
    this.busy = true;
    this.dirty = false;
    this.say(this.text.saving);
    try {
      const response = await fetch(this.url, { method: "POST", body: new FormData(this.form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" } });
      if (response.status === 409) {
        this.say(this.text.closed);
        localStorage.removeItem(this.key);
      } else if (!response.ok) {
        throw new Error(String(response.status));
      } else {
        if (!this.dirty) localStorage.removeItem(this.key);
        this.say(this.text.saved);
      }
    } catch (error) {
      this.dirty = true;
      this.say(this.text.offline);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.flush(), RETRY_MS);
    } finally {
      this.busy = false;
    }
    if (this.dirty) this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  // Answers typed while the connection was gone come back after a reload, and are saved then.
  restoreUnsaved() {
    let saved;
    try {
      saved = JSON.parse(localStorage.getItem(this.key) || "null");
    } catch (error) {
      saved = null;
    }
    if (!Array.isArray(saved)) return;
    const values = new Map();
    saved.forEach(([name, value]) => values.set(name, [...(values.get(name) || []), value]));
    const ordered = new Set();
    values.forEach((list, name) => {
      const fields = this.form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
      fields.forEach((field) => {
        if (field.type === "checkbox" || field.type === "radio") field.checked = list.includes(field.value);
        else if (field.type === "hidden" && field.closest("[data-order]")) ordered.add(field.closest("[data-order]"));
        else field.value = list[0];
      });
      ordered.forEach((list_) => reorder(list_, values.get(name)));
    });
    this.dirty = true;
    this.flush();
  }
}

function reorder(list, ids) {
  if (!ids) return;
  const items = new Map([...list.querySelectorAll("[data-piece]")].map((li) => [li.querySelector("input").value, li]));
  ids.forEach((id) => items.has(id) && list.appendChild(items.get(id)));
}

// Put in order: drag (SortableJS, pointer events, touch included) or the ↑ ↓ buttons (keyboard).
function enableOrder(list) {
  const changed = () => list.dispatchEvent(new Event("worksheet:changed", { bubbles: true }));
  Sortable.create(list, { animation: 120, onEnd: changed, delay: 0 });
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move]");
    if (!button) return;
    const piece = button.closest("[data-piece]");
    const sibling = button.dataset.move === "up" ? piece.previousElementSibling : piece.nextElementSibling;
    if (!sibling) return;
    if (button.dataset.move === "up") list.insertBefore(piece, sibling);
    else list.insertBefore(sibling, piece);
    button.focus();
    changed();
  });
}

// Words into gaps (one word a gap) -----------------------------------------------------------------------------
// Each gap's <select> keeps its value; the slots and the bank are drawn from it. Tap a word, then a gap;
// Enter and Space do the same from the keyboard; or drag the word onto the gap (SortableJS, pointer events).
// A filled gap shows its word; tapping it (or Enter) sends the word back to the bank.
function enableWords(root) {
  const bank = root.querySelector("[data-bank]");
  const selects = [...root.querySelectorAll("select[data-slot]")];
  const chips = new Map([...bank.querySelectorAll("[data-chip]")].map((chip) => [chip.dataset.chip, chip]));
  const text = strings();
  let picked = null;
  const slots = selects.map((select) => {
    // Named by its gap and showing its word: what is seen and what is read stay the same.
    const slot = document.createElement("span");
    slot.className = "ws-slot";
    slot.setAttribute("role", "button");
    slot.tabIndex = 0;
    const name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = `${select.getAttribute("aria-label")}: `;
    const word = document.createElement("span");
    word.className = "ws-slot-word";
    slot.append(name, word);
    select.hidden = true;
    select.after(slot);
    return slot;
  });

  function render() {
    const used = new Set();
    selects.forEach((select, index) => {
      const chip = chips.get(select.value);
      if (!chip || used.has(select.value)) select.value = "";
      else used.add(select.value);
      slots[index].querySelector(".ws-slot-word").textContent = chip && select.value ? chip.textContent : "…";
      slots[index].classList.toggle("ws-slot-filled", Boolean(select.value));
    });
    chips.forEach((chip, id) => { chip.parentElement.hidden = used.has(id); });
  }

  function pick(id) {
    picked = picked === id ? null : id;
    chips.forEach((chip, chipId) => chip.setAttribute("aria-pressed", String(chipId === picked)));
    if (picked && text.pick) announce(root, text.pick);
  }

  function place(index, id) {
    selects.forEach((select) => { if (select.value === id) select.value = ""; });
    selects[index].value = id || "";
    pick(null);
    render();
    root.dispatchEvent(new Event("worksheet:changed", { bubbles: true }));
  }

  root.addEventListener("click", (event) => {
    const chip = event.target.closest("[data-chip]");
    const slot = event.target.closest(".ws-slot");
    if (slot) place(slots.indexOf(slot), picked || "");
    else if (chip) pick(chip.dataset.chip);
  });
  root.addEventListener("keydown", (event) => {
    const slot = event.target.closest(".ws-slot");
    if (slot && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      place(slots.indexOf(slot), picked || "");
    }
  });
  const group = `words-${Math.random()}`;
  Sortable.create(bank, { group: { name: group, pull: true, put: false }, sort: false, animation: 120 });
  slots.forEach((slot, index) => Sortable.create(slot, {
    group: { name: group, pull: false, put: true },
    onAdd(event) {
      const chip = event.item.querySelector("[data-chip]");
      bank.appendChild(event.item); // the bank keeps its words; the gap shows the word's text
      if (chip) place(index, chip.dataset.chip);
    },
  }));
  render();
}

function announce(root, message) {
  const form = root.closest("form");
  const status = form && form.querySelector("[data-save-status]");
  if (status) status.textContent = message;
}

function init() {
  placeBoxes(document);
  document.querySelectorAll("[data-order]").forEach(enableOrder);
  document.querySelectorAll("fieldset:not([disabled]) [data-words], form [data-words]").forEach((root) => {
    if (!root.closest("fieldset[disabled]")) enableWords(root);
  });
  const form = document.querySelector("form[data-save-url]");
  if (form) new Autosave(form);
  document.querySelectorAll("[data-draw-boxes]").forEach(enableBoxDrawing);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
