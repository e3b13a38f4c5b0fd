// Panda's lesson whiteboard: Excalidraw (React) bound to a Yjs document that our server keeps and syncs
// (classroom/whiteboard). Document layout: classroom/whiteboard/schema.py (pages, control, elements, files).
//
// CONTRACT for other features (e.g. pushing a material's PDF page onto the board):
//   document.dispatchEvent(new CustomEvent("panda:board-add-image", {
//     detail: { url: "/same/site/path.png", width: 1240, height: 1754, name: "Unit 3, page 2" },
//   }));
// inserts that image onto the current page as an Excalidraw image element, on the leader's (teacher's)
// live board only (elsewhere it is ignored). `url` must be a same-site path ("/..."), readable by both
// participants; the document stores the URL, never the bytes. The element is scaled to fit the view.
import "./asset-path.js"; // first: Excalidraw reads the asset path as it loads
import {
  CaptureUpdateAction,
  convertToExcalidrawElements,
  Excalidraw,
  exportToBlob,
  exportToCanvas,
  reconcileElements,
} from "@excalidraw/excalidraw";
import "@excalidraw/excalidraw/index.css";
import { createElement as h } from "react";
import { createRoot } from "react-dom/client";
import * as Y from "yjs";

import { pdfFromJpegs } from "./pdf.js";
import { BoardSync } from "./sync.js";

const LOCAL = "panda-local"; // transaction origin of this browser's own changes
const FIRST_PAGE = "page-1";
const IMAGE_TYPES = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

const randomId = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36).slice(-4);
const sameSite = (url) => typeof url === "string" && url.startsWith("/") && !url.startsWith("//");
const pageOf = (element) => element?.customData?.page;

function cookie(name) {
  const found = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

function download(blob, filename) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

class Board {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.s = config.strings;
    this.leader = config.leader;
    this.live = config.live;
    this.page = FIRST_PAGE;
    this.synced = new Map(); // element id -> version last written to or read from the doc
    this.knownFiles = new Set();
    this.uploading = new Set();
    this.lastViewport = "";
    this.status = root.querySelector("[data-board-status]");
    this.pageSelect = root.querySelector("[data-board-page]");
    this.canvasHost = root.querySelector("[data-board-canvas]");
    this.reactRoot = createRoot(this.canvasHost);
    // Excalidraw re-creates its buttons (e.g. its phone layout once the room narrows the board):
    // name them again whenever its DOM changes, not only at one moment.
    new MutationObserver(() => this.labelControls()).observe(this.canvasHost, { childList: true, characterData: true, subtree: true });
    this.apiReady = new Promise((resolve) => (this.resolveApi = resolve));
    this.wireToolbar();
    this.render();
    window.pandaBoard = this; // for the browser tests and debugging
  }

  // ----- the document -----
  startDoc() {
    const doc = new Y.Doc();
    this.doc = doc;
    this.yPages = doc.getArray("pages");
    this.yControl = doc.getMap("control");
    this.yElements = doc.getMap("elements");
    this.yFiles = doc.getMap("files");
    this.synced = new Map();
    this.yElements.observe((event, transaction) => {
      if (transaction.origin === LOCAL) return;
      this.remoteChanged(event.keysChanged);
    });
    this.yFiles.observe(() => this.loadFiles());
    this.yPages.observe(() => this.refreshPages());
    this.yControl.observe((event, transaction) => {
      if (transaction.origin !== LOCAL) this.applyControl();
    });
  }

  async startLive() {
    this.startDoc();
    await this.apiReady;
    this.sync = new BoardSync(this.config.socket, this.doc, {
      onStatus: (state) => this.setStatus(state),
      onSynced: () => this.afterSync(),
      onRefused: () => this.refused(),
    });
  }

  async startReadOnly() {
    this.startDoc();
    await this.apiReady;
    const response = await fetch(this.config.state, { credentials: "same-origin" });
    Y.applyUpdate(this.doc, new Uint8Array(await response.arrayBuffer()));
    this.afterSync();
    this.root.dataset.boardState = "loaded";
  }

  afterSync() {
    if (this.leader && this.live && this.yPages.length === 0) {
      this.doc.transact(() => {
        this.yPages.push([FIRST_PAGE]);
        this.yControl.set("page", FIRST_PAGE);
      }, LOCAL);
    }
    this.refreshPages();
    this.loadFiles();
    const follow = !this.leader && this.yControl.get("follow");
    this.showPage(follow ? this.yControl.get("page") || this.pages()[0] : this.pages().includes(this.page) ? this.page : this.pages()[0]);
    this.applyControl();
  }

  refused() {
    // The server refused a change: start again from its document (the refused change is dropped here too).
    this.setStatus("refused");
    this.sync?.destroy();
    this.startLive().then(() => this.setStatus("refused"));
  }

  pages() {
    const pages = this.yPages.toArray();
    return pages.length ? pages : [FIRST_PAGE];
  }

  pageElements(page) {
    const found = [];
    this.yElements.forEach((element) => {
      if (pageOf(element) === page) found.push(element);
    });
    return found;
  }

  // ----- local -> document -----
  onChange(elements, appState, files) {
    if (!this.doc || this.applyingRemote) return;
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), 30);
    if (this.live) this.uploadNewFiles(files);
    if (this.live && this.leader && this.yControl.get("follow")) {
      const viewport = { scrollX: Math.round(appState.scrollX), scrollY: Math.round(appState.scrollY), zoom: appState.zoom.value };
      const key = JSON.stringify(viewport);
      if (key !== this.lastViewport) {
        this.lastViewport = key;
        clearTimeout(this.viewportTimer);
        this.viewportTimer = setTimeout(() => this.doc.transact(() => this.yControl.set("viewport", viewport), LOCAL), 60);
      }
    }
  }

  flush() {
    this.flushTimer = null;
    if (!this.api || !this.doc) return;
    const elements = this.api.getSceneElementsIncludingDeleted();
    this.root.dataset.boardElements = String(elements.filter((element) => !element.isDeleted).length);
    if (!this.live || (this.locked() && !this.leader)) return;
    this.doc.transact(() => {
      for (const element of elements) {
        if (this.synced.get(element.id) === element.version) continue;
        const stored = this.yElements.get(element.id);
        if (stored && stored.version >= element.version) {
          this.synced.set(element.id, stored.version);
          continue;
        }
        if (!stored && element.isDeleted) continue; // drawn and deleted before it was ever shared
        const customData = { ...(element.customData || {}), page: this.page };
        this.yElements.set(element.id, JSON.parse(JSON.stringify({ ...element, customData })));
        this.synced.set(element.id, element.version);
      }
    }, LOCAL);
  }

  async uploadNewFiles(files) {
    for (const [id, file] of Object.entries(files || {})) {
      if (this.yFiles.has(id) || this.uploading.has(id) || !file.dataURL?.startsWith("data:")) continue;
      this.uploading.add(id);
      try {
        const blob = await (await fetch(file.dataURL)).blob();
        const form = new FormData();
        form.append("file", blob, `image.${(file.mimeType || "image/png").split("/")[1]}`);
        const response = await fetch(this.config.upload, {
          method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": cookie("csrftoken") || this.root.dataset.csrf },
        });
        const answer = await response.json();
        if (!response.ok) throw new Error(answer.error || this.s.upload_failed);
        this.doc.transact(() => this.yFiles.set(id, { url: answer.url, mimeType: answer.mimeType }), LOCAL);
        this.knownFiles.add(id);
      } catch (error) {
        this.setStatus("message", error.message || this.s.upload_failed);
      } finally {
        this.uploading.delete(id);
      }
    }
  }

  // ----- document -> local -----
  remoteChanged(keys) {
    this.pendingKeys = this.pendingKeys || new Set();
    for (const key of keys) this.pendingKeys.add(key);
    if (this.remoteFrame) return;
    this.remoteFrame = requestAnimationFrame(() => {
      this.remoteFrame = null;
      const pending = this.pendingKeys;
      this.pendingKeys = new Set();
      if (!this.api) return;
      const remote = [];
      const removed = new Set();
      for (const key of pending) {
        const element = this.yElements.get(key);
        if (element === undefined) removed.add(key);
        else if (pageOf(element) === this.page) remote.push(element);
        else removed.add(key); // moved to another page
      }
      const local = this.api.getSceneElementsIncludingDeleted().filter((element) => !removed.has(element.id) || !this.synced.has(element.id));
      for (const key of removed) this.synced.delete(key);
      const merged = reconcileElements(local, remote, this.api.getAppState());
      for (const element of remote) this.synced.set(element.id, element.version);
      this.replaceScene(merged);
    });
  }

  replaceScene(elements) {
    this.applyingRemote = true;
    try {
      this.api.updateScene({ elements, captureUpdate: CaptureUpdateAction.NEVER });
    } finally {
      this.applyingRemote = false;
    }
    this.root.dataset.boardElements = String(elements.filter((element) => !element.isDeleted).length);
  }

  loadFiles() {
    if (!this.api) return;
    const fresh = [];
    this.yFiles.forEach((file, id) => {
      if (this.knownFiles.has(id) && !this.uploading.has(id)) return;
      if (!sameSite(file.url)) return;
      this.knownFiles.add(id);
      fresh.push({ id, dataURL: file.url, mimeType: file.mimeType, created: Date.now() });
    });
    if (fresh.length) this.api.addFiles(fresh);
  }

  showPage(page) {
    if (!this.api) return;
    this.page = page;
    const elements = this.pageElements(page);
    this.synced = new Map(elements.map((element) => [element.id, element.version]));
    this.replaceScene(elements);
    this.api.history.clear();
    if (!this.live && elements.length) this.api.scrollToContent(elements, { fitToContent: true });
    this.root.dataset.boardPage = page;
    if (this.pageSelect) this.pageSelect.value = page;
  }

  refreshPages() {
    if (!this.pageSelect) return;
    const pages = this.pages();
    this.pageSelect.replaceChildren(
      ...pages.map((page, index) => new Option(`${this.s.page} ${index + 1}`, page, false, page === this.page)),
    );
    this.root.dataset.boardPages = String(pages.length);
  }

  locked() {
    return Boolean(this.yControl?.get("lock"));
  }

  applyControl() {
    if (!this.api) return;
    const follow = Boolean(this.yControl.get("follow"));
    const lock = this.locked();
    this.root.querySelector("[data-board-follow]")?.setAttribute("aria-pressed", String(follow));
    this.root.querySelector("[data-board-lock]")?.setAttribute("aria-pressed", String(lock));
    this.root.dataset.boardLocked = String(lock);
    this.root.dataset.boardFollow = String(follow);
    if (!this.leader) {
      if (this.pageSelect) this.pageSelect.disabled = follow;
      if (follow) {
        const page = this.yControl.get("page");
        if (page && page !== this.page) this.showPage(page);
        const viewport = this.yControl.get("viewport");
        if (viewport) {
          this.api.updateScene({
            appState: { scrollX: viewport.scrollX, scrollY: viewport.scrollY, zoom: { value: viewport.zoom } },
            captureUpdate: CaptureUpdateAction.NEVER,
          });
        }
      }
      const note = follow ? this.s.following : "";
      this.setStatus("message", lock ? this.s.locked : note, true);
      this.render();
    }
  }

  // ----- the leader's controls -----
  setControl(key, value) {
    this.doc.transact(() => this.yControl.set(key, value), LOCAL);
    this.applyControl();
  }

  goToPage(page) {
    if (this.leader && this.live) this.setControl("page", page);
    if (this.leader && this.live && this.yControl.get("follow")) this.lastViewport = "";
    this.flush();
    this.showPage(page);
  }

  addPage() {
    const page = `page-${randomId()}`;
    this.doc.transact(() => this.yPages.push([page]), LOCAL);
    this.goToPage(page);
  }

  clearPage() {
    if (!window.confirm(this.s.clear_confirm)) return;
    const page = this.page;
    this.doc.transact(() => {
      for (const element of this.pageElements(page)) this.yElements.delete(element.id);
    }, LOCAL);
    this.showPage(page);
  }

  async reopen(stateUrl) {
    const response = await fetch(stateUrl, { credentials: "same-origin" });
    const earlier = new Y.Doc();
    Y.applyUpdate(earlier, new Uint8Array(await response.arrayBuffer()));
    const suffix = randomId().slice(0, 5);
    const rename = (id) => (id ? `${id}-${suffix}` : id);
    const pageMap = new Map();
    const earlierPages = earlier.getArray("pages").toArray();
    let first = null;
    this.doc.transact(() => {
      for (const page of earlierPages.length ? earlierPages : [FIRST_PAGE]) {
        const fresh = `page-${randomId()}`;
        pageMap.set(page, fresh);
        this.yPages.push([fresh]);
        first = first || fresh;
      }
      earlier.getMap("files").forEach((file, id) => {
        if (!this.yFiles.has(id) && sameSite(file.url)) this.yFiles.set(id, file);
      });
      earlier.getMap("elements").forEach((element) => {
        if (element.isDeleted || !pageMap.has(pageOf(element))) return;
        const copy = JSON.parse(JSON.stringify(element));
        copy.id = rename(copy.id);
        copy.customData = { ...(copy.customData || {}), page: pageMap.get(pageOf(element)) };
        if (copy.containerId) copy.containerId = rename(copy.containerId);
        if (copy.frameId) copy.frameId = rename(copy.frameId);
        if (copy.boundElements) copy.boundElements = copy.boundElements.map((bound) => ({ ...bound, id: rename(bound.id) }));
        for (const end of ["startBinding", "endBinding"]) {
          if (copy[end]?.elementId) copy[end] = { ...copy[end], elementId: rename(copy[end].elementId) };
        }
        this.yElements.set(copy.id, copy);
      });
    }, LOCAL);
    this.loadFiles();
    if (first) this.goToPage(first);
    this.setStatus("message", this.s.reopen_done);
  }

  addImage(detail) {
    if (!this.leader || !this.live || !this.api || !detail || !sameSite(detail.url)) return;
    const extension = (detail.url.split("?")[0].split(".").pop() || "").toLowerCase();
    const mimeType = IMAGE_TYPES[extension] || "image/png";
    const fileId = `url-${randomId()}`;
    this.doc.transact(() => this.yFiles.set(fileId, { url: detail.url, mimeType }), LOCAL);
    this.knownFiles.add(fileId);
    this.api.addFiles([{ id: fileId, dataURL: detail.url, mimeType, created: Date.now() }]);
    const state = this.api.getAppState();
    const zoom = state.zoom.value;
    const viewWidth = state.width / zoom;
    const viewHeight = state.height / zoom;
    const width0 = Number(detail.width) || 800;
    const height0 = Number(detail.height) || 600;
    const scale = Math.min(1, (viewWidth * 0.8) / width0, (viewHeight * 0.8) / height0);
    const width = width0 * scale;
    const height = height0 * scale;
    const [element] = convertToExcalidrawElements([
      {
        type: "image", fileId, width, height,
        x: -state.scrollX + (viewWidth - width) / 2, y: -state.scrollY + (viewHeight - height) / 2,
        customData: { page: this.page, name: String(detail.name || "").slice(0, 200) },
      },
    ]);
    element.status = "saved";
    this.api.updateScene({
      elements: [...this.api.getSceneElementsIncludingDeleted(), element],
      captureUpdate: CaptureUpdateAction.IMMEDIATELY,
    });
    this.flush();
  }

  // ----- export -----
  exportFiles() {
    const files = {};
    this.yFiles.forEach((file, id) => {
      if (sameSite(file.url)) files[id] = { id, dataURL: file.url, mimeType: file.mimeType, created: 0 };
    });
    return files;
  }

  visibleElements(page) {
    return this.pageElements(page).filter((element) => !element.isDeleted);
  }

  async exportPng() {
    const elements = this.visibleElements(this.page);
    const blob = await exportToBlob({
      elements, files: this.exportFiles(), mimeType: "image/png",
      appState: { exportBackground: true, viewBackgroundColor: "#ffffff" },
    });
    const number = this.pages().indexOf(this.page) + 1;
    download(blob, `board-${this.config.lesson}-page-${number}.png`);
  }

  async exportPdf() {
    const images = [];
    for (const page of this.pages()) {
      const elements = this.visibleElements(page);
      if (!elements.length) continue;
      const canvas = await exportToCanvas({
        elements, files: this.exportFiles(),
        appState: { exportBackground: true, viewBackgroundColor: "#ffffff" },
      });
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.92));
      images.push({ bytes: new Uint8Array(await blob.arrayBuffer()), width: canvas.width, height: canvas.height });
    }
    if (!images.length) {
      this.setStatus("message", this.s.empty);
      return;
    }
    download(pdfFromJpegs(images), `board-${this.config.lesson}.pdf`);
  }

  // ----- UI -----
  labelControls() {
    // Two of Excalidraw's own buttons lack a fitting accessible name (axe: button-name,
    // label-content-name-mismatch): the main menu's and the zoom reset's (which shows e.g. "100%").
    for (const menu of this.canvasHost.querySelectorAll(".main-menu-trigger:not([aria-label])")) {
      menu.setAttribute("aria-label", this.s.menu);
    }
    const zoom = this.canvasHost.querySelector(".reset-zoom-button");
    if (zoom) {
      const label = `${zoom.textContent.trim()} ${this.s.reset_zoom}`;
      if (zoom.getAttribute("aria-label") !== label) zoom.setAttribute("aria-label", label);
    }
  }

  setStatus(state, text, quiet) {
    if (state !== "message") this.root.dataset.boardState = state;
    const words = { connecting: this.s.connecting, connected: "", reconnecting: this.s.reconnecting, refused: this.s.refused };
    const message = state === "message" ? text : words[state];
    if (message === undefined || !this.status) return;
    if (quiet && this.root.dataset.boardState === "reconnecting") return;
    this.status.textContent = message;
    this.status.hidden = !message;
  }

  wireToolbar() {
    const on = (selector, handler, event = "click") => this.root.querySelector(selector)?.addEventListener(event, handler);
    on("[data-board-page]", () => this.goToPage(this.pageSelect.value), "change");
    on("[data-board-add-page]", () => this.addPage());
    on("[data-board-follow]", () => {
      this.lastViewport = "";
      this.setControl("follow", !this.yControl.get("follow"));
      if (this.yControl.get("follow")) this.setControl("page", this.page);
    });
    on("[data-board-lock]", () => this.setControl("lock", !this.locked()));
    on("[data-board-clear]", () => this.clearPage());
    on("[data-board-reopen]", () => {
      const select = this.root.querySelector("[data-board-earlier]");
      if (select?.value) this.reopen(select.value);
    });
    on("[data-board-png]", () => this.exportPng());
    on("[data-board-pdf]", () => this.exportPdf());
    if (this.live && this.leader) document.addEventListener("panda:board-add-image", (event) => this.addImage(event.detail));
  }

  render() {
    const viewMode = !this.live || (!this.leader && this.locked());
    this.reactRoot.render(
      h(Excalidraw, {
        excalidrawAPI: (api) => {
          if (this.api) return;
          this.api = api;
          this.resolveApi(api);
        },
        onChange: (elements, appState, files) => this.onChange(elements, appState, files),
        viewModeEnabled: viewMode,
        langCode: this.config.lang,
        UIOptions: { canvasActions: { loadScene: false, saveToActiveFile: false, export: false, saveAsImage: false } },
        initialData: { appState: { viewBackgroundColor: "#ffffff" } },
      }),
    );
  }
}

function start() {
  const root = document.querySelector("[data-board]");
  if (!root || root.dataset.boardStarted) return;
  root.dataset.boardStarted = "true";
  const config = JSON.parse(document.getElementById("board-config").textContent);
  window.EXCALIDRAW_ASSET_PATH = config.assets; // our own static fonts, never a CDN
  const board = new Board(root, config);
  if (config.live) board.startLive();
  else board.startReadOnly();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
