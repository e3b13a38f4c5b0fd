// The stage in the lesson room: the teacher shows an item of the plan, the student's view follows.
// One socket per page (/ws/lessons/<id>/stage/); the server keeps the stage, so a reload sees it again.
import "./stage.css";
import { renderItem, syncMedia } from "./render.js";

const MAX_DELAY_MS = 15000;

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? String(values[key]) : match));
}

function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

class Stage {
  constructor(root) {
    this.root = root;
    this.leader = root.dataset.leader === "true";
    this.view = root.querySelector("[data-stage-view]");
    this.status = root.querySelector("[data-stage-status]");
    this.strings = JSON.parse(document.getElementById("stage-strings").textContent);
    this.socket = null;
    this.delay = 1000;
    this.current = null; // the stage state last rendered
    this.media = null; // the <video>/<audio> on the stage
    this.toBoard = null; // {material, page}: the teacher's own click, to be put onto the board once confirmed
    this.open();
    this.bindWords();
    if (this.leader) this.bindLeader();
  }

  // The socket -------------------------------------------------------------------------------------
  open() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}${this.root.dataset.socket}`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.delay = 1000;
      this.setStatus("live");
    });
    socket.addEventListener("message", (event) => this.onMessage(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      this.root.dataset.live = "false";
      if (event.code === 4404 || event.code === 4410 || event.code === 4401) {
        this.setStatus("closed");
        return;
      }
      this.setStatus("reconnecting");
      setTimeout(() => this.open(), this.delay);
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    });
  }

  setStatus(key, text) {
    this.root.dataset.live = key === "live" ? "true" : "false";
    this.status.textContent = text || this.strings[key] || "";
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  onMessage(message) {
    if (message.type === "stage") this.show(message);
    else if (message.type === "media") this.followMedia(message);
    else if (message.type === "word") this.addWord(message.word);
    else if (message.type === "answers") this.showAnswers(message);
    else if (message.type === "reveal") this.root.querySelector("[data-reveal-note]").hidden = this.leader;
    else if (message.type === "error") this.status.textContent = message.message;
  }

  // A worksheet answered live: each question's answer as the student saves it, with its verdict so far.
  showAnswers(message) {
    const panel = this.root.querySelector("[data-live-answers]");
    if (!panel) return;
    panel.hidden = false;
    panel.querySelector("[data-live-title]").textContent = message.title;
    const list = panel.querySelector("[data-live-list]");
    list.replaceChildren(...message.rows.map((row) => {
      const line = document.createElement("li");
      line.className = `stage-live-${row.status}`;
      line.value = row.n;
      line.textContent = row.answer || "…";
      return line;
    }));
    const form = panel.querySelector("[data-reveal-form]");
    form.action = form.dataset.url.replace("/0/reveal/", `/${message.worksheet}/reveal/`);
    if (!form.dataset.bound) {
      form.dataset.bound = "true";
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      });
    }
    const score = panel.querySelector("[data-live-score]");
    score.textContent = message.submitted ? `${score.dataset.handedIn}: ${message.score} / ${message.max}` : "";
  }

  // Showing ----------------------------------------------------------------------------------------
  show(state) {
    const sameItem = this.current && state.item && this.current.item && this.current.item.id === state.item.id;
    this.current = state;
    if (!state.item) {
      this.media = null;
      this.view.dataset.state = "empty";
      this.view.dataset.item = "";
      this.view.replaceChildren(this.emptyNote());
      this.markShown(null);
      return;
    }
    if (!(sameItem && this.media && (state.item.kind === "audio" || state.item.kind === "video"))) {
      const { node, media } = renderItem(state, this.strings, this.leader);
      this.view.replaceChildren(node);
      this.media = media;
      if (media) this.bindMedia(media);
    }
    this.view.dataset.state = "shown";
    this.root.dataset.shownAt = String(Date.now()); // when this page drew it (tests measure the push by it)
    this.view.dataset.item = String(state.item.id);
    this.view.dataset.page = String(state.page || 1);
    if (this.media) syncMedia(this.media, state, this.strings, this.leader);
    this.markShown(state.item.id);
    this.putOnBoard(state);
  }

  emptyNote() {
    const note = document.createElement("p");
    note.className = "help";
    note.textContent = this.leader ? this.strings.emptyLeader : this.strings.empty;
    return note;
  }

  // The teacher's image or PDF page goes onto the board as well (the board syncs it to the student).
  putOnBoard(state) {
    const wanted = this.toBoard;
    if (!this.leader || !wanted || wanted.material !== state.item.id || wanted.page !== (state.page || 1)) return;
    this.toBoard = null;
    const item = state.item;
    let picture = null;
    if (item.kind === "image" && item.src) picture = { url: item.src, width: item.width, height: item.height };
    if (item.kind === "pdf" && item.pages) picture = item.pages[(state.page || 1) - 1];
    if (!picture) return;
    const name = item.kind === "pdf" ? `${item.title} · ${state.page}` : item.title;
    document.dispatchEvent(new CustomEvent("panda:board-add-image", {
      detail: { url: picture.url || picture.src, width: picture.width, height: picture.height, name },
    }));
  }

  // Rows of the plan and of the library's search results that show the material on the stage now.
  markShown(materialId) {
    document.querySelectorAll("[data-material]").forEach((row) => {
      row.toggleAttribute("data-on-stage", materialId !== null && row.dataset.material === String(materialId));
    });
  }

  // Audio and video: the teacher's player leads, the student's follows -------------------------------
  bindMedia(media) {
    if (!this.leader) return;
    const report = (state) => this.send({ action: "media", state, position: media.currentTime || 0 });
    media.addEventListener("play", () => report("play"));
    media.addEventListener("pause", () => { if (!media.ended) report("pause"); });
    media.addEventListener("ended", () => report("pause"));
    media.addEventListener("seeked", () => report("seek"));
  }

  followMedia(message) {
    if (!this.media || !this.current) return;
    this.current = { ...this.current, playing: message.playing, position: message.position };
    syncMedia(this.media, this.current, this.strings, this.leader);
  }

  // The teacher's panel ------------------------------------------------------------------------------
  bindLeader() {
    this.root.querySelector("[data-stage-clear]")?.addEventListener("click", () => this.send({ action: "clear" }));
    const panel = document.querySelector("[data-plan-panel]");
    if (!panel) return;
    panel.addEventListener("click", (event) => {
      const button = event.target.closest("[data-show-item]");
      if (!button) return;
      const row = button.closest("[data-plan-item]");
      const pageSelect = row.querySelector("[data-item-page]");
      this.showItem(Number(button.dataset.showItem), Number(row.dataset.material), pageSelect ? Number(pageSelect.value) : 1);
    });
    panel.addEventListener("change", (event) => {
      if (event.target.matches("[data-plan-switch]")) {
        panel.querySelectorAll("[data-plan-items]").forEach((list) => {
          list.hidden = list.dataset.planItems !== event.target.value;
        });
      } else if (event.target.matches("[data-item-page]")) {
        // Turning the page of the PDF on the stage shows that page at once.
        const row = event.target.closest("[data-plan-item]");
        if (row.hasAttribute("data-on-stage")) {
          this.showItem(Number(row.dataset.planItem), Number(row.dataset.material), Number(event.target.value));
        }
      }
    });
    const form = panel.querySelector("[data-plan-add]");
    if (form) this.bindAddForm(panel, form);
    const templateForm = panel.querySelector("[data-plan-template]");
    if (templateForm) this.bindTemplateForm(panel, templateForm);
    const search = panel.querySelector("[data-stage-search]");
    if (search) this.bindSearch(panel, search);
  }

  // The whole library, searched as the teacher types; any result is shown at once or kept in the plan.
  bindSearch(panel, box) {
    const input = box.querySelector("[data-stage-search-input]");
    const list = box.querySelector("[data-stage-search-results]");
    const status = box.querySelector("[data-stage-search-status]");
    let timer = null;
    let asked = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = input.value.trim();
        const mine = ++asked;
        if (!q) {
          list.replaceChildren();
          status.textContent = "";
          return;
        }
        try {
          const response = await fetch(`${box.dataset.url}?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
          const body = await response.json();
          if (mine !== asked) return; // a newer search is on its way
          list.replaceChildren(...body.results.map((result) => this.searchRow(panel, box, result)));
          status.textContent = body.results.length ? "" : this.strings.noResults;
        } catch (failure) {
          status.textContent = this.strings.failed;
        }
      }, 250);
    });
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  }

  searchRow(panel, box, result) {
    const row = document.createElement("li");
    row.dataset.material = String(result.id);
    row.dataset.searchResult = "";
    const label = document.createElement("span");
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = result.kindLabel;
    label.append(badge, ` ${result.title}`);
    if (result.where) {
      const where = document.createElement("span");
      where.className = "help";
      where.textContent = ` · ${result.where}`;
      label.append(where);
    }
    const show = document.createElement("button");
    show.type = "button";
    show.className = "button button-small";
    show.textContent = this.strings.show;
    show.setAttribute("aria-label", `${this.strings.show}: ${result.title}`);
    show.addEventListener("click", () => this.showMaterial(result.id, 1));
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "button button-secondary button-small";
    keep.textContent = this.strings.addToPlan;
    keep.setAttribute("aria-label", `${this.strings.addToPlan}: ${result.title}`);
    keep.addEventListener("click", async () => {
      const token = panel.querySelector("input[name=csrfmiddlewaretoken]");
      const response = await fetch(box.dataset.addUrl.replace(/\/0\/plan\/$/, `/${result.id}/plan/`), {
        method: "POST", headers: { "X-CSRFToken": token ? token.value : "" }, credentials: "same-origin",
      });
      if (response.status !== 201) {
        box.querySelector("[data-stage-search-status]").textContent = this.strings.failed;
        return;
      }
      this.addToPanel(panel, await response.json());
      keep.disabled = true;
      box.querySelector("[data-stage-search-status]").textContent = format(this.strings.addedToPlan,
        { title: result.title });
    });
    const actions = document.createElement("span");
    actions.append(show, keep);
    row.append(label, actions);
    return row;
  }

  // A template copied into the lesson mid-lesson becomes one more plan, shown at once.
  bindTemplateForm(panel, form) {
    const error = form.querySelector("[data-plan-template-error]");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.post(form, new FormData(form), error, (body) => {
        panel.querySelector("[data-plan-items='']")?.remove();
        panel.querySelector("[data-plan-none]")?.remove();
        const lists = panel.querySelectorAll("[data-plan-items]");
        (lists.length ? lists[lists.length - 1] : panel.querySelector("[data-plan-switch-box]"))
          .insertAdjacentHTML("afterend", body.html);
        const select = panel.querySelector("[data-plan-switch]");
        select.append(new Option(body.title, String(body.plan)));
        select.value = String(body.plan);
        select.dispatchEvent(new Event("change", { bubbles: true }));
        panel.querySelector("[data-plan-switch-box]").hidden = select.options.length < 2;
      });
    });
  }

  // Posts a form of the room; a 201's JSON goes to `created`, anything else shows the reasons under the form.
  async post(form, data, error, created) {
    error.hidden = true;
    try {
      const response = await fetch(form.action, {
        method: "POST", body: data, headers: { "X-CSRFToken": csrfToken(form) }, credentials: "same-origin",
      });
      const body = await response.json().catch(() => ({}));
      if (response.status === 201) {
        created(body);
        return;
      }
      error.textContent = Object.values(body.errors || {}).flat().join(" ") || this.strings.failed;
    } catch (failure) {
      error.textContent = this.strings.failed;
    }
    error.hidden = false;
  }

  showItem(item, material, page) {
    this.root.dataset.sentAt = String(Date.now());
    this.toBoard = { material, page };
    this.send({ action: "show", item, page });
  }

  // A material of the library (found by the search), not necessarily in the plan.
  showMaterial(material, page = 1) {
    this.root.dataset.sentAt = String(Date.now());
    this.toBoard = { material, page };
    this.send({ action: "show", material, page });
  }

  bindAddForm(panel, form) {
    const kind = form.querySelector("select[name=kind]");
    const accept = JSON.parse(document.getElementById("plan-accept").textContent);
    const fileInput = form.querySelector("input[type=file]");
    const fitKind = () => {
      form.querySelectorAll("[data-for-kinds]").forEach((box) => {
        box.hidden = !box.dataset.forKinds.split(" ").includes(kind.value);
      });
      if (fileInput) fileInput.accept = accept[kind.value] || "";
    };
    kind.addEventListener("change", fitKind);
    fitKind();
    const error = form.querySelector("[data-plan-add-error]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      if (button.getAttribute("aria-busy") === "true") return;
      const label = button.textContent;
      button.setAttribute("aria-busy", "true");
      button.textContent = button.dataset.busyLabel;
      const data = new FormData(form);
      const visible = panel.querySelector("[data-plan-items]:not([hidden])");
      if (visible && visible.dataset.planItems) data.append("plan", visible.dataset.planItems);
      await this.post(form, data, error, (body) => {
        this.addToPanel(panel, body);
        form.reset();
        fitKind();
        this.showMaterial(body.item.id, 1);
      });
      button.removeAttribute("aria-busy");
      button.textContent = label;
    });
  }

  addToPanel(panel, body) {
    const list = panel.querySelector(`[data-plan-items="${body.plan}"]`) || panel.querySelector("[data-plan-items='']");
    if (!list) return;
    if (!list.dataset.planItems) {
      // The lesson's first plan, made by this upload: the switcher learns it too.
      list.dataset.planItems = String(body.plan);
      panel.querySelector("[data-plan-switch]")?.append(new Option(list.getAttribute("aria-label"), String(body.plan)));
    }
    list.hidden = false;
    panel.querySelector("[data-plan-none]")?.remove();
    list.insertAdjacentHTML("beforeend", body.html);
  }

  // Words ------------------------------------------------------------------------------------------------
  bindWords() {
    const form = this.root.querySelector("[data-word-form]");
    if (!form) return;
    const error = form.querySelector("[data-word-error]");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.post(form, new FormData(form), error, (body) => {
        this.addWord(body.word);
        form.reset();
        form.querySelector("input")?.focus();
        this.status.textContent = format(this.strings.wordAdded, { word: body.word.word });
      });
    });
  }

  addWord(word) {
    const list = this.root.querySelector("[data-word-list]");
    if (!list || list.querySelector(`[data-word-id="${word.id}"]`)) return;
    const line = document.createElement("li");
    line.dataset.wordId = String(word.id);
    const strong = document.createElement("strong");
    strong.textContent = word.word;
    line.append(strong);
    if (word.transcription) {  // IPA or pinyin, filled in by the dictionary as the word is added
      const transcription = document.createElement("span");
      transcription.className = "word-transcription";
      transcription.textContent = ` ${word.transcription}`;
      line.append(transcription);
    }
    line.append(` — ${word.translation}`);
    if (word.example) {
      const example = document.createElement("span");
      example.className = "word-example";
      example.textContent = word.example;
      line.append(example);
    }
    list.append(line);
    const count = this.root.querySelector("[data-word-count]");
    if (count) count.textContent = String(list.children.length);
  }
}

const root = document.querySelector("[data-stage]");
if (root) window.pandaStage = new Stage(root);
